"""Backpressure for the webhook: accept a burst at once, store it in bounded chunks later.

A buffered delivery (``Prefer: respond-async``, or every delivery when the site config
``social_crm_ingest_buffered`` is set) is checked (signature, size, count) and its records
are written in one bulk insert to the staging table ``Social Ingest Buffer``; the webhook
answers 202 with the number accepted and enqueues the drain jobs.

Why a table and not a Redis list: the buffer row is committed with the request, in the
same database as the mentions, so a Redis restart (the cache and queue Redis of a bench
are not persistent) loses no accepted post, and the drain stores a chunk and deletes its
buffer rows in one transaction: a chunk is stored exactly once, or not at all and stays
pending.

Draining: ``drain`` claims up to ``CHUNK`` pending rows with ``SELECT ... FOR UPDATE SKIP
LOCKED`` (MariaDB >= 10.6), so drainers on several workers or machines never take the same
rows; it stores them through ``ingest_records`` (the webhook's own path: validation,
pipeline, Social Ingest Error for rejected records), deletes them and commits. A chunk that
raises is rolled back to a savepoint and stored record by record; a record that still
raises is logged as a Social Ingest Error (payload kept for retry) and leaves the buffer:
nothing is dropped. A worker that dies mid-chunk leaves no commit, so its rows are pending
again for the next drainer. Memory per drainer is one chunk (``CHUNK`` records) plus the
Ingestor's caches for that chunk.
"""

from __future__ import annotations

import importlib
import json
import random
import time

import frappe
from frappe import scrub
from frappe.utils import cint

BUFFER = "Social Ingest Buffer"
PENDING = "Pending"
CHUNK = 500
DRAIN_TIMEOUT = 30 * 60
DRAIN_BUDGET_SECONDS = 25 * 60  # a drain job stops before its timeout; the scheduler starts the next
INSERT_CHUNK = 1_000
MAX_LOST_CHUNKS = 20
RETRIED = "retried"
SAVEPOINT = "social_crm_drain_chunk"
RECORD_SAVEPOINT = "social_crm_drain_record"


def buffered_by_default() -> bool:
	return bool(cint(frappe.conf.get("social_crm_ingest_buffered")))


def drainers() -> int:
	"""Drain jobs to run side by side (site config ``social_crm_ingest_drainers``, default 1)."""
	return min(max(cint(frappe.conf.get("social_crm_ingest_drainers")) or 1, 1), 16)


def buffer_records(
	records: list, source: str | None = None, platform: str | None = None, origin: str = "Webhook"
) -> int:
	"""Append records (parsed JSON items) to the buffer in bulk; return how many were buffered."""
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	rows = []
	for record in records:
		payload = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
		rows.append((now, now, user, user, PENDING, origin, source, platform or "", payload))
	# names come from the doctype's sequence (autoincrement), in arrival order
	sequence = scrub(f"{BUFFER}_id_seq")
	columns = "name, creation, modified, owner, modified_by, status, origin, source, platform, payload"
	placeholder = f"(nextval(`{sequence}`), %s, %s, %s, %s, %s, %s, %s, %s, %s)"
	for start in range(0, len(rows), INSERT_CHUNK):
		batch = rows[start : start + INSERT_CHUNK]
		frappe.db.sql(
			f"insert into `tab{BUFFER}` ({columns}) values {', '.join([placeholder] * len(batch))}",
			[value for row in batch for value in row],
		)
	if rows:
		enqueue_drain()
	return len(rows)


def drain_job_id(number: int) -> str:
	return f"social_crm:ingest_drain:{number}"


def enqueue_drain() -> None:
	"""One deduplicated job per drainer slot, after the buffered rows are committed."""
	for number in range(drainers()):
		frappe.enqueue(
			"social_crm.listening.buffer.drain",
			queue="long",
			timeout=DRAIN_TIMEOUT,
			job_id=drain_job_id(number),
			deduplicate=True,
			enqueue_after_commit=True,
		)


def schedule_drain() -> None:
	"""Scheduler (every minute): restart draining when rows are pending.

	A deduplicated job that is still running when a new delivery arrives is not queued
	again; this picks those rows up, and rows left by a drain that hit its time budget.
	"""
	if pending_count():
		enqueue_drain()


