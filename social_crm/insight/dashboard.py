"""Numbers and series behind the Social CRM workspace (number cards and chart sources).

Unrestricted users (Social CRM roles, System Manager) read the hourly rollup
(``social_crm.insight.rollup``); every other query adds the caller's row-level condition on
Mention (permissions.py), so a Sales User sees the numbers of the parties they may read, not
the whole company's. All of it only reads (``@frappe.read_only()``: a read replica can serve it).
Chart data is cached per chart, filters, language, day *and permission scope*
(:func:`cached_chart`): Frappe's ``cache_source`` keys by chart only, which would hand one
user's numbers to everyone who opens the workspace after them.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, today

from social_crm.clock import utc_now
from social_crm.engine.analysis.sentiment import LABELS as SENTIMENTS
from social_crm.engine.analysis.sentiment import NEGATIVE
from social_crm.engine.insight.rollup import ALL, COMPETITOR, KIND
from social_crm.insight import rollup
from social_crm.permissions import permission_scope, social_data_query_conditions

DEFAULT_DAYS = 30
MAX_DAYS = 366
CHART_CACHE_SECONDS = 600
CHART_CACHE_PREFIX = "social_crm:chart"


def _check_read():
	if not frappe.has_permission("Mention", "read"):
		frappe.throw(_("Not permitted to read social data"), frappe.PermissionError)


def _mention_condition() -> str:
	condition = social_data_query_conditions(doctype="Mention")
	return f" and {condition}" if condition else ""


def chart_cache_key(chart_name: str, filters=None) -> str:
	"""Cache key of one chart's data as the session user may see it."""
	filters = frappe.parse_json(filters) if isinstance(filters, str) else filters
	digest = hashlib.sha256(json.dumps(filters or {}, sort_keys=True, default=str).encode()).hexdigest()
	return ":".join(
		(
			CHART_CACHE_PREFIX,
			str(chart_name or ""),
			permission_scope(),
			frappe.local.lang or "en",
			today(),
			digest[:16],
		)
	)


def cached_chart(chart_name: str, filters, refresh, compute: Callable[[], dict]) -> dict:
	"""``compute()``'s result, cached for a few minutes per chart, filters and permission scope."""
	_check_read()
	key = chart_cache_key(chart_name, filters)
	if not cint(refresh):
		cached = frappe.cache.get_value(key)
		if cached is not None:
			return cached
	result = compute()
	frappe.cache.set_value(key, result, expires_in_sec=CHART_CACHE_SECONDS)
	return result


def serve_chart(
	compute: Callable[[int], dict], chart_name=None, chart=None, filters=None, refresh=None
) -> dict:
	"""What a chart source answers: ``compute(days)`` for the chart's "Days" filter, cached per
	chart, filters and permission scope (:func:`cached_chart`)."""
	name = chart_name or (frappe.parse_json(chart) or {}).get("name")
	return cached_chart(name, filters, refresh, lambda: compute(_days_filter(filters)))


def day_range(days: int | None = None, to_date: date | str | None = None) -> tuple[date, date]:
	"""[first day, last day] of the last ``days`` days ending with ``to_date`` (default today)."""
	days = min(max(cint(days) or DEFAULT_DAYS, 1), MAX_DAYS)
	end = getdate(to_date or utc_now().date())  # UTC days, as posted_at and the rollup
	return add_days(end, -(days - 1)), end


def _days_filter(filters) -> int:
	filters = frappe.parse_json(filters) or {}
	return cint(filters.get("days")) if isinstance(filters, dict) else 0


@frappe.whitelist()
@frappe.read_only()
def negative_share(filters: str | dict | None = None) -> dict:
	"""Number card: share of negative mentions among analysed mentions of the last 7 days."""
	_check_read()
	start, end = day_range(7)
	if rollup.serves():
		by_label = dict(rollup.counts(ALL, start, add_days(end, 1), ["sentiment"]))
		total, negative = sum(by_label.get(s, 0) for s in SENTIMENTS), by_label.get("Negative", 0)
	else:
		total, negative = _negative_share_raw(start, end)
	value = round(100.0 * int(negative) / int(total), 1) if total else 0.0
	return {
		"value": value,
		"fieldtype": "Percent",
		"route": ["List", "Mention"],
		"route_options": {"sentiment": "Negative", "posted_at": [">=", str(start)]},
	}


