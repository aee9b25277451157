"""The mention rollup: hourly counts the charts, reports and the alert job read.

*Social Mention Rollup* holds, per UTC hour, how many mentions there are per dimension
(all mentions, per listening rule, per rule kind, per competitor voice) x platform x
sentiment x language x rule kind. Which rows a mention counts in is the engine's rule
(:mod:`social_crm.engine.insight.rollup`); this module reads the mentions' current keys
(:func:`snapshot`), adds the difference with set-based SQL (:func:`apply`: ``INSERT ...
ON DUPLICATE KEY UPDATE mention_count = mention_count + delta``, in the writer's own
transaction, so a rolled-back write leaves the rollup as it was) and rebuilds it from the
mentions (:func:`rebuild`).

Every writer of mentions calls one line of this module:

* the pipeline's bulk insert — :func:`inserted` with the new names;
* a Mention saved or deleted through its controller (desk, REST, edited posts) —
  :func:`document_changed` / :func:`document_removed`;
* set-based updates (enrichment, *Correct Sentiment*, anonymization) —
  ``before = snapshot(names)`` then :func:`changed` ``(before)`` after the UPDATE;
* set-based deletes (retention, erasure) — :func:`removing` before the DELETE;
* a Listening Rule whose Competitor, or whose Item or kind (a Product rule's Item), changes —
  :func:`rule_changed`; a renamed Item — :func:`item_renamed`;
* set-based changes of a mention's party only (linking, unlinking, anonymization, withdrawal)
  — ``before = party_snapshot(names)`` then :func:`party_changed` ``(before)``; a renamed
  party — :func:`recount_parties`.

The same deltas keep *Social Party Rollup* (mentions per party x week x sentiment, read by the
Customer / Lead / Contact form's social summary): :func:`snapshot` answers both kinds of keys
(:class:`RollupKey` and :class:`PartyKey`) and :func:`apply` writes each to its table.

Row-level permission: the rollup has no party, so it serves unrestricted users only
(:func:`serves`); restricted users (Sales Users reading their own parties) keep the raw,
permission-filtered queries.
"""

from collections import Counter, defaultdict
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import getdate

from social_crm.engine.insight.rollup import (
	ALL,
	COMPETITOR,
	COMPETITOR_KIND,
	CUSTOMER,
	DAILY_DIMENSIONS,
	DAY,
	DIMENSIONS,
	HOUR,
	ITEM,
	ITEM_RULE,
	KIND,
	MAX_VALUE,
	PARTY_OWN_TYPES,
	PRODUCT_KIND,
	RULE,
	SERIES,
	PartyKey,
	RollupKey,
	deltas,
	is_midnight,
	item_keys,
	mention_keys,
	name_range,
	party_keys,
	party_prefix,
	rule_items,
	sql_name,
	sql_party_name,
	sql_week,
	with_coarser,
)
from social_crm.insight import response_rollup
from social_crm.permissions import ensure_system_manager, is_unrestricted

DOCTYPE = "Social Mention Rollup"
TABLE = "`tabSocial Mention Rollup`"
PARTY_DOCTYPE = "Social Party Rollup"
PARTY_TABLE = "`tabSocial Party Rollup`"
CHUNK = 1000
REMOVE_CHUNK = 5000  # mentions per grouped removal SELECT (their names inline)
WRITE_CHUNK = 500
HOUR_FORMAT = "%Y-%m-%d %H:00:00"  # a rebuild SELECT's hourly bucket
BATCH = 5000
REBUILD_JOB_TIMEOUT = 3 * 3600
COLUMNS = ("platform", "sentiment", "language", "rule_kind", "match_kind", "value")

Snapshot = dict[str, set[RollupKey | PartyKey]]
PARTY_FIELDS_LIST = ["name", "posted_at", "sentiment", "party_type", "party", "customer"]
PARTY_FIELDS = ", ".join(PARTY_FIELDS_LIST)


def serves(user: str | None = None) -> bool:
	"""Whether the rollup may answer for ``user``: only unrestricted users (it has no party)."""
	return is_unrestricted(user)


# --- keys of stored mentions ---------------------------------------------------------------------


def competitors() -> dict[str, str]:
	"""{listening rule: its linked Competitor} for the rules that have one."""
	return dict(
		frappe.db.sql("select name, competitor from `tabListening Rule` where ifnull(competitor, '') != ''")
	)


