"""Errors raised by the engine. The Frappe layer turns them into translated messages."""


class EngineError(Exception):
	"""Base class for engine errors."""


class InvalidRecord(EngineError, ValueError):
	"""A record (post, author, rule, policy...) failed validation.

	``field`` names the offending field when there is one, so callers can report it.
	"""

	def __init__(self, message: str, field: str | None = None):
		super().__init__(message)
		self.field = field
