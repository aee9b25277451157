# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime

from social_crm.engine.insight.rollup import ITEM_RULE, PRODUCT_KIND
from social_crm.insight import rollup
from social_crm.insight.report_utils import (
	check_mention_report_permission,
	date_range,
	group_rule_sentiment,
	mention_condition,
	sentiment_count,
)

LABELS = {"Positive": "positive", "Neutral": "neutral", "Negative": "negative"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_mention_report_permission()
	from_date, to_date = date_range(filters, default_days=90)
	data = (
		rollup_query(filters, from_date, to_date) if rollup.serves() else query(filters, from_date, to_date)
	)
	for row in data:
		analysed = row.positive + row.neutral + row.negative
		row.negative_share = round(100.0 * row.negative / analysed, 1) if analysed else 0.0
	return columns(), data, None, chart(data)


def ordered(rows: list) -> list:
	"""Most mentioned Item first, then by Item code (the same order from both readers)."""
	return sorted(rows, key=lambda row: (-row.mentions, row.item or ""))


def query(filters, from_date, to_date):
	"""Distinct mentions per Item, through Listening Rules of kind Product that link an Item.

	The raw query over the mentions of the range (users with row-level restrictions); the
	rollup reader (:func:`rollup_query`) answers the same rows for everyone else.
	"""
	conditions = [
		"`tabMention`.posted_at >= %(from)s",
		"`tabMention`.posted_at < %(to)s",
		f"lr.kind = '{PRODUCT_KIND}'",  # the rules engine.insight.rollup.rule_items counts through
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
	matches = f"""from `tabMention`
			join `tabMention Rule Match` rm on rm.parent = `tabMention`.name
			join `tabListening Rule` lr on lr.name = rm.listening_rule
			left join `tabItem` i on i.name = lr.item
			where {" and ".join(conditions)} {mention_condition()}"""
	rows = frappe.db.sql(
		f"""
		select item, item_name, item_group, count(*) as mentions,
			cast({sentiment_count("Positive")} as signed) as positive,
			cast({sentiment_count("Neutral")} as signed) as neutral,
			cast({sentiment_count("Negative")} as signed) as negative,
			max(posted_at) as last_mention
		from (
			select lr.item, i.item_name, i.item_group, `tabMention`.name,
				-- towards this item (aspect sentiment of its rules), unless a person labelled the post
				{group_rule_sentiment()} as sentiment,
				`tabMention`.posted_at
			{matches}
			group by lr.item, `tabMention`.name
		) per_mention
		group by item
		""",
		values,
		as_dict=True,
	)
	rules: dict[str, set] = {}
	for item, rule in frappe.db.sql(f"select distinct lr.item, lr.name {matches}", values):
		rules.setdefault(item, set()).add(rule)
	for row in rows:
		row.rules = ", ".join(sorted(rules.get(row.item, ())))
	return ordered(rows)


def rollup_query(filters, from_date, to_date):
	"""The same rows from the rollup's daily ``Item`` rows (unrestricted users): a mention counts
	once per Item there, with the sentiment towards it (engine ``item_keys``), so the work follows
	days x (items x sentiments + rules) x platforms, not the number of mentions.

	One read of the range's ``Item`` rows answers the counts, the last day of each Item and which
	of its Product rules have mentions (the per-rule rows, ``match_kind`` = ``Rule``);
	``last_mention`` is exact: the newest mention of the Item's rules on that last day (one
	indexed query per Item, :func:`last_mention`).
	"""
	end = add_days(to_date, 1)
	rules_of: dict[str, list] = {}
	for rule, item in rollup.items().items():
		rules_of.setdefault(item.lower(), []).append(rule)
	wanted = (filters.get("item") or "").lower()
	totals: dict[str, frappe._dict] = {}
	active = set()
	for value, kind, sentiment, count, day in rollup.item_counts(from_date, end, filters.get("platform")):
		if kind == ITEM_RULE:
			active.add(value.lower())
			continue
		if wanted and value.lower() != wanted:
			continue
		row = totals.setdefault(
			value, frappe._dict(mentions=0, positive=0, neutral=0, negative=0, last_day=day)
		)
		row.mentions += count
		if sentiment in LABELS:
			row[LABELS[sentiment]] += count
		row.last_day = max(row.last_day, day)
	if not totals:
		return []
	info = {
		r.name: r
		for r in frappe.db.sql(
			"select name, item_name, item_group from `tabItem` where name in %(items)s",
			{"items": list(totals)},
			as_dict=True,
		)
	}
	data = []
	for item, row in totals.items():
		record = info.get(item) or frappe._dict()
		if filters.get("item_group") and record.get("item_group") != filters.item_group:
			continue
		rules = sorted(r for r in rules_of.get(item.lower(), []) if r.lower() in active)
		data.append(
			frappe._dict(
				item=record.get("name") or item,
				item_name=record.get("item_name"),
				item_group=record.get("item_group"),
				mentions=row.mentions,
				positive=row.positive,
				neutral=row.neutral,
				negative=row.negative,
				last_mention=last_mention(rules, row.last_day, end, filters.get("platform")),
				rules=", ".join(rules),
			)
		)
	return ordered(data)


def last_mention(rules: list, day, end, platform: str | None = None):
	"""The newest mention of ``rules`` posted on ``day`` (before ``end``): the posted_at index read
	backwards from the day's end, stopping at the first mention that matched one of the rules."""
	day = get_datetime(day)
	until = min(add_days(day, 1), get_datetime(end))
	if not rules:
		return None
	found = frappe.db.sql(
		f"""select m.posted_at from `tabMention` m
		straight_join `tabMention Rule Match` rm on rm.parent = m.name
		where m.posted_at >= %(day)s and m.posted_at < %(until)s and rm.listening_rule in %(rules)s
		{"and m.platform = %(platform)s" if platform else ""}
		order by m.posted_at desc limit 1""",
		{"day": day, "until": until, "rules": rules, "platform": platform},
	)
	return found[0][0] if found else None


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