def items() -> dict[str, str]:
	"""{listening rule: its Item} for the Product rules that link one (engine ``rule_items``)."""
	return rule_items(
		frappe.db.sql(
			"select name, kind, item from `tabListening Rule` where ifnull(item, '') != ''", as_dict=True
		)
	)


def snapshot(
	names, competitor_of: dict[str, str] | None = None, item_of: dict[str, str] | None = None
) -> Snapshot:
	"""{mention name: rollup keys (hourly, daily per Item, per party)} of the mentions as stored now (missing names are absent)."""
	names = [n for n in dict.fromkeys(names or []) if n]
	if not names:
		return {}
	competitor_of = competitors() if competitor_of is None else competitor_of
	item_of = items() if item_of is None else item_of
	out: Snapshot = {}
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		mentions = frappe.db.sql(
			"""select name, posted_at, platform, sentiment, human_sentiment, language, rule_kind,
			party_type, party, customer, assigned_to, status, first_response_at, response_minutes
			from `tabMention` where name in %(names)s""",
			{"names": chunk},
			as_dict=True,
		)
		if not mentions:
			continue
		matches = defaultdict(list)
		for row in frappe.db.sql(
			"""select parent, listening_rule, kind, sentiment from `tabMention Rule Match`
			where parent in %(names)s order by parent, idx""",
			{"names": [m.name for m in mentions]},
			as_dict=True,
		):
			matches[row.parent].append(row)
		for mention in mentions:
			out[mention.name] = (
				mention_keys(mention, matches[mention.name], competitor_of)
				| item_keys(mention, matches[mention.name], item_of)
				| party_keys(mention)
				| response_rollup.keys(mention)
			)
	return out


def party_snapshot(names) -> Snapshot:
	"""{mention name: per-party keys} only: for writers that change a mention's party, nothing else."""
	return party_keys_of(party_rows(names))


def party_rows(names) -> list[dict]:
	"""The stored fields (``PARTY_FIELDS``) of mentions that their per-party keys come from."""
	names = [n for n in dict.fromkeys(names or []) if n]
	rows: list[dict] = []
	for start in range(0, len(names), CHUNK):
		rows += frappe.db.sql(
			f"select {PARTY_FIELDS} from `tabMention` where name in %(names)s",
			{"names": names[start : start + CHUNK]},
			as_dict=True,
		)
	return rows


def party_keys_of(rows) -> Snapshot:
	"""{mention name: per-party keys} of mention rows with (at least) ``PARTY_FIELDS``."""
	return {row["name"]: party_keys(row) for row in rows}


def document_keys(doc) -> set[RollupKey | PartyKey]:
	"""Rollup keys (hourly and per party) of a Mention document (as it is in memory)."""
	if doc is None:
		return set()
	row = doc.as_dict()
	matches = [m.as_dict() for m in doc.get("matched_rules") or []]
	return (
		mention_keys(row, matches, competitors())
		| item_keys(row, matches, items())
		| party_keys(row)
		| response_rollup.keys(row)
	)


# --- writing deltas ------------------------------------------------------------------------------


def apply(before: Snapshot | None = None, after: Snapshot | None = None) -> int:
	"""Add the difference between the mentions' keys before and after a write; rows changed."""
	return apply_sets((before or {}).values(), (after or {}).values())


def apply_sets(before, after) -> int:
	"""Like :func:`apply` for lists of key sets: hourly keys to the rollup, party keys to its table."""
	before, after = list(before), list(after)
	return (
		write(deltas(_of(before, RollupKey), _of(after, RollupKey)))
		+ write_party(deltas(_of(before, PartyKey), _of(after, PartyKey)))
		+ response_rollup.apply_sets(before, after)
	)


def _of(key_sets, kind) -> list[set]:
	return [{key for key in keys if isinstance(key, kind)} for keys in key_sets]


ROLLUP_COLUMNS = (
	"name", "bucket", "dimension", "value", "platform", "sentiment", "language", "rule_kind",
	"match_kind", "grain",
)  # fmt: skip
PARTY_COLUMNS = ("name", "party_type", "party", "week", "sentiment")


