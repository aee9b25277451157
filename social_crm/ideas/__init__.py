"""Idea platform, Frappe layer: portal access, voting, similar ideas, workflow, notifications.

Decisions (validation, similarity, weights, vote merging) come from ``social_crm.engine.ideas``.
"""
