# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from social_crm.engine.text import html_to_text
from social_crm.party import get_customer_of, validate_party

MAX_TITLE_CHARS = 140
MAX_DESCRIPTION_CHARS = 5000
CLOSED_STATUSES = ("Implemented", "Declined", "Duplicate")


class Idea(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		description: DF.Text | None
		duplicate_of: DF.Link | None
		is_public: DF.Check
		item: DF.Link | None
		party: DF.DynamicLink | None
		party_type: DF.Link | None
		source_mention: DF.Link | None
		status: DF.Literal[
			"Open", "Under Review", "Planned", "In Progress", "Implemented", "Declined", "Duplicate"
		]
		status_reason: DF.SmallText | None
		submitted_by_profile: DF.Link | None
		title: DF.Data
		vote_count: DF.Int
		website_user: DF.Link | None
		weighted_votes: DF.Float
	# end: auto-generated types

	def validate(self):
		self.title = html_to_text(self.title).replace("\n", " ")
		if not self.title:
			frappe.throw(_("An idea needs a title"), frappe.MandatoryError)
		if len(self.title) > MAX_TITLE_CHARS:
			frappe.throw(_("Title is too long: at most {0} characters").format(MAX_TITLE_CHARS))
		self.description = html_to_text(self.description)
		if len(self.description) > MAX_DESCRIPTION_CHARS:
			frappe.throw(_("Description is too long: at most {0} characters").format(MAX_DESCRIPTION_CHARS))
		self.validate_submitter()
		self.validate_status()

	def validate_submitter(self):
		if self.submitted_by_profile and not self.party:
			self.party_type, self.party = frappe.db.get_value(
				"Social Profile", self.submitted_by_profile, ["party_type", "party"]
			) or (None, None)
		validate_party(self.party_type, self.party)
		self.customer = get_customer_of(self.party_type, self.party)

	def validate_status(self):
		if self.status in ("Declined", "Duplicate") and not (self.status_reason or "").strip():
			frappe.throw(_("Please give a reason when an idea is {0}").format(_(self.status)))
		if self.status == "Duplicate":
			if not self.duplicate_of:
				frappe.throw(_("Please select the idea this one duplicates"))
			if self.duplicate_of == self.name:
				frappe.throw(_("An idea cannot duplicate itself"))
		elif self.duplicate_of:
			self.duplicate_of = None

	def update_vote_count(self):
		"""Recount from Idea Vote rows (idempotent; for merges, weight refreshes and erasure).

		Single votes and undos change the counts atomically (``idea_vote.add_to_counts``). This
		full recount locks the idea's row first, then counts with a locking read: under
		REPEATABLE READ a plain SELECT would answer from a snapshot older than the votes
		committed meanwhile and write a stale count over a newer one.
		"""
		frappe.db.sql("select name from `tabIdea` where name = %s for update", self.name)
		count, weighted = frappe.db.sql(
			"""select count(*), coalesce(sum(weight), 0) from `tabIdea Vote`
			where idea = %s lock in share mode""",
			self.name,
		)[0]
		self.db_set({"vote_count": count, "weighted_votes": flt(weighted, 3)}, update_modified=False)


def on_doctype_update():
	frappe.db.add_index("Idea", ["status", "vote_count"])