def write(change: dict[RollupKey, int]) -> int:
	"""``INSERT ... ON DUPLICATE KEY UPDATE`` the count deltas; rows that reach 0 are removed."""
	return _write_counts(TABLE, ROLLUP_COLUMNS, change)


def write_party(change: dict[PartyKey, int]) -> int:
	"""The per-party weekly twin of :func:`write`."""
	return _write_counts(PARTY_TABLE, PARTY_COLUMNS, change)


def _write_counts(table: str, columns: tuple[str, ...], change: dict, sums: tuple[str, ...] = ()) -> int:
	"""Add each key's delta to its row of ``table`` (key attributes = ``columns``), then remove
	the rows a negative delta brought to 0 or below. With ``sums`` (further summed columns) a
	delta is a tuple (count, *sums)."""
	if not change:
		return 0
	items = sorted(change.items(), key=lambda item: item[0].name)  # one lock order for all writers
	if not sums and all(count < 0 for _, count in items):
		return _lower_counts(table, [(key.name, count) for key, count in items])
	row = "(" + ", ".join(["%s"] * (len(columns) + 1 + len(sums))) + ")"
	added = ", ".join(f"{c} = {c} + values({c})" for c in ("mention_count", *sums))
	for start in range(0, len(items), WRITE_CHUNK):
		chunk = items[start : start + WRITE_CHUNK]
		values = [
			v
			for key, delta in chunk
			for v in (*(getattr(key, c) for c in columns), *(delta if sums else (delta,)))
		]
		frappe.db.sql(
			f"""insert into {table} ({", ".join((*columns, "mention_count", *sums))})
			values {", ".join([row] * len(chunk))}
			on duplicate key update {added}""",
			values,
		)
	lowered = [key.name for key, delta in items if (delta[0] if sums else delta) < 0]
	for start in range(0, len(lowered), CHUNK):
		frappe.db.sql(
			f"delete from {table} where name in %(names)s and mention_count <= 0",
			{"names": lowered[start : start + CHUNK]},
		)
	return len(items)


def _lower_counts(table: str, lowered: list[tuple[str, int]]) -> int:
	"""Only removals (retention, erasure, deleted mentions): a negative delta lowers a row that
	exists and would insert a missing one below 0 only to remove it again, so it is an UPDATE
	joined to (name, delta) pairs (two values per row instead of every key column) and the
	rows that reached 0 are removed; ``lowered`` is in name order (the writers' lock order)."""
	for start in range(0, len(lowered), WRITE_CHUNK):
		chunk = lowered[start : start + WRITE_CHUNK]
		pairs = " union all ".join(["select %s as name, %s as delta"] + ["select %s, %s"] * (len(chunk) - 1))
		frappe.db.sql(
			f"""update {table} t join ({pairs}) d on d.name = t.name
			set t.mention_count = t.mention_count + d.delta""",
			[v for pair in chunk for v in pair],
		)
		frappe.db.sql(
			f"delete from {table} where name in %(names)s and mention_count <= 0",
			{"names": [name for name, _ in chunk]},
		)
	return len(lowered)


def _columns(select: str, columns: str = "b, v, p, s, l, rk, mk, c") -> str:
	"""A rebuild SELECT's columns in this order (they are named, not ordered, for its INSERT)."""
	return f"select {columns} from ({select}) t"


def inserted(names) -> int:
	"""Count newly stored mentions (bulk inserts that bypass the controller)."""
	return apply(after=snapshot(names))


def removing(names) -> int:
	"""Uncount mentions about to be deleted (call before the DELETE, in the same transaction).

	The counts to remove are grouped on the database server by the rebuild's own SELECTs
	restricted to these mentions (:func:`removal_change`): only the distinct rows they count in
	come back, never each mention's keys (retention and erasure delete many at once)."""
	names = [n for n in dict.fromkeys(names or []) if n]
	written = 0
	for start in range(0, len(names), REMOVE_CHUNK):
		where = " and m.name in ({})".format(
			", ".join(frappe.db.escape(n, percent=False) for n in names[start : start + REMOVE_CHUNK])
		)
		rollup_change, party_change = removal_change(where)
		written += write(rollup_change) + write_party(party_change)
		written += response_rollup.write(response_rollup.removal_change(where))
	return written


