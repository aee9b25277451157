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

from social_crm.privacy import store, traces
from social_crm.privacy.model import Store, Subject, db_in, escape_like, like_any, pages

# Erasure order (see the module doc). One entry per store of personal data.
STORES: tuple[Store, ...] = (
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
	Store("match_keys", "Social Match Key", counts=("match_keys_deleted",), sweep=traces.resync_party_keys),
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
)


def stores() -> list[Store]:
	"""All stores of personal data, in erasure order."""
	return list(STORES)


def get_store(key: str) -> Store:
	for item in stores():
		if item.key == key:
			return item
	raise KeyError(key)


def deleter(doctype: str) -> Callable[[list[str]], int]:
	"""How a retention run deletes rows of ``doctype`` (the registry's, else plain row deletion)."""
	for item in stores():
		if item.doctype == doctype and item.delete is not None:
			return item.delete
	return lambda names: store.delete_rows(doctype, names)


def retention_targets() -> set[str]:
	"""The retention targets some store declares (a test keeps them equal to the engine's)."""
	return {s.retention for s in stores() if s.retention}


__all__ = [
	"Store",
	"Subject",
	"db_in",
	"deleter",
	"escape_like",
	"get_store",
	"like_any",
	"pages",
	"retention_targets",
	"stores",
]
