"""Scheduled data-protection jobs."""

import frappe

from social_crm.privacy.audit import SCHEDULER
from social_crm.privacy.consent import refresh_expired
from social_crm.privacy.erasure import OPEN_STATUSES, request_erasure
from social_crm.privacy.retention import run_policy


def apply_retention_policies(limit_per_policy: int | None = None) -> list[dict]:
	"""Daily (long queue): apply every enabled retention policy, batch by batch, each logged."""
	results = []
	for policy in frappe.get_all(
		"Social Retention Policy", filters={"enabled": 1}, pluck="name", order_by="name"
	):
		results.append(run_retention_policy(policy, actor=SCHEDULER, limit=limit_per_policy))
	return results


def run_retention_policy(policy: str, actor: str | None = None, limit: int | None = None) -> dict:
	"""Run one policy as a job (commits per batch); errors are logged and do not stop other policies."""
	frappe.flags.social_crm_actor = actor
	try:
		return run_policy(policy, commit=True, limit=limit)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(
			title=f"Retention policy {policy} could not run",
			reference_doctype="Social Retention Policy",
			reference_name=policy,
		)
		return {"policy": policy, "status": "Failed"}
	finally:
		frappe.flags.social_crm_actor = None


def refresh_expired_consents() -> int:
	"""Daily: profiles whose consent grant expired get their derived state refreshed."""
	return refresh_expired()


def resume_erasures() -> int:
	"""Hourly: queue every unfinished erasure again; a job still queued or running is not
	duplicated (deduplicated job id), a dead one continues where it stopped."""
	rows = frappe.get_all(
		"Social Privacy Log",
		filters={"event": "Erasure", "status": ("in", OPEN_STATUSES)},
		fields=["name", "reference_doctype", "reference_name"],
	)
	for row in rows:
		try:
			request_erasure(row.reference_doctype, row.reference_name)
		except frappe.DoesNotExistError:
			# the subject itself was deleted since: nothing is left to find by it
			frappe.db.set_value("Social Privacy Log", row.name, "status", "Failed", update_modified=False)
	return len(rows)
