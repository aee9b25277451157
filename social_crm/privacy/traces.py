"""Finding and erasing one subject's data in each store of the registry (``privacy.registry``).

Batched stores have a ``find_*`` (keyset page of names: ``name > after``, ordered, limited)
and an ``erase_*`` (one batch, set-based SQL, idempotent); sweeps erase a small store in one
pass. Every function returns the counts it adds to the erasure report.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.core.doctype.file.utils import get_content_hash
from frappe.utils import escape_html, now_datetime
from frappe.utils.global_search import sync_global_search

from social_crm import settings
from social_crm.contests.contest import anonymize_entries as anonymize_contest_entries
from social_crm.engine.privacy import consent as consent_engine
from social_crm.engine.privacy.anonymize import (
	record_is_by,
	redact_references,
	redact_references_in,
	scrub_import_text,
)
from social_crm.ideas.similar import forget_index
from social_crm.linking.keys import KEY_DOCTYPE, sync_party
from social_crm.listening import learning
from social_crm.party import PARTY_TYPES
from social_crm.privacy import store, suppression
from social_crm.privacy.model import Subject, db_in, like_any

# Social doctypes whose rows may hold a person's data (Deleted Document and global search copies).
SOCIAL_DOCTYPES = (
	"Mention",
	"Social Profile",
	"Idea",
	"Idea Vote",
	"Social Consent Entry",
	"Social Contest Entry",
	"Social Ingest Error",
	"Comment",
)
IMPORT_EXTENSIONS = (".jsonl", ".ndjson", ".json", ".csv")
# Files the JSONL / CSV import read are attached to their Social Source (or to the settings).
IMPORT_ATTACHED_TO = ("Social Source", settings.DOCTYPE)
GUEST = "Guest"


def _names(sql: str, values: dict) -> list[str]:
	return [r[0] for r in frappe.db.sql(sql, values)]


def _party_sql(subject: Subject, prefix: str = "") -> tuple[str, dict]:
	if not subject.party:
		return "0", {}
	return (
		f"({prefix}party_type = %(party_type)s and {prefix}party = %(party)s)",
		{"party_type": subject.party[0], "party": subject.party[1]},
	)


def _page(doctype: str, where: str, values: dict, after: str, limit: int) -> list[str]:
	return _names(
		f"select name from `tab{doctype}` where name > %(after)s and ({where}) order by name limit %(limit)s",
		{**values, "after": after, "limit": int(limit)},
	)


# --- copies held by Frappe: notifications and queued emails -----------------------------------


def forget_copies(doctype: str, names: list[str]) -> dict:
	"""Bell notifications and queued emails about these rows (they copy titles and names)."""
	if not names:
		return {}
	logs = frappe.get_all(
		"Notification Log", filters={"document_type": doctype, "document_name": ("in", names)}, pluck="name"
	)
	frappe.db.delete("Notification Log", {"name": ("in", logs or [""])})
	emails = frappe.get_all(
		"Email Queue", filters={"reference_doctype": doctype, "reference_name": ("in", names)}, pluck="name"
	)
	_delete_emails(emails)
	return {"notifications_deleted": len(logs), "emails_deleted": len(emails)}


def _delete_emails(names: list[str]) -> int:
	if not names:
		return 0
	frappe.db.delete("Email Queue Recipient", {"parent": ("in", names)})
	frappe.db.delete("Email Queue", {"name": ("in", names)})
	return len(names)


def delete_notifications(subject: Subject) -> dict:
	"""The portal user's notifications, and any whose subject names the person's handle or email."""
	logs = _notification_logs(subject)
	frappe.db.delete("Notification Log", {"name": ("in", logs or [""])})
	return {"notifications_deleted": len(logs)}


def _notification_logs(subject: Subject) -> list[str]:
	where, params = like_any("subject", subject.terms())
	sql = f"select name, for_user, subject from `tabNotification Log` where for_user in %s or {where}"
	found = [
		name
		for name, user, text in frappe.db.sql(sql, [db_in(subject.users), *params])
		if user in subject.users or names_person(subject, text)
	]
	for doctype, names in (("Social Profile", subject.profiles),):
		if names:
			found += frappe.get_all(
				"Notification Log",
				filters={"document_type": doctype, "document_name": ("in", names)},
				pluck="name",
			)
	return sorted(set(found))


def delete_queued_emails(subject: Subject) -> dict:
	"""Emails to the person's portal user (queued or sent) and emails whose text names the handle."""
	# only portal users: the party's own address also receives ERPNext's mail (quotes, invoices)
	recipients = db_in(subject.users)
	where, params = like_any("q.message", subject.handle_terms())
	to_person = frappe.get_all(
		"Email Queue Recipient", filters={"recipient": ("in", recipients)}, pluck="parent", distinct=True
	)
	sql = f"select q.name, q.message from `tabEmail Queue` q where {where}"
	naming = [
		name for name, message in frappe.db.sql(sql, params) if names_person(subject, message, emails=False)
	]
	names = sorted(set(to_person) | set(naming))
	return {"emails_deleted": _delete_emails(names)}


