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
