"""Insight over stored mentions: swing and spike alerts."""
