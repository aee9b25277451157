"""Polling: a frequent scheduler job enqueues one poll job per due source; the poll job reads
the source page by page, stores each page through the pipeline and only then its cursor.
"""

from __future__ import annotations

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from social_crm.engine.connectors import AuthError, ConnectorError, RateLimited, TransientError, get_connector
from social_crm.engine.text import clean_display
from social_crm.listening.pipeline import Ingestor, log_ingest_error
from social_crm.listening.sources import health_for, source_config

POLL_TIMEOUT = 30 * 60
MAX_ERROR_CHARS = 1_000
PAGE_SAVEPOINT = "social_crm_poll_page"


def poll_job_id(source: str) -> str:
	return f"social_crm:poll:{source}"


def schedule_polls() -> list[str]:
	"""Scheduler (every minute): enqueue a poll for each enabled source whose frequency is due."""
	now = now_datetime()
	queued = []
	for source in frappe.get_all(
		"Social Source",
		filters={"enabled": 1, "platform": ("!=", "Webhook")},
		fields=["name", "poll_frequency", "last_polled", "next_poll_after"],
	):
		if not is_due(source, now):
			continue
		frappe.enqueue(
			"social_crm.listening.jobs.poll_source",
			queue="long",
			timeout=POLL_TIMEOUT,
			job_id=poll_job_id(source.name),
			deduplicate=True,
			source=source.name,
		)
		queued.append(source.name)
	return queued


def is_due(source, now=None) -> bool:
	now = now or now_datetime()
	if source.next_poll_after and get_datetime(source.next_poll_after) > now:
		return False
	if not source.last_polled:
		return True
	minutes = max(int(source.poll_frequency or 0), 1)
	# a little slack so a job that ran a few seconds late does not skip a whole cycle
	return add_to_date(get_datetime(source.last_polled), minutes=minutes, seconds=-20) <= now


def poll_source(source: str, ingestor: Ingestor | None = None) -> dict:
	"""Poll one source: pages in, each saved and committed before its cursor is stored.

	Returns a summary dict (counts per outcome, pages, error). Connector failures are
	recorded on the source (last error, consecutive failures, health), never raised.
	"""
	doc = frappe.get_doc("Social Source", source)
	if not doc.enabled or doc.platform == "Webhook":
		return {"skipped": True}
	started = now_datetime()
	frappe.db.set_value("Social Source", source, "last_polled", started, update_modified=False)
	_commit()

	ingestor = ingestor or Ingestor(source=source, origin="Poll")
	counts = {"pages": 0, "rejected": 0}  # pages stored so far (kept when a later page fails)
	error = None
	connector = None
	try:
		connector = get_connector(source_config(doc))
		_store_pages(doc, connector, ingestor, counts)
	except Exception as exc:
		_rollback_page()
		error = exc
		_record_failure(source, ingestor, counts["pages"], counts["rejected"], exc)
	else:
		_record(source, ingestor, counts["pages"], counts["rejected"])
	if connector is not None:
		_save_health_note(source, connector)
	summary = ingestor.stats.as_dict()
	summary.update(
		{
			"pages": counts["pages"],
			"rejected_items": counts["rejected"],
			"error": str(error) if error else None,
		}
	)
	return summary


def _store_pages(doc, connector, ingestor: Ingestor, counts: dict) -> None:
	"""Ingest each page the connector fetches, log its rejected items, then move the cursor."""
	source = doc.name
	for page in connector.fetch(doc.cursor or None):
		ingestor.ingest(page.posts)
		for item in page.rejected:
			log_ingest_error(
				item.item,
				f"malformed {doc.platform} item: {item.reason}",
				source=source,
				origin="Poll",
				platform=doc.platform,
				payload_format="Platform",
				with_traceback=False,
			)
		counts["rejected"] += len(page.rejected)
		counts["pages"] += 1
		# The page is saved: only now may the cursor move past it.
		frappe.db.set_value("Social Source", source, "cursor", page.cursor, update_modified=False)
		_commit()


def _record_failure(source: str, ingestor: Ingestor, pages: int, rejected: int, exc: Exception) -> None:
	"""A rate limit waits (not a failure); connector errors count as failures; anything else is
	also logged with its traceback."""
	if isinstance(exc, RateLimited):
		retry_at = add_to_date(now_datetime(), seconds=int(exc.retry_after) + 1)
		_record(
			source,
			ingestor,
			pages,
			rejected,
			error=f"Rate limited: {exc}",
			failed=False,
			next_poll_after=retry_at,
		)
	elif isinstance(exc, AuthError | TransientError | ConnectorError):
		_record(source, ingestor, pages, rejected, error=str(exc), failed=True)
	else:
		frappe.log_error(
			title=f"Social CRM: poll of {source} failed",
			reference_doctype="Social Source",
			reference_name=source,
		)
		_record(source, ingestor, pages, rejected, error=f"{type(exc).__name__}: {exc}", failed=True)


def _save_health_note(source: str, connector) -> None:
	"""What the platform said about its budget (rate limits, monthly caps, token expiry)."""
	note = connector.health_note()
	if note:
		frappe.db.set_value("Social Source", source, "platform_limits", note, update_modified=False)
		_commit()


def _record(source, ingestor, pages, rejected, error=None, failed=False, next_poll_after=None):
	"""Write the poll's outcome on the source and commit."""
	stats = ingestor.stats.summary() or "nothing new"
	summary = f"{pages} page(s): {stats}" + (f", {rejected} malformed item(s) logged" if rejected else "")
	current = frappe.db.get_value("Social Source", source, "consecutive_failures") or 0
	values = {"last_poll_summary": summary, "next_poll_after": next_poll_after}
	if error is None:
		values.update(last_success=now_datetime(), consecutive_failures=0, last_error=None, health="Healthy")
	elif failed:
		failures = int(current) + 1
		values.update(
			consecutive_failures=failures,
			last_error=clean_display(error, MAX_ERROR_CHARS),
			health=health_for(failures),
		)
	else:
		# Rate limited: not a failure of the source, but visible; the scheduler waits until next_poll_after.
		values.update(
			last_error=clean_display(error, MAX_ERROR_CHARS),
			health="Degraded" if not current else health_for(current),
		)
	frappe.db.set_value("Social Source", source, values, update_modified=False)
	_commit()


def enqueue_poll_now(source: str) -> None:
	frappe.enqueue(
		"social_crm.listening.jobs.poll_source",
		queue="long",
		timeout=POLL_TIMEOUT,
		job_id=poll_job_id(source),
		deduplicate=True,
		enqueue_after_commit=True,
		source=source,
	)


def _commit() -> None:
	"""Commit and open a savepoint for the next page (tests replace this to keep their transaction)."""
	frappe.db.commit()  # nosemgrep: poll jobs commit per page so the stored cursor never runs ahead
	frappe.db.savepoint(PAGE_SAVEPOINT)


def _rollback_page() -> None:
	"""Undo the unsaved part of the current page (everything since the last commit)."""
	frappe.db.rollback(save_point=PAGE_SAVEPOINT)
