"""Errors raised by the engine. The Frappe layer turns them into translated messages."""


class EngineError(Exception):
	"""Base class for engine errors."""


class InvalidRecord(EngineError, ValueError):
	"""A record (post, author, rule, policy...) failed validation.

	``field`` names the offending field when there is one, so callers can report it;
	``code`` says what kind of problem it is (one of the ``REJECT_*`` codes below), so the
	Frappe layer can translate it and count rejections without matching English text.
	"""

	def __init__(self, message: str, field: str | None = None, code: str = "invalid"):
		super().__init__(message)
		self.field = field
		self.code = code


# Codes of InvalidRecord for hostile or broken input (one bad record is rejected, the rest stored).
REJECT_INVALID = "invalid"  # wrong type, missing or malformed value
REJECT_NUMBER = "number"  # not a finite whole number, negative or absurdly large
REJECT_DATE = "date"  # not a date, or outside the accepted range
REJECT_TOO_LARGE = "too_large"  # a record, text or CSV cell over its size limit
REJECT_TOO_DEEP = "too_deep"  # JSON nested deeper than the limit
REJECT_ENCODING = "encoding"  # bytes that are not UTF-8 (Shift_JIS, Big5, ...) or broken Unicode
REJECT_MALFORMED = "malformed"  # a platform item whose shape broke its connector
