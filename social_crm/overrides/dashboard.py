"""Connection counts of the Social group on Customer, Lead and Contact (the group itself:
``overrides/party.py`` ``add_social_group``, through each party's module)."""

import frappe
from frappe.desk.notifications import get_open_count as frappe_get_open_count

from social_crm.overrides.party import SOCIAL_DOCTYPES
from social_crm.party import PARTY_TYPES
from social_crm.permissions import is_unrestricted

COUNT_LIMIT = 100  # as Frappe's own connection counts


@frappe.whitelist()
def get_open_count(doctype: str, name: str, items=None):
	"""Frappe's connection counts (hook: override_whitelisted_methods), with the Social group of a
	party counted as the viewer may read it.

	Frappe counts linked documents with ``frappe.get_all`` (no row rules): a Sales User would see
	how many mentions the Contacts of their Customer have even where they may not read them.
	"""
	result = frappe_get_open_count(doctype, name, items)
	if doctype not in PARTY_TYPES or is_unrestricted():
		return result
	counts = result.get("count") if isinstance(result, dict) else None
	if not isinstance(counts, dict):
		return result  # a timed-out count ({"count": []}) has nothing to narrow
	for row in counts.get("external_links_found", []):
		if row.get("doctype") not in SOCIAL_DOCTYPES:
			continue
		filters = {"customer": name} if doctype == "Customer" else {"party_type": doctype, "party": name}
		readable = (
			len(frappe.get_list(row["doctype"], filters=filters, pluck="name", limit_page_length=COUNT_LIMIT))
			if frappe.has_permission(row["doctype"], "read")
			else 0
		)
		row["count"] = readable
		row["open_count"] = min(row.get("open_count") or 0, readable)
	return result
