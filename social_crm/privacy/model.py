"""What the registry of personal data is made of: a data :class:`Subject`, a :class:`Store`,
and the SQL helpers the stores' ``find`` / ``erase`` functions share.

Kept apart from ``privacy.registry`` (which lists the stores and so imports their
functions) so that ``privacy.traces`` can use these without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from social_crm.engine.privacy.anonymize import Person, search_terms


@dataclass
class Subject:
	"""One data subject being exported or erased, and what identifies the person in the stores."""

	doctype: str
	name: str
	profiles: list[str] = field(default_factory=list)
	party: tuple[str, str] | None = None
	users: list[str] = field(default_factory=list)  # portal (website) users of the person
	person: Person = field(default_factory=Person)
	author_ids: list[str] = field(default_factory=list)  # the profiles' platform ids
	log: str | None = None  # the erasure's Social Privacy Log

	def terms(self, *extra: str) -> list[str]:
		"""What to LIKE-search in free-text stores: handles, emails (see engine ``search_terms``)."""
		return search_terms(self.person, extra)

	def handle_terms(self) -> list[str]:
		"""Handles only: for stores where an email address also stands for ERPNext's own mail
		to the party (email headers, the party's own versions)."""
		return search_terms(Person(handles=self.person.handles))

	def identifiers(self) -> list[str]:
		"""Terms plus the profiles' names and platform ids and the portal users (raw JSON copies)."""
		return search_terms(self.person, [*self.profiles, *self.author_ids, *self.users])


@dataclass(frozen=True)
class Store:
	key: str
	doctype: str | None
	counts: tuple[str, ...] = ()  # the report keys it fills (shown with 0 when it held nothing)
	find: Callable[[Subject, str, int], list[str]] | None = None
	erase: Callable[[Subject, list[str]], dict] | None = None
	sweep: Callable[[Subject], dict] | None = None
	export: bool = False
	# export only the rows of a page that really are the person's (``find`` may over-select)
	export_filter: Callable[[Subject, list[str]], list[str]] | None = None
	retention: str | None = None
	retention_note: str = ""
	delete: Callable[[list[str]], int] | None = None

	@property
	def batched(self) -> bool:
		return self.find is not None


def pages(find: Callable[[Subject, str, int], list[str]], subject: Subject, size: int = 1000):
	"""All names ``find`` returns, page by page (export)."""
	after = ""
	while True:
		names = find(subject, after, size)
		if not names:
			return
		yield names
		after = names[-1]


def db_in(values) -> tuple:
	"""A non-empty tuple for ``in %s`` parameters (an empty list would be invalid SQL)."""
	return tuple(values) or ("\x00",)


def like_any(column: str, terms: list[str]) -> tuple[str, list[str]]:
	"""``(col like %s or col like %s ...)`` and its parameters; a false condition without terms."""
	if not terms:
		return "0", []
	return "(" + " or ".join(f"{column} like %s" for _ in terms) + ")", [f"%{escape_like(t)}%" for t in terms]


def escape_like(term: str) -> str:
	return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
