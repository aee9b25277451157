"""Who may see social data.

Social CRM Manager / User (and System Manager) see everything their DocPerms allow.
A Sales User without those roles reads only the social data of parties they may
read themselves: the rows are narrowed to the Customers, Leads and Contacts their
own permissions (roles and User Permissions) let them read.
"""

import frappe
from frappe.model.db_query import DatabaseQuery

from social_crm.party import PARTY_TYPES

UNRESTRICTED_ROLES = {"Social CRM Manager", "Social CRM User", "System Manager"}
READ_PTYPES = {"read", "print", "email", "report", "export"}


def is_unrestricted(user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	return bool(UNRESTRICTED_ROLES.intersection(frappe.get_roles(user)))


def has_app_permission() -> bool:
	return is_unrestricted() or "Sales User" in frappe.get_roles()


def social_data_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""SQL condition for list queries of Social Profile, Mention and Idea."""
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
