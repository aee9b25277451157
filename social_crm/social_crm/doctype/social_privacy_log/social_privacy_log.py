# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class SocialPrivacyLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Data | None
		details: DF.Code | None
		event: DF.Literal[
			"Retention Run",
			"Export",
			"Erasure",
			"Consent Change",
			"Withdrawal Applied",
			"Personal Data Request",
			"Unlink",
		]
		finished_at: DF.Datetime | None
		performed_by: DF.Data | None
		policy: DF.Data | None
		record_count: DF.Int
		reference_doctype: DF.Data | None
		reference_name: DF.Data | None
		started_at: DF.Datetime | None
		status: DF.Literal["Running", "Success", "Interrupted", "Failed"]
		summary: DF.SmallText | None
	# end: auto-generated types
	"""Audit trail of data-protection events. Written by the app only; never expires."""

	def validate(self):
		if not self.is_new():
			frappe.throw(_("The privacy audit log cannot be changed"), frappe.PermissionError)

	def on_trash(self):
		if frappe.session.user != "Administrator" and not frappe.flags.in_uninstall:
			frappe.throw(_("The privacy audit log cannot be deleted"), frappe.PermissionError)
