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

	``field`` names the offending field when there is one, so callers can report it.
	"""

	code = "invalid_record"

	def __init__(self, message: str, field: str | None = None, *, code: str | None = None, **params: Any):
		super().__init__(message, code=code, **params)
		self.field = field
