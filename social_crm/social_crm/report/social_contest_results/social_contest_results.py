# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt
"""Per contest: entries, winners, vouchers redeemed and the revenue they brought.

ERPNext v15 takes coupon codes on Sales Orders and POS Invoices (Sales Invoice has no coupon
field): a voucher is redeemed by a submitted order or POS invoice carrying it; the revenue is the
net total of the submitted Sales Invoices billed for those orders, plus the POS invoices."""

import frappe
from frappe import _

from social_crm.permissions import INVOICE_DOCTYPE, can_read_invoices
from social_crm.revenue import readable_totals


def execute(filters=None):
	filters = frappe._dict(filters or {})
	columns = [
		{
			"label": _("Contest"),
			"fieldname": "contest",
			"fieldtype": "Link",
			"options": "Social Contest",
			"width": 200,
		},
		{"label": _("Hashtag"), "fieldname": "hashtag", "fieldtype": "Data", "width": 140},
		{"label": _("Entries"), "fieldname": "entries", "fieldtype": "Int", "width": 90},
		{"label": _("Winners"), "fieldname": "winners", "fieldtype": "Int", "width": 90},
		{"label": _("Vouchers Redeemed"), "fieldname": "redeemed", "fieldtype": "Int", "width": 140},
		{"label": _("Revenue"), "fieldname": "revenue", "fieldtype": "Currency", "width": 140},
	]
	# revenue from Sales Invoices only for users who may read them
	show_revenue = can_read_invoices()
	if not show_revenue:
		columns = [column for column in columns if column["fieldname"] != "revenue"]
	contest_filters = {"name": filters.contest} if filters.get("contest") else {}
	data = []
	for contest in frappe.get_all(
		"Social Contest", filters=contest_filters, fields=["name", "hashtag"], order_by="start desc"
	):
		entries = frappe.get_all(
			"Social Contest Entry", filters={"contest": contest.name}, fields=["winner", "coupon_code"]
		)
		coupons = [e.coupon_code for e in entries if e.coupon_code]
		redeemed = revenue = 0
		if coupons:
			redeemed, revenue = redemption(coupons, frappe.session.user)
		row = {
			"contest": contest.name,
			"hashtag": contest.hashtag,
			"entries": len(entries),
			"winners": sum(1 for e in entries if e.winner),
			"redeemed": redeemed,
		}
		if show_revenue:
			row["revenue"] = revenue
		data.append(row)
	return columns, data


def redemption(coupons: list[str], user: str) -> tuple[int, float]:
	"""Vouchers used, and the revenue of the invoices that redeemed them which ``user`` may read
	(User Permissions, e.g. on Company, narrow it like every other revenue figure)."""
	values = {"coupons": coupons}
	used = frappe.db.sql(
		"""select coupon_code from `tabSales Order` where docstatus = 1 and coupon_code in %(coupons)s
		union select coupon_code from `tabPOS Invoice` where docstatus = 1 and coupon_code in %(coupons)s""",
		values,
	)
	invoiced = frappe.db.sql(
		"""select si.name, si.base_net_total from `tabSales Invoice` si
		where si.docstatus = 1 and si.name in (
			select sii.parent from `tabSales Invoice Item` sii
			join `tabSales Order` so on so.name = sii.sales_order
			where so.docstatus = 1 and so.coupon_code in %(coupons)s)""",
		values,
		as_dict=True,
	)
	pos = frappe.db.sql(
		"""select name, base_net_total from `tabPOS Invoice`
		where docstatus = 1 and coupon_code in %(coupons)s and ifnull(consolidated_invoice, '') = ''""",
		values,
		as_dict=True,
	)
	revenue = readable_totals(INVOICE_DOCTYPE, invoiced, user) + readable_totals("POS Invoice", pos, user)
	return len({row[0] for row in used}), revenue
