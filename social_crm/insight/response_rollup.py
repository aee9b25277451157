"""The response-time rollup: what the *Response Times* report reads for unrestricted users.

*Social Response Rollup* holds, per UTC day of ``posted_at`` x assignee x platform x
responded x ignored x response-time bucket, the number of mentions and the sum of their
response minutes. Which row a mention counts in, the buckets and the percentiles from them
are the engine's rules (:mod:`social_crm.engine.insight.response`); this module reads the
mentions' keys, writes the deltas through the rollups' one writer of count deltas
(``rollup._write_counts``, in the writer's own transaction) and rebuilds the table.

Maintained by the same writers as the mention rollup: :func:`social_crm.insight.rollup.snapshot`
and ``document_keys`` answer these keys too, and ``rollup.apply_sets`` writes them here — so
the pipeline's bulk insert, a Mention saved through its controller (a response, Ignored, an
edit), set-based deletes (retention, erasure) and ``rollup.changed`` all keep it. Writers that
change only a mention's assignee (``engagement.assignment``) call :func:`snapshot` /
:func:`changed` here. Anonymization keeps a mention's row (it changes none of its keys: the
hour of ``posted_at`` stays, ``Linked`` becomes ``New``, both waiting).

Like the mention rollup it has no party, so it serves unrestricted users only
(``rollup.serves``); restricted users keep the raw, permission-filtered query.
"""

from datetime import date

import frappe
from frappe.utils import getdate

from social_crm.clock import utc_now
from social_crm.engine.insight.response import (
	DAY,
	WEEK,
	Histogram,
	ResponseKey,
	day_ranges,
	monday,
	name_range,
	response_deltas,
	response_keys,
	sql_bucket,
	sql_row_name,
	week_key,
)
from social_crm.engine.status import IGNORED
from social_crm.insight import rollup as mention_rollup

DOCTYPE = "Social Response Rollup"
TABLE = "`tabSocial Response Rollup`"
COLUMNS = ("name", "grain", "day", "assigned_to", "platform", "responded", "ignored", "bucket")
SUMS = ("minutes",)
FIELDS = ("assigned_to", "status", "first_response_at", "response_minutes")  # besides posted_at, platform
CHUNK = 1000
GROUPS = {
	"assigned_to": "assigned_to",
	"platform": "platform",
	"week": "date_sub(day, interval weekday(day) day)",  # Monday, as report_utils.period_start
}
FILTERS = ("platform", "assigned_to")


def keys(mention) -> set[ResponseKey]:
	"""The response rows (daily and weekly) of one mention (a dict of the Mention's fields)."""
	return response_keys(mention)


def snapshot(names) -> dict[str, set[ResponseKey]]:
	"""{mention name: its response key} as stored now, for writers that change only these fields."""
	names = [n for n in dict.fromkeys(names or []) if n]
	out = {}
	for start in range(0, len(names), CHUNK):
		for mention in frappe.db.sql(
			f"select name, posted_at, platform, {', '.join(FIELDS)} from `tabMention` where name in %(names)s",
			{"names": names[start : start + CHUNK]},
			as_dict=True,
		):
			out[mention.name] = keys(mention)
	return out


def changed(before: dict[str, set[ResponseKey]]) -> int:
	"""Recount mentions whose assignee (or response) changed; ``before`` is their :func:`snapshot`."""
	return apply_sets(before.values(), snapshot(list(before)).values())


def apply_sets(before, after) -> int:
	"""Write the response rows' change between lists of key sets (other kinds of keys are skipped)."""
	old = [k for keys_ in before for k in keys_ if isinstance(k, ResponseKey)]
	new = [k for keys_ in after for k in keys_ if isinstance(k, ResponseKey)]
	return write(response_deltas(old, new))


def write(change: dict[ResponseKey, tuple[int, float]]) -> int:
	"""Add (count, minutes) deltas per row; rows whose count reaches 0 are removed."""
	return mention_rollup._write_counts(TABLE, COLUMNS, change, SUMS)


def rebuild(since: date | str | None = None) -> int:
	"""Recompute the rows (from the UTC day ``since`` on, else all) from the mentions; rows written.

	Called by :func:`social_crm.insight.rollup.rebuild`. One ``INSERT ... SELECT ... GROUP BY``
	of the daily rows with the engine's bucket and naming rules in SQL
	(:func:`~social_crm.engine.insight.response.sql_bucket`,
	:func:`~social_crm.engine.insight.response.sql_row_name`), then the weekly rows summed
	from the daily ones (from the Monday of ``since`` on).
	"""
	start = getdate(since) if since else None
	week = monday(start) if start else None
	frappe.db.sql(
		f"delete from {TABLE}"
		+ (
			f" where (grain = '{DAY}' and day >= '{start}') or (grain = '{WEEK}' and day >= '{week}')"
			if start
			else ""
		)
	)
	days = day_select(f" and m.posted_at >= '{start}'" if start else "")
	weeks = f"""select date_sub(day, interval weekday(day) day) as d, assigned_to as a, platform as p,
		responded as r, ignored as i, bucket as b, sum(mention_count) as c, sum(minutes) as s
		from {TABLE} where grain = '{DAY}'{f" and day >= '{week}'" if week else ""}
		group by d, a, p, r, i, b"""
	for grain, select in ((DAY, days), (WEEK, weeks)):
		name = sql_row_name(grain, "t.d", "t.a", "t.p", "t.r", "t.i", "t.b")
		frappe.db.sql(
			f"""insert into {TABLE} (name, grain, day, assigned_to, platform, responded, ignored, bucket,
				mention_count, minutes)
			select {name}, '{grain}', t.d, t.a, t.p, t.r, t.i, t.b, t.c, t.s from ({select}) t"""
		)
	return frappe.db.count(DOCTYPE)