def removal_change(where: str) -> tuple[dict[RollupKey, int], dict[PartyKey, int]]:
	"""Negative count per rollup row and per party row of the mentions ``where`` selects (`` and
	...`` on ``m``): the hourly rows from :func:`_rebuild_selects`, with the Series and daily rows
	derived from them as the engine does (``with_coarser``), the Item and party rows from their
	rebuild SELECTs."""
	hourly: Counter = Counter()
	for dimension, select in _rebuild_selects(HOUR_FORMAT, where):
		for b, v, p, s, lang, rk, mk, c in frappe.db.sql(_columns(select)):
			hourly[RollupKey(datetime.fromisoformat(b), dimension, v, p, s, lang, rk, mk)] -= int(c)
	change = with_coarser(hourly)
	for select in (_item_select(where), _item_rule_select(where)):
		for b, v, p, s, lang, rk, mk, c in frappe.db.sql(_columns(select)):
			change[RollupKey(datetime.fromisoformat(b), ITEM, v, p, s, lang, rk, mk, DAY)] -= int(c)
	party: Counter = Counter()
	for select in _party_selects(where.removeprefix(" and ")):
		for pt, p, w, s, c in frappe.db.sql(_columns(select, "pt, p, w, s, c")):
			party[PartyKey(pt, p, w, s)] -= int(c)
	return {k: c for k, c in change.items() if c}, {k: c for k, c in party.items() if c}


def changed(before: Snapshot) -> int:
	"""Recount mentions changed by a set-based UPDATE; ``before`` is their :func:`snapshot`."""
	return apply(before=before, after=snapshot(list(before)))


def party_changed(before: Snapshot) -> int:
	"""Recount the party rows of mentions whose party changed; ``before`` is their :func:`party_snapshot`."""
	return apply(before=before, after=party_snapshot(list(before)))


def document_changed(doc) -> int:
	"""Mention.on_update (insert and save): the difference to the document before the save."""
	return apply_sets([document_keys(doc.get_doc_before_save())], [document_keys(doc)])


def document_removed(doc) -> int:
	"""Mention.on_trash: uncount the document."""
	return apply_sets([document_keys(doc)], [])


def recount_parties(parties) -> int:
	"""Recompute the rows of some (party type, party) from their mentions (a renamed party)."""
	done = 0
	for party_type, party in dict.fromkeys(parties):
		prefix = party_prefix(party_type, party)
		frappe.db.sql(f"delete from {PARTY_TABLE} where name like %(prefix)s", {"prefix": prefix + "%"})
		own, customers = _party_selects(
			"m.customer = %(party)s"  # the indexed columns (party names carry no outer spaces)
			if party_type == CUSTOMER
			else "m.party_type = %(party_type)s and m.party = %(party)s"
		)
		select = customers if party_type == CUSTOMER else own
		# a statement with parameters: the name's date format needs its % doubled
		frappe.db.sql(
			_party_insert(select).replace("%Y%m%d", "%%Y%%m%%d"), {"party_type": party_type, "party": party}
		)
		done += 1
	return done


def rule_changed(rule) -> int:
	"""Listening Rule.on_update: a changed Competitor moves its mentions to another voice, a
	changed Item (or kind of a rule with an Item) to another Item's rows."""
	previous = rule.get_doc_before_save()
	if previous is None:
		return 0
	voice_changed = (previous.get("competitor") or "") != (rule.get("competitor") or "")
	item_was, item_now = _rule_item(previous), _rule_item(rule)
	if not voice_changed and item_was == item_now:
		return 0
	now = competitors()
	was = {**now, rule.name: previous.get("competitor") or ""}
	items_now = items()
	items_was = {k: v for k, v in items_now.items() if k != rule.name}
	if item_was:
		items_was[rule.name] = item_was
	done = 0
	for names in _batches(
		"select distinct parent from `tabMention Rule Match` where listening_rule = %(rule)s"
		" and parent > %(last)s order by parent limit %(limit)s",
		{"rule": rule.name},
	):
		done += apply(before=snapshot(names, was, items_was), after=snapshot(names, now, items_now))
	return done


def item_renamed(doc, method=None, old: str | None = None, new: str | None = None, merge=False) -> int:
	"""Item.after_rename: Frappe rewrote the rules' Item links; the Item rows of both names follow."""
	return recount_items([old, new])


