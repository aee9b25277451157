# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

"""Response Times: answered, ignored and waiting mentions, and first-response minutes.

Unrestricted users read the response-time rollup (``insight.response_rollup``): counts, the
mean and "within 1 hour" exact, median and 90th percentile from its buckets (error bound in
``engine.insight.response``). Restricted users (row-level conditions) read their permitted
mentions, with exact percentiles.
"""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from social_crm.engine.insight.response import WITHIN_MINUTES, Histogram
from social_crm.engine.status import IGNORED
from social_crm.insight import response_rollup, rollup
from social_crm.insight.report_utils import (
	check_mention_report_permission,
	date_range,
	mention_condition,
	period_label,
	period_start,
)

GROUPINGS = ("Assignee", "Platform", "Week")
ROLLUP_GROUPS = {"Assignee": "assigned_to", "Platform": "platform", "Week": "week"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_mention_report_permission()
	from_date, to_date = date_range(filters)
	group_by = filters.get("group_by") or GROUPINGS[0]
	if group_by not in GROUPINGS:
		frappe.throw(_("Group By must be one of {0}").format(", ".join(_(g) for g in GROUPINGS)))
	data = (from_rollup if rollup.serves() else from_mentions)(filters, from_date, to_date, group_by)
	return columns(group_by), data, None, chart(data[:-1] if len(data) > 1 else data)


def group_label(group_by: str, value) -> str:
	if group_by == "Assignee":
		return value or _("Not Assigned")
	if group_by == "Platform":
		return value or _("Unknown")
	return period_label(period_start(getdate(value), "Weekly"), "Weekly")


def from_rollup(filters, from_date, to_date, group_by) -> list[dict]:
	"""The rows from the response-time rollup (unrestricted users)."""
	groups: dict[str, Histogram] = {}
	for value, histogram in response_rollup.histograms(
		getdate(from_date), getdate(add_days(to_date, 1)), ROLLUP_GROUPS[group_by], filters
	).items():
		groups.setdefault(group_label(group_by, value), Histogram()).merge(histogram)
	data = [summarize_histogram(key, h) for key, h in sorted(groups.items())]
	if len(data) > 1:
		total = Histogram()
		for h in groups.values():
			total.merge(h)
		data.append(summarize_histogram(_("Total"), total))
	return data


def summarize_histogram(key, h: Histogram) -> dict:
	return {
		"group": key,
		"mentions": h.mentions,
		"responded": h.responded,
		"ignored": h.ignored,
		"open": h.waiting,
		"avg_minutes": round(h.minutes / h.responded, 1) if h.responded else 0.0,
		"median_minutes": round(h.percentile(0.5), 1),
		"p90_minutes": round(h.percentile(0.9), 1),
		"within_hour": round(100.0 * h.within / h.responded, 1) if h.responded else 0.0,
	}


def from_mentions(filters, from_date, to_date, group_by) -> list[dict]:
	"""The rows from the permitted mentions themselves (users with row-level restrictions)."""
	groups: dict[str, list] = {}
	for row in query(filters, from_date, to_date):
		value = {"Assignee": row.assigned_to, "Platform": row.platform}.get(group_by, row.posted_at)
		groups.setdefault(group_label(group_by, value), []).append(row)
	data = [summarize(key, rows) for key, rows in sorted(groups.items())]
	if len(data) > 1:
		data.append(summarize(_("Total"), [row for rows in groups.values() for row in rows]))
	return data


def query(filters, from_date, to_date):
	conditions = ["posted_at >= %(from)s", "posted_at < %(to)s"]
	values = {"from": from_date, "to": add_days(to_date, 1)}
	for fieldname in ("platform", "assigned_to"):
		if filters.get(fieldname):
			conditions.append(f"{fieldname} = %({fieldname})s")
			values[fieldname] = filters.get(fieldname)
	return frappe.db.sql(
		f"""
		select name, platform, assigned_to, status, posted_at, first_response_at, response_minutes
		from `tabMention`
		where {" and ".join(conditions)} {mention_condition()}
		""",
		values,
		as_dict=True,
	)


def percentile(sorted_values: list[float], fraction: float) -> float:
	"""Nearest-rank percentile of already sorted values (0 when empty)."""
	if not sorted_values:
		return 0.0
	rank = max(1, -(-len(sorted_values) * fraction // 1))  # ceil
	return float(sorted_values[int(rank) - 1])


def summarize(key, rows) -> dict:
	minutes = sorted(float(r.response_minutes or 0) for r in rows if r.first_response_at)
	responded = len(minutes)
	return {
		"group": key,
		"mentions": len(rows),
		"responded": responded,
		"ignored": sum(1 for r in rows if r.status == IGNORED),
		"open": sum(1 for r in rows if not r.first_response_at and r.status != IGNORED),
		"avg_minutes": round(sum(minutes) / responded, 1) if responded else 0.0,
		"median_minutes": round(percentile(minutes, 0.5), 1),
		"p90_minutes": round(percentile(minutes, 0.9), 1),
		"within_hour": round(100.0 * sum(1 for m in minutes if m <= WITHIN_MINUTES) / responded, 1)
		if responded
		else 0.0,
	}


def columns(group_by):
	group_label = {"Assignee": _("Assigned To"), "Platform": _("Platform"), "Week": _("Week")}[group_by]
	return [
		{"fieldname": "group", "label": group_label, "fieldtype": "Data", "width": 200},
		{"fieldname": "mentions", "label": _("Mentions"), "fieldtype": "Int", "width": 90},
		{"fieldname": "responded", "label": _("Responded"), "fieldtype": "Int", "width": 100},
		{"fieldname": "ignored", "label": _("Ignored"), "fieldtype": "Int", "width": 90},
		{"fieldname": "open", "label": _("Waiting"), "fieldtype": "Int", "width": 90},
		{"fieldname": "avg_minutes", "label": _("Average (Minutes)"), "fieldtype": "Float", "width": 130},
		{"fieldname": "median_minutes", "label": _("Median (Minutes)"), "fieldtype": "Float", "width": 130},
		{
			"fieldname": "p90_minutes",
			"label": _("90th Percentile (Minutes)"),
			"fieldtype": "Float",
			"width": 170,
		},
		{
			"fieldname": "within_hour",
			"label": _("Answered Within 1 Hour %"),
			"fieldtype": "Percent",
			"width": 170,
		},
	]


def chart(data):
	return {
		"data": {
			"labels": [row["group"] for row in data],
			"datasets": [
				{"name": _("Median (Minutes)"), "values": [row["median_minutes"] for row in data]},
				{"name": _("90th Percentile (Minutes)"), "values": [row["p90_minutes"] for row in data]},
			],
		},
		"type": "bar",
	}
