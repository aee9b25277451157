"""Contest endpoints: draw and verify (desk), enter (portal, logged-in website users)."""

import frappe
from frappe import _
from frappe.utils import cint

from social_crm.contests import contest as contests


@frappe.whitelist(methods=["POST"])
def draw(contest: str) -> list[str]:
	frappe.get_doc("Social Contest", contest).check_permission("write")
	return contests.draw(contest)


@frappe.whitelist()
def verify_draw(contest: str) -> bool:
	frappe.get_doc("Social Contest", contest).check_permission("read")
	return contests.verify_draw(contest)


@frappe.whitelist(methods=["POST"])
def enter(contest: str, accept_terms: int = 0) -> str:
	"""A website user's entry (their Contact / Customer, else their email)."""
	user = frappe.session.user
	if user == "Guest":
		frappe.throw(_("Please log in to enter the contest"), frappe.PermissionError)
	contact = frappe.db.get_value("Contact", {"user": user}) or frappe.db.get_value(
		"Contact", {"email_id": user}
	)
	return contests.add_entry(
		contest,
		via="Portal",
		party_type="Contact" if contact else None,
		party=contact,
		email=None if contact else user,
		accepted_terms=bool(cint(accept_terms)),
	)


@frappe.whitelist(methods=["POST"])
def collect_entries(contest: str) -> int:
	"""Entries from the stored posts with the contest's hashtag; returns how many are new."""
	frappe.get_doc("Social Contest", contest).check_permission("write")
	return contests.collect_post_entries(contest)
