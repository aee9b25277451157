"""Set-based changes to stored social data, in batches of names.

Retention runs, consent withdrawals and erasures all end here. Each function changes one
batch with a few SQL statements (no Document.save per row: a million rows must go in minutes)
and keeps the data consistent by hand: child rows, version history, comments, assignments
and references from other social doctypes go with the rows they belong to.
"""

import frappe
from frappe.utils import now_datetime
from frappe.utils.global_search import sync_global_search

from social_crm.engine.privacy import anonymize as engine
from social_crm.insight import rollup
from social_crm.privacy.suppression import get_secret
from social_crm.support.issues import redact_copies as redact_issue_copies

BATCH_SIZE = 1000

# What anonymizing a Mention reads; the other fields the engine clears are only set to NULL,
# so their (possibly large) values are never fetched.
MENTION_FIELDS = [
	"name",
	"platform",
	"external_id",
	"author",
	"author_name",
	"author_handle",
	"url",
	"text",
	"title",
	"posted_at",
]
MENTION_CLEAR_ONLY = {f: None for f in engine.MENTION_CLEAR if f not in MENTION_FIELDS}
# the anonymizer reads the identity it clears, plus what it keeps for statistics
PROFILE_FIELDS = [
	"name",
	"platform",
	"external_id",
	*engine.PROFILE_CLEAR,
	"do_not_auto_link",
	"first_seen",
	"last_seen",
]
PERSON_FIELDS = ["name", "display_name", "handle", "email", "profile_url", "website", "avatar_url"]


# --- generic -------------------------------------------------------------------------------------


def _placeholders(values: list) -> str:
	return ", ".join(["%s"] * len(values))


def bulk_update(
	doctype: str, updates: dict[str, dict], constants: dict | None = None, raw: list[str] | None = None
):
	"""UPDATE one batch: per-row values joined in from a derived table (one statement, PK lookups),
	the same value for all rows via ``constants``, SQL expressions via ``raw``."""
	names = list(updates)
	if not names:
		return
	constants = constants or {}
	fields = sorted({f for row in updates.values() for f in row} - set(constants))
	# a field every row sets needs no "has" flag (half the values to bind for it)
	everywhere = {f for f in fields if all(f in row for row in updates.values())}
	flagged = [f for f in fields if f not in everywhere]
	parts = [
		f"t.`{f}` = v.`{f}`" if f in everywhere else f"t.`{f}` = if(v.`has_{f}`, v.`{f}`, t.`{f}`)"
		for f in fields
	]
	params: list = []
	for fieldname, value in constants.items():
		parts.append(f"t.`{fieldname}` = %s")
		params.append(value)
	parts += [part.replace("`status`", "t.`status`") for part in raw or []]
	if fields:
		columns = ", ".join(
			["%s as `name`", *(f"%s as `{f}`" for f in fields), *(f"%s as `has_{f}`" for f in flagged)]
		)
		row_sql = ", ".join(["%s"] * (1 + len(fields) + len(flagged)))
		selects, values = [], []
		for i, name in enumerate(names):
			selects.append(f"select {columns}" if i == 0 else f"select {row_sql}")
			row = updates[name]
			values.append(name)
			values += [row.get(f) for f in fields]
			values += [1 if f in row else 0 for f in flagged]
		join = f"join ({' union all '.join(selects)}) v on v.`name` = t.`name`"
		frappe.db.sql(f"update `tab{doctype}` t {join} set {', '.join(parts)}", values + params)
	else:
		frappe.db.sql(
			f"update `tab{doctype}` t set {', '.join(parts)} where t.`name` in ({_placeholders(names)})",
			params + names,
		)


def forget_history(doctype: str, names: list[str], comments: bool = True):
	"""Version rows and Frappe's global search rows hold old values (personal data); comments
	refer to the rows. Frappe's pending search queue (Redis) is synced first, so an entry queued
	before cannot put a row back after this."""
	if not names:
		return
	sync_global_search()
	_delete_referencing("`tabVersion`", "ref_doctype", doctype, "docname", names)
	_delete_referencing("`__global_search`", "doctype", doctype, "name", names)
	if comments:
		_delete_referencing("`tabComment`", "reference_doctype", doctype, "reference_name", names)


def _delete_referencing(table: str, type_column: str, doctype: str | None, column: str, names: list[str]):
	"""DELETE the rows of ``table`` whose ``column`` is one of ``names`` (and ``type_column`` is
	``doctype``, unless None): plain SQL with the list bound as one parameter, in chunks (a query
	builder renders every value of a 1,000-name list as its own term)."""
	condition = f"`{type_column}` = %(doctype)s and " if type_column else ""
	names = list(names)
	for start in range(0, len(names), 1000):
		frappe.db.sql(
			f"delete from {table} where {condition}`{column}` in %(names)s",
			{"doctype": doctype, "names": names[start : start + 1000]},
		)


