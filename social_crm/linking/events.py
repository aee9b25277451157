"""doc_events (hooks.py) that keep lookup keys current and start matching.

- Social Profile: new or changed identity fields -> its keys are rewritten and its match job queued.
- Customer / Lead / Contact: on every save the party's keys are recomputed; keys that are new
  (a handle, an email, a website, a name) queue a re-match of the unlinked profiles that share
  them; a Contact that changes its Customer carries its profiles' roll-up along; a Customer made
  from a Lead takes over the Lead's social history.
- Rename / merge: keys follow the new name; profiles moved by a merge are marked "Merge".
"""

from __future__ import annotations

import frappe

from social_crm.insight import rollup
from social_crm.linking import conversion, keys
from social_crm.linking.jobs import enqueue_match, human_decision, move_mentions
from social_crm.party import get_party_title

PROFILE_MATCH_FIELDS = ("platform", "handle", "email", "website", "bio", "display_name", "profile_url")


# -- Social Profile -------------------------------------------------------------------------------


def profile_on_update(doc, method=None):
	before = doc.get_doc_before_save()
	changed = before is None or any(
		(before.get(field) or "") != (doc.get(field) or "") for field in (*PROFILE_MATCH_FIELDS, "anonymized")
	)
	if not changed:
		return
	keys.sync_profile(doc)
	if not human_decision(doc):
		enqueue_match(doc.name)


def profile_on_trash(doc, method=None):
	keys.delete_keys(keys.PROFILE, doc.name)


# -- Customer, Lead, Contact ----------------------------------------------------------------------


def party_on_update(doc, method=None):
	rows, customer = keys.desired_party_rows(doc.doctype, doc.name)
	if doc.doctype == "Contact":
		refresh_contact_rollup(doc.name, customer)
	# keys typed in by a user without the social roles wait for review before they link anyone
	added = keys.sync_keys(doc.doctype, doc.name, rows, customer, pending_review=keys.edit_needs_review())
	if added:
		for profile in keys.find_profiles_for_rows(added):
			enqueue_match(profile)
	if doc.doctype == "Customer" and doc.get("lead_name"):
		conversion.move_lead_history(doc.lead_name, doc.name)


def party_on_trash(doc, method=None):
	"""Runs before the profiles are unlinked (hooks order): they are matched again once the party is gone."""
	for profile in frappe.get_all(
		keys.PROFILE, filters={"party_type": doc.doctype, "party": doc.name}, pluck="name"
	):
		enqueue_match(profile)
	keys.delete_keys(doc.doctype, doc.name)
	if doc.doctype == "Customer":
		frappe.db.set_value(keys.KEY_DOCTYPE, {"customer": doc.name}, "customer", None)


def refresh_contact_rollup(contact: str, customer: str | None) -> None:
	"""Profiles linked to a Contact roll up to its Customer: keep their customer (and mentions) current."""
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


def party_before_rename(doc, method=None, old=None, new=None, merge=False):
	stash = frappe.flags.setdefault("social_crm_renaming", {})
	stash[(doc.doctype, old)] = frappe.get_all(
		keys.PROFILE, filters={"party_type": doc.doctype, "party": old}, pluck="name"
	)


def party_after_rename(doc, method=None, old=None, new=None, merge=False):
	"""Frappe already rewrote Social Profile/Mention party fields (Dynamic Links); finish the job."""
	doctype = doc.doctype
	moved = (frappe.flags.get("social_crm_renaming") or {}).pop((doctype, old), [])
	# Frappe renames Dynamic Links only for doctypes in its cached map of values in use, which raw
	# updates (our mention backfill) do not refresh: make sure, it is idempotent and indexed.
	for table, type_field, name_field in (
		("Social Profile", "party_type", "party"),
		("Social Profile", "previous_party_type", "previous_party"),
		("Mention", "party_type", "party"),
	):
		frappe.db.sql(
			f"update `tab{table}` set `{name_field}` = %s where `{type_field}` = %s and `{name_field}` = %s",
			(new, doctype, old),
		)
	if doctype == "Customer":
		for table in ("Social Profile", "Mention"):
			frappe.db.sql(f"update `tab{table}` set customer = %s where customer = %s", (new, old))
	# the per-party weekly rollup is keyed by the party's name: recount both names
	rollup.recount_parties([(doctype, old), (doctype, new)])
	keys.delete_keys(doctype, old)
	keys.sync_party(doctype, new)
	if doctype == "Customer":
		# the Lead -> Customer references in the key table are plain text
		frappe.db.set_value(keys.KEY_DOCTYPE, {"customer": old}, "customer", new)

	title = get_party_title(doctype, new)
	for profile in frappe.get_all(
		keys.PROFILE, filters={"party_type": doctype, "party": new}, fields=["name", "customer"]
	):
		values = {"party_name": title}
		if merge and profile.name in moved:
			# a merge is a person's decision: jobs leave these links alone
			values["link_method"] = "Merge"
		frappe.db.set_value(keys.PROFILE, profile.name, values, update_modified=False)
	if doctype == "Contact":
		refresh_contact_rollup(new, keys.desired_party_rows("Contact", new)[1])
