# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt


class SocialCRMSettings(Document):
	# begin: auto-generated types
	# end: auto-generated types

	def validate(self):
		if not 0 < flt(self.review_threshold) <= flt(self.auto_link_threshold) <= 100:
			frappe.throw(
				_("Thresholds must satisfy 0 < Review Threshold ≤ Auto-Link Threshold ≤ 100"),
				title=_("Invalid Thresholds"),
			)
		if not 0 <= flt(self.language_min_confidence) <= 1:
			frappe.throw(_("Language Min Confidence must be between 0 and 1"))
		for fieldname in (
			"unlinked_mention_retention_days",
			"linked_mention_retention_days",
			"error_log_retention_days",
		):
			if (self.get(fieldname) or 0) < 1:
				frappe.throw(_("{0} must be at least 1 day").format(_(self.meta.get_label(fieldname))))
		if not 1 <= (self.timeline_limit or 0) <= 500:
			frappe.throw(_("Mentions on Timeline must be between 1 and 500"))
		if self.sentiment_analyzer == "Flair" and not (self.flair_model or "").strip():
			frappe.throw(_("Please enter a flair model name or path"), frappe.MandatoryError)

	@property
	def language_codes(self) -> list[str]:
		return [c.strip().lower() for c in (self.languages or "").split(",") if c.strip()]


def get_settings() -> "SocialCRMSettings":
	return frappe.get_cached_doc("Social CRM Settings")
