# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from social_crm.engine.privacy import retention as engine
from social_crm.privacy import retention
from social_crm.privacy.audit import ensure_privacy_officer


class SocialRetentionPolicy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal["Delete", "Anonymize"]
		age_field: DF.Literal["posted_at", "creation", "modified", "first_seen", "last_seen", "entered_at"]
		applies_to_all: DF.Check
		description: DF.SmallText | None
		enabled: DF.Check
		keep_days: DF.Int
		last_run_count: DF.Int
		last_run_on: DF.Datetime | None
		linked: DF.Literal["Any", "Yes", "No"]
		platform: DF.SmallText | None
		policy_name: DF.Data
		statuses: DF.SmallText | None
		target: DF.Literal[
			"Mention", "Social Profile", "Idea", "Idea Vote", "Contest Entry", "Ingest Error", "Raw Payload"
		]

	# end: auto-generated types
	def validate(self):
		policy = retention.policy_from_doc(self)
		# store the normalized conditions so the form shows what the run will use
		conditions = policy.conditions
		self.platform = ", ".join(conditions.get("platform", [])) or None
		self.statuses = ", ".join(conditions.get("status", [])) or None
		if "linked" not in conditions:
			self.linked = "Any"
		self.description = engine.describe(policy)

	@frappe.whitelist()
	def preview(self) -> dict:
		"""How many records this policy would touch now (nothing is changed)."""
		frappe.has_permission(self.doctype, "read", doc=self, throw=True)
		return retention.preview(self)

	@frappe.whitelist(methods=["POST"])
	def run_now(self) -> str:
		"""Queue a run of this policy (Social CRM Manager / System Manager)."""
		ensure_privacy_officer()
		if not self.enabled:
			frappe.throw(_("Enable the policy before running it"))
		frappe.enqueue(
			"social_crm.privacy.jobs.run_retention_policy",
			queue="long",
			timeout=6 * 3600,
			job_id=f"social_crm:retention:{self.name}",
			deduplicate=True,
			enqueue_after_commit=True,
			policy=self.name,
			actor=frappe.session.user,
		)
		return _("Retention run for {0} queued").format(self.name)