def day_select(where: str = "") -> str:
	"""Grouped SELECT (d, a, p, r, i, b, c, s) of the daily rows from the mentions, as the engine's
	``response_key``; ``where`` (`` and ...`` on ``m``) narrows the mentions."""
	responded = "(m.first_response_at is not null)"
	return f"""select date(m.posted_at) as d, ifnull(m.assigned_to, '') as a, ifnull(m.platform, '') as p,
		if({responded}, 1, 0) as r, if(m.status = '{IGNORED}', 1, 0) as i,
		if({responded}, {sql_bucket("m.response_minutes")}, 0) as b, count(*) as c,
		sum(if({responded}, ifnull(m.response_minutes, 0), 0)) as s
		from `tabMention` m where m.posted_at is not null{where}
		group by d, a, p, r, i, b"""


def removal_change(where: str) -> dict[ResponseKey, tuple[int, float]]:
	"""(count, minutes) to remove per daily and weekly row for the mentions ``where`` selects
	(grouped on the server by :func:`day_select`, the rebuild's own)."""
	change: dict[ResponseKey, tuple[int, float]] = {}
	for d, a, p, r, i, b, c, s in frappe.db.sql(day_select(where)):
		day = ResponseKey(day=d, assigned_to=a, platform=p, responded=int(r), ignored=int(i), bucket=int(b))
		for key in (day, week_key(day)):
			count, minutes = change.get(key, (0, 0.0))
			change[key] = (count - int(c), round(minutes - float(s or 0), 6))
	return change


def histograms(start: date, end: date, group: str, filters: dict | None = None) -> dict:
	"""{group value: :class:`Histogram`} of the mentions posted on the UTC days in [start, end).

	``group`` is ``assigned_to``, ``platform`` or ``week`` (the Monday); ``filters`` {platform,
	assigned_to: value} as the raw query's. Reads a few stretches of the primary key
	(``day_ranges``: the weekly rows, the days added or subtracted at the ends): at most
	(weeks + days at the ends) x assignees x platforms x states x buckets rows, however many
	mentions they count.
	"""
	if group not in GROUPS:
		raise ValueError(f"unknown response rollup group {group!r}")
	out: dict = {}
	for value, responded, ignored, bucket, count, minutes in _grouped(
		day_ranges(start, end, utc_now().date()), group, filters
	):
		out.setdefault(value, Histogram()).add(responded, ignored, bucket, count, minutes)
	# a week minus its days outside the range can leave a group with nothing in the range
	return {value: histogram for value, histogram in out.items() if histogram.mentions}


def _grouped(pieces: list[tuple[str, date, date, int]], group: str, filters: dict | None) -> list[tuple]:
	"""(group value, responded, ignored, bucket, count, minutes) summed over the rows of the
	``pieces`` (stretches of the primary key; a row lies in one piece, whose sign it takes), with
	the report's filters. The signs are applied in the sums on the server: exact decimals."""
	if not pieces:
		return []
	ranges, negative, values = [], [], {}
	for i, (grain, first, last, sign) in enumerate(pieces):
		low, high = name_range(grain, first, last)
		values.update(
			{f"low{i}": low, f"high{i}": high, f"grain{i}": grain, f"first{i}": first, f"last{i}": last}
		)
		condition = (
			f"(name >= %(low{i})s and name < %(high{i})s and grain = %(grain{i})s"
			f" and day >= %(first{i})s and day < %(last{i})s)"
		)
		ranges.append(condition)
		if sign < 0:
			negative.append(condition)
	conditions = ["(" + " or ".join(ranges) + ")"]
	for column in FILTERS:
		if (filters or {}).get(column):
			conditions.append(f"{column} = %({column})s")
			values[column] = filters[column]
	sign = f"(case when {' or '.join(negative)} then -1 else 1 end)" if negative else "1"
	return frappe.db.sql(
		f"""select {GROUPS[group]} as g, responded, ignored, bucket, sum({sign} * mention_count),
			sum({sign} * minutes)
		from {TABLE} where {" and ".join(conditions)}
		group by g, responded, ignored, bucket""",
		values,
	)