def delete_rows(doctype: str, names: list[str]) -> int:
	"""Delete rows with their child rows, versions, comments and assignments."""
	if not names:
		return 0
	for table in frappe.get_meta(doctype).get_table_fields():
		_delete_referencing(f"`tab{table.options}`", "parenttype", doctype, "parent", names)
	forget_history(doctype, names)
	_delete_referencing("`tabToDo`", "reference_type", doctype, "reference_name", names)
	_delete_referencing(f"`tab{doctype}`", None, None, "name", names)
	return len(names)


def clear_field(doctype: str, names: list[str], fieldname: str) -> int:
	if not names:
		return 0
	frappe.db.sql(
		f"update `tab{doctype}` set `{fieldname}` = NULL where `name` in ({_placeholders(names)})", names
	)
	forget_history(doctype, names, comments=False)
	return len(names)


# --- mentions ------------------------------------------------------------------------------------


def persons_of(profile_names, cache: dict | None = None) -> dict[str, engine.Person]:
	"""The engine Person (names, handles, emails, URLs) of each profile; ``cache`` spans batches."""
	cache = {} if cache is None else cache
	if len(cache) > 50_000:
		cache.clear()  # bounded memory on runs over very many authors
	missing = [n for n in set(profile_names) if n and n not in cache]
	for start in range(0, len(missing), 5000):  # the names bound as one parameter: no query builder per name
		for row in frappe.db.sql(
			f"select {', '.join(PERSON_FIELDS)} from `tabSocial Profile` where name in %(names)s",
			{"names": missing[start : start + 5000]},
			as_dict=True,
		):
			cache[row.name] = engine.Person.from_profile(row)
	return cache


def anonymize_mentions(rows: list[dict], persons: dict | None = None) -> int:
	"""Anonymize Mention rows (dicts with MENTION_FIELDS) with the engine's field map.

	``persons`` maps author names to engine Persons or profile dicts; missing authors are read.
	"""
	updates, cleared = prepare_mention_anonymization(rows, persons)
	return write_mention_anonymization(updates, cleared)


def prepare_mention_anonymization(rows: list[dict], persons: dict | None = None) -> tuple[dict, set]:
	"""Compute the anonymized values (pure Python; no writes, may run outside a transaction)."""
	rows = [r for r in rows if not engine.is_anonymized(r)]
	if not rows:
		return {}, set()
	persons = persons_of((r.get("author") for r in rows), persons)
	secret = get_secret()
	updates, cleared = {}, set(MENTION_CLEAR_ONLY)
	for row in rows:
		record = {**MENTION_CLEAR_ONLY, **row}
		changes = engine.anonymize_mention_fields(record, persons.get(row.get("author")), secret)
		cleared.update(k for k, v in changes.items() if v is None)
		# only values that change: fewer columns and index entries to write (an empty text stays as it is)
		updates[row["name"]] = {
			k: v for k, v in changes.items() if v is not None and v != row.get(k) and (v or row.get(k))
		}
	return updates, cleared


def write_mention_anonymization(updates: dict, cleared: set, rows: list[dict] | None = None) -> int:
	"""Write prepared anonymized values; ``rows``: the mentions' stored party fields
	(``rollup.PARTY_FIELDS``) when the caller has just read them under lock, else they are read."""
	if not updates:
		return 0
	redact_issue_copies(list(updates))
	# anonymization keeps a mention's hourly rollup rows (engine test) but clears its party:
	# the party rows after the UPDATE are the stored ones with the written values
	rows = rollup.party_rows(list(updates)) if rows is None else [r for r in rows if r["name"] in updates]
	constants = {**{f: None for f in cleared}, "anonymized": 1, "modified": now_datetime()}
	bulk_update(
		"Mention", updates, constants=constants, raw=["`status` = if(`status` = 'Linked', 'New', `status`)"]
	)
	rollup.apply(
		rollup.party_keys_of(rows),
		rollup.party_keys_of([{**row, **constants, **updates[row["name"]]} for row in rows]),
	)
	forget_history("Mention", list(updates))
	return len(updates)


def delete_mentions(names: list[str]) -> int:
	if not names:
		return 0
	redact_issue_copies(names)
	rollup.removing(names)
	frappe.db.sql(
		f"update `tabIdea` set source_mention = NULL where source_mention in ({_placeholders(names)})", names
	)
	return delete_rows("Mention", names)


def redact_mentions(names: list[str], person: engine.Person) -> int:
	"""Other people's posts that name ``person``: their handle and email are redacted in the text
	and title (engine ``redact_references``), the raw platform copy is cleared. Returns how many
	rows changed; rows that do not name the person are left alone."""
	if not names:
		return 0
	rows = frappe.get_all("Mention", filters={"name": ("in", names)}, fields=["name", "text", "title"])
	updates = {}
	for row in rows:
		changes = {
			field: engine.redact_references(row.get(field), person.handles, person.emails)
			for field in ("text", "title")
			if row.get(field)
		}
		changes = {k: v for k, v in changes.items() if v != row.get(k)}
		if changes:
			updates[row.name] = changes
	if not updates:
		return 0
	redact_issue_copies(list(updates))
	bulk_update("Mention", updates, constants={"raw_payload": None, "modified": now_datetime()})
	forget_history("Mention", list(updates), comments=False)
	return len(updates)


