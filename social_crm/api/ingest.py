"""Webhook and file import: normalized records in, one answer per record out.

``POST /api/method/social_crm.api.ingest`` takes one record (JSON object), a list of
records (JSON array, or ``{"records": [...]}``) or JSON Lines, in the normalized shape of
``social_crm.engine.records.Post.from_dict``. Callers authenticate with a Frappe API key
of a user with a Social CRM role, or without a session by signing the delivery with the
Ingest Secret (timestamp, delivery id, query string and raw body: see
``social_crm.engine.webhook``); stale, replayed or malformed signed deliveries get a 401.

Answer: ``{"summary": {status: count}, "results": [{"index", "status", "reason", ...}]}`` with
status accepted / updated / duplicate / dropped / suppressed / rejected / failed.

Buffered (``Prefer: respond-async`` header, or every delivery when the site config
``social_crm_ingest_buffered`` is 1): the records are appended to the Social Ingest Buffer
and drained by background jobs (``social_crm.listening.buffer``); the answer is a 202 with
``{"queued": n, "rejected": m}`` (lines that are not JSON are rejected at once).
"""

from __future__ import annotations

import csv
import io
import json
import time

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import cint

from social_crm import permissions, settings
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.handles import normalize_platform
from social_crm.engine.records import Post, load_json
from social_crm.engine.webhook import (
	BAD_SIGNATURE,
	DELIVERY_HEADER,
	MALFORMED,
	SIGNATURE_HEADER,
	STALE,
	TIMESTAMP_HEADER,
	check_delivery,
)
from social_crm.listening import buffer
from social_crm.listening.pipeline import REJECTED, Ingestor, RecordResult, log_ingest_error

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_RECORDS = 1_000  # per webhook request
MAX_IMPORT_BYTES = 100 * 1024 * 1024
MAX_IMPORT_RECORDS = 200_000
INLINE_IMPORT_RECORDS = 500  # bigger imports run as a background job
PIPELINE_CHUNK = 500
MAX_UNPARSABLE_CHARS = 2_000  # of a rejected line / CSV row kept in the ingest error log


class _Unparsable:
	"""A line of the input that is not JSON; answered as rejected with this reason."""

	def __init__(self, reason: str, raw: str = ""):
		self.reason = reason
		self.raw = raw


def _rate_limit() -> int:
	return cint(frappe.conf.get("social_crm_ingest_rate_limit")) or 300


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=lambda: _rate_limit(), seconds=60)
def ingest() -> dict:
	"""Webhook entry point; ``?source=<Social Source>`` and ``?platform=<name>`` are optional."""
	request = frappe.request
	if request.content_length and request.content_length > MAX_BODY_BYTES:
		_fail(_("Request body is larger than {0} bytes").format(MAX_BODY_BYTES), 413)
	body = request.get_data(cache=True) or b""
	if len(body) > MAX_BODY_BYTES:
		_fail(_("Request body is larger than {0} bytes").format(MAX_BODY_BYTES), 413)
	_authenticate(body)

	source, platform = _source_and_platform(request.args.get("source"), request.args.get("platform"))
	records = parse_json_records(decode_input(body))
	if not records:
		_fail(_("No records in the request body"), 400)
	if len(records) > MAX_RECORDS:
		_fail(_("At most {0} records per request; use the import for more").format(MAX_RECORDS), 413)
	if wants_buffering():
		return buffer_delivery(records, source=source, platform=platform)
	return ingest_records(records, source=source, platform=platform, origin="Webhook")


def wants_buffering() -> bool:
	prefer = (frappe.get_request_header("Prefer") or "").lower()
	return "respond-async" in prefer or buffer.buffered_by_default()


def buffer_delivery(records: list, source: str | None = None, platform: str | None = None) -> dict:
	"""Append the records to the durable buffer and answer 202 (accepted, stored later)."""
	rejected = 0
	valid = []
	for record in records:
		if isinstance(record, _Unparsable):
			log_ingest_error(record.raw, record.reason, source=source, origin="Webhook", with_traceback=False)
			rejected += 1
		else:
			valid.append(record)
	queued = buffer.buffer_records(valid, source=source, platform=platform, origin="Webhook")
	frappe.local.response.http_status_code = 202
	return {"queued": queued, "rejected": rejected}


class BadRequest(frappe.ValidationError):
	http_status_code = 400


class PayloadTooLarge(frappe.ValidationError):
	http_status_code = 413


def _fail(message: str, status: int):
	exc = {
		400: BadRequest,
		401: frappe.AuthenticationError,
		403: frappe.PermissionError,
		413: PayloadTooLarge,
	}.get(status, BadRequest)
	frappe.throw(message, exc)


def _authenticate(body: bytes) -> None:
	"""A signed delivery (guest) or a logged-in / API-key user with a Social CRM role."""
	signature = frappe.get_request_header(SIGNATURE_HEADER)
	if signature is not None:
		secret = settings.ingest_secret()
		if not secret:
			_fail(_("Signed ingest is disabled: no Ingest Secret is set in Social CRM Settings"), 403)
		_check_signed_delivery(body, signature, secret)
		frappe.set_user("Administrator")  # a verified sender; records are stored by the pipeline
		return
	if frappe.session.user == "Guest":
		_fail(_("Authenticate with an API key or sign the body ({0} header)").format(SIGNATURE_HEADER), 401)
	if not permissions.is_unrestricted():
		_fail(_("Only Social CRM users may ingest posts"), 403)


