"""Install, migrate and uninstall: custom fields on ERPNext doctypes, roles, defaults."""

import frappe
from frappe import _
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.desk.page.setup_wizard.setup_wizard import setup_complete
from frappe.installer import remove_from_installed_apps
from frappe.utils import now_datetime

from erpnext.setup.utils import enable_all_roles_and_domains

from social_crm import settings
from social_crm.linking.keys import ensure_keys
from social_crm.permissions import APP_ROLES
from social_crm.privacy.retention import create_default_policies
from social_crm.privacy.suppression import ensure_secret

APP = "social_crm"
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


def before_install():
	"""Make a long-running site see this app before Frappe syncs its doctypes.

	A site keeps its module map (module -> app) in Redis and in the process. Built before
	this app was added to apps.txt, it does not know the "Social CRM" module, so the
	doctypes' controllers would be looked up in the wrong app. A failed earlier install may
	also have left the app's Module Def behind, which would stop a retry.
	"""
	frappe.cache.delete_value(["app_modules", "installed_app_modules", "doctype_modules"])
	frappe.local.app_modules = None
	frappe.local.module_app = None
	frappe.setup_module_map()
	if APP not in frappe.get_installed_apps():
		frappe.db.delete("Module Def", {"app_name": APP})


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
	"""Create everything the app needs on the site; undo the 'installed' mark if that fails,
	so that `bench install-app social_crm` can simply be run again."""
	try:
		ensure_setup()
	except Exception:
		frappe.db.rollback()
		remove_from_installed_apps(APP)
		raise


def after_migrate():
	"""Keeps existing sites in step when the field set changes, and repairs a site whose
	install was interrupted (same idempotent steps as install)."""
	ensure_setup()


def ensure_setup():
	"""Idempotent: roles, custom fields, lead source, settings defaults, privacy defaults, keys."""
	create_roles()
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	create_lead_source()
	settings.fill_defaults()
	create_privacy_defaults()
	ensure_match_keys()


def before_uninstall():
	"""Remove what the app added outside its own doctypes: custom fields and their columns
	(they hold people's handles), property setters, roles and the app's lead source when no
	Lead uses it. Frappe then deletes the app's doctypes, tables, reports and workspace."""
	custom_fields = get_custom_fields()
	delete_custom_fields(custom_fields)
	drop_custom_field_columns(custom_fields)
	delete_roles()
	delete_scheduled_jobs()
	if frappe.db.exists("Lead Source", LEAD_SOURCE) and not frappe.db.exists("Lead", {"source": LEAD_SOURCE}):
		frappe.delete_doc("Lead Source", LEAD_SOURCE, ignore_permissions=True, force=True)


def create_roles():
	for role in APP_ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def create_lead_source():
	if frappe.db.exists("DocType", "Lead Source") and not frappe.db.exists("Lead Source", LEAD_SOURCE):
		frappe.get_doc({"doctype": "Lead Source", "source_name": LEAD_SOURCE}).insert(ignore_permissions=True)


def create_privacy_defaults():
	"""The suppression secret and the default retention policies (created in code, not fixtures)."""
	ensure_secret()
	create_default_retention_policies()


def create_default_retention_policies() -> list[str]:
	"""Create the engine's default retention policies that are missing; edited ones are kept."""
	return create_default_policies()


def delete_custom_fields(custom_fields: dict[str, list[dict]]):
	for doctype, fields in custom_fields.items():
		fieldnames = [field["fieldname"] for field in fields]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", fieldnames)})
		frappe.clear_cache(doctype=doctype)


def drop_custom_field_columns(custom_fields: dict[str, list[dict]]):
	"""Frappe keeps a deleted custom field's column; ours hold personal data, so drop them."""
	for doctype, fields in custom_fields.items():
		columns = set(frappe.db.get_table_columns(doctype))
		for field in fields:
			if field["fieldname"] in columns:
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop column `{field['fieldname']}`")


def delete_scheduled_jobs():
	"""Frappe syncs the jobs from hooks but leaves them behind on uninstall."""
	for job in frappe.get_all("Scheduled Job Type", {"method": ("like", f"{APP}.%")}, pluck="name"):
		frappe.db.delete("Scheduled Job Log", {"scheduled_job_type": job})
		frappe.delete_doc("Scheduled Job Type", job, ignore_permissions=True, force=True)


def delete_roles():
	for role in APP_ROLES:
		if frappe.db.exists("Role", role):
			frappe.db.delete("Has Role", {"role": role})
			frappe.db.delete("Custom DocPerm", {"role": role})
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)


def before_tests():
	"""Complete ERPNext's setup wizard on a fresh test site (as hrms does)."""
	frappe.clear_cache()
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
	enable_all_roles_and_domains()
	ensure_setup()
	frappe.db.commit()  # nosemgrep: tests need the completed setup visible to every test transaction


def ensure_match_keys():
	"""Build the linking lookup keys of existing parties once (in a background job on big sites)."""
	ensure_keys()
