"""Billed revenue of customers: one rule for the Top Authors report and customer-value vote weights.

Revenue is the net amount (``base_net_total``, company currency) of submitted Sales Invoices
posted in the last 12 months; credit notes (returns) net out.

Who sees it: :func:`billed_revenue` with a ``user`` runs a permission-checked query as that
user (``frappe.get_list``: role permissions and User Permissions, e.g. on Company, narrow
the invoices counted) and returns nothing to a user who may not read Sales Invoices. Without
a user it is the system's figure, used only to choose a vote's weight tier (the engine's
``customer_weight``): a tier says which decade the revenue is in, never the amount.
"""

from collections.abc import Iterable

import frappe
from frappe.utils import add_months, flt, today

from social_crm.permissions import INVOICE_DOCTYPE, can_read_invoices

REVENUE_MONTHS = 12


def revenue_since() -> str:
	return add_months(today(), -REVENUE_MONTHS)


def billed_revenue(customers: Iterable[str | None], user: str | None = None) -> dict[str, float]:
	"""Revenue per customer (customers without invoices are left out).

	``user``: count only the invoices this user may read ({} when they may read none).
	"""
	customers = sorted({customer for customer in customers if customer})
	if not customers:
		return {}
	filters = {"docstatus": 1, "customer": ("in", customers), "posting_date": (">=", revenue_since())}
	fields = ["customer", "sum(base_net_total) as revenue"]
	if user is None:
		rows = frappe.get_all(INVOICE_DOCTYPE, filters=filters, fields=fields, group_by="customer")
	else:
		if not can_read_invoices(user):
			return {}
		rows = frappe.get_list(
			INVOICE_DOCTYPE,
			filters=filters,
			fields=fields,
			group_by="customer",
			user=user,
			limit_page_length=0,
		)
	return {row.customer: flt(row.revenue) for row in rows}


def readable_totals(doctype: str, rows: list[dict], user: str) -> float:
	"""Sum ``base_net_total`` of the invoice ``rows`` (``name``, ``base_net_total``) that ``user``
	may read: role permissions and User Permissions (e.g. on Company) of ``doctype``."""
	if not rows or not frappe.has_permission(doctype, "read", user=user):
		return 0.0
	readable = set(
		frappe.get_list(
			doctype,
			filters={"name": ("in", [row["name"] for row in rows])},
			pluck="name",
			user=user,
			limit_page_length=0,
		)
	)
	return sum(flt(row["base_net_total"]) for row in rows if row["name"] in readable)