def _signature_window() -> int:
	return cint(frappe.conf.get("social_crm_webhook_window_seconds")) or 300


def _check_signed_delivery(body: bytes, signature: str, secret: str) -> None:
	"""401 unless the delivery is well-formed, fresh, signed with the secret and not seen before."""
	delivery_id = frappe.get_request_header(DELIVERY_HEADER)
	window = _signature_window()
	reason = check_delivery(
		secret=secret,
		signature=signature,
		timestamp=frappe.get_request_header(TIMESTAMP_HEADER),
		delivery_id=delivery_id,
		query=(frappe.request.query_string or b"").decode("latin-1"),
		body=body,
		now=time.time(),
		window=window,
	)
	if reason:
		messages = {
			MALFORMED: _("Malformed signature headers: send {0}, {1} and {2}").format(
				SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER
			),
			STALE: _("The signed timestamp is more than {0} seconds away from the server's clock").format(
				window
			),
			BAD_SIGNATURE: _("Invalid signature"),
		}
		_fail(messages[reason], 401)
	# A delivery id is accepted once while its timestamp is valid (SET NX: atomic across workers).
	key = frappe.cache.make_key(f"social_crm:webhook_delivery:{delivery_id}")
	if not frappe.cache.set(key, 1, ex=2 * window, nx=True):
		_fail(_("This delivery was already received (replayed delivery id)"), 401)


def _source_and_platform(source: str | None, platform: str | None) -> tuple[str | None, str | None]:
	if source:
		source_platform = frappe.db.get_value("Social Source", source, "platform")
		if not source_platform:
			_fail(_("Social Source {0} does not exist").format(source), 400)
		if not platform and source_platform != "Webhook":
			platform = source_platform
	if platform and not normalize_platform(platform):
		_fail(_("Unknown platform {0}").format(platform[:40]), 400)
	return source or None, platform or None


# ---------------------------------------------------------------------- parsing


def decode_input(data: bytes | str) -> str:
	"""Bytes of a webhook body or import file as text, without ever failing the whole batch.

	Bytes that are not UTF-8 (Shift_JIS, Big5, Latin-1 ...) are kept as lone surrogates
	(``surrogateescape``): the records holding them are rejected one by one by the engine
	(code ``encoding``), the others are stored.
	"""
	if isinstance(data, bytes):
		data = data.decode("utf-8", errors="surrogateescape")
	return data.lstrip("\ufeff")


def parse_json_records(text: str) -> list:
	"""A JSON object, a JSON array, ``{"records": [...]}`` or JSON Lines -> list of items.

	A JSON Lines line that is not JSON, or is nested too deeply, becomes one rejected item.
	"""
	stripped = text.strip()
	if not stripped:
		return []
	try:
		data = json.loads(stripped)
	except (ValueError, RecursionError):
		data = None
		is_json = False
	else:
		is_json = True
	if is_json:
		if isinstance(data, dict) and isinstance(data.get("records"), list):
			return data["records"]
		if isinstance(data, list):
			return data
		return [data]
	records = []
	# split on "\n" only: str.splitlines() would also cut at U+2028 and friends inside strings
	for number, line in enumerate(stripped.split("\n"), start=1):
		if not line.strip():
			continue
		try:
			records.append(load_json(line, limit=None))  # depth: checked per record, with its id
		except InvalidRecord as exc:
			records.append(_Unparsable(f"line {number}: {exc}", line[:MAX_UNPARSABLE_CHARS]))
	return records


def parse_csv_records(text: str) -> list:
	"""CSV with a header row of normalized field names (author_* columns for the author).

	A row the csv module cannot read (a cell over its field size limit, a NUL byte) becomes
	one rejected item with the start of its text; the other rows are read on.
	"""
	consumed: list[str] = []

	def lines():
		for line in io.StringIO(text.lstrip("\ufeff"), newline=""):
			consumed.append(line)
			yield line

	reader = csv.reader(lines())
	header: list[str] | None = None
	records: list = []
	while True:
		try:
			row = next(reader)
		except StopIteration:
			break
		except csv.Error as exc:
			raw, consumed[:] = "".join(consumed), []
			records.append(
				_Unparsable(
					f"CSV row ending on line {reader.line_num} could not be read: {exc}",
					raw[:MAX_UNPARSABLE_CHARS],
				)
			)
			if header is None:
				return records  # without a header no row can be read
			continue
		consumed[:] = []
		if header is None:
			header = [name.strip() for name in row]
			continue
		if not row:
			continue
		records.append({k: v for k, v in zip(header, row, strict=False) if k and v not in (None, "")})
	return records


# ---------------------------------------------------------------------- shared


