# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from social_crm.display import display_html
from social_crm.engine.connectors import ConnectorError, get_connector
from social_crm.engine.connectors.base import BlockedUrl
from social_crm.engine.connectors.urlguard import UnsafeUrl
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.records import clean_url
from social_crm.engine.text import clean_display
from social_crm.listening.buffer import pending_count
from social_crm.listening.jobs import enqueue_poll_now
from social_crm.listening.sources import (
	REQUIRED_CREDENTIALS,
	health_for,
	network_guard,
	parse_options,
	source_config,
	unix_to_datetime,
)
from social_crm.permissions import ensure_social_manager

PLATFORMS_NEEDING_URL = ("Mastodon", "Discourse", "RSS")


class SocialSource(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		api_key: DF.Password | None
		app_password: DF.Password | None
		app_secret: DF.Password | None
		base_url: DF.Data | None
		client_id: DF.Data | None
		consecutive_failures: DF.Int
		cursor: DF.SmallText | None
		enabled: DF.Check
		health: DF.Literal["", "Healthy", "Degraded", "Failing"]
		last_error: DF.SmallText | None
		last_poll_summary: DF.SmallText | None
		last_polled: DF.Datetime | None
		last_success: DF.Datetime | None
		lead_ads: DF.Check
		leads_synced_until: DF.Datetime | None
		next_poll_after: DF.Datetime | None
		options: DF.JSON | None
		platform_limits: DF.SmallText | None
		platform: DF.Literal[
			"",
			"Mastodon",
			"Bluesky",
			"Reddit",
			"Hacker News",
			"Discourse",
			"RSS",
			"YouTube",
			"Facebook",
			"Instagram",
			"X",
			"LinkedIn",
			"Webhook",
		]
		poll_frequency: DF.Int
		query: DF.SmallText | None
		source_name: DF.Data
		token_expires_at: DF.Datetime | None
		username: DF.Data | None
		webhook_verify_token: DF.Password | None
	# end: auto-generated types

	def onload(self):
		# the source's share of the webhook buffer (burst backpressure): a depth that does not
		# fall means no worker serves the long queue
		self.set_onload("ingest_backlog", pending_count(self.name))

	def validate(self):
		try:
			self.base_url = clean_url(self.base_url, "base_url")
		except InvalidRecord:
			frappe.throw(_("Base URL must be an http(s) URL"))
		self.validate_base_url_target()
		if self.platform in PLATFORMS_NEEDING_URL and not self.base_url:
			frappe.throw(_("{0} sources need a Base URL").format(self.platform), frappe.MandatoryError)
		if (self.poll_frequency or 0) < 1 and self.platform != "Webhook":
			frappe.throw(_("Poll Every (Minutes) must be at least 1"))
		self.validate_options()
		self.validate_credentials()
		self.health = health_for(self.consecutive_failures)

	def validate_base_url_target(self):
		"""The SSRF rule on save: https only and no internal address (unless the site config allows)."""
		if not self.base_url:
			return
		try:
			network_guard().check_url(self.base_url)
		except UnsafeUrl as exc:
			if exc.code == "scheme":
				frappe.throw(
					_("Base URL must use https (site config social_crm_allow_http allows plain http)"),
					title=_("Unsafe Base URL"),
				)
			frappe.throw(
				_(
					"Base URL points to a loopback, private, link-local or metadata address; sources may "
					"not reach it (site config social_crm_allow_private_hosts allows it for on-premise servers)"
				),
				title=_("Unsafe Base URL"),
			)

	def validate_options(self):
		try:
			options = parse_options(self.get("options"))
			for key in ("page_size", "max_pages"):
				if key in options and not (isinstance(options[key], int) and 1 <= options[key] <= 100):
					raise ValueError(key)
		except (ValueError, TypeError):
			frappe.throw(
				_("Options must be a JSON object; page_size and max_pages whole numbers from 1 to 100")
			)

	def validate_credentials(self):
		"""Cheap check on save: the credentials the platform needs are filled in (Test Connection checks them)."""
		if not self.enabled:
			return
		missing = []
		for fieldname in REQUIRED_CREDENTIALS.get(self.platform, ()):
			value = self.get(fieldname)
			if not value and self.meta.get_field(fieldname).fieldtype == "Password" and not self.is_new():
				value = self.get_password(fieldname, raise_exception=False)
			if not value:
				missing.append(_(self.meta.get_label(fieldname)))
		if missing:
			frappe.throw(
				_("{0} sources need these credentials: {1}").format(self.platform, ", ".join(missing)),
				frappe.MandatoryError,
			)

	@frappe.whitelist(methods=["POST"])
	def test_connection(self) -> str:
		"""Reach the platform with the *saved* source; answers a short (escaped) message or throws.

		The form sends its unsaved values along (URL, new secrets); they are ignored, so a
		request cannot point the saved credentials at another host.
		"""
		require_manager()
		if self.is_new():
			frappe.throw(_("Save the source before testing its connection"))
		saved = frappe.get_doc(self.doctype, self.name)
		if saved.platform == "Webhook":
			return _(
				"Webhook sources receive posts through /api/method/social_crm.api.ingest; nothing to test."
			)
		try:
			connector = get_connector(source_config(saved))
			message = connector.test_connection()
		except BlockedUrl as exc:
			frappe.throw(
				f"{blocked_reason(exc.code)}<br><br>{display_html(str(exc))}",
				title=_("Test Connection"),
			)
		except ConnectorError as exc:
			frappe.throw(
				_("Connection failed: {0}").format(display_html(str(exc))), title=_("Test Connection")
			)
		expires = getattr(connector, "token_expires_at", None)
		values = {"platform_limits": clean_display(connector.health_note()) or None}
		if expires:
			values["token_expires_at"] = unix_to_datetime(expires)
		saved.db_set(values, update_modified=False)
		return display_html(message)

	@frappe.whitelist(methods=["POST"])
	def poll_now(self) -> str:
		"""Queue a poll of this source at once (deduplicated with the scheduled one)."""
		require_manager()
		if self.platform == "Webhook":
			frappe.throw(_("Webhook sources are not polled"))
		enqueue_poll_now(self.name)
		return _("Poll queued")


def blocked_reason(code: str) -> str:
	"""The translated reason the SSRF rule (engine ``urlguard``) refused a request."""
	reasons = {
		"scheme": _(
			"The source URL or a redirect uses plain http; only https is allowed (site config social_crm_allow_http)"
		),
		"private_address": _(
			"The source URL or a redirect leads to a loopback, private, link-local or metadata address; sources may not reach it (site config social_crm_allow_private_hosts)"
		),
		"redirect_body": _(
			"The platform redirected a request with credentials in its body to another host; it was not sent"
		),
		"redirect_loop": _("The platform redirected too often"),
	}
	return reasons.get(code) or _("The request was refused by the network rule")


def require_manager():
	"""Only Social CRM Managers (and Administrator) may use a source's credentials interactively."""
	ensure_social_manager(_("Only a Social CRM Manager can do this"))
