# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from social_crm.party import get_customer_of, validate_party

MAX_WEIGHT = 100.0


class IdeaVote(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		idea: DF.Link
		party: DF.DynamicLink | None
		party_type: DF.Link | None
		voter: DF.Data | None
		voter_profile: DF.Link | None
		voter_user: DF.Link | None
		weight: DF.Float
	# end: auto-generated types

	def validate(self):
		if self.voter_profile and not self.party:
			self.party_type, self.party = frappe.db.get_value(
				"Social Profile", self.voter_profile, ["party_type", "party"]
			) or (None, None)
		validate_party(self.party_type, self.party)
		self.customer = get_customer_of(self.party_type, self.party)
		self.voter = self.get_voter_key()
		if not self.voter:
			frappe.throw(
				_("A vote needs a voter: a user, a social profile or a party"), frappe.MandatoryError
			)
		self.weight = 1 if self.weight is None else flt(self.weight, 3)
		if not 0 <= self.weight <= MAX_WEIGHT:
			frappe.throw(_("Weight must be between 0 and {0}").format(MAX_WEIGHT))
		status = frappe.db.get_value("Idea", self.idea, "status")
		if self.is_new() and status in ("Implemented", "Declined", "Duplicate"):
			frappe.throw(_("Idea {0} is {1} and takes no more votes").format(self.idea, _(status)))
		duplicate = frappe.db.get_value(
			"Idea Vote", {"idea": self.idea, "voter": self.voter, "name": ("!=", self.name)}
		)
		if duplicate:
			frappe.throw(
				_("{0} has already voted for this idea").format(self.voter), frappe.DuplicateEntryError
			)

	def get_voter_key(self) -> str:
		"""One key per person: the website user, else the social profile, else the party."""
		if self.voter_user:
			return f"user:{self.voter_user}"
		if self.voter_profile:
			return f"profile:{self.voter_profile}"
		if self.party:
			return f"{self.party_type}:{self.party}"
		return ""

	def on_update(self):
		frappe.get_doc("Idea", self.idea).update_vote_count()

	def after_delete(self):
		if frappe.db.exists("Idea", self.idea):
			frappe.get_doc("Idea", self.idea).update_vote_count()


def on_doctype_update():
	frappe.db.add_unique("Idea Vote", ["idea", "voter"], constraint_name="unique_idea_voter")