# --- Create Lead notes -------------------------------------------------------------------------


def redact_lead_notes(subject: Subject) -> dict:
	"""Notes "Create Lead" wrote (profile, post text, links) are replaced by a notice."""
	terms = subject.terms(*_profile_urls(subject))
	names = [escape_html(n) for n in subject.person.names if len(n) >= 3]
	where, params = like_any("note", terms)
	name_where, name_params = like_any("note", names)
	sql = f"""select name from `tabCRM Note` where parenttype = 'Lead' and parentfield = 'notes'
		and ({where} or ({name_where} and note like %s))"""
	rows = [r[0] for r in frappe.db.sql(sql, [*params, *name_params, "%/app/mention/%"])]
	if rows:
		notice = (
			"<p>"
			+ escape_html(_("Social data removed by an erasure on {0}").format(now_datetime().date()))
			+ "</p>"
		)
		frappe.db.sql("update `tabCRM Note` set note = %s where name in %s", (notice, tuple(rows)))
	return {"lead_notes_redacted": len(rows)}


def _profile_urls(subject: Subject) -> list[str]:
	return [u for u in subject.person.urls if u.startswith(("http://", "https://"))]


# --- mentions ------------------------------------------------------------------------------------


def find_mentions(subject: Subject, after: str, limit: int) -> list[str]:
	party, values = _party_sql(subject)
	return _page(
		"Mention",
		f"author in %(profiles)s or {party}",
		{"profiles": db_in(subject.profiles), **values},
		after,
		limit,
	)


def erase_mentions(subject: Subject, names: list[str]) -> dict:
	"""The person's own posts: suppression keys first (the ids are still known), then deleted."""
	rows = frappe.get_all("Mention", filters={"name": ("in", names)}, fields=["platform", "external_id"])
	keys = suppression.add_post_keys(rows, subject.log)
	report = forget_copies("Mention", names)
	report["mentions_deleted"] = store.delete_mentions(names)
	report["suppression_keys"] = keys
	return report


def retrain_without_erased_labels(subject: Subject) -> dict:
	"""The person's mentions (and their Correct Sentiment labels) are gone: retrain the learned
	sentiment model without them."""
	return learning.labels_removed()


def find_mention_references(subject: Subject, after: str, limit: int) -> list[str]:
	"""Other people's posts whose text or title names the person's handle or email."""
	terms = subject.terms()
	if not terms:
		return []
	text, params = like_any("text", terms)
	title, _params = like_any("title", terms)
	sql = f"""select name from `tabMention` where name > %s and (author is null or author not in %s)
		and ({text} or {title}) order by name limit %s"""
	return [r[0] for r in frappe.db.sql(sql, [after, db_in(subject.profiles), *params, *params, int(limit)])]


