# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from social_crm.clock import utc_now
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.profiles import (
	EXTERNAL_ID_INVALID,
	FOLLOWERS_NEGATIVE,
	PLATFORM_MISSING,
	URL_INVALID,
	compute_influence,  # re-exported: the form and its tests use it from here
	normalize_profile,
)
from social_crm.linking import unlink
from social_crm.linking.jobs import move_mentions
from social_crm.party import PARTY_TYPES, get_customer_of, get_party_title, validate_party


class SocialProfile(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		anonymized: DF.Check
		avatar_url: DF.Data | None
		bio: DF.SmallText | None
		consent_state: DF.SmallText | None
		customer: DF.Link | None
		display_name: DF.Data | None
		do_not_auto_link: DF.Check
		email: DF.Data | None
		external_id: DF.Data
		first_seen: DF.Datetime | None
		followers: DF.Int
		handle: DF.Data | None
		influence_score: DF.Float
		last_matched_on: DF.Datetime | None
		last_seen: DF.Datetime | None
		link_confidence: DF.Percent
		link_method: DF.Literal["", "Manual", "Handle", "Email", "Domain", "Name", "Lead Conversion", "Merge"]
		linked_by: DF.Link | None
		linked_on: DF.Datetime | None
		match_candidates: DF.JSON | None
		match_status: DF.Literal["", "Needs Review", "Rejected", "No Match"]
		mention_count: DF.Int
		party: DF.DynamicLink | None
		party_name: DF.Data | None
		party_type: DF.Link | None
		platform: DF.Literal[
			"",
			"Mastodon",
			"Bluesky",
			"Reddit",
			"Hacker News",
			"Discourse",
			"RSS",
			"YouTube",
			"X",
			"Facebook",
			"Instagram",
			"LinkedIn",
			"XING",
			"Webhook",
			"Other",
		]
		previous_party: DF.DynamicLink | None
		previous_party_type: DF.Link | None
		profile_url: DF.Data | None
		verified: DF.Check
		website: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.apply_profile_rules()
		self.validate_unique()
		self.validate_party_link()
		now = utc_now()  # first/last seen are post times: UTC, as the pipeline stores them
		self.first_seen = self.first_seen or now
		self.last_seen = self.last_seen or now

	def apply_profile_rules(self):
		"""The engine's :func:`normalize_profile` (the rule the ingest pipeline applies too)."""
		try:
			values = normalize_profile(self)  # reads the fields with .get()
		except InvalidRecord as exc:
			throw_profile_error(self, exc)
		self.update(values)

	def validate_unique(self):
		if self.flags.absent_checked and self.is_new():
			# the caller (the ingest pipeline) looked this key up a moment ago and found none; a
			# profile inserted since then by another worker hits the table's unique index instead
			return
		duplicate = frappe.db.get_value(
			"Social Profile",
			{"platform": self.platform, "external_id": self.external_id, "name": ("!=", self.name)},
		)
		if duplicate:
			frappe.throw(
				_("A Social Profile for {0} with External ID {1} already exists: {2}").format(
					self.platform, self.external_id, duplicate
				),
				frappe.DuplicateEntryError,
				title=_("Duplicate Social Profile"),
			)

	def validate_party_link(self):
		if not self.party:
			self.party_type = self.party_type if self.party_type in PARTY_TYPES else None
		validate_party(self.party_type, self.party)
		self.party_name = get_party_title(self.party_type, self.party)
		self.customer = get_customer_of(self.party_type, self.party)

		if not self.has_party_changed():
			return
		if self.party:
			# A job says how it linked (flags.link_method); anything else is a person's decision.
			self.link_method = self.flags.link_method or "Manual"
			self.link_confidence = self.flags.link_confidence if self.flags.link_method else 100
			self.linked_on = now_datetime()
			self.linked_by = frappe.session.user
		else:
			# unlinked on the form, or by linking/unlink.py: one set of values for every path
			self.update(unlink.unlinked_values(self.flags.link_method or unlink.MANUAL))

	def has_party_changed(self) -> bool:
		before = self.get_doc_before_save()
		if not before:
			return bool(self.party)
		return (before.party_type, before.party, before.customer) != (
			self.party_type,
			self.party,
			self.customer,
		)

	def on_update(self):
		before = self.get_doc_before_save()
		if before and (before.party_type, before.party, before.customer) == (
			self.party_type,
			self.party,
			self.customer,
		):
			return
		if before or self.party:
			# inline for small histories, in a background job above INLINE_MENTION_LIMIT mentions
			move_mentions(
				self.name, self.party_type, self.party, self.customer, inline=bool(self.flags.mentions_inline)
			)

	@staticmethod
	def default_list_data():
		return {"columns": ["display_name", "platform", "handle", "party_name"]}


def throw_profile_error(doc, exc: InvalidRecord):
	"""The translated message of a ``profile.*`` error of :func:`normalize_profile`."""
	if exc.code == PLATFORM_MISSING:
		frappe.throw(_("Platform is required"), frappe.MandatoryError)
	if exc.code == EXTERNAL_ID_INVALID:
		frappe.throw(
			_("External ID is required and must be at most 140 characters without control characters"),
			frappe.MandatoryError,
		)
	if exc.code == URL_INVALID:
		frappe.throw(_("{0}: {1}").format(_(doc.meta.get_label(exc.field)), _("must be an http(s) URL")))
	if exc.code == FOLLOWERS_NEGATIVE:
		frappe.throw(_("Followers cannot be negative"))
	frappe.throw(_("Invalid Social Profile: {0}").format(exc))


def on_doctype_update():
	frappe.db.add_unique(
		"Social Profile", ["platform", "external_id"], constraint_name="unique_platform_external_id"
	)
	frappe.db.add_index("Social Profile", ["party_type", "party"])
	# Top Authors walks the profiles by influence (descending, then name descending)
	frappe.db.add_index("Social Profile", ["influence_score", "name"])