def pending_count(source: str | None = None) -> int:
	filters = {"status": PENDING}
	if source:
		filters["source"] = source
	return frappe.db.count(BUFFER, filters)


def drain(max_chunks: int | None = None, commit: bool = True, chunk: int = CHUNK) -> dict[str, int]:
	"""Store pending buffer rows chunk by chunk until none is left; summary per status.

	``commit=False`` keeps everything in the caller's transaction (tests).
	"""
	summary: dict[str, int] = {}
	started = time.monotonic()
	chunks = lost = 0
	while True:
		claimed, chunk_summary = drain_chunk(limit=chunk, commit=commit)
		if not claimed:
			break
		if RETRIED in chunk_summary:
			# rolled back by the database (e.g. a deadlock with another drainer): pending again
			lost += 1
			if lost > MAX_LOST_CHUNKS:
				break  # the scheduler starts a new drain within a minute
			time.sleep(random.uniform(0.05, 0.5))
			continue
		lost = 0
		for status, count in chunk_summary.items():
			summary[status] = summary.get(status, 0) + count
		chunks += 1
		if max_chunks and chunks >= max_chunks:
			break
		if time.monotonic() - started > DRAIN_BUDGET_SECONDS:
			break
	return summary


def drain_chunk(limit: int = CHUNK, commit: bool = True) -> tuple[int, dict[str, int]]:
	"""Claim, store and delete one chunk in one transaction; returns (rows claimed, summary)."""
	rows = frappe.db.sql(
		f"""select name, source, platform, origin, payload from `tab{BUFFER}`
		where status = %s order by name limit %s for update skip locked""",
		(PENDING, limit),
		as_dict=True,
	)
	if not rows:
		if commit:
			frappe.db.rollback()  # release the (empty) snapshot
		return 0, {}
	summary: dict[str, int] = {}
	groups: dict[tuple, list] = {}
	for row in rows:
		groups.setdefault((row.source or None, row.platform or None, row.origin or "Webhook"), []).append(row)
	try:
		for (source, platform, origin), group in groups.items():
			records = [_load(row) for row in group]
			for status, count in _store(records, source, platform, origin).items():
				summary[status] = summary.get(status, 0) + count
	except TransactionLost:
		frappe.db.rollback()
		if not commit:
			raise
		return len(rows), {RETRIED: len(rows)}
	frappe.db.delete(BUFFER, {"name": ("in", [row.name for row in rows])})
	if commit:
		frappe.db.commit()  # nosemgrep: a drained chunk and the removal of its buffer rows, together
	return len(rows), summary


class TransactionLost(Exception):
	"""The database rolled the whole transaction back (a deadlock, a lost connection): the
	chunk's rows were never deleted and are pending again."""


def _rollback_to(savepoint: str, exc: Exception) -> None:
	if frappe.db.is_deadlocked(exc) or frappe.db.is_timedout(exc):
		raise TransactionLost(str(exc)) from exc
	try:
		frappe.db.rollback(save_point=savepoint)
	except Exception as lost:
		raise TransactionLost(str(exc)) from lost


def _load(row):
	try:
		return json.loads(row.payload)
	except ValueError:
		return {"_unreadable_buffer_row": row.payload[:2000]}


def _store(records: list, source, platform, origin) -> dict[str, int]:
	ingest = importlib.import_module("social_crm.api.ingest")
	frappe.db.savepoint(SAVEPOINT)
	try:
		return ingest.ingest_records(records, source=source, platform=platform, origin=origin)["summary"]
	except Exception as exc:
		_rollback_to(SAVEPOINT, exc)
	# the chunk failed as a whole: store record by record, log the ones that still fail
	summary: dict[str, int] = {}
	for record in records:
		frappe.db.savepoint(RECORD_SAVEPOINT)
		try:
			answer = ingest.ingest_records([record], source=source, platform=platform, origin=origin)
		except Exception as exc:
			_rollback_to(RECORD_SAVEPOINT, exc)
			ingest.log_ingest_error(
				record, f"{type(exc).__name__}: {exc}"[:500], source=source, origin=origin
			)
			answer = {"summary": {"failed": 1}}
		for status, count in answer["summary"].items():
			summary[status] = summary.get(status, 0) + count
	return summary