def redact_mention_references(subject: Subject, names: list[str]) -> dict:
	return {"mention_references_redacted": store.redact_mentions(names, subject.person)}


# --- ideas, votes, comments ------------------------------------------------------------------------


def find_votes(subject: Subject, after: str, limit: int) -> list[str]:
	return _page(
		"Idea Vote",
		"voter_profile in %(profiles)s or voter_user in %(users)s",
		{"profiles": db_in(subject.profiles), "users": db_in(subject.users)},
		after,
		limit,
	)


def erase_votes(subject: Subject, names: list[str]) -> dict:
	return {"votes_deleted": store.delete_votes(names)}


def find_comments(subject: Subject, after: str, limit: int) -> list[str]:
	"""The portal user's comments on ideas (and other social rows)."""
	if not subject.users:
		return []
	return _page(
		"Comment",
		"reference_doctype in %(doctypes)s and (owner in %(users)s or comment_email in %(users)s)",
		{"doctypes": SOCIAL_DOCTYPES, "users": db_in(subject.users)},
		after,
		limit,
	)


def erase_comments(subject: Subject, names: list[str]) -> dict:
	frappe.db.delete("Comment", {"name": ("in", names)})
	return {"comments_deleted": len(names)}


def find_ideas(subject: Subject, after: str, limit: int) -> list[str]:
	party, values = _party_sql(subject)
	return _page(
		"Idea",
		f"submitted_by_profile in %(profiles)s or website_user in %(users)s or owner in %(users)s or {party}",
		{"profiles": db_in(subject.profiles), "users": db_in(subject.users), **values},
		after,
		limit,
	)


def erase_ideas(subject: Subject, names: list[str]) -> dict:
	"""Ideas stay (others voted on them) but lose the person: submitter, names in the texts,
	the portal user in owner / modified_by, their notifications, versions and search rows."""
	report = forget_copies("Idea", names)
	report["ideas_anonymized"] = store.anonymize_ideas(names, subject.person)
	if subject.users:
		for column in ("owner", "modified_by"):
			frappe.db.sql(
				f"update `tabIdea` set `{column}` = %s where name in %s and `{column}` in %s",
				(GUEST, tuple(names), db_in(subject.users)),
			)
	return report


# --- contest and consent entries -----------------------------------------------------------------


def find_contest_entries(subject: Subject, after: str, limit: int) -> list[str]:
	return _page(
		"Social Contest Entry",
		"social_profile in %(profiles)s",
		{"profiles": db_in(subject.profiles)},
		after,
		limit,
	)


def erase_contest_entries(subject: Subject, names: list[str]) -> dict:
	# anonymized, not deleted: the contest's recorded draw (entry names and seed) stays reproducible
	return {"contest_entries_anonymized": anonymize_contest_entries(names)}


def find_consent_entries(subject: Subject, after: str, limit: int) -> list[str]:
	party, values = _party_sql(subject)
	return _page(
		"Social Consent Entry",
		f"social_profile in %(profiles)s or {party}",
		{"profiles": db_in(subject.profiles), **values},
		after,
		limit,
	)


def erase_consent_entries(subject: Subject, names: list[str]) -> dict:
	"""Delete grants; keep withdrawals/objections (the proof) without evidence or source text."""
	rows = frappe.get_all(
		"Social Consent Entry", filters={"name": ("in", names)}, fields=["name", "status", "source"]
	)
	keep = [r.name for r in rows if r.status in (consent_engine.WITHDRAWN, consent_engine.OBJECTED)]
	drop = [r.name for r in rows if r.name not in keep]
	store.delete_rows("Social Consent Entry", drop)
	fresh = [r.name for r in rows if r.name in keep and r.source != _("erased")]
	if keep:
		store.bulk_update(
			"Social Consent Entry",
			{n: {} for n in keep},
			constants={"evidence": None, "source": _("erased"), "modified": now_datetime()},
		)
		# a kept entry of an (anonymized) profile must not point at the person's party any more
		frappe.db.sql(
			"""update `tabSocial Consent Entry` set party_type = NULL, party = NULL
			where social_profile is not null and social_profile != '' and name in %(names)s""",
			{"names": keep},
		)
		store.forget_history("Social Consent Entry", keep)
	return {"consent_entries_deleted": len(drop), "withdrawals_kept": len(fresh)}