def recount_items(item_codes) -> int:
	"""Recompute the daily ``Item`` rows of some Items from their mentions (set-based); their
	per-rule rows are keyed by the rule and stay."""
	codes = [c for c in dict.fromkeys(item_codes or []) if c]
	if not codes:
		return 0
	listed = ", ".join(frappe.db.escape(c) for c in codes)
	frappe.db.sql(
		f"delete from {TABLE} where dimension = '{ITEM}' and match_kind = '' and value in ({listed})"
	)
	_insert_rollup(ITEM, DAY, _item_select(f" and lr.item in ({listed})"))  # no parameters: plain %
	return len(codes)


def _rule_item(rule) -> str:
	"""The Item a Listening Rule (document) counts its mentions for ('' when none)."""
	return rule_items([{"name": rule.name, "kind": rule.get("kind"), "item": rule.get("item")}]).get(
		rule.name, ""
	)


def _batches(query: str, values: dict, size: int = BATCH):
	last = ""
	while True:
		names = [r[0] for r in frappe.db.sql(query, {**values, "last": last, "limit": size})]
		if not names:
			return
		last = names[-1]
		yield names


# --- rebuild -------------------------------------------------------------------------------------


def rebuild(since: str | None = None) -> dict:
	"""Recompute the whole rollup from the stored mentions, set-based, on the database server.

	``bench --site <site> execute social_crm.insight.rollup.rebuild``. One ``INSERT ...
	SELECT ... GROUP BY`` per dimension and grain (the coarser rows summed from the hourly
	ones, see below), with the engine's naming rule
	(:func:`~social_crm.engine.insight.rollup.sql_name`) and the same counting as
	:func:`~social_crm.engine.insight.rollup.mention_keys` (a mention once per row; the
	integration test compares the rebuild with the incremental rollup). Runs in one
	transaction: writers that store mentions meanwhile wait for it (their delta lands after
	the rebuild), so the result is exact; on a large table run it when ingest is quiet.

	``since`` (a date, e.g. ``--kwargs "{'since': '2026-11-01'}"``) rebuilds the hourly and
	daily rows from that UTC midnight on only (after importing recent mentions; older rows
	are kept as they are); the per-party rows are always rebuilt whole (index-only scans).
	"""
	start = getdate(since) if since else None
	where = f" and m.posted_at >= '{start}'" if start else ""
	recent = f" and bucket >= '{start}'" if start else ""
	frappe.db.sql(f"delete from {TABLE}" + (f" where bucket >= '{start}'" if start else ""))
	# hourly rows from the mentions (one scan per dimension), then the Series rows from the
	# hourly Rule rows and every daily row from its hourly rows: a mention lies in exactly one
	# hour, so summing its hours' counts is counting it per day (the test compares with the
	# incremental rollup, which derives each daily key from its hourly one in the same way)
	hourly = dict(_rebuild_selects(HOUR_FORMAT, where))
	hourly[SERIES] = _from_rollup(
		"bucket",
		"value",
		"''",
		"sentiment",
		"''",
		"''",
		"''",
		f"dimension = '{RULE}' and grain = '{HOUR}'{recent}",
	)
	for dimension in DIMENSIONS:  # Series after Rule
		_insert_rollup(dimension, HOUR, hourly[dimension])
	for dimension in DIMENSIONS:
		_insert_rollup(
			dimension,
			DAY,
			_from_rollup(
				"date_format(bucket, '%Y-%m-%d 00:00:00')",
				"value",
				"platform",
				"sentiment",
				"language",
				"rule_kind",
				"match_kind",
				f"dimension = '{dimension}' and grain = '{HOUR}'{recent}",
			),
		)
	_rebuild_items(where)
	_rebuild_parties()
	response_rows = response_rollup.rebuild(start)  # response-time rows, from ``since`` on as well
	mentions = frappe.db.sql("select count(*) from `tabMention` where posted_at is not null")[0][0]
	counts = {"rows": frappe.db.count(DOCTYPE), "party_rows": frappe.db.count(PARTY_DOCTYPE)}
	return {"mentions": int(mentions), **counts, "response_rows": response_rows}


