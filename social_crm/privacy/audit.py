"""The privacy audit log: one Social Privacy Log row per retention run, export, erasure and consent change.

Rows are written with ``ignore_permissions`` (nobody may create, change or delete them by hand)
and hold no personal data beyond the document names they refer to.
"""

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from social_crm import permissions

SCHEDULER = "Scheduler"


def ensure_privacy_officer() -> None:
	"""Export, erasure and manual retention runs: Social CRM Manager or System Manager only
	(``permissions.ensure_privacy_officer``, which also holds during tests)."""
	permissions.ensure_privacy_officer(_("Only a Social CRM Manager or System Manager may do this"))


def current_actor() -> str:
	"""The user acting now, or "Scheduler" inside a scheduled job."""
	if frappe.flags.social_crm_actor:
		return frappe.flags.social_crm_actor
	return frappe.session.user if getattr(frappe.local, "session", None) else SCHEDULER


def write_log(
	event: str,
	summary: str = "",
	*,
	action: str = "",
	record_count: int = 0,
	policy: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	details: dict | None = None,
	status: str = "Success",
	started_at=None,
	performed_by: str | None = None,
) -> "frappe.Document":
	"""Insert one audit row and return it."""
	now = now_datetime()
	doc = frappe.get_doc(
		{
			"doctype": "Social Privacy Log",
			"event": event,
			"status": status,
			"action": action,
			"record_count": record_count,
			"policy": policy,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"started_at": started_at or now,
			"finished_at": None if status in ("Running", "Queued") else now,
			"performed_by": performed_by or current_actor(),
			"summary": summary,
			"details": json.dumps(details, indent=1, default=str, sort_keys=True) if details else None,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def finish_log(
	name: str, status: str, record_count: int, details: dict | None = None, summary: str | None = None
):
	"""Close a "Running" row of a retention run."""
	values = {"status": status, "record_count": record_count, "finished_at": now_datetime()}
	if details is not None:
		values["details"] = json.dumps(details, indent=1, default=str, sort_keys=True)
	if summary is not None:
		values["summary"] = summary
	frappe.db.set_value("Social Privacy Log", name, values, update_modified=True)