# --- ingest errors and deleted documents ---------------------------------------------------------


def find_ingest_errors(subject: Subject, after: str, limit: int) -> list[str]:
	"""Rejected records whose payload holds the person's handle, email or platform id."""
	return _find_payloads("Social Ingest Error", subject, after, limit)


def find_buffered_records(subject: Subject, after, limit: int) -> list:
	"""Webhook records still waiting in the ingest buffer that hold the person's handle, email or id."""
	return _find_payloads("Social Ingest Buffer", subject, after or 0, limit)


def _find_payloads(doctype: str, subject: Subject, after, limit: int) -> list:
	terms = subject.terms(*subject.author_ids)
	if not terms:
		return []
	where, params = like_any("payload", terms)
	sql = f"select name from `tab{doctype}` where name > %s and {where} order by name limit %s"
	return [r[0] for r in frappe.db.sql(sql, [after, *params, int(limit)])]


def erase_buffered_records(subject: Subject, names: list) -> dict:
	"""The person's own waiting records are dropped (never stored); in others the handle/email is redacted."""
	deleted, redacted = _erase_payloads("Social Ingest Buffer", subject, names)
	return {"buffered_records_deleted": deleted, "buffered_records_redacted": redacted}


def erase_ingest_errors(subject: Subject, names: list[str]) -> dict:
	"""The person's own rejected records are deleted; in other records the handle/email is redacted."""
	deleted, redacted = _erase_payloads("Social Ingest Error", subject, names)
	return {"ingest_errors_deleted": deleted, "ingest_errors_redacted": redacted}


def _erase_payloads(doctype: str, subject: Subject, names: list) -> tuple[int, int]:
	handles, emails = subject.person.handles, subject.person.emails
	rows = frappe.get_all(doctype, filters={"name": ("in", names)}, fields=["name", "payload", "error"])
	deleted, redacted = [], {}
	for row in rows:
		try:
			payload = json.loads(row.payload or "null")
		except ValueError:
			payload = row.payload
		if record_is_by(payload, handles, subject.author_ids):
			deleted.append(row.name)
			continue
		new = redact_references_in(payload, handles, emails)
		error = redact_references(row.error, handles, emails)
		if new != payload or error != (row.error or ""):
			text = new if isinstance(new, str) else json.dumps(new, default=str, ensure_ascii=False, indent=1)
			redacted[row.name] = {"payload": text, "error": error}
	store.delete_rows(doctype, deleted)
	store.bulk_update(doctype, redacted, constants={"modified": now_datetime()})
	store.forget_history(doctype, list(redacted), comments=False)
	return len(deleted), len(redacted)


def own_ingest_errors(subject: Subject, names: list[str]) -> list[str]:
	"""The rejected records that are the person's own (export)."""
	rows = frappe.get_all("Social Ingest Error", filters={"name": ("in", names)}, fields=["name", "payload"])
	own = []
	for row in rows:
		try:
			payload = json.loads(row.payload or "null")
		except ValueError:
			continue
		if record_is_by(payload, subject.person.handles, subject.author_ids):
			own.append(row.name)
	return own