def mention_batches(filters: dict | list, fields=None, batch_size: int = BATCH_SIZE):
	"""Keyset pages of mentions (by name) matching ``filters``; safe while rows change."""
	last = ""
	while True:
		rows = frappe.get_all(
			"Mention",
			filters=[*list_filters(filters), ["name", ">", last]],
			fields=fields or MENTION_FIELDS,
			order_by="name asc",
			limit_page_length=batch_size,
		)
		if not rows:
			return
		last = rows[-1].name
		yield rows


def list_filters(filters) -> list:
	if isinstance(filters, dict):
		return [[k, *(v if isinstance(v, list | tuple) else ("=", v))] for k, v in filters.items()]
	return [list(f) for f in filters]


def handle_mentions_of(profiles: list[str], action: str, party: tuple[str, str] | None = None) -> int:
	"""Anonymize or delete all stored mentions of some profiles (and of a party)."""
	selections = []
	if profiles:
		selections.append({"author": ("in", profiles)})
	if party:
		selections.append({"party_type": party[0], "party": party[1]})
	done = 0
	persons = persons_of(profiles)
	for filters in selections:
		for rows in mention_batches(filters):
			if action == "Delete":
				done += delete_mentions([r.name for r in rows])
			else:
				done += anonymize_mentions(rows, persons)
	return done


# --- profiles ------------------------------------------------------------------------------------


def anonymize_profiles(names: list[str]) -> int:
	"""Anonymize profiles and, first, every mention they wrote (while their names are known)."""
	rows = frappe.get_all("Social Profile", filters={"name": ("in", names)}, fields=PROFILE_FIELDS)
	rows = [r for r in rows if not engine.is_anonymized(r)]
	if not rows:
		return 0
	names = [r.name for r in rows]
	persons = {r.name: engine.Person.from_profile(r) for r in rows}
	for batch in mention_batches({"author": ("in", names)}):
		anonymize_mentions(batch, persons)
	secret = get_secret()
	updates, cleared = {}, set()
	for row in rows:
		changes = engine.anonymize_profile_fields(row, secret)
		cleared.update(k for k, v in changes.items() if v is None)
		updates[row.name] = {k: v for k, v in changes.items() if v is not None}
	bulk_update(
		"Social Profile",
		updates,
		constants={**{f: None for f in cleared}, "anonymized": 1, "modified": now_datetime()},
	)
	forget_history("Social Profile", names)
	# the linking lookup keys hold the handle, email and name of the profile
	frappe.db.delete(
		"Social Match Key", {"reference_doctype": "Social Profile", "reference_name": ("in", names)}
	)
	return len(names)


def delete_profiles(names: list[str]) -> int:
	"""Delete profiles; their mentions are anonymized, ideas and votes lose the reference."""
	if not names:
		return 0
	anonymize_profiles(names)
	frappe.db.sql(f"update `tabMention` set author = NULL where author in ({_placeholders(names)})", names)
	frappe.db.sql(
		f"update `tabIdea` set submitted_by_profile = NULL where submitted_by_profile in ({_placeholders(names)})",
		names,
	)
	frappe.db.sql(
		f"update `tabIdea Vote` set voter_profile = NULL where voter_profile in ({_placeholders(names)})",
		names,
	)
	frappe.db.delete("Social Consent Entry", {"social_profile": ("in", names)})
	entries = frappe.get_all("Social Contest Entry", {"social_profile": ("in", names)}, pluck="name")
	delete_rows("Social Contest Entry", entries)
	return delete_rows("Social Profile", names)


# --- ideas and votes -----------------------------------------------------------------------------


def recount_votes(ideas) -> None:
	for idea in set(i for i in ideas if i):
		if frappe.db.exists("Idea", idea):
			frappe.get_doc("Idea", idea).update_vote_count()


def delete_votes(names: list[str]) -> int:
	if not names:
		return 0
	ideas = frappe.get_all("Idea Vote", filters={"name": ("in", names)}, pluck="idea")
	delete_rows("Idea Vote", names)
	recount_votes(ideas)
	return len(names)


def delete_ideas(names: list[str]) -> int:
	if not names:
		return 0
	votes = frappe.get_all("Idea Vote", filters={"idea": ("in", names)}, pluck="name")
	delete_rows("Idea Vote", votes)
	frappe.db.sql(
		f"update `tabIdea` set duplicate_of = NULL where duplicate_of in ({_placeholders(names)})", names
	)
	return delete_rows("Idea", names)


def anonymize_ideas(names: list[str], person: dict | None = None) -> int:
	fields = ["name", "title", "description", "status_reason", *engine.IDEA_CLEAR]
	rows = frappe.get_all("Idea", filters={"name": ("in", names)}, fields=fields)
	updates, cleared = {}, set()
	for row in rows:
		changes = engine.anonymize_idea_fields(row, person)
		cleared.update(k for k, v in changes.items() if v is None)
		updates[row.name] = {k: v for k, v in changes.items() if v is not None}
	bulk_update("Idea", updates, constants={**{f: None for f in cleared}, "modified": now_datetime()})
	forget_history("Idea", list(updates))
	return len(updates)
