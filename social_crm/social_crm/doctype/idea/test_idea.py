# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe

from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_customer, make_profile, make_user

# Our tests make their own parties; skip ERPNext's test-record chains for linked doctypes.
test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def make_idea(title="Oat milk flavour", **kwargs):
	return frappe.get_doc({"doctype": "Idea", "title": title, **kwargs}).insert(ignore_permissions=True)


def vote(idea, **kwargs):
	return frappe.get_doc({"doctype": "Idea Vote", "idea": idea, **kwargs}).insert(ignore_permissions=True)


class TestIdea(SocialCRMTestCase):
	def test_title_required_and_sanitized(self):
		with self.assertRaises(frappe.ValidationError):
			make_idea(title="<script>x</script>")
		idea = make_idea(
			title="<b>Vanilla</b>", description="<p>Please <i>add</i> it</p><script>bad()</script>"
		)
		self.assertEqual(idea.title, "Vanilla")
		self.assertEqual(idea.description, "Please add it")
		with self.assertRaises(frappe.ValidationError):
			make_idea(title="x" * 141)
		with self.assertRaises(frappe.ValidationError):
			make_idea(description="y" * 5001)

	def test_decline_needs_reason_and_duplicate_needs_target(self):
		idea = make_idea()
		idea.status = "Declined"
		with self.assertRaises(frappe.ValidationError):
			idea.save()
		idea.reload()
		idea.status, idea.status_reason = "Declined", "Not feasible"
		idea.save()
		other = make_idea("Other")
		other.status, other.status_reason = "Duplicate", "Same as before"
		with self.assertRaises(frappe.ValidationError):
			other.save()
		other.reload()
		other.status, other.status_reason, other.duplicate_of = "Duplicate", "Same as before", other.name
		with self.assertRaises(frappe.ValidationError):
			other.save()
		other.reload()
		other.status, other.status_reason, other.duplicate_of = "Duplicate", "Same as before", idea.name
		other.save()

	def test_votes_are_counted_and_unique(self):
		idea = make_idea()
		customer = make_customer()
		user = make_user("voter@example.com", [])
		profile = make_profile("voter-profile", party_type="Customer", party=customer.name)
		vote(idea.name, voter_user=user.name)
		vote(idea.name, voter_profile=profile.name, weight=2.5)
		idea.reload()
		self.assertEqual(idea.vote_count, 2)
		self.assertEqual(idea.weighted_votes, 3.5)
		with self.assertRaises(frappe.DuplicateEntryError):
			vote(idea.name, voter_user=user.name)
		with self.assertRaises(frappe.ValidationError):
			vote(idea.name)  # no voter
		# a vote by a profile carries its party
		self.assertEqual(
			frappe.db.get_value("Idea Vote", {"voter_profile": profile.name}, "party"), customer.name
		)
		frappe.delete_doc("Idea Vote", frappe.db.get_value("Idea Vote", {"voter_user": user.name}))
		idea.reload()
		self.assertEqual(idea.vote_count, 1)

	def test_database_enforces_one_vote_per_voter(self):
		idea = make_idea()
		vote(idea.name, voter_user="Administrator")
		clone = frappe.get_doc(
			{"doctype": "Idea Vote", "idea": idea.name, "voter": "user:Administrator", "weight": 1}
		)
		clone.name = "idea-vote-clone"
		with self.assertRaises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
			clone.db_insert()

	def test_closed_idea_takes_no_votes(self):
		idea = make_idea(status="Implemented")
		with self.assertRaises(frappe.ValidationError):
			vote(idea.name, voter_user="Administrator")
		with self.assertRaises(frappe.ValidationError):
			vote(make_idea("w").name, voter_user="Administrator", weight=-1)