def _insert_rollup(dimension: str, grain: str, select: str) -> None:
	"""INSERT the rows of one dimension and grain from a grouped SELECT of b, v, p, s, l, rk, mk, c."""
	name = sql_name(dimension, grain, "t.b", ["t.v", "t.p", "t.s", "t.l", "t.rk", "t.mk"])
	frappe.db.sql(
		f"""insert into {TABLE}
		(name, bucket, dimension, value, platform, sentiment, language, rule_kind, match_kind, grain,
			mention_count)
		select {name}, t.b, '{dimension}', t.v, t.p, t.s, t.l, t.rk, t.mk, '{grain}', t.c
		from ({select}) t"""
	)


def _from_rollup(b, v, p, s, lang, rk, mk, where: str) -> str:
	"""Grouped SELECT summing existing rollup rows into coarser ones."""
	return (
		f"select {b} as b, {v} as v, {p} as p, {s} as s, {lang} as l, {rk} as rk, {mk} as mk,"
		f" sum(mention_count) as c from {TABLE} where {where} group by b, v, p, s, l, rk, mk"
	)


def rebuild_items() -> None:
	"""Replace every daily ``Item`` row (a site upgrading to them; the whole rebuild does it too)."""
	frappe.db.sql(f"delete from {TABLE} where dimension = %s", ITEM)
	_rebuild_items()


def _rebuild_items(where: str = "") -> None:
	"""INSERT the daily ``Item`` rows (per Item and per Product rule) straight from the mentions."""
	_insert_rollup(ITEM, DAY, _item_select(where))
	_insert_rollup(ITEM, DAY, _item_rule_select(where))


def _item_select(where: str = "") -> str:
	"""Grouped SELECT (b, v, p, s, l, rk, mk, c) of the daily ``Item`` rows, as the engine's
	``item_keys``: one row per mention and Item of its Product rules (``rule_items``), with the
	sentiment towards the Item (its rules' when they agree, else the post's), then counted."""
	towards = _clean(
		"coalesce(nullif(trim(m.human_sentiment), ''), nullif(trim(rm.sentiment), ''), m.sentiment)"
	)
	agreed = f"if(count(distinct {towards}) = 1, max({towards}), {_clean('m.sentiment')})"
	item = _clean("lr.item")
	return (
		"select b, v, p, s, l, rk, mk, count(*) as c from ("
		f"select date_format(m.posted_at, '%Y-%m-%d 00:00:00') as b, {item} as v,"
		f" {_clean('m.platform')} as p, {agreed} as s, '' as l, '' as rk, '' as mk"
		" from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name"
		" join `tabListening Rule` lr on lr.name = rm.listening_rule"
		f" where m.posted_at is not null{where} and {_clean('rm.listening_rule')} != ''"
		f" and lr.kind = '{PRODUCT_KIND}' and {item} != '' group by m.name, v"
		") per_mention group by b, v, p, s, l, rk, mk"
	)


def _item_rule_select(where: str = "") -> str:
	"""Grouped SELECT of the Item dimension's per-rule daily rows (``match_kind`` = ``Rule``):
	mentions per Product rule that links an Item, per platform (engine ``item_keys``)."""
	rule = _clean("rm.listening_rule")
	return (
		f"select date_format(m.posted_at, '%Y-%m-%d 00:00:00') as b, {rule} as v,"
		f" {_clean('m.platform')} as p, '' as s, '' as l, '' as rk, '{ITEM_RULE}' as mk,"
		" count(distinct m.name) as c"
		" from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name"
		" join `tabListening Rule` lr on lr.name = rm.listening_rule"
		f" where m.posted_at is not null{where} and {rule} != ''"
		f" and lr.kind = '{PRODUCT_KIND}' and {_clean('lr.item')} != ''"
		" group by b, v, p, s, l, rk, mk"
	)


def _party_insert(select: str) -> str:
	name = sql_party_name("t.pt", "t.p", "t.w", "t.s")
	return f"""insert into {PARTY_TABLE} (name, party_type, party, week, sentiment, mention_count)
		select {name}, t.pt, t.p, t.w, t.s, t.c from ({select}) t"""


