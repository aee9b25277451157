"""Who may see social data, and who may do what: the app's role names and checks live here.

Roles: *Social CRM Manager* (everything), *Social CRM User* (works mentions, profiles, ideas),
*System Manager*, and *Sales User* (reads the social data of their own parties). No other
module writes a role name (``tests/test_role_names.py``); they call the checks below.

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
from frappe import _
from frappe.model.db_query import DatabaseQuery
from frappe.utils.user import get_users_with_role

from social_crm.engine.identity.facts import PARTY_TYPES

SOCIAL_CRM_MANAGER = "Social CRM Manager"
SOCIAL_CRM_USER = "Social CRM User"
SYSTEM_MANAGER = "System Manager"
SALES_USER = "Sales User"
# the roles this app creates on install (and removes on uninstall)
APP_ROLES = (SOCIAL_CRM_MANAGER, SOCIAL_CRM_USER)
# roles that see all social data their DocPerms allow, and whose decisions about links are trusted
UNRESTRICTED_ROLES = {SOCIAL_CRM_MANAGER, SOCIAL_CRM_USER, SYSTEM_MANAGER}
# export, erasure, retention runs, consent on others' behalf, vote weights
MANAGER_ROLES = (SOCIAL_CRM_MANAGER, SYSTEM_MANAGER)
ADMINISTRATOR = "Administrator"
GUEST = "Guest"
READ_PTYPES = {"read", "print", "email", "report", "export"}
# child tables of Mention: readable when their mention is
MENTION_CHILD_DOCTYPES = ("Mention Rule Match", "Mention Reply")
INVOICE_DOCTYPE = "Sales Invoice"


def has_any_role(roles, user: str | None = None) -> bool:
	"""True when ``user`` (default: the session user) has one of ``roles``; Administrator always.

	Unlike ``frappe.only_for`` this check also holds during tests.
	"""
	user = user or frappe.session.user
	if user == ADMINISTRATOR:
		return True
	return bool(set(roles).intersection(frappe.get_roles(user)))


def ensure_any_role(roles, message: str) -> None:
	"""Throw ``message`` (translated by the caller) as a PermissionError unless the session user has
	one of ``roles``."""
	if not has_any_role(roles):
		frappe.throw(message, frappe.PermissionError, title=_("Not Permitted"))


def is_unrestricted(user: str | None = None) -> bool:
	"""Social CRM Manager / User, System Manager: all social data their DocPerms allow."""
	return has_any_role(UNRESTRICTED_ROLES, user)


def is_social_manager(user: str | None = None) -> bool:
	return has_any_role((SOCIAL_CRM_MANAGER,), user)


def is_privacy_officer(user: str | None = None) -> bool:
	"""Social CRM Manager or System Manager: export, erasure, retention runs."""
	return has_any_role(MANAGER_ROLES, user)


def ensure_social_crm_user(message: str) -> None:
	ensure_any_role(UNRESTRICTED_ROLES, message)


def ensure_social_manager(message: str | None = None) -> None:
	ensure_any_role((SOCIAL_CRM_MANAGER,), message or _("Only a Social CRM Manager can do this"))


def ensure_privacy_officer(message: str | None = None) -> None:
	ensure_any_role(MANAGER_ROLES, message or _("Only a Social CRM Manager or System Manager may do this"))


def ensure_system_manager(message: str) -> None:
	ensure_any_role((SYSTEM_MANAGER,), message)


def is_system_manager(user: str | None = None) -> bool:
	return has_any_role((SYSTEM_MANAGER,), user)


def social_managers() -> list[str]:
	"""The enabled users with the Social CRM Manager role (not Administrator / Guest): who is notified."""
	return [u for u in get_users_with_role(SOCIAL_CRM_MANAGER) if u not in (ADMINISTRATOR, GUEST)]


def has_app_permission() -> bool:
	return has_any_role((*UNRESTRICTED_ROLES, SALES_USER))


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
