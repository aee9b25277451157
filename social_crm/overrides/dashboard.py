"""A "Social" connections group on Customer, Lead and Contact (hook: override_doctype_dashboards)."""

from frappe import _

SOCIAL_DOCTYPES = ["Social Profile", "Mention", "Idea"]


def _add_social_group(data, party_type: str, fieldname: str):
	data = data or {}
	data.setdefault("transactions", [])
	if not any(group.get("label") == _("Social") for group in data["transactions"]):
		data["transactions"].append({"label": _("Social"), "items": list(SOCIAL_DOCTYPES)})
	non_standard = data.setdefault("non_standard_fieldnames", {})
	for doctype in SOCIAL_DOCTYPES:
		non_standard[doctype] = fieldname
	if fieldname == "party":
		# party is a Dynamic Link: count only rows whose party_type is this doctype
		data.setdefault("dynamic_links", {})["party"] = [party_type, "party_type"]
	return data


def get_customer_dashboard_data(data):
	# Customers roll up their Contacts' social data through the customer field.
	return _add_social_group(data, "Customer", "customer")


def get_lead_dashboard_data(data):
	return _add_social_group(data, "Lead", "party")


def get_contact_dashboard_data(data):
	return _add_social_group(data, "Contact", "party")
