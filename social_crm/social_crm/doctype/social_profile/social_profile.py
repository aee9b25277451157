# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import math

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from social_crm.clock import utc_now
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.handles import HOST_SCOPED_HANDLE_PLATFORMS, normalize_handle
from social_crm.engine.records import MAX_BIO_CHARS, MAX_NAME_CHARS, clean_id, clean_url
from social_crm.engine.text import clean_display, html_to_text, truncate
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
		self.validate_identity()
		self.clean_profile_fields()
		self.validate_unique()
		self.validate_party_link()
		self.influence_score = compute_influence(self.followers, self.verified)
		now = utc_now()  # first/last seen are post times: UTC, as the pipeline stores them
		self.first_seen = self.first_seen or now
		self.last_seen = self.last_seen or now

	def validate_identity(self):
		if not self.platform:
			frappe.throw(_("Platform is required"), frappe.MandatoryError)
		try:
			self.external_id = clean_id(self.external_id, "external_id")
		except InvalidRecord:
			frappe.throw(
				_("External ID is required and must be at most 140 characters without control characters"),
				frappe.MandatoryError,
			)
		instance = None
		if self.platform in HOST_SCOPED_HANDLE_PLATFORMS and self.profile_url:
			instance = self.profile_url
		self.handle = normalize_handle(self.platform, self.handle, instance=instance)

	def clean_profile_fields(self):
		self.display_name = clean_display(html_to_text(self.display_name), MAX_NAME_CHARS)
		self.bio = truncate(html_to_text(self.bio), MAX_BIO_CHARS)[0]
		for fieldname in ("profile_url", "website", "avatar_url"):
			try:
				self.set(fieldname, clean_url(self.get(fieldname), fieldname))
			except InvalidRecord:
				frappe.throw(
					_("{0}: {1}").format(_(self.meta.get_label(fieldname)), _("must be an http(s) URL"))
				)
		if self.email:
			self.email = self.email.strip().lower()
		if (self.followers or 0) < 0:
			frappe.throw(_("Followers cannot be negative"))

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


def compute_influence(followers: int | None, verified: bool | int | None) -> float:
	"""0..100: log-scaled followers (1M followers = 90) plus 10 for a verified account."""
	followers = max(int(followers or 0), 0)
	score = min(90.0, 15.0 * math.log10(1 + followers))
	return round(score + (10.0 if verified else 0.0), 2)


def on_doctype_update():
	frappe.db.add_unique(
		"Social Profile", ["platform", "external_id"], constraint_name="unique_platform_external_id"
	)
	frappe.db.add_index("Social Profile", ["party_type", "party"])
