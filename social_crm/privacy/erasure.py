"""Erasure of one data subject as a background job: batched, resumable, with progress and a report.

``request_erasure`` (the desk button, the API, the portal) records the request as a
"Queued" Social Privacy Log row and enqueues :func:`erasure_job` on the long queue with the
job id ``social_crm:erase:<doctype>:<name>`` (deduplicated, after the commit). The job
(:func:`run_erasure`) walks every store of the registry (``privacy.registry``) in order,
batch by batch (set-based SQL), and commits after each batch together with its position
(store and last name) and the counts so far on the log row. A worker that dies leaves the
row "Running" or "Interrupted"; requesting the erasure again continues the same row where it
stopped, and rows already erased are not found again, so the result is the same.

The report (counts per store, no personal data) is stored on the log row (``details``) and
sent to the requesting user when the job ends; progress is published while it runs.
"""

from __future__ import annotations

import json

import frappe
from frappe import _

from social_crm.engine.privacy.anonymize import is_anonymized
from social_crm.privacy import registry, suppression
from social_crm.privacy.audit import finish_log, write_log
from social_crm.privacy.subject import build_subject, validate_subject

QUEUE = "long"
TIMEOUT = 6 * 3600
BATCH_SIZE = 500
OPEN_STATUSES = ("Queued", "Running", "Interrupted")
DONE_EVENT = "social_crm_erasure_done"
# counted in the report but not records of the person
NOT_RECORDS = {"suppression_keys", "similar_ideas_cache_cleared"}


def job_id(doctype: str, name: str) -> str:
	return f"social_crm:erase:{doctype}:{name}"


def open_request(doctype: str, name: str) -> str:
	"""The subject's unfinished erasure log row (to continue), else a new "Queued" one."""
	validate_subject(doctype, name)
	existing = frappe.db.get_value(
		"Social Privacy Log",
		{
			"event": "Erasure",
			"reference_doctype": doctype,
			"reference_name": name,
			"status": ("in", OPEN_STATUSES),
		},
		"name",
	)
	if existing:
		return existing
	return write_log(
		"Erasure",
		_("Erasure of the social data of {0} {1} requested").format(_(doctype), name),
		action="Erase",
		reference_doctype=doctype,
		reference_name=name,
		status="Queued",
	).name


def request_erasure(doctype: str, name: str) -> dict:
	"""Record the request and queue the job (one per subject: a second request joins the first)."""
	log = open_request(doctype, name)
	frappe.enqueue(
		"social_crm.privacy.erasure.erasure_job",
		queue=QUEUE,
		timeout=TIMEOUT,
		job_id=job_id(doctype, name),
		deduplicate=True,
		enqueue_after_commit=True,
		log=log,
	)
	return {"queued": True, "log": log, "job_id": job_id(doctype, name)}


def erase(doctype: str, name: str) -> dict:
	"""Erase the subject's social data now, in this transaction (the job's path, without commits).

	Returns the report (counts per store) with the audit row's name under ``log``."""
	return run_erasure(open_request(doctype, name), commit=False)


def erasure_job(log: str) -> dict:
	"""Background job (long queue): run the erasure of the log row's subject, committing per batch."""
	return run_erasure(log, commit=True)


def run_erasure(log: str, commit: bool = False, batch_size: int | None = None) -> dict:
	"""Erase the subject of the Social Privacy Log row ``log`` and return the report.

	``commit=True`` (the job) commits every batch with its position; without it everything
	happens in the caller's transaction. A finished row just returns its report.
	"""
	row = frappe.db.get_value(
		"Social Privacy Log",
		log,
		["name", "status", "reference_doctype", "reference_name", "details"],
		as_dict=True,
	)
	if not row:
		frappe.throw(_("Erasure request {0} not found").format(log), frappe.DoesNotExistError)
	state = _state(row.details)
	report = state["report"]
	if row.status == "Success":
		return {**report, "log": log}
	frappe.db.set_value(
		"Social Privacy Log", log, {"status": "Running", "finished_at": None}, update_modified=False
	)
	_commit(commit)
	try:
		subject = build_subject(row.reference_doctype, row.reference_name, log=log)
		if not state.get("profile_keys"):
			# suppression keys of the profiles and handles first, while ids and handles are known
			_add(report, {"suppression_keys": _profile_keys(subject)})
			state["profile_keys"] = 1
			_save(log, state, commit)
		_erase_stores(subject, row, state, batch_size or BATCH_SIZE, commit)
	except Exception:
		if not commit:
			raise
		frappe.db.rollback()
		frappe.db.set_value("Social Privacy Log", log, "status", "Interrupted", update_modified=False)
		_commit(commit)
		frappe.log_error(
			title=_("Erasure {0} was interrupted").format(log),
			reference_doctype="Social Privacy Log",
			reference_name=log,
		)
		raise
	return _finish(row, report, commit)