def find_deleted_documents(subject: Subject, after: str, limit: int) -> list[str]:
	"""Frappe's copies of social rows deleted from the desk (votes undone, mentions deleted ...)."""
	terms = subject.identifiers()
	if not terms:
		return []
	where, params = like_any("data", terms)
	sql = f"""select name from `tabDeleted Document` where name > %s and deleted_doctype in %s and {where}
		order by name limit %s"""
	return [r[0] for r in frappe.db.sql(sql, [after, SOCIAL_DOCTYPES, *params, int(limit)])]


def erase_deleted_documents(subject: Subject, names: list[str]) -> dict:
	"""Remove the copies that really are the person's (the LIKE search only proposes them)."""
	mine = own_deleted_documents(subject, names)
	frappe.db.delete("Deleted Document", {"name": ("in", mine or [""])})
	return {"deleted_documents_removed": len(mine)}


def own_deleted_documents(subject: Subject, names: list[str]) -> list[str]:
	rows = frappe.get_all("Deleted Document", filters={"name": ("in", names)}, fields=["name", "data"])
	return [r.name for r in rows if deleted_document_is_of(subject, r.data)]


PROFILE_LINKS = ("name", "author", "voter_profile", "submitted_by_profile", "social_profile")
USER_LINKS = ("owner", "modified_by", "voter_user", "website_user", "comment_email")


def deleted_document_is_of(subject: Subject, data: str | None) -> bool:
	"""A deleted row of the person: it links their profile or portal user, is their profile (by
	platform id), or names their handle or email."""
	try:
		doc = json.loads(data or "{}")
	except ValueError:
		return names_person(subject, data)
	if not isinstance(doc, dict):
		return names_person(subject, data)
	if any(doc.get(f) in subject.profiles for f in PROFILE_LINKS if doc.get(f)):
		return True
	if any(doc.get(f) in subject.users for f in USER_LINKS if doc.get(f)):
		return True
	if doc.get("doctype") == "Social Profile" and doc.get("external_id") in subject.author_ids:
		return True
	return names_person(subject, data)


def names_person(subject: Subject, text: str | None, emails: bool = True) -> bool:
	"""Does ``text`` name the person's handle (or email)? The same rule that redacts it decides."""
	if not text:
		return False
	found = redact_references(text, subject.person.handles, subject.person.emails if emails else ())
	return found != text


# --- sweeps: versions, files, search, caches, the party, keys ------------------------------------


def delete_party_versions(subject: Subject) -> dict:
	"""Earlier versions of the party that hold the person's handles (Social Handles edits)."""
	if not subject.party:
		return {"versions_deleted": 0}
	where, params = like_any("data", subject.handle_terms())
	sql = f"select name, data from `tabVersion` where ref_doctype = %s and docname = %s and {where}"
	names = [
		name
		for name, data in frappe.db.sql(sql, [subject.party[0], subject.party[1], *params])
		if names_person(subject, data, emails=False)
	]
	frappe.db.delete("Version", {"name": ("in", names or [""])})
	return {"versions_deleted": len(names)}


def redact_import_files(subject: Subject) -> dict:
	"""Imported JSONL / CSV files: the person's records removed, their handle/email redacted."""
	terms = subject.terms(*subject.author_ids)
	if not terms:
		return {"import_files_rewritten": 0, "import_records_removed": 0}
	files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": ("in", IMPORT_ATTACHED_TO), "is_folder": 0},
		fields=["name", "file_name", "file_url"],
	)
	rewritten = removed = 0
	for row in files:
		file_name = (row.file_name or row.file_url or "").lower()
		if not file_name.endswith(IMPORT_EXTENSIONS):
			continue
		doc = frappe.get_doc("File", row.name)
		try:
			content = doc.get_content()
		except (OSError, frappe.DoesNotExistError):
			continue
		if isinstance(content, bytes):
			content = content.decode("utf-8-sig", errors="replace")
		lowered = content.lower()
		if not any(t in lowered for t in terms):
			continue
		new, gone, changed = scrub_import_text(
			content,
			file_name.endswith(".csv"),
			subject.person.handles,
			subject.person.emails,
			subject.author_ids,
		)
		if new == content:
			continue
		data = new.encode("utf-8")
		with open(doc.get_full_path(), "wb") as f:
			f.write(data)
		frappe.db.set_value(
			"File",
			doc.name,
			{"file_size": len(data), "content_hash": get_content_hash(data)},
			update_modified=False,
		)
		rewritten += 1
		removed += gone
	return {"import_files_rewritten": rewritten, "import_records_removed": removed}


