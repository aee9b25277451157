# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from social_crm.engine.analysis.sentiment import LABELS as SENTIMENTS
from social_crm.engine.insight.rollup import COMPETITOR, KIND, RULE
from social_crm.insight import rollup
from social_crm.insight.report_utils import (
	check_mention_report_permission,
	date_range,
	group_rule_sentiment,
	mention_condition,
	period_label,
	period_start,
	period_starts,
)

GROUPINGS = ("Brand vs Competitors", "Rule Kind", "Listening Rule")
BRAND = "Brand"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_mention_report_permission()
	from_date, to_date = date_range(filters)
	period = filters.get("period") or "Weekly"
	group_by = filters.get("group_by") or GROUPINGS[0]
	if group_by not in GROUPINGS:
		frappe.throw(_("Group By must be one of {0}").format(", ".join(_(g) for g in GROUPINGS)))
	starts = period_starts(from_date, to_date, period)

	counts: dict[tuple, int] = {}
	totals: dict[str, int] = {}
	for day, group, count in query(filters, group_by, from_date, to_date):
		key = (period_start(getdate(day), period), group)
		counts[key] = counts.get(key, 0) + count
		totals[group] = totals.get(group, 0) + count
	groups = sorted(totals, key=lambda g: (g != BRAND, -totals[g], g))
	if group_by == GROUPINGS[0] and BRAND not in groups:
		groups.insert(0, BRAND)

	data = []
	for start in starts:
		row = {"period": period_label(start, period)}
		values = [counts.get((start, group), 0) for group in groups]
		all_voices = sum(values)
		for i, value in enumerate(values):
			row[f"g{i}"] = value
			row[f"s{i}"] = round(100.0 * value / all_voices, 1) if all_voices else 0.0
		row["total"] = all_voices
		data.append(row)
	total_row = {"period": _("Total"), "total": sum(totals.values())}
	for i, group in enumerate(groups):
		total_row[f"g{i}"] = totals.get(group, 0)
		total_row[f"s{i}"] = (
			round(100.0 * totals.get(group, 0) / total_row["total"], 1) if total_row["total"] else 0.0
		)
	data.append(total_row)
	return columns(groups), data, None, chart(groups, data[:-1]), summary(groups, total_row)


def query(filters, group_by, from_date, to_date):
	"""(day, group, distinct mentions): a mention matching two rules of one group counts once.

	With a ``sentiment`` filter only the mentions with that sentiment *towards the group*
	count (aspect sentiment: "love Quill, Rivalzo is awful" is positive voice for us and
	negative voice for Rivalzo), e.g. the share of positive voice.
	"""
	sentiment = filters.get("sentiment") or ""
	if sentiment and sentiment not in SENTIMENTS:
		frappe.throw(_("Sentiment must be one of {0}").format(", ".join(_(s) for s in SENTIMENTS)))
	if rollup.serves():
		return rollup_query(filters, group_by, from_date, to_date)
	if group_by == "Listening Rule":
		group_expr = "rm.listening_rule"
	elif group_by == "Rule Kind":
		group_expr = "rm.kind"
	else:
		group_expr = "if(rm.kind = 'Competitor', coalesce(lr.competitor, lr.name), 'Brand')"
	conditions = ["`tabMention`.posted_at >= %(from)s", "`tabMention`.posted_at < %(to)s"]
	values = {"from": from_date, "to": add_days(to_date, 1), "sentiment": sentiment}
	if group_by == GROUPINGS[0]:
		conditions.append("rm.kind in ('Brand', 'Competitor')")
	if filters.get("rule_kind"):
		conditions.append("rm.kind = %(rule_kind)s")
		values["rule_kind"] = filters.rule_kind
	if filters.get("platform"):
		conditions.append("`tabMention`.platform = %(platform)s")
		values["platform"] = filters.platform
	return frappe.db.sql(
		f"""
		select day, grp, count(*) from (
			select date(`tabMention`.posted_at) as day, {group_expr} as grp,
				{group_rule_sentiment()} as sentiment
			from `tabMention`
			join `tabMention Rule Match` rm on rm.parent = `tabMention`.name
			join `tabListening Rule` lr on lr.name = rm.listening_rule
			where {" and ".join(conditions)} {mention_condition()}
			group by `tabMention`.name, grp
		) voices
		where (%(sentiment)s = '' or sentiment = %(sentiment)s)
		group by day, grp
		""",
		values,
	)


def rollup_query(filters, group_by, from_date, to_date):
	"""The same counts from the hourly rollup (unrestricted users): each mention counts once per
	rule, kind and competitor voice there."""
	start, end = from_date, add_days(to_date, 1)
	keys = {"platform": filters.platform} if filters.get("platform") else {}
	if filters.get("sentiment"):  # the rollup's rule, kind and voice rows carry the sentiment towards them
		keys["sentiment"] = filters.sentiment
	kind = filters.get("rule_kind")
	if kind:
		keys["match_kind"] = kind
	if group_by == "Listening Rule":
		return rollup.counts(RULE, start, end, ["day", "value"], keys)
	if group_by == "Rule Kind":
		return rollup.counts(KIND, start, end, ["day", "value"], keys)
	rows = []
	if kind in (None, "", BRAND):
		rows += [
			(day, BRAND, n) for day, n in rollup.counts(KIND, start, end, ["day"], {**keys, "value": BRAND})
		]
	if kind in (None, "", "Competitor"):
		rows += rollup.counts(COMPETITOR, start, end, ["day", "value"], keys)
	return rows


def label(group):
	return _("Our Brand") if group == BRAND else group


def columns(groups):
	cols = [{"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 110}]
	for i, group in enumerate(groups):
		cols.append({"fieldname": f"g{i}", "label": label(group), "fieldtype": "Int", "width": 120})
	for i, group in enumerate(groups):
		cols.append(
			{
				"fieldname": f"s{i}",
				"label": _("{0} Share %").format(label(group)),
				"fieldtype": "Percent",
				"width": 120,
			}
		)
	cols.append({"fieldname": "total", "label": _("All Voices"), "fieldtype": "Int", "width": 100})
	return cols


def chart(groups, data):
	return {
		"data": {
			"labels": [row["period"] for row in data],
			"datasets": [
				{"name": label(g), "values": [row[f"s{i}"] for row in data]} for i, g in enumerate(groups)
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"fieldtype": "Percent",
	}


def summary(groups, total_row):
	return [
		{"value": total_row[f"s{i}"], "label": _("{0} Share %").format(label(g)), "datatype": "Percent"}
		for i, g in enumerate(groups[:4])
	]
