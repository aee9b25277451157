"""Keep Mention.assigned_to in step with Frappe's assignments (ToDo / ``_assign``).

Assign To in the sidebar, Assignment Rules and ``frappe.desk.form.assign_to`` all work
through ToDo rows and ``_assign``. Frappe itself sets a doctype's ``assigned_to`` to the
newest assignee on add, but clears it when *any* assignment is removed, even if others
remain. Here the field is always the newest open assignee (the last user in ``_assign``):
ToDo updates and deletions recompute it, and removal through the sidebar is wrapped
(``override_whitelisted_methods``) to recompute after Frappe has cleared it.

The response-time rollup counts mentions per assignee: every change of the field here goes
with its delta (``response_rollup.snapshot`` / ``changed``). Frappe's own writes of the field
(``assign_to.add`` sets the assignee this module also sets; ``set_status`` clears it) bypass
it: the sidebar's removal is wrapped so that the delta is taken from before Frappe's clearing
to the recomputed assignee. Frappe's ``close`` / ``clear`` / ``remove_multiple`` (not
wrapped) leave the field cleared, and the rollup counts the recomputed assignee until
``rollup.rebuild`` (docs/insight.md).
"""

import frappe
from frappe.desk.form.assign_to import remove

from social_crm.insight import response_rollup

DEFERRED = "social_crm_assignee_deferred"  # frappe.flags: mentions whose sync waits for the wrapper


def sync_mention_assignee(doc, method=None):
	"""ToDo on_update / on_trash: recompute the assignee of the referenced Mention."""
	if doc.reference_type != "Mention" or not doc.reference_name:
		return
	if doc.reference_name in (frappe.flags.get(DEFERRED) or ()):
		return  # remove_assignment recomputes after Frappe's own write
	update_assignee(doc.reference_name, exclude=doc.name if method == "on_trash" else None)


def current_assignee(mention: str, exclude: str | None = None) -> str | None:
	"""Newest open assignee of the mention, from the same ToDo rows ``_assign`` is built from.

	Read from ToDo, not ``_assign``: when a ToDo is deleted, Frappe rebuilds ``_assign``
	while the row still exists, so ``_assign`` keeps the deleted user. ``exclude`` is that row.
	"""
	filters = {
		"reference_type": "Mention",
		"reference_name": mention,
		"status": ("not in", ("Cancelled", "Closed")),
		"allocated_to": ("is", "set"),
	}
	if exclude:
		filters["name"] = ("!=", exclude)
	users = frappe.get_all("ToDo", filters=filters, pluck="allocated_to", order_by="creation desc", limit=1)
	return users[0] if users else None


def update_assignee(mention: str, exclude: str | None = None, before: dict | None = None) -> str | None:
	"""Set the mention's assignee to :func:`current_assignee`; ``before`` is the response rollup's
	snapshot of the mention as last counted (default: as stored now)."""
	if not frappe.db.exists("Mention", mention):
		return None
	assignee = current_assignee(mention, exclude)
	before = response_rollup.snapshot([mention]) if before is None else before
	if frappe.db.get_value("Mention", mention, "assigned_to") != assignee:
		# no modified bump: an assignment is not an edit of the mention
		frappe.db.set_value("Mention", mention, "assigned_to", assignee, update_modified=False)
	response_rollup.changed(before)
	return assignee


@frappe.whitelist(methods=["POST"])
def remove_assignment(doctype: str, name: str, assign_to: str):
	"""``frappe.desk.form.assign_to.remove`` followed by the Mention assignee sync."""
	if doctype != "Mention":
		return remove(doctype, name, assign_to)
	before = response_rollup.snapshot([name])  # as counted, before Frappe clears the field
	deferred = frappe.flags.get(DEFERRED) or set()
	frappe.flags[DEFERRED] = deferred | {name}
	try:
		result = remove(doctype, name, assign_to)
	finally:
		frappe.flags[DEFERRED] = deferred
	update_assignee(name, before=before)
	return result