def ingest_records(
	records: list, source: str | None = None, platform: str | None = None, origin: str = "Webhook"
) -> dict:
	"""Validate records, run the valid ones through the pipeline, answer one result per record."""
	results: list[RecordResult | None] = [None] * len(records)
	posts: list[tuple[int, Post]] = []
	for i, record in enumerate(records):
		if isinstance(record, _Unparsable):
			results[i] = RecordResult(REJECTED, reason=record.reason)
			log_ingest_error(record.raw, record.reason, source=source, origin=origin, with_traceback=False)
			continue
		try:
			posts.append((i, Post.from_dict(record, default_platform=platform)))
		except Exception as exc:
			# InvalidRecord (typed, with a code) is the rule; anything else is a bug that must
			# still cost only this record, not the batch.
			reason = str(exc) if isinstance(exc, InvalidRecord) else f"{type(exc).__name__}: {exc}"[:500]
			results[i] = RecordResult(
				REJECTED,
				platform=str(record.get("platform") or platform or "")[:40]
				if isinstance(record, dict)
				else "",
				external_id=str(record.get("external_id") or record.get("id") or "")[:140]
				if isinstance(record, dict)
				else "",
				reason=reason,
			)
			log_ingest_error(
				record,
				reason,
				source=source,
				origin=origin,
				with_traceback=not isinstance(exc, InvalidRecord),
			)
	ingestor = Ingestor(source=source, origin=origin)
	for start in range(0, len(posts), PIPELINE_CHUNK):
		chunk = posts[start : start + PIPELINE_CHUNK]
		for (i, _post), result in zip(chunk, ingestor.ingest([p for _i, p in chunk]), strict=True):
			results[i] = result
	summary: dict[str, int] = {}
	answer = []
	for i, result in enumerate(results):
		summary[result.status] = summary.get(result.status, 0) + 1
		answer.append({"index": i, **result.as_dict()})
	return {"summary": summary, "results": answer}


# ---------------------------------------------------------------------- file import


@frappe.whitelist(methods=["POST"])
def import_file(file_url: str, source: str | None = None, platform: str | None = None) -> dict:
	"""Import an uploaded JSONL or CSV file of normalized records.

	Small files are processed at once and answered per record; bigger ones run as a job
	whose summary arrives as a realtime message (and as a comment on the source).
	"""
	permissions.ensure_social_crm_user(_("Only Social CRM users may import posts"))
	source, platform = _source_and_platform(source, platform)
	file_doc = frappe.get_doc("File", {"file_url": file_url})
	file_doc.check_permission("read")
	if (file_doc.file_size or 0) > MAX_IMPORT_BYTES:
		frappe.throw(_("The file is larger than {0} MB").format(MAX_IMPORT_BYTES // (1024 * 1024)))
	records = read_import_file(file_doc)
	if not records:
		frappe.throw(_("The file holds no records"))
	remember_import(file_doc, source)
	if len(records) <= INLINE_IMPORT_RECORDS:
		return ingest_records(records, source=source, platform=platform, origin="Import")
	frappe.enqueue(
		"social_crm.api.ingest.import_file_job",
		queue="long",
		timeout=3 * 3600,
		job_id=f"social_crm:import:{file_doc.name}",
		deduplicate=True,
		enqueue_after_commit=True,
		file_name=file_doc.name,
		source=source,
		platform=platform,
		user=frappe.session.user,
	)
	return {"queued": True, "records": len(records)}


def remember_import(file_doc, source: str | None) -> None:
	"""An imported file holds people's posts: attach it to its source (or to the settings) so that
	erasure finds it (``privacy.traces.redact_import_files``)."""
	if file_doc.attached_to_doctype:
		return
	doctype = "Social Source" if source else settings.DOCTYPE
	frappe.db.set_value(
		"File",
		file_doc.name,
		{"attached_to_doctype": doctype, "attached_to_name": source or doctype},
		update_modified=False,
	)


def read_import_file(file_doc) -> list:
	content = decode_input(file_doc.get_content())
	name = (file_doc.file_name or file_doc.file_url or "").lower()
	if name.endswith(".csv"):
		records = parse_csv_records(content)
	else:
		records = parse_json_records(content)
	if len(records) > MAX_IMPORT_RECORDS:
		frappe.throw(_("At most {0} records per file").format(MAX_IMPORT_RECORDS))
	return records


def import_file_job(file_name: str, source: str | None, platform: str | None, user: str) -> dict:
	"""Background import; commits per chunk so a failure keeps what was stored."""
	records = read_import_file(frappe.get_doc("File", file_name))
	summary: dict[str, int] = {}
	for start in range(0, len(records), 5_000):
		answer = ingest_records(
			records[start : start + 5_000], source=source, platform=platform, origin="Import"
		)
		for status, count in answer["summary"].items():
			summary[status] = summary.get(status, 0) + count
		frappe.db.commit()  # nosemgrep: long import job, keep each stored chunk
	message = ", ".join(f"{count} {status}" for status, count in sorted(summary.items()))
	if source:
		frappe.get_doc("Social Source", source).add_comment(
			"Info", _("Import of {0}: {1}").format(file_name, message)
		)
	frappe.publish_realtime(
		"social_crm_import_done", {"file": file_name, "summary": summary}, user=user, after_commit=True
	)
	return summary
