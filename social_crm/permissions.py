"""Who may see social data.

Social CRM Manager / User (and System Manager) see everything their DocPerms allow.
A Sales User without those roles reads only the social data of parties they may
read themselves: the rows are narrowed to the Customers, Leads and Contacts their
own permissions (roles and User Permissions) let them read. The same rule covers
Social Profile, Mention, Idea and Idea Vote (their own party fields) and the child
tables of Mention (through their parent mention, also when listed with ``parent=``).

Billed revenue (Sales Invoices) is shown only to users who may read Sales Invoices,
and then only from the invoices their own permissions (e.g. company User Permissions)
let them read.
"""

import hashlib

import frappe
from frappe.model.db_query import DatabaseQuery

from social_crm.engine.identity.facts import PARTY_TYPES

SOCIAL_CRM_MANAGER = "Social CRM Manager"
SOCIAL_CRM_USER = "Social CRM User"
SYSTEM_MANAGER = "System Manager"
SALES_USER = "Sales User"
# roles that see all social data their DocPerms allow, and whose decisions about links are trusted
UNRESTRICTED_ROLES = {SOCIAL_CRM_MANAGER, SOCIAL_CRM_USER, SYSTEM_MANAGER}
READ_PTYPES = {"read", "print", "email", "report", "export"}
# child tables of Mention: readable when their mention is
MENTION_CHILD_DOCTYPES = ("Mention Rule Match", "Mention Reply")
INVOICE_DOCTYPE = "Sales Invoice"


def is_unrestricted(user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	return bool(UNRESTRICTED_ROLES.intersection(frappe.get_roles(user)))


def has_app_permission() -> bool:
	return is_unrestricted() or SALES_USER in frappe.get_roles()


def social_data_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""SQL condition for list queries of Social Profile, Mention, Idea and Idea Vote."""
	user = user or frappe.session.user
	doctype = doctype or "Mention"
	if is_unrestricted(user):
		return ""
	table = f"`tab{doctype}`"
	parts = []
	for party_type in PARTY_TYPES:
		if not frappe.has_permission(party_type, "read", user=user):
			continue
		match = DatabaseQuery(party_type, user=user).build_match_conditions(as_condition=True)
		readable = f"select `tab{party_type}`.name from `tab{party_type}`" + (
			f" where {match}" if match else ""
		)
		parts.append(
			f"({table}.party_type = {frappe.db.escape(party_type)} and {table}.party in ({readable}))"
		)
	return "(" + " or ".join(parts) + ")" if parts else "1=0"


def mention_child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""SQL condition for Mention's child tables: only rows of mentions the user may read.

	Frappe checks a child table listed with ``parent="Mention"`` (frappe.client.get_list,
	reportview) against Mention's role permissions only, then applies the child doctype's
	own query conditions: this is that condition.
	"""
	user = user or frappe.session.user
	doctype = doctype or MENTION_CHILD_DOCTYPES[0]
	if is_unrestricted(user):
		return ""
	condition = social_data_query_conditions(user, "Mention")
	table = f"`tab{doctype}`"
	return (
		f"({table}.parenttype = 'Mention' and {table}.parent in "
		f"(select `tabMention`.name from `tabMention` where {condition}))"
	)


def has_social_data_permission(doc, ptype: str | None = None, user: str | None = None, debug=False):
	"""Document-level check matching :func:`social_data_query_conditions`."""
	user = user or frappe.session.user
	if is_unrestricted(user):
		return None
	if (ptype or "read") not in READ_PTYPES:
		return False
	if not doc.get("party_type") or not doc.get("party") or doc.get("party_type") not in PARTY_TYPES:
		return False
	return bool(frappe.has_permission(doc.party_type, "read", doc=doc.party, user=user))


def permission_scope(user: str | None = None) -> str:
	"""A short key naming what ``user`` may read of social data: equal keys, equal rows.

	Caches of aggregated social data (workspace charts) are kept per scope, so one user's
	numbers are never served to a user who may read less.
	"""
	user = user or frappe.session.user
	condition = social_data_query_conditions(user, "Mention")
	return hashlib.sha256(condition.encode()).hexdigest()[:16] if condition else "all"


def can_read_invoices(user: str | None = None) -> bool:
	"""True when ``user`` may read Sales Invoices (role permissions; rows are narrowed by the query)."""
	return bool(frappe.has_permission(INVOICE_DOCTYPE, "read", user=user or frappe.session.user))
