# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.records import clean_url

PLATFORMS_NEEDING_URL = ("Mastodon", "Discourse", "RSS")


class SocialSource(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		api_key: DF.Password | None
		app_password: DF.Password | None
		base_url: DF.Data | None
		client_id: DF.Data | None
		consecutive_failures: DF.Int
		cursor: DF.SmallText | None
		enabled: DF.Check
		health: DF.Literal["", "Healthy", "Degraded", "Failing"]
		last_error: DF.SmallText | None
		last_polled: DF.Datetime | None
		last_success: DF.Datetime | None
		platform: DF.Literal["", "Mastodon", "Bluesky", "Reddit", "Hacker News", "Discourse", "RSS", "YouTube", "Webhook"]
		poll_frequency: DF.Int
		query: DF.SmallText | None
		source_name: DF.Data
		username: DF.Data | None
	# end: auto-generated types

	def validate(self):
		try:
			self.base_url = clean_url(self.base_url, "base_url")
		except InvalidRecord:
			frappe.throw(_("Base URL must be an http(s) URL"))
		if self.platform in PLATFORMS_NEEDING_URL and not self.base_url:
			frappe.throw(_("{0} sources need a Base URL").format(self.platform), frappe.MandatoryError)
		if (self.poll_frequency or 0) < 1 and self.platform != "Webhook":
			frappe.throw(_("Poll Every (Minutes) must be at least 1"))
