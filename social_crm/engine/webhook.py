"""Signed webhook deliveries: what is signed, and whether a delivery's signature holds.

A sender signs ``"<timestamp>.<delivery id>.<query string>.<raw body>"`` with HMAC-SHA256 and
the shared secret and sends three headers::

    X-Social-CRM-Timestamp: <unix seconds>
    X-Social-CRM-Delivery:  <a unique id per delivery, 1-128 of A-Z a-z 0-9 . _ : ->
    X-Social-CRM-Signature: sha256=<hex digest>

The timestamp bounds how long a captured delivery can be replayed; the delivery id lets the
receiver refuse a second use inside that window; the query string is signed because it
chooses the source and platform the records are stored under. :func:`check_delivery` returns
``None`` for a good delivery or one of the ``REASONS`` codes; the Frappe layer turns the code
into a translated message and a 401. Nothing here raises on hostile header values.
"""

from __future__ import annotations

import hashlib
import hmac
import re

SIGNATURE_HEADER = "X-Social-CRM-Signature"
TIMESTAMP_HEADER = "X-Social-CRM-Timestamp"
DELIVERY_HEADER = "X-Social-CRM-Delivery"
DEFAULT_WINDOW_SECONDS = 300

MALFORMED = "malformed"  # a header is missing or not in its format
STALE = "stale"  # the timestamp is outside the window
BAD_SIGNATURE = "bad_signature"  # well-formed, but not made with this secret over this request
REASONS = (MALFORMED, STALE, BAD_SIGNATURE)

_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_DELIVERY_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def signed_message(timestamp: str, delivery_id: str, query: str, body: bytes) -> bytes:
	return f"{timestamp}.{delivery_id}.{query}.".encode() + body


def sign(secret: str, timestamp: str, delivery_id: str, query: str, body: bytes) -> str:
	"""The ``X-Social-CRM-Signature`` value for a delivery."""
	message = signed_message(timestamp, delivery_id, query, body)
	return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_delivery(
	*,
	secret: str,
	signature: str | None,
	timestamp: str | None,
	delivery_id: str | None,
	query: str,
	body: bytes,
	now: float,
	window: int = DEFAULT_WINDOW_SECONDS,
) -> str | None:
	"""``None`` when the delivery is signed with ``secret`` within ``window`` seconds of
	``now``; otherwise the reason code. Replays of a good delivery are the caller's to refuse
	(it remembers delivery ids for ``2 * window``)."""
	value = (signature or "").strip()
	if value[:7].lower() == "sha256=":
		value = value[7:]
	value = value.lower()
	timestamp = timestamp or ""
	delivery_id = delivery_id or ""
	if not (
		_HEX_DIGEST.fullmatch(value)
		and _TIMESTAMP.fullmatch(timestamp)
		and _DELIVERY_ID.fullmatch(delivery_id)
	):
		return MALFORMED
	if abs(now - int(timestamp)) > window:
		return STALE
	expected = sign(secret, timestamp, delivery_id, query, body)[7:]
	if not hmac.compare_digest(expected, value):
		return BAD_SIGNATURE
	return None
