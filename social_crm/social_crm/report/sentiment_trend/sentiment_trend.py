# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from social_crm.engine.analysis.sentiment import LABELS as SENTIMENTS
from social_crm.engine.insight.rollup import ALL, RULE
from social_crm.insight import rollup
from social_crm.insight.report_utils import (
	check_mention_report_permission,
	date_range,
	mention_condition,
	period_label,
	period_start,
	period_starts,
	rule_sentiment,
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_mention_report_permission()
	from_date, to_date = date_range(filters)
	period = filters.get("period") or "Daily"
	starts = period_starts(from_date, to_date, period)
	rows = {start: {"period": period_label(start, period), "total": 0, "unanalyzed": 0} for start in starts}
	for row in rows.values():
		row.update({s.lower(): 0 for s in SENTIMENTS})

	for day, sentiment, count in query(filters, from_date, to_date):
		row = rows.get(period_start(getdate(day), period))
		if row is None:
			continue
		row["total"] += count
		key = (sentiment or "").lower()
		if sentiment in SENTIMENTS:
			row[key] += count
		else:
			row["unanalyzed"] += count
	data = list(rows.values())
	for row in data:
		analysed = row["total"] - row["unanalyzed"]
		row["negative_share"] = round(100.0 * row["negative"] / analysed, 1) if analysed else 0.0
		row["net_sentiment"] = (
			round(100.0 * (row["positive"] - row["negative"]) / analysed, 1) if analysed else 0.0
		)
	return columns(), data, None, chart(data), summary(data)


def query(filters, from_date, to_date):
	if rollup.serves():
		return rollup_query(filters, from_date, to_date)
	conditions = ["`tabMention`.posted_at >= %(from)s", "`tabMention`.posted_at < %(to)s"]
	values = {"from": from_date, "to": add_days(to_date, 1)}
	for fieldname in ("platform", "language", "rule_kind"):
		if filters.get(fieldname):
			conditions.append(f"`tabMention`.{fieldname} = %({fieldname})s")
			values[fieldname] = filters.get(fieldname)
	if filters.get("listening_rule"):  # the sentiment towards that rule (aspect), as the rollup has it
		conditions.append("rm.listening_rule = %(listening_rule)s")
		values["listening_rule"] = filters.listening_rule
		return frappe.db.sql(
			f"""
			select day, sentiment, count(*) from (
				select date(`tabMention`.posted_at) as day, {rule_sentiment()} as sentiment
				from `tabMention` join `tabMention Rule Match` rm on rm.parent = `tabMention`.name
				where {" and ".join(conditions)} {mention_condition()}
				group by `tabMention`.name
			) towards_rule
			group by day, sentiment
			""",
			values,
		)
	return frappe.db.sql(
		f"""
		select date(`tabMention`.posted_at) as day, `tabMention`.sentiment, count(*)
		from `tabMention`
		where {" and ".join(conditions)} {mention_condition()}
		group by day, `tabMention`.sentiment
		""",
		values,
	)


def rollup_query(filters, from_date, to_date):
	"""(day, sentiment, mentions) from the hourly rollup (unrestricted users)."""
	keys = {f: filters.get(f) for f in ("platform", "language", "rule_kind") if filters.get(f)}
	if filters.get("listening_rule"):
		keys["value"] = filters.listening_rule
	dimension = RULE if filters.get("listening_rule") else ALL
	return rollup.counts(dimension, from_date, add_days(to_date, 1), ["day", "sentiment"], keys)


def columns():
	return [
		{"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 120},
		{"fieldname": "total", "label": _("Mentions"), "fieldtype": "Int", "width": 100},
		{"fieldname": "positive", "label": _("Positive"), "fieldtype": "Int", "width": 100},
		{"fieldname": "neutral", "label": _("Neutral"), "fieldtype": "Int", "width": 100},
		{"fieldname": "negative", "label": _("Negative"), "fieldtype": "Int", "width": 100},
		{"fieldname": "unanalyzed", "label": _("Not Analysed"), "fieldtype": "Int", "width": 110},
		{"fieldname": "negative_share", "label": _("Negative Share %"), "fieldtype": "Percent", "width": 130},
		{"fieldname": "net_sentiment", "label": _("Net Sentiment %"), "fieldtype": "Float", "width": 130},
	]


def chart(data):
	return {
		"data": {
			"labels": [row["period"] for row in data],
			"datasets": [{"name": _(s), "values": [row[s.lower()] for row in data]} for s in SENTIMENTS],
		},
		"type": "line",
		"colors": ["#29CD42", "#A6B1B9", "#FF5858"],
		"fieldtype": "Int",
	}


def summary(data):
	total = sum(row["total"] for row in data)
	negative = sum(row["negative"] for row in data)
	analysed = total - sum(row["unanalyzed"] for row in data)
	return [
		{"value": total, "label": _("Mentions"), "datatype": "Int", "indicator": "Blue"},
		{"value": negative, "label": _("Negative"), "datatype": "Int", "indicator": "Red"},
		{
			"value": round(100.0 * negative / analysed, 1) if analysed else 0,
			"label": _("Negative Share %"),
			"datatype": "Percent",
			"indicator": "Red",
		},
	]
