"""Lead: its social events, timeline and Social connections (hooks.py names this module).

A Lead has no events of its own beyond the shared party steps; when it becomes a Customer,
the Customer's ``on_update`` moves its history (``overrides/customer.py``).
"""

from social_crm.overrides import party

get_timeline = party.get_timeline


def on_update(doc, method=None):
	party.sync_keys(doc)


def on_trash(doc, method=None):
	party.on_trash(doc)


def before_rename(doc, method=None, old=None, new=None, merge=False):
	party.before_rename(doc, old)


def after_rename(doc, method=None, old=None, new=None, merge=False):
	party.after_rename(doc, old, new, merge)


def get_dashboard_data(data):
	return party.add_social_group(data, "Lead", "party")
