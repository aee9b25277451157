"""Install, migrate and uninstall: custom fields on ERPNext doctypes, roles, defaults."""

import frappe
from frappe import _
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

ROLES = ("Social CRM Manager", "Social CRM User")
LEAD_SOURCE = "Social Media"
SOCIAL_HANDLES_HELP = (
	"One per line as platform:handle, e.g. mastodon:alice@mastodon.social, bluesky:alice.bsky.social"
)


def get_custom_fields() -> dict[str, list[dict]]:
	"""Fields Social CRM adds to ERPNext/Frappe doctypes. Created on install, removed on uninstall."""

	def social_fields(insert_after: str, break_type: str) -> list[dict]:
		return [
			{
				"fieldname": "social_crm_section",
				"fieldtype": break_type,
				"label": "Social",
				"insert_after": insert_after,
				"collapsible": 0,
			},
			{
				"fieldname": "social_summary",
				"fieldtype": "HTML",
				"label": "Social Summary",
				"insert_after": "social_crm_section",
			},
			{
				"fieldname": "social_handles",
				"fieldtype": "Small Text",
				"label": "Social Handles",
				"description": SOCIAL_HANDLES_HELP,
				"insert_after": "social_summary",
			},
		]

	return {
		"Customer": social_fields("portal_users", "Tab Break"),
		"Lead": social_fields("dashboard_tab", "Tab Break") + lead_ads_fields(),
		"Contact": social_fields("unsubscribed", "Section Break"),
	}


def lead_ads_fields() -> list[dict]:
	"""Where a Lead from Meta Lead Ads came from (in the Lead's Social tab); the leadgen id is unique."""
	fields = [
		("meta_leadgen_id", "Data", "Meta Lead ID", {"unique": 1, "read_only": 1, "no_copy": 1}),
		("meta_lead_form_id", "Data", "Meta Lead Form ID", {"read_only": 1}),
		("meta_ad_id", "Data", "Meta Ad ID", {"read_only": 1}),
		("meta_ad_name", "Data", "Meta Ad", {"read_only": 1}),
		("meta_campaign_id", "Data", "Meta Campaign ID", {"read_only": 1}),
		("meta_campaign_name", "Data", "Meta Campaign", {"read_only": 1}),
		("meta_lead_answers", "Small Text", "Lead Form Answers", {"read_only": 1}),
	]
	rows = [
		{
			"fieldname": "meta_lead_ads_section",
			"fieldtype": "Section Break",
			"label": "Meta Lead Ads",
			"insert_after": "social_handles",
			"collapsible": 1,
			"depends_on": "eval:doc.meta_leadgen_id",
		}
	]
	previous = "meta_lead_ads_section"
	for fieldname, fieldtype, label, extra in fields:
		rows.append(
			{
				"fieldname": fieldname,
				"fieldtype": fieldtype,
				"label": label,
				"insert_after": previous,
				**extra,
			}
		)
		previous = fieldname
	return rows


def after_install():
	create_roles()
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	create_lead_source()
	set_settings_defaults()
	create_privacy_defaults()
	ensure_match_keys()


def after_migrate():
	# keeps existing sites in step when the field set changes between versions
	create_roles()
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	create_lead_source()
	create_privacy_defaults()
	ensure_match_keys()


def before_uninstall():
	delete_custom_fields(get_custom_fields())


def create_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def create_lead_source():
	if frappe.db.exists("DocType", "Lead Source") and not frappe.db.exists("Lead Source", LEAD_SOURCE):
		frappe.get_doc({"doctype": "Lead Source", "source_name": LEAD_SOURCE}).insert(ignore_permissions=True)


def set_settings_defaults():
	"""Singles get their defaults only when first saved; save once so jobs read real values."""
	settings = frappe.get_doc("Social CRM Settings")
	for df in settings.meta.fields:
		if df.default and settings.get(df.fieldname) in (None, ""):
			settings.set(df.fieldname, df.default)
	settings.flags.ignore_permissions = True
	settings.save()


def create_privacy_defaults():
	"""The suppression secret and the default retention policies (created in code, not fixtures)."""
	from social_crm.privacy.suppression import ensure_secret

	ensure_secret()
	create_default_retention_policies()


def create_default_retention_policies() -> list[str]:
	"""Create the engine's default retention policies that are missing; edited ones are kept."""
	from social_crm.privacy.retention import create_default_policies

	return create_default_policies()


def delete_custom_fields(custom_fields: dict[str, list[dict]]):
	for doctype, fields in custom_fields.items():
		frappe.db.delete(
			"Custom Field",
			{"dt": doctype, "fieldname": ("in", [field["fieldname"] for field in fields])},
		)
		frappe.clear_cache(doctype=doctype)


def before_tests():
	"""Complete ERPNext's setup wizard on a fresh test site (as hrms does)."""
	frappe.clear_cache()
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete
	from frappe.utils import now_datetime

	year = now_datetime().year
	if not frappe.get_list("Company"):
		setup_complete(
			{
				"currency": "EUR",
				"full_name": "Test User",
				"company_name": "_Test Social Company",
				"timezone": "Europe/Berlin",
				"company_abbr": "_TSC",
				"industry": "Manufacturing",
				"country": "Germany",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": "english",
				"company_tagline": "Testing",
				"email": "test@example.com",
				"password": "test",
				"chart_of_accounts": "Standard",
			}
		)
	from erpnext.setup.utils import enable_all_roles_and_domains

	enable_all_roles_and_domains()
	after_migrate()
	frappe.db.commit()  # nosemgrep: tests need the completed setup visible to every test transaction


def ensure_match_keys():
	"""Build the linking lookup keys of existing parties once (in a background job on big sites)."""
	from social_crm.linking.keys import ensure_keys

	ensure_keys()