def _erase_stores(subject, row, state: dict, batch_size: int, commit: bool) -> None:
	"""Every store of the registry in order from the saved position (``state``: stage, after),
	saving the position and the report after each batch and each store."""
	stores = registry.stores()
	report = state["report"]
	keys = [s.key for s in stores]
	start = keys.index(state["stage"]) if state.get("stage") in keys else 0
	for index, item in enumerate(stores):
		if index < start:
			continue
		for key in item.counts:
			report.setdefault(key, 0)
		if item.batched:
			after = (state.get("after") or "") if state.get("stage") == item.key else ""
			while names := item.find(subject, after, batch_size):
				_add(report, item.erase(subject, names) or {})
				after = names[-1]
				state.update(stage=item.key, after=after)
				_save(row.name, state, commit)
				_progress(index, len(stores), item.key, report, row)
		else:
			_add(report, item.sweep(subject) or {})
		following = stores[index + 1].key if index + 1 < len(stores) else "done"
		state.update(stage=following, after="")
		_save(row.name, state, commit)
		_progress(index + 1, len(stores), item.key, report, row)


def _finish(row, report: dict, commit: bool) -> dict:
	"""Close the log row with the report and tell the requesting user."""
	total = sum(v for k, v in report.items() if k not in NOT_RECORDS)
	finish_log(row.name, "Success", total, details={"report": report}, summary=summary(row, report))
	_commit(commit)
	frappe.publish_realtime(
		DONE_EVENT,
		{"log": row.name, "doctype": row.reference_doctype, "name": row.reference_name, "report": report},
		user=frappe.session.user,
		after_commit=not commit,
	)
	return {**report, "log": row.name}


def summary(row, report: dict) -> str:
	return _(
		"Erased the social data of {0} {1}: {2} mention(s) and {3} vote(s) deleted, {4} profile(s) and "
		"{5} idea(s) anonymized, {6} other record(s) removed or redacted (details: counts per store)"
	).format(
		_(row.reference_doctype),
		row.reference_name,
		report.get("mentions_deleted", 0),
		report.get("votes_deleted", 0),
		report.get("profiles_anonymized", 0),
		report.get("ideas_anonymized", 0),
		sum(
			v
			for k, v in report.items()
			if k
			not in NOT_RECORDS
			| {"mentions_deleted", "votes_deleted", "profiles_anonymized", "ideas_anonymized"}
		),
	)


def _profile_keys(subject) -> int:
	rows = frappe.get_all(
		"Social Profile",
		filters={"name": ("in", subject.profiles or [""])},
		fields=["name", "platform", "external_id", "handle"],
	)
	added = 0
	for profile in rows:
		if not is_anonymized(profile):
			added += suppression.add_keys(
				suppression.keys_for_profile(profile.platform, profile.external_id, profile.handle),
				profile.platform,
				subject.log,
			)
	return added


def _state(details: str | None) -> dict:
	try:
		state = json.loads(details or "{}")
	except ValueError:
		state = {}
	if not isinstance(state, dict):
		state = {}
	state.setdefault("report", {})
	return state


def _save(log: str, state: dict, commit: bool) -> None:
	frappe.db.set_value(
		"Social Privacy Log",
		log,
		"details",
		json.dumps(state, indent=1, sort_keys=True, default=str),
		update_modified=False,
	)
	_commit(commit)


def _add(report: dict, counts: dict) -> None:
	for key, value in counts.items():
		report[key] = report.get(key, 0) + int(value or 0)


def _progress(done: int, total: int, stage: str, report: dict, row) -> None:
	frappe.publish_progress(
		min(99, int(done * 100 / max(total, 1))),
		title=_("Erasing social data"),
		description=_("{0} {1}: {2} ({3} records so far)").format(
			_(row.reference_doctype),
			row.reference_name,
			stage,
			sum(v for k, v in report.items() if k not in NOT_RECORDS),
		),
	)


def _commit(commit: bool) -> None:
	if commit:
		frappe.db.commit()  # nosemgrep: the erasure job commits per batch so it resumes after a crash