def _party_selects(condition: str = "") -> list[str]:
	"""Grouped SELECTs (pt, p, w, s, c) of the per-party weekly rows: own Leads/Contacts, then Customers."""
	week, sentiment = sql_week("m.posted_at"), _clean("m.sentiment")
	extra = f" and {condition}" if condition else ""
	own = ", ".join(f"'{t}'" for t in PARTY_OWN_TYPES)
	return [
		f"select {_clean('m.party_type')} as pt, {_clean('m.party')} as p, {week} as w, {sentiment} as s,"
		f" count(*) as c from `tabMention` m where m.posted_at is not null and m.party_type in ({own})"
		f" and m.party != ''{extra} group by pt, p, w, s",  # plain columns: covering index scans
		f"select '{CUSTOMER}' as pt, {_clean('m.customer')} as p, {week} as w, {sentiment} as s, count(*) as c"
		f" from `tabMention` m where m.posted_at is not null and m.customer != ''{extra}"
		" group by pt, p, w, s",
	]


def _clean(column: str) -> str:
	"""SQL of the engine's text rule for a key part: '' for NULL, trimmed, at most MAX_VALUE characters."""
	return f"left(trim(ifnull({column}, '')), {MAX_VALUE})"


def _rebuild_parties() -> None:
	"""The per-party weekly rows, always whole (index-only scans)."""
	frappe.db.sql(f"delete from {PARTY_TABLE}")
	for select in _party_selects():
		frappe.db.sql(_party_insert(select))


def _rebuild_selects(bucket: str, where: str = "") -> list[tuple[str, str]]:
	"""(dimension, grouped SELECT of b, v, p, s, l, rk, mk, c) for one bucket format; ``where``
	(`` and ...`` on ``m``) narrows the mentions (a rebuild of recent hours).

	Sentiments as the engine's ``mention_keys``: ``All`` the post's, ``Rule`` the one towards
	the rule (``match_sentiment``), ``Kind`` / ``Competitor`` their rules' when they agree,
	else the post's (``group_sentiment``): one row per mention and value first, then counted.
	"""
	b = f"date_format(m.posted_at, '{bucket}')"
	cols = f"{_clean('m.platform')} as p, {_clean('m.language')} as l, {_clean('m.rule_kind')} as rk"
	overall = _clean("m.sentiment")
	towards = _clean(
		"coalesce(nullif(trim(m.human_sentiment), ''), nullif(trim(rm.sentiment), ''), m.sentiment)"
	)
	rule, kind = _clean("rm.listening_rule"), _clean("rm.kind")
	voice = _clean("coalesce(nullif(trim(lr.competitor), ''), rm.listening_rule)")  # competitors() / engine
	matches = "from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name"
	group = "group by b, v, p, s, l, rk, mk"

	def once_per_mention(value: str, match_kind: str, joins: str, condition: str) -> str:
		agreed = f"if(count(distinct {towards}) = 1, max({towards}), {overall})"
		return (
			"select b, v, p, s, l, rk, mk, count(*) as c from ("
			f"select {b} as b, {value} as v, {cols}, {agreed} as s, {match_kind} as mk {matches} {joins}"
			f" where m.posted_at is not null{where} and {rule} != '' and {condition} group by m.name, v"
			f") per_mention {group}"
		)

	return [
		(
			ALL,
			f"select {b} as b, '' as v, {cols}, {overall} as s, '' as mk, count(*) as c from `tabMention` m"
			f" where m.posted_at is not null{where} {group}",
		),
		(
			RULE,
			f"select {b} as b, {rule} as v, {cols}, {towards} as s, {kind} as mk, count(distinct m.name) as c"
			f" {matches} where m.posted_at is not null{where} and {rule} != '' {group}",
		),
		(KIND, once_per_mention(kind, kind, "", f"{kind} != ''")),
		(
			COMPETITOR,
			once_per_mention(
				voice,
				f"'{COMPETITOR_KIND}'",
				"left join `tabListening Rule` lr on lr.name = rm.listening_rule",
				f"{kind} = '{COMPETITOR_KIND}'",
			),
		),
	]


@frappe.whitelist(methods=["POST"])
def enqueue_rebuild() -> dict:
	"""Rebuild the rollup in a background job (System Manager); one waiting job per site."""
	ensure_system_manager(_("Only a System Manager can rebuild the mention rollup"))
	frappe.enqueue(
		"social_crm.insight.rollup.rebuild",
		queue="long",
		timeout=REBUILD_JOB_TIMEOUT,
		job_id=f"social_crm:rollup_rebuild:{frappe.local.site}",
		deduplicate=True,
		enqueue_after_commit=True,
	)
	return {"message": _("The mention rollup is being rebuilt in the background")}