def _negative_share_raw(start, end) -> tuple[int, int]:
	return frappe.db.sql(
		f"""
		select count(*), coalesce(sum(sentiment = %(negative)s), 0) from `tabMention`
		where posted_at >= %(start)s and posted_at < %(end)s and sentiment in %(labels)s
		{_mention_condition()}
		""",
		{"start": start, "end": add_days(end, 1), "negative": NEGATIVE, "labels": SENTIMENTS},
	)[0]


def sentiment_trend(days: int | None = None, to_date=None) -> dict:
	"""Mentions per day and sentiment label (Positive / Neutral / Negative)."""
	_check_read()
	start, end = day_range(days, to_date)
	labels = [start + timedelta(days=i) for i in range((end - start).days + 1)]
	index = {day: i for i, day in enumerate(labels)}
	series = {label: [0] * len(labels) for label in SENTIMENTS}
	if rollup.serves():
		rows = rollup.counts(ALL, start, add_days(end, 1), ["day", "sentiment"])
	else:
		rows = frappe.db.sql(
			f"""
			select date(posted_at) as day, sentiment, count(*) from `tabMention`
			where posted_at >= %(start)s and posted_at < %(end)s {_mention_condition()}
			group by day, sentiment
			""",
			{"start": start, "end": add_days(end, 1)},
		)
	for day, sentiment, count in rows:
		i = index.get(getdate(day))
		if i is not None and sentiment in series:
			series[sentiment][i] = count
	return {
		"labels": [str(day) for day in labels],
		"datasets": [{"name": _(label), "values": series[label]} for label in SENTIMENTS],
	}


def volume_by_platform(days: int | None = None, to_date=None) -> dict:
	"""Mentions per platform in the period, the busiest first."""
	_check_read()
	start, end = day_range(days, to_date)
	if rollup.serves():
		rows = rollup.counts(ALL, start, add_days(end, 1), ["platform"])
	else:
		rows = frappe.db.sql(
			f"""
			select ifnull(platform, ''), count(*) from `tabMention`
			where posted_at >= %(start)s and posted_at < %(end)s {_mention_condition()}
			group by platform
			""",
			{"start": start, "end": add_days(end, 1)},
		)
	rows = sorted(
		((platform or _("Unknown"), int(count)) for platform, count in rows), key=lambda r: (-r[1], r[0])
	)
	return {
		"labels": [_(platform) for platform, _count in rows],
		"datasets": [{"name": _("Mentions"), "values": [count for _platform, count in rows]}],
	}


def share_of_voice(days: int | None = None, to_date=None) -> dict:
	"""Mentions of the brand (all Brand rules together) and of each competitor in the period."""
	_check_read()
	start, end = day_range(days, to_date)
	rows = voice_counts(start, add_days(end, 1))
	brand = sum(count for kind, _group, count in rows if kind == "Brand")
	competitors = sorted(
		((group, count) for kind, group, count in rows if kind == "Competitor"), key=lambda r: (-r[1], r[0])
	)
	labels = [_("Our Brand")] + [group for group, _count in competitors]
	return {
		"labels": labels,
		"datasets": [{"name": _("Mentions"), "values": [brand] + [c for _g, c in competitors]}],
	}


def voice_counts(start, end) -> list[tuple[str, str, int]]:
	"""(kind, group, distinct mentions) for Brand and Competitor rules in [start, end).

	A competitor's group is its Competitor record, or the rule name when none is linked;
	a mention matching two rules of one group counts once.
	"""
	if rollup.serves():
		brand = rollup.counts(KIND, start, end, [], {"value": "Brand"})
		competitors = rollup.counts(COMPETITOR, start, end, ["value"])
		return [("Brand", "Brand", count) for (count,) in brand] + [
			("Competitor", group, count) for group, count in competitors
		]
	return [
		(kind, group, int(count))
		for kind, group, count in frappe.db.sql(
			f"""
			select rm.kind, if(rm.kind = 'Competitor', coalesce(lr.competitor, lr.name), 'Brand') as grp,
				count(distinct `tabMention`.name)
			from `tabMention`
			join `tabMention Rule Match` rm on rm.parent = `tabMention`.name
			join `tabListening Rule` lr on lr.name = rm.listening_rule
			where `tabMention`.posted_at >= %(start)s and `tabMention`.posted_at < %(end)s
				and rm.kind in ('Brand', 'Competitor') {_mention_condition()}
			group by rm.kind, grp
			""",
			{"start": start, "end": end},
		)
	]
