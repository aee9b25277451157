"""The one registry of every place Social CRM stores personal data.

Erasure (``privacy.erasure``), export (``privacy.subject.export``) and retention
(``privacy.retention``) iterate :func:`stores`; a new store of personal data is declared
here once, with one :class:`Store` entry:

- ``find(subject, after, limit)`` returns the names of the subject's rows in that store
  (ordered by name, after ``after``): keyset pages, so a batch that was already erased is
  not read again and an interrupted job continues where it stopped;
- ``erase(subject, names)`` erases one batch with set-based SQL and returns counts for the
  report (``{"mentions_deleted": 12}``); it must be idempotent;
- or ``sweep(subject)`` for a store that is erased in one set-based pass (caches, copies
  held by Frappe's own tables);
- ``export=True`` puts the rows ``find`` returns into the export under ``key``
  (``export_filter`` keeps only the person's own where ``find`` also finds others' rows);
- ``retention`` names the retention target that expires the store (None: nothing expires
  it, and ``retention_note`` says why), ``delete`` how a retention run deletes its rows.

Stores run in the order listed. Stores that need the person's identity (handles, portal
users, the party link) run before the ones that remove it; profiles are anonymized last.
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


def _stores() -> list[Store]:
	from social_crm.privacy import store, traces

	return [
		# copies that point at the person's mentions and ideas: before those are gone
		Store(
			"lead_notes",
			"CRM Note",
			counts=("lead_notes_redacted",),
			sweep=traces.redact_lead_notes,
			retention_note="Lead notes are ERPNext's; only their social copy is erased",
		),
		Store(
			"notifications",
			"Notification Log",
			counts=("notifications_deleted",),
			sweep=traces.delete_notifications,
			retention_note="Frappe clears Notification Log rows itself",
		),
		Store(
			"emails",
			"Email Queue",
			counts=("emails_deleted",),
			sweep=traces.delete_queued_emails,
			retention_note="Frappe clears the Email Queue itself",
		),
		# the social doctypes
		Store(
			"mentions",
			"Mention",
			counts=("mentions_deleted",),
			find=traces.find_mentions,
			erase=traces.erase_mentions,
			export=True,
			retention="Mention",
			delete=store.delete_mentions,
		),
		Store(
			"sentiment_labels",
			None,
			counts=("sentiment_model_retrains",),
			sweep=traces.retrain_without_erased_labels,
			retention_note="Correct Sentiment labels live on the Mention rows (retention of mentions "
			"expires them); the learned model is retrained without the removed ones",
		),
		Store(
			"mention_references",
			"Mention",
			counts=("mention_references_redacted",),
			find=traces.find_mention_references,
			erase=traces.redact_mention_references,
			retention="Mention",
		),
		Store(
			"votes",
			"Idea Vote",
			counts=("votes_deleted",),
			find=traces.find_votes,
			erase=traces.erase_votes,
			export=True,
			retention="Idea Vote",
			delete=store.delete_votes,
		),
		Store(
			"comments",
			"Comment",
			counts=("comments_deleted",),
			find=traces.find_comments,
			erase=traces.erase_comments,
			export=True,
			retention_note="comments go with the social rows they belong to",
		),
		Store(
			"ideas",
			"Idea",
			counts=("ideas_anonymized",),
			find=traces.find_ideas,
			erase=traces.erase_ideas,
			export=True,
			retention="Idea",
			delete=store.delete_ideas,
		),
		Store(
			"contest_entries",
			"Social Contest Entry",
			counts=("contest_entries_anonymized",),
			find=traces.find_contest_entries,
			erase=traces.erase_contest_entries,
			export=True,
			retention="Contest Entry",
		),
		Store(
			"consent_entries",
			"Social Consent Entry",
			counts=("consent_entries_deleted", "withdrawals_kept"),
			find=traces.find_consent_entries,
			erase=traces.erase_consent_entries,
			export=True,
			retention_note="the consent log is the proof; withdrawals are kept without evidence",
		),
		Store(
			"ingest_buffer",
			"Social Ingest Buffer",
			counts=("buffered_records_deleted", "buffered_records_redacted"),
			find=traces.find_buffered_records,
			erase=traces.erase_buffered_records,
			retention_note="rows leave the buffer when the drain stores or rejects them (minutes)",
		),
		Store(
			"ingest_errors",
			"Social Ingest Error",
			counts=("ingest_errors_deleted", "ingest_errors_redacted"),
			find=traces.find_ingest_errors,
			erase=traces.erase_ingest_errors,
			export=True,
			export_filter=traces.own_ingest_errors,
			retention="Ingest Error",
		),
		Store(
			"deleted_documents",
			"Deleted Document",
			counts=("deleted_documents_removed",),
			find=traces.find_deleted_documents,
			erase=traces.erase_deleted_documents,
			export=True,
			export_filter=traces.own_deleted_documents,
			retention_note="Frappe keeps Deleted Document rows until they are removed",
		),
		# copies in Frappe's own tables and caches
		Store("versions", "Version", counts=("versions_deleted",), sweep=traces.delete_party_versions),
		Store(
			"import_files",
			"File",
			counts=("import_files_rewritten", "import_records_removed"),
			sweep=traces.redact_import_files,
		),
		Store(
			"global_search",
			"__global_search",
			counts=("global_search_rows_deleted",),
			sweep=traces.delete_global_search,
		),
		Store(
			"similar_ideas_cache",
			None,
			counts=("similar_ideas_cache_cleared",),
			sweep=traces.forget_similar_ideas,
		),
		Store("party_fields", None, counts=("party_fields_cleared",), sweep=traces.clear_party_fields),
		Store(
			"match_keys", "Social Match Key", counts=("match_keys_deleted",), sweep=traces.resync_party_keys
		),
		# last: the identity every store above searched with
		Store(
			"profiles",
			"Social Profile",
			counts=("profiles_anonymized",),
			find=traces.find_profiles,
			erase=traces.erase_profiles,
			export=True,
			retention="Social Profile",
			delete=store.delete_profiles,
		),
	]


_cache: list[Store] = []


def stores() -> list[Store]:
	"""All stores of personal data, in erasure order."""
	if not _cache:
		_cache.extend(_stores())
	return list(_cache)


def get_store(key: str) -> Store:
	for item in stores():
		if item.key == key:
			return item
	raise KeyError(key)


def deleter(doctype: str) -> Callable[[list[str]], int]:
	"""How a retention run deletes rows of ``doctype`` (the registry's, else plain row deletion)."""
	from social_crm.privacy import store

	for item in stores():
		if item.doctype == doctype and item.delete is not None:
			return item.delete
	return lambda names: store.delete_rows(doctype, names)


def retention_targets() -> set[str]:
	"""The retention targets some store declares (a test keeps them equal to the engine's)."""
	return {s.retention for s in stores() if s.retention}


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


__all__ = ["Store", "Subject", "deleter", "get_store", "retention_targets", "stores"]