# --- reading -------------------------------------------------------------------------------------

GROUPS = {
	"day": "date(bucket)",
	"hour": "bucket",
	"platform": "platform",
	"sentiment": "sentiment",
	"language": "language",
	"rule_kind": "rule_kind",
	"match_kind": "match_kind",
	"value": "value",
}


def counts(
	dimension: str, start: datetime, end: datetime, group_by: list[str], filters: dict | None = None
) -> list[tuple]:
	"""(group values..., mentions) of one dimension for buckets in [start, end).

	``group_by`` names from :data:`GROUPS`; ``filters`` {column: value} on the key columns.
	Whole days without an hourly grouping read the daily rows (24 times fewer), else the
	hourly ones; ``Item`` has daily rows only (whole days). Read-only (a read replica can answer it).
	"""
	if dimension not in DIMENSIONS + DAILY_DIMENSIONS:
		raise ValueError(f"unknown rollup dimension {dimension!r}")
	grain = DAY if "hour" not in group_by and is_midnight(start) and is_midnight(end) else HOUR
	if grain == HOUR and dimension in DAILY_DIMENSIONS:
		raise ValueError(f"the rollup holds {dimension!r} per whole UTC day only")
	low, high = name_range(dimension, start, end, grain)
	conditions = [
		"name >= %(low)s",
		"name < %(high)s",  # one stretch of the primary key
		"dimension = %(dimension)s",
		"grain = %(grain)s",
		"bucket >= %(start)s",
		"bucket < %(end)s",
	]
	values = {"low": low, "high": high, "dimension": dimension, "grain": grain, "start": start, "end": end}
	for column, value in (filters or {}).items():
		if column not in COLUMNS:
			raise ValueError(f"unknown rollup column {column!r}")
		conditions.append(f"{column} = %({column})s")
		values[column] = value or ""
	expressions = [GROUPS[g] for g in group_by]
	select = ", ".join(f"{e} as g{i}" for i, e in enumerate(expressions))
	group = ", ".join(f"g{i}" for i in range(len(expressions)))
	return [
		(*row[:-1], int(row[-1]))
		for row in frappe.db.sql(
			f"""select {select}{", " if select else ""}sum(mention_count) from {TABLE}
			where {" and ".join(conditions)}
			{f"group by {group}" if group else ""}""",
			values,
		)
		if row[-1] is not None
	]


def item_counts(start: datetime, end: datetime, platform: str | None = None) -> list[tuple]:
	"""(value, match kind, sentiment, mentions, last day) of the daily ``Item`` rows for the whole
	UTC days in [start, end): per Item and sentiment (match kind ``""``) and per Product rule of
	an Item (``Rule``), with the last day that has any. One stretch of the primary key."""
	low, high = name_range(ITEM, start, end, DAY)
	return [
		(value, kind, sentiment, int(count), last)
		for value, kind, sentiment, count, last in frappe.db.sql(
			f"""select value, match_kind, sentiment, sum(mention_count), max(bucket) from {TABLE}
			where name >= %(low)s and name < %(high)s and dimension = %(dimension)s and grain = %(grain)s
			and bucket >= %(start)s and bucket < %(end)s{" and platform = %(platform)s" if platform else ""}
			group by value, match_kind, sentiment""",
			{
				"low": low,
				"high": high,
				"dimension": ITEM,
				"grain": DAY,
				"start": start,
				"end": end,
				"platform": platform or "",
			},
		)
	]


def party_counts(party_type: str, party: str) -> list[tuple]:
	"""(week, sentiment, mentions) of one party over all its history: one stretch of the primary key."""
	prefix = party_prefix(party_type, party)
	return [
		(week, sentiment, int(count))
		for week, sentiment, count in frappe.db.sql(
			# a prefix LIKE is a range of the primary key (the prefix holds only letters, digits, "-")
			f"select week, sentiment, mention_count from {PARTY_TABLE} where name like %(prefix)s",
			{"prefix": prefix + "%"},
		)
	]
