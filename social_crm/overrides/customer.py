"""Customer: its social events, timeline and Social connections (hooks.py names this module).

A Customer rolls up the social history of its Contacts through the denormalized ``customer``
field of Social Profile, Mention and the match keys; a Customer made from a Lead takes over
the Lead's social history.
"""

import frappe

from social_crm.linking import conversion, keys
from social_crm.overrides import party

get_timeline = party.get_timeline


def on_update(doc, method=None):
	party.sync_keys(doc)
	if doc.get("lead_name"):
		conversion.move_lead_history(doc.lead_name, doc.name)


def on_trash(doc, method=None):
	party.on_trash(doc)
	# Contacts of the Customer keep their own links but lose the roll-up
	frappe.db.set_value(keys.KEY_DOCTYPE, {"customer": doc.name}, "customer", None)
	frappe.db.set_value(keys.PROFILE, {"customer": doc.name}, "customer", None)
	party.clear_customer_on_mentions(doc.name)


def before_rename(doc, method=None, old=None, new=None, merge=False):
	party.before_rename(doc, old)


def after_rename(doc, method=None, old=None, new=None, merge=False):
	# the roll-up fields first: the shared step then recounts the per-party rollup of both names
	for table in (keys.PROFILE, "Mention"):
		frappe.db.sql(f"update `tab{table}` set customer = %s where customer = %s", (new, old))
	# the Lead -> Customer references in the key table are plain text
	frappe.db.set_value(keys.KEY_DOCTYPE, {"customer": old}, "customer", new)
	party.after_rename(doc, old, new, merge)


def get_dashboard_data(data):
	# Customers roll up their Contacts' social data through the customer field.
	return party.add_social_group(data, "Customer", "customer")
