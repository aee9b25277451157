"""Desk endpoint: "Create Issue" on a Mention."""

import frappe

from social_crm.support import issues


@frappe.whitelist(methods=["POST"])
def create_issue(mention: str) -> str:
	"""The Issue of the mention's conversation (created if needed)."""
	frappe.get_doc("Mention", mention).check_permission("write")
	frappe.has_permission("Issue", "create", throw=True)
	return issues.create_issue(mention)