def delete_global_search(subject: Subject) -> dict:
	"""Frappe's search index rows of the person's profiles and of social rows naming them.

	(Rows of erased and anonymized mentions and ideas go with them: ``store.forget_history``.)
	Frappe's pending queue (Redis ``global_search_queue``, drained by the scheduler) is synced
	first, so an entry queued before the erasure cannot write the person back afterwards.
	"""
	sync_global_search()
	where, params = like_any("content", subject.terms())
	sql = f"""select doctype, name, content from `__global_search`
		where (doctype = 'Social Profile' and name in %s) or (doctype in %s and {where})"""
	rows = [
		(doctype, name)
		for doctype, name, content in frappe.db.sql(sql, [db_in(subject.profiles), SOCIAL_DOCTYPES, *params])
		if (doctype == "Social Profile" and name in subject.profiles) or names_person(subject, content)
	]
	for doctype, name in rows:
		frappe.db.delete("__global_search", {"doctype": doctype, "name": name})
	return {"global_search_rows_deleted": len(rows)}


def forget_similar_ideas(subject: Subject) -> dict:
	"""The cached similar-idea index holds the ideas' old titles: drop it everywhere."""
	forget_index()
	return {"similar_ideas_cache_cleared": 1}


def clear_party_fields(subject: Subject) -> dict:
	"""The party's Social Handles and the Lead Ads answers (the party record itself is ERPNext's)."""
	if not subject.party:
		return {}
	doctype, name = subject.party
	cleared = 0
	if doctype in PARTY_TYPES and frappe.get_meta(doctype).has_field("social_handles"):
		if frappe.db.get_value(doctype, name, "social_handles"):
			frappe.db.set_value(doctype, name, "social_handles", None, update_modified=False)
			cleared += 1
	if doctype == "Lead" and frappe.get_meta("Lead").has_field("meta_lead_answers"):
		if frappe.db.get_value("Lead", name, "meta_lead_answers"):
			frappe.db.set_value("Lead", name, "meta_lead_answers", None, update_modified=False)
			cleared += 1
	return {"party_fields_cleared": cleared}


def resync_party_keys(subject: Subject) -> dict:
	"""The party's Social Match Keys are recomputed without the cleared handles."""
	if not subject.party:
		return {}
	doctype, name = subject.party
	filters = {"reference_doctype": doctype, "reference_name": name}
	before = frappe.db.count(KEY_DOCTYPE, filters)
	sync_party(doctype, name)
	return {"match_keys_deleted": max(0, before - frappe.db.count(KEY_DOCTYPE, filters))}


# --- profiles (last) -------------------------------------------------------------------------------


def find_profiles(subject: Subject, after: str, limit: int) -> list[str]:
	return [p for p in sorted(subject.profiles) if p > after][:limit]


def erase_profiles(subject: Subject, names: list[str]) -> dict:
	"""Anonymized, kept as the anonymous anchor of the kept withdrawals; never linked again."""
	keys = frappe.db.count(
		KEY_DOCTYPE, {"reference_doctype": "Social Profile", "reference_name": ("in", names)}
	)
	report = forget_copies("Social Profile", names)
	report["profiles_anonymized"] = store.anonymize_profiles(names)
	report["match_keys_deleted"] = keys
	frappe.db.sql(
		"update `tabSocial Profile` set consent_state = %s where name in %s",
		(_("Erased on {0}").format(now_datetime().date()), tuple(names)),
	)
	return report
