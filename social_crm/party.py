"""Parties (Customer, Lead, Contact) as Social CRM sees them: validation and roll-ups."""

import frappe
from frappe import _

from social_crm.engine.identity.facts import PARTY_TYPES
from social_crm.engine.status import status_changes
from social_crm.insight import rollup

__all__ = ["PARTY_TYPES"]  # defined once, in the engine
# Mentions are moved in batches so that one profile with a huge history never holds
# a long transaction or a lock on many rows at once.
BACKFILL_BATCH_SIZE = 1000


def validate_party(party_type: str | None, party: str | None) -> None:
	"""Throw a clear, translated error unless (party_type, party) is empty or a valid party."""
	if not party_type and not party:
		return
	if party_type not in PARTY_TYPES:
		frappe.throw(
			_("Party Type must be one of {0}, not {1}").format(
				", ".join(_(p) for p in PARTY_TYPES), party_type
			),
			title=_("Invalid Party Type"),
		)
	if not party:
		frappe.throw(_("Please select the {0} to link").format(_(party_type)), title=_("Missing Party"))
	if not frappe.db.exists(party_type, party):
		frappe.throw(_("{0} {1} does not exist").format(_(party_type), party), frappe.LinkValidationError)


def get_party_title(party_type: str | None, party: str | None) -> str:
	if not party_type or not party:
		return ""
	title_field = {"Customer": "customer_name", "Lead": "lead_name", "Contact": "full_name"}[party_type]
	return frappe.db.get_value(party_type, party, title_field) or party


def get_customer_of(party_type: str | None, party: str | None) -> str | None:
	"""The Customer a party rolls up to: itself, or the Customer a Contact is linked to."""
	if not party:
		return None
	if party_type == "Customer":
		return party
	if party_type == "Contact":
		return frappe.db.get_value(
			"Dynamic Link",
			{"parenttype": "Contact", "parent": party, "link_doctype": "Customer"},
			"link_name",
			order_by="idx asc",
		)
	return None


def set_party_on_mentions(
	profile: str, party_type: str | None, party: str | None, customer: str | None, on_batch=None
) -> int:
	"""Copy a profile's party onto all its mentions, in batches. Returns how many rows changed.

	``on_batch`` is called after each batch (a job passes a commit to keep transactions short).

	Mentions that were New become Linked when a party is set; Linked ones go back to
	New when it is cleared. Other statuses (worked by people) are kept.
	"""
	in_review = frappe.db.get_value("Social Profile", profile, "match_status") == "Needs Review"
	return update_mentions({"author": profile}, party_type, party, customer, in_review, on_batch)


def update_mentions(
	filters: dict,
	party_type: str | None,
	party: str | None,
	customer: str | None,
	in_review: bool = False,
	on_batch=None,
) -> int:
	"""Set the party on the mentions ``filters`` selects, in batches; statuses from ``engine/status.py``."""
	mention = frappe.qb.DocType("Mention")
	changes = status_changes(bool(party), in_review)
	changed, last_name = 0, ""
	while True:
		# keyset paging (over the author index for a profile): terminates whatever the rows contain
		names = frappe.get_all(
			"Mention",
			filters={**filters, "name": [">", last_name]},
			pluck="name",
			limit=BACKFILL_BATCH_SIZE,
			order_by="name asc",
		)
		if not names:
			return changed
		last_name = names[-1]
		parties_before = rollup.party_snapshot(names)
		(
			frappe.qb.update(mention)
			.set(mention.party_type, party_type or None)
			.set(mention.party, party or None)
			.set(mention.customer, customer or None)
			.where(mention.name.isin(names))
			.run()
		)
		for status_from, status_to in changes.items():
			(
				frappe.qb.update(mention)
				.set(mention.status, status_to)
				.where(mention.name.isin(names))
				.where(mention.status == status_from)
				.run()
			)
		rollup.party_changed(parties_before)
		changed += len(names)
		if on_batch:
			on_batch()
