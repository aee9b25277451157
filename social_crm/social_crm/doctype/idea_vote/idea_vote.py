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

	# The idea's counts change in one atomic UPDATE per vote (add_to_counts): parallel votes
	# and undos queue on the idea's row and none is lost. A recount here would read a snapshot
	# older than the votes committed meanwhile and write a stale count over a newer one.
	def after_insert(self):
		add_to_counts(self.idea, 1, self.weight)

	def on_update(self):
		if self.flags.in_insert:
			return  # counted in after_insert
		before = self.get_doc_before_save()
		if before is None or (before.idea, flt(before.weight, 3)) != (self.idea, flt(self.weight, 3)):
			for idea in {self.idea, before.idea if before else None} - {None}:
				if frappe.db.exists("Idea", idea):
					frappe.get_doc("Idea", idea).update_vote_count()

	def after_delete(self):
		add_to_counts(self.idea, -1, self.weight)


def add_to_counts(idea: str | None, votes: int, weight: float | None) -> None:
	"""Add ``votes`` (+1 / -1) and ``votes * weight`` to the idea's counts, atomically, never below 0."""
	if not idea:
		return
	frappe.db.sql(
		"""update `tabIdea` set
			vote_count = greatest(ifnull(vote_count, 0) + %(votes)s, 0),
			weighted_votes = greatest(round(ifnull(weighted_votes, 0) + %(weighted)s, 3), 0)
		where name = %(idea)s""",
		{"idea": idea, "votes": votes, "weighted": votes * flt(1 if weight is None else weight, 3)},
	)


def lock_idea(idea: str | None) -> None:
	"""Take the idea's row lock (held until commit) before votes of it are moved or recounted."""
	if idea:
		frappe.db.sql("select name from `tabIdea` where name = %s for update", idea)


def on_doctype_update():
	frappe.db.add_unique("Idea Vote", ["idea", "voter"], constraint_name="unique_idea_voter")
