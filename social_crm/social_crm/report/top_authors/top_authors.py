# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, cint

from social_crm.display import display_html
from social_crm.insight.report_utils import (
	check_mention_report_permission,
	date_range,
	mention_condition,
	sentiment_count,
)
from social_crm.permissions import can_read_invoices
from social_crm.revenue import billed_revenue

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_mention_report_permission()
	from_date, to_date = date_range(filters, default_days=90)
	limit = min(max(cint(filters.get("limit")) or DEFAULT_LIMIT, 1), MAX_LIMIT)

	authors = query_authors(filters, from_date, to_date)
	# billed revenue only for users who may read Sales Invoices, from the invoices they may read
	show_revenue = can_read_invoices()
	revenue = billed_revenue((a.customer for a in authors), user=frappe.session.user) if show_revenue else {}
	for author in authors:
		if show_revenue:
			author.billed_revenue = revenue.get(author.customer, 0.0) if author.customer else 0.0
		author.negative_share = (
			round(100.0 * author.negative / author.mentions, 1) if author.mentions else 0.0
		)
	# the most valuable voices first: billed revenue (for those who may see it; else the order
	# would give it away), then reach, then how much they talk
	authors.sort(
		key=lambda a: (-(a.get("billed_revenue") or 0), -(a.influence_score or 0), -a.mentions, a.profile)
	)
	data = authors[:limit]
	for row in data:
		# remote names reach the report's HTML as they are (Data formatter): escape them here
		row.display_name, row.handle = display_html(row.display_name), display_html(row.handle)
		row.party_name = display_html(row.party_name) if row.party_name else row.party_name
	return columns(show_revenue), data, None, chart(data)


def query_authors(filters, from_date, to_date):
	conditions = [
		"`tabMention`.posted_at >= %(from)s",
		"`tabMention`.posted_at < %(to)s",
		"`tabMention`.author is not null",
	]
	values = {"from": from_date, "to": add_days(to_date, 1)}
	if filters.get("platform"):
		conditions.append("`tabMention`.platform = %(platform)s")
		values["platform"] = filters.platform
	if filters.get("party_type"):
		conditions.append("p.party_type = %(party_type)s")
		values["party_type"] = filters.party_type
	if filters.get("linked") == "Linked":
		conditions.append("ifnull(p.party, '') != ''")
	elif filters.get("linked") == "Not Linked":
		conditions.append("ifnull(p.party, '') = ''")
	if filters.get("min_influence"):
		conditions.append("p.influence_score >= %(min_influence)s")
		values["min_influence"] = filters.min_influence
	return frappe.db.sql(
		f"""
		select p.name as profile, p.platform, p.handle, p.display_name, p.followers, p.influence_score,
			p.party_type, p.party, p.party_name, p.customer,
			count(*) as mentions, cast({sentiment_count("Negative", "`tabMention`.sentiment")} as signed) as negative,
			max(`tabMention`.posted_at) as last_mention
		from `tabMention`
		join `tabSocial Profile` p on p.name = `tabMention`.author
		where {" and ".join(conditions)} {mention_condition()}
		group by p.name
		""",
		values,
		as_dict=True,
	)


def columns(show_revenue: bool = True):
	columns = [
		{
			"fieldname": "profile",
			"label": _("Social Profile"),
			"fieldtype": "Link",
			"options": "Social Profile",
			"width": 120,
		},
		{"fieldname": "display_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "platform", "label": _("Platform"), "fieldtype": "Data", "width": 100},
		{"fieldname": "handle", "label": _("Handle"), "fieldtype": "Data", "width": 180},
		{"fieldname": "followers", "label": _("Followers"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "influence_score",
			"label": _("Influence"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 90,
		},
		{"fieldname": "mentions", "label": _("Mentions"), "fieldtype": "Int", "width": 90},
		{"fieldname": "negative_share", "label": _("Negative Share %"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "party_type",
			"label": _("Party Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 100,
		},
		{
			"fieldname": "party",
			"label": _("Party"),
			"fieldtype": "Dynamic Link",
			"options": "party_type",
			"width": 160,
		},
		{
			"fieldname": "billed_revenue",
			"label": _("Billed (12 Months)"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{"fieldname": "last_mention", "label": _("Last Mention"), "fieldtype": "Datetime", "width": 160},
	]
	return columns if show_revenue else [c for c in columns if c["fieldname"] != "billed_revenue"]


def chart(data):
	top = data[:10]
	return {
		"data": {
			"labels": [row.display_name or row.handle for row in top],
			"datasets": [{"name": _("Mentions"), "values": [row.mentions for row in top]}],
		},
		"type": "bar",
	}
