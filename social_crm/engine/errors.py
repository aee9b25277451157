"""Errors raised by the engine. The Frappe layer turns them into translated messages.

Every error carries a ``code`` (a stable, dotted name such as ``"consent.expires_not_grant"``)
and ``params`` (the values a message needs). The message text is English for logs and
tests; users get the translation that ``social_crm.errors`` keeps for the code, never a
match on the English text. Codes are part of the engine's contract: rename one only
together with its message there. ``message``, ``field`` and ``code`` are not param names.
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
	"""Base class for engine errors."""

	code = "engine_error"

	def __init__(self, message: str = "", *, code: str | None = None, **params: Any):
		super().__init__(message)
		if code:
			self.code = code
		self.params: dict[str, Any] = params


class InvalidRecord(EngineError, ValueError):
	"""A record (post, author, rule, policy...) failed validation.

	``field`` names the offending field when there is one, so callers can report it;
	``code`` says what kind of problem it is (one of the ``REJECT_*`` codes below), so the
	Frappe layer can translate it and count rejections without matching English text.
	"""

	code = "invalid_record"

	def __init__(self, message: str, field: str | None = None, *, code: str | None = None, **params: Any):
		super().__init__(message, code=code, **params)
		self.field = field


# Codes of InvalidRecord for hostile or broken input (one bad record is rejected, the rest stored).
REJECT_INVALID = InvalidRecord.code  # wrong type, missing or malformed value
REJECT_NUMBER = "number"  # not a finite whole number, negative or absurdly large
REJECT_DATE = "date"  # not a date, or outside the accepted range
REJECT_TOO_LARGE = "too_large"  # a record, text or CSV cell over its size limit
REJECT_TOO_DEEP = "too_deep"  # JSON nested deeper than the limit
REJECT_ENCODING = "encoding"  # bytes that are not UTF-8 (Shift_JIS, Big5, ...) or broken Unicode
REJECT_MALFORMED = "malformed"  # a platform item whose shape broke its connector
