from social_crm.engine.parties import PARTY_TYPES as _PARTY_TYPES

app_name = "social_crm"
app_title = "Social CRM"
app_publisher = "Social CRM Developers"
app_description = (
	"Social listening and social CRM for ERPNext: mentions, profiles, ideas, linking, consent and retention"
)
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

app_include_js = "social_crm.bundle.js"

doctype_js = {
	# the Social tab and the data-protection buttons on every party form
	**{party: ["public/js/party_social.js", "public/js/party_privacy.js"] for party in _PARTY_TYPES},
	"Mention": ["public/js/mention_idea.js", "public/js/mention_issue.js"],
	"Social Profile": "public/js/party_privacy.js",
}

# Fixtures: only the records this app owns, filtered by name
# -----------------------------------------------------------

fixtures = [
	{"dt": "Role", "filters": [["name", "in", ["Social CRM Manager", "Social CRM User"]]]},
]

# Installation
# ------------

before_install = "social_crm.install.before_install"
after_install = "social_crm.install.after_install"
before_uninstall = "social_crm.install.before_uninstall"
after_migrate = "social_crm.install.after_migrate"

# Document Events
# ---------------

_PARTY_EVENTS = ("on_update", "before_rename", "after_rename", "on_trash")


def _party_module(party_type: str) -> str:
	"""The module of one party doctype's events, timeline and dashboard: social_crm/overrides/<doctype>.py."""
	return f"social_crm.overrides.{party_type.lower()}"


doc_events = {
	# Customer, Lead, Contact: each event in the doctype's own module (social_crm/overrides/<doctype>.py),
	# which runs the shared party steps and its own in one explicit order
	**{
		party: {event: f"{_party_module(party)}.{event}" for event in _PARTY_EVENTS} for party in _PARTY_TYPES
	},
	"Social Profile": {
		"on_update": "social_crm.linking.events.profile_on_update",
		"on_trash": "social_crm.linking.events.profile_on_trash",
	},
	"Idea": {
		"after_insert": "social_crm.ideas.events.on_idea_change",
		"on_update": "social_crm.ideas.events.on_idea_update",
		"on_trash": "social_crm.ideas.events.on_idea_change",
	},
	"Mention": {"on_update": "social_crm.support.issues.mention_on_update"},
	# the mention rollup's Item rows are keyed by the Item's name
	"Item": {"after_rename": "social_crm.insight.rollup.item_renamed"},
	"Issue": {"on_update": "social_crm.support.issues.issue_on_update"},
	# Frappe's deletion request also erases the person's profiles with their mentions
	"Personal Data Deletion Request": {"on_update": "social_crm.privacy.deletion_request.on_update"},
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
	"Idea Vote": "social_crm.permissions.social_data_query_conditions",
	# child tables listed with parent="Mention": only rows of readable mentions
	"Mention Rule Match": "social_crm.permissions.mention_child_query_conditions",
	"Mention Reply": "social_crm.permissions.mention_child_query_conditions",
}

has_permission = {
	"Social Profile": "social_crm.permissions.has_social_data_permission",
	"Mention": "social_crm.permissions.has_social_data_permission",
	"Idea": "social_crm.permissions.has_social_data_permission",
	"Idea Vote": "social_crm.permissions.has_social_data_permission",
}

# Social history on ERPNext forms
# -------------------------------

additional_timeline_content = {party: [f"{_party_module(party)}.get_timeline"] for party in _PARTY_TYPES}

override_doctype_dashboards = {party: f"{_party_module(party)}.get_dashboard_data" for party in _PARTY_TYPES}

# Testing
# -------

before_tests = "social_crm.install.before_tests"

# Automatically update python controller files with type annotations for this app.
export_python_type_annotations = True

# Scheduled Tasks
# ---------------

scheduler_events = {
	# every minute; each source's own poll frequency is checked inside (listening)
	"cron": {
		"* * * * *": [
			"social_crm.listening.jobs.schedule_polls",
			# webhook bursts buffered in Social Ingest Buffer: keep a drain job running while rows wait
			"social_crm.listening.buffer.schedule_drain",
		]
	},
	"hourly_long": [
		"social_crm.insight.alerts.run_alerts",
		# erasures whose worker died continue (the job is deduplicated per subject)
		"social_crm.privacy.jobs.resume_erasures",
		# Meta Lead Ads missed while the webhook was down
		"social_crm.listening.lead_ads.backfill_leads",
	],
	"daily": ["social_crm.privacy.jobs.refresh_expired_consents"],
	"daily_long": [
		"social_crm.privacy.jobs.apply_retention_policies",
		# the 12-month revenue window slides: keep customer-value vote weights current
		"social_crm.ideas.voting.refresh_vote_weights",
	],
}

# Data protection
# ---------------

# Frappe's Personal Data Download / Deletion Requests cover social data keyed by email; a
# deletion request also erases the person's Social Profiles with their Mentions (doc_events above,
# social_crm/privacy/deletion_request.py), so the next poll cannot restore them.
user_data_fields = [
	{
		"doctype": "Social Profile",
		"filter_by": "email",
		"redact_fields": ["display_name", "handle", "profile_url", "website", "avatar_url", "bio"],
	},
	{"doctype": "Idea", "filter_by": "website_user"},
	{"doctype": "Idea Vote", "filter_by": "voter_user"},
]

# Ideas portal
# ------------

website_route_rules = [
	{"from_route": "/ideas/<name>", "to_route": "ideas/idea"},
	# /my-social: what we store about the visitor (privacy.requests); the email-link pages beside it
	{"from_route": "/my-social", "to_route": "my_social"},
	{"from_route": "/my-social/request", "to_route": "my_social_request"},
	{"from_route": "/my-social/confirm", "to_route": "my_social_confirm"},
]

portal_menu_items = [
	{"title": "Ideas", "route": "/ideas"},
	{"title": "My Social Data", "route": "/my-social", "role": "Customer"},
]

# Listening: the ingest error log expires like Frappe's own logs (Log Settings)
default_log_clearing_doctypes = {"Social Ingest Error": 30}

# Keep Mention.assigned_to in step when an assignment is removed from the sidebar
override_whitelisted_methods = {
	"frappe.desk.form.assign_to.remove": "social_crm.engagement.assignment.remove_assignment",
	# connection counts on Customer / Lead / Contact: the Social group counts readable rows only
	"frappe.desk.notifications.get_open_count": "social_crm.overrides.dashboard.get_open_count",
	# the webhook's documented path (README, sources' docs) names the package, not the function
	"social_crm.api.ingest": "social_crm.api.ingest.ingest",
}
