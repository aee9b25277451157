"""Contact: its social events, timeline and Social connections (hooks.py names this module).

Profiles linked to a Contact roll up to the Contact's Customer: when the Contact changes its
Customer (or is renamed), their ``customer`` and their mentions' follow.
"""

import frappe

from social_crm.linking import keys
from social_crm.linking.jobs import move_mentions
from social_crm.overrides import party

get_timeline = party.get_timeline


def on_update(doc, method=None):
	customer = party.sync_keys(doc)
	refresh_rollup(doc.name, customer)


def on_trash(doc, method=None):
	party.on_trash(doc)


def before_rename(doc, method=None, old=None, new=None, merge=False):
	party.before_rename(doc, old)


def after_rename(doc, method=None, old=None, new=None, merge=False):
	party.after_rename(doc, old, new, merge)
	refresh_rollup(new, keys.desired_party_rows("Contact", new)[1])


def refresh_rollup(contact: str, customer: str | None) -> None:
	"""Keep the customer of the Contact's profiles (and their mentions) current."""
	customer = customer or None
	for profile in frappe.get_all(
		keys.PROFILE,
		filters={"party_type": "Contact", "party": contact},
		fields=["name", "customer"],
	):
		if (profile.customer or None) == customer:
			continue
		frappe.db.set_value(keys.PROFILE, profile.name, "customer", customer, update_modified=False)
		move_mentions(profile.name, "Contact", contact, customer)


def get_dashboard_data(data):
	return party.add_social_group(data, "Contact", "party")
