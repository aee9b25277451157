app_name = "social_crm"
app_title = "Social CRM"
app_publisher = "Social CRM Developers"
app_description = "Social listening and social CRM for ERPNext: mentions, profiles, ideas, linking, consent and retention"
app_email = "developers@social-crm.invalid"
app_license = "mit"

# Apps
# ------------------

required_apps = ["frappe/erpnext"]

add_to_apps_screen = [
	{
		"name": "social_crm",
		"logo": "/assets/social_crm/images/social_crm.svg",
		"title": "Social CRM",
		"route": "/app/social-crm",
		"has_permission": "social_crm.permissions.has_app_permission",
	}
]

# Includes in <head>
# ------------------

doctype_js = {
	"Customer": "public/js/party_social.js",
	"Lead": "public/js/party_social.js",
	"Contact": "public/js/party_social.js",
}

# Fixtures: only the records this app owns, filtered by name
# -----------------------------------------------------------

fixtures = [
	{"dt": "Role", "filters": [["name", "in", ["Social CRM Manager", "Social CRM User"]]]},
]

# Installation
# ------------

after_install = "social_crm.install.after_install"
before_uninstall = "social_crm.install.before_uninstall"
after_migrate = "social_crm.install.after_migrate"

# Document Events
# ---------------

doc_events = {
	"Customer": {"on_trash": "social_crm.overrides.party.unlink_social_data"},
	"Lead": {"on_trash": "social_crm.overrides.party.unlink_social_data"},
	"Contact": {"on_trash": "social_crm.overrides.party.unlink_social_data"},
	"ToDo": {
		"on_update": "social_crm.engagement.assignment.sync_mention_assignee",
		"on_trash": "social_crm.engagement.assignment.sync_mention_assignee",
	},
}

# Permissions
# -----------

permission_query_conditions = {
	"Social Profile": "social_crm.permissions.social_data_query_conditions",
	"Mention": "social_crm.permissions.social_data_query_conditions",
	"Idea": "social_crm.permissions.social_data_query_conditions",
}

has_permission = {
	"Social Profile": "social_crm.permissions.has_social_data_permission",
	"Mention": "social_crm.permissions.has_social_data_permission",
	"Idea": "social_crm.permissions.has_social_data_permission",
}

# Social history on ERPNext forms
# -------------------------------

additional_timeline_content = {
	"Customer": ["social_crm.overrides.party.get_mention_timeline"],
	"Lead": ["social_crm.overrides.party.get_mention_timeline"],
	"Contact": ["social_crm.overrides.party.get_mention_timeline"],
}

override_doctype_dashboards = {
	"Customer": "social_crm.overrides.dashboard.get_customer_dashboard_data",
	"Lead": "social_crm.overrides.dashboard.get_lead_dashboard_data",
	"Contact": "social_crm.overrides.dashboard.get_contact_dashboard_data",
}

# Testing
# -------

before_tests = "social_crm.install.before_tests"

# Automatically update python controller files with type annotations for this app.
export_python_type_annotations = True

# Scheduled Tasks
# ---------------

scheduler_events = {
	"hourly_long": ["social_crm.insight.alerts.run_alerts"],
}
