# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days

from social_crm.insight.report_utils import (
	check_mention_report_permission,
	date_range,
	group_rule_sentiment,
	mention_condition,
	sentiment_count,
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_mention_report_permission()
	from_date, to_date = date_range(filters, default_days=90)
	data = query(filters, from_date, to_date)
	for row in data:
		analysed = row.positive + row.neutral + row.negative
		row.negative_share = round(100.0 * row.negative / analysed, 1) if analysed else 0.0
	return columns(), data, None, chart(data)


def query(filters, from_date, to_date):
	"""Distinct mentions per Item, through Listening Rules of kind Product that link an Item."""
	conditions = [
		"`tabMention`.posted_at >= %(from)s",
		"`tabMention`.posted_at < %(to)s",
		"lr.kind = 'Product'",
		"ifnull(lr.item, '') != ''",
	]
	values = {"from": from_date, "to": add_days(to_date, 1)}
	if filters.get("item"):
		conditions.append("lr.item = %(item)s")
		values["item"] = filters.item
	if filters.get("item_group"):
		conditions.append("i.item_group = %(item_group)s")
		values["item_group"] = filters.item_group
	if filters.get("platform"):
		conditions.append("`tabMention`.platform = %(platform)s")
		values["platform"] = filters.platform
	return frappe.db.sql(
		f"""
		select item, item_name, item_group, rules, count(*) as mentions,
			cast({sentiment_count("Positive")} as signed) as positive,
			cast({sentiment_count("Neutral")} as signed) as neutral,
			cast({sentiment_count("Negative")} as signed) as negative,
			max(posted_at) as last_mention
		from (
			select lr.item, i.item_name, i.item_group, `tabMention`.name,
				-- towards this item (aspect sentiment of its rules), unless a person labelled the post
				{group_rule_sentiment()} as sentiment,
				`tabMention`.posted_at, group_concat(distinct lr.name separator ', ') as rules
			from `tabMention`
			join `tabMention Rule Match` rm on rm.parent = `tabMention`.name
			join `tabListening Rule` lr on lr.name = rm.listening_rule
			left join `tabItem` i on i.name = lr.item
			where {" and ".join(conditions)} {mention_condition()}
			group by lr.item, `tabMention`.name
		) per_mention
		group by item
		order by mentions desc, item
		""",
		values,
		as_dict=True,
	)


def columns():
	return [
		{"fieldname": "item", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 140},
		{"fieldname": "item_name", "label": _("Item Name"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "item_group",
			"label": _("Item Group"),
			"fieldtype": "Link",
			"options": "Item Group",
			"width": 130,
		},
		{"fieldname": "mentions", "label": _("Mentions"), "fieldtype": "Int", "width": 100},
		{"fieldname": "positive", "label": _("Positive"), "fieldtype": "Int", "width": 90},
		{"fieldname": "neutral", "label": _("Neutral"), "fieldtype": "Int", "width": 90},
		{"fieldname": "negative", "label": _("Negative"), "fieldtype": "Int", "width": 90},
		{"fieldname": "negative_share", "label": _("Negative Share %"), "fieldtype": "Percent", "width": 130},
		{"fieldname": "rules", "label": _("Listening Rules"), "fieldtype": "Data", "width": 200},
		{"fieldname": "last_mention", "label": _("Last Mention"), "fieldtype": "Datetime", "width": 160},
	]


def chart(data):
	top = data[:15]
	return {
		"data": {
			"labels": [row.item_name or row.item for row in top],
			"datasets": [
				{"name": _("Positive"), "values": [row.positive for row in top]},
				{"name": _("Neutral"), "values": [row.neutral for row in top]},
				{"name": _("Negative"), "values": [row.negative for row in top]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": ["#29CD42", "#A6B1B9", "#FF5858"],
	}
