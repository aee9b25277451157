"""Contests and giveaways: entries from posts and the portal, a reproducible draw, ERPNext vouchers."""
