"""The Social Ingest Error writer: one row per record that could not be stored, kept for retry.

Every ingest path (poll, webhook, import, the buffer's drain, retry) calls
:func:`log_ingest_error`; the doctype's controller (``social_ingest_error.py``) retries rows.
It lives beside the doctype, apart from the controller, because the controller imports the
pipeline (to retry) and the pipeline imports this writer.
"""

from __future__ import annotations

import json
import reprlib
import traceback

import frappe

from social_crm.engine.records import Post


def _short_repr(value) -> str:
	"""repr of any payload, bounded in depth and size (deeply nested JSON cannot overflow)."""
	shortener = reprlib.Repr()  # keyword arguments only from Python 3.12
	shortener.maxlevel, shortener.maxstring, shortener.maxother = 8, 2000, 2000
	return _storable(shortener.repr(value))


def _storable(text: str) -> str:
	"""Text the database accepts: lone surrogates (undecodable bytes) as backslash escapes."""
	return str(text or "").encode("utf-8", errors="backslashreplace").decode("utf-8")


def log_ingest_error(
	payload,
	error: str,
	*,
	source: str | None = None,
	origin: str = "Poll",
	platform: str = "",
	external_id: str = "",
	payload_format: str = "Normalized",
	with_traceback: bool = True,
) -> str | None:
	"""Write one Social Ingest Error row (payload kept for retry); never raises."""
	if isinstance(payload, Post):
		platform = platform or payload.platform
		external_id = external_id or payload.external_id
		payload = payload.to_dict(include_raw=False)
	try:
		text = json.dumps(payload, default=str, ensure_ascii=False, indent=1)
		text.encode("utf-8")
	except UnicodeEncodeError:
		# bytes of another encoding (lone surrogates): kept as \\udcxx escapes, still JSON
		text = json.dumps(payload, default=str, ensure_ascii=True, indent=1)
	except (TypeError, ValueError, RecursionError):
		text = _short_repr(payload)
	if isinstance(payload, dict):
		platform = platform or str(payload.get("platform") or "")
		external_id = external_id or str(payload.get("external_id") or payload.get("id") or "")
	platform, external_id, error = _storable(platform), _storable(external_id), _storable(error)
	tb = traceback.format_exc() if with_traceback else ""
	if tb.strip() == "NoneType: None":
		tb = ""
	try:
		doc = frappe.get_doc(
			{
				"doctype": "Social Ingest Error",
				"status": "Open",
				"origin": origin,
				"source": source,
				"platform": platform[:140],
				"external_id": external_id[:140],
				"error": error[:2000],
				"payload_format": payload_format,
				"payload": text[:1_000_000],
				"traceback": tb[:20_000],
			}
		)
		doc.insert(ignore_permissions=True)
		return doc.name
	except Exception:
		frappe.log_error(title="Social CRM: could not write ingest error", message=traceback.format_exc())
		return None
