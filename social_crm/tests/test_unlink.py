"""One unlink path: every way a Social Profile loses its party ends in ``linking/unlink.py``
and leaves the same state behind (profile fields, its mentions and their statuses).

Entry points: the desk form, /my-social, a consent withdrawal, the party's deletion, and an
erasure (which anonymizes the profile: its party goes with the identity fields).
"""

import json
from unittest import mock

import frappe

from social_crm.linking import jobs, unlink
from social_crm.privacy import requests
from social_crm.privacy.erasure import erase
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.test_my_social import make_portal_user
from social_crm.tests.utils import make_customer, make_lead, make_mention, make_profile

test_ignore = ["Customer", "Lead", "Contact", "User"]

PORTAL_USER = "unlink-portal@example.com"


class TestOneUnlinkPath(SocialCRMTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.customer = make_customer("_Test Unlink Customer").name

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def linked_profile(self, external_id: str, party_type: str, party: str, link_method="Handle"):
		profile = make_profile(external_id, party_type=party_type, party=party).name
		frappe.db.set_value("Social Profile", profile, {"link_method": link_method, "link_confidence": 92})
		worked = make_mention(f"{external_id}-worked", author=profile)
		frappe.db.set_value("Mention", worked.name, "status", "Responded")
		fresh = make_mention(f"{external_id}-fresh", author=profile)
		self.assertEqual(frappe.db.get_value("Mention", fresh.name, "status"), "Linked")
		return profile, fresh.name, worked.name

	def assert_unlinked(self, profile: str, fresh: str, worked: str, link_method: str):
		row = frappe.db.get_value(
			"Social Profile",
			profile,
			["party_type", "party", "party_name", "customer", "link_confidence", "link_method"],
			as_dict=True,
		)
		self.assertEqual(
			(row.party_type, row.party, row.customer, row.link_confidence), (None, None, None, 0)
		)
		self.assertFalse(row.party_name)
		self.assertEqual(row.link_method, link_method)
		for mention in (fresh, worked):
			self.assertEqual(
				frappe.db.get_value("Mention", mention, ["party_type", "party", "customer"]),
				(None, None, None),
			)
		# engine/status.py: Linked goes back to New, a status people set is kept
		self.assertEqual(frappe.db.get_value("Mention", fresh, "status"), "New")
		self.assertEqual(frappe.db.get_value("Mention", worked, "status"), "Responded")

	def test_desk_unlink_on_the_form(self):
		profile, fresh, worked = self.linked_profile("ul-desk", "Customer", self.customer)
		with mock.patch.object(unlink, "unlinked_values", wraps=unlink.unlinked_values) as values:
			doc = frappe.get_doc("Social Profile", profile)
			doc.party_type = doc.party = None
			doc.save()
		values.assert_called_once_with("Manual")
		self.assert_unlinked(profile, fresh, worked, "Manual")
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "linked_by"), "Administrator")
		# a person's decision: the match job leaves the profile alone
		self.assertEqual(jobs.match_profile(profile), "skipped: unlinked by a person")

	def test_portal_unlink(self):
		customer, _contact = make_portal_user(PORTAL_USER, "Ulla")
		profile, fresh, worked = self.linked_profile("ul-portal", "Customer", customer.name)
		frappe.set_user(PORTAL_USER)
		with mock.patch.object(unlink, "unlink_profile", wraps=unlink.unlink_profile) as spy:
			requests.unlink(profile)
		frappe.set_user("Administrator")
		spy.assert_called_once_with(profile, block_auto_link=True, clear_contributions=True)
		self.assert_unlinked(profile, fresh, worked, "Manual")
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "do_not_auto_link"), 1)
		state = json.loads(frappe.db.get_value("Social Profile", profile, "match_candidates"))
		self.assertEqual(
			[(r["party_type"], r["party"]) for r in state["rejected"]], [("Customer", customer.name)]
		)

	def test_consent_withdrawal_unlinks_profile_and_its_contributions(self):
		profile, fresh, worked = self.linked_profile("ul-consent", "Customer", self.customer)
		with mock.patch.object(unlink, "unlink_profile", wraps=unlink.unlink_profile) as spy:
			frappe.get_doc(
				{
					"doctype": "Social Consent Entry",
					"purpose": "Linking",
					"status": "Withdrawn",
					"lawful_basis": "Consent",
					"source": "Web form",
					"social_profile": profile,
				}
			).insert(ignore_permissions=True)
		spy.assert_called_once_with(profile, block_auto_link=True, clear_contributions=True)
		self.assert_unlinked(profile, fresh, worked, "Manual")
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "do_not_auto_link"), 1)

	def test_party_level_withdrawal_clears_the_party_on_remaining_mentions(self):
		profile, fresh, worked = self.linked_profile("ul-party", "Customer", self.customer)
		# a mention that carries the party without its author being linked (e.g. set on the desk)
		stray = make_mention("ul-party-stray")
		frappe.db.set_value(
			"Mention", stray.name, {"party_type": "Customer", "party": self.customer, "status": "Linked"}
		)
		frappe.get_doc(
			{
				"doctype": "Social Consent Entry",
				"purpose": "Linking",
				"status": "Withdrawn",
				"lawful_basis": "Consent",
				"source": "Web form",
				"party_type": "Customer",
				"party": self.customer,
			}
		).insert(ignore_permissions=True)
		self.assert_unlinked(profile, fresh, worked, "Manual")
		self.assertEqual(frappe.db.get_value("Mention", stray.name, ["party", "status"]), (None, "New"))

	def test_party_deletion_unlinks_but_lets_jobs_match_again(self):
		lead = make_lead("Ulf", "Deleted")
		profile, fresh, worked = self.linked_profile("ul-delete", "Lead", lead.name, link_method="Handle")
		with mock.patch.object(unlink, "unlink_profile", wraps=unlink.unlink_profile) as spy:
			frappe.delete_doc("Lead", lead.name, force=True)
		spy.assert_called_once_with(profile, by_person=False, inline=True)
		# not a person's decision: the link method is kept, so the match job may link it again
		self.assert_unlinked(profile, fresh, worked, "Handle")
		self.assertFalse(
			jobs.human_decision(frappe.db.get_value("Social Profile", profile, "*", as_dict=True))
		)
		self.assertIn((jobs.MATCH_METHOD, f"social_crm:match_profile:{profile}"), jobs._pending())
		self.assertFalse(
			frappe.db.exists("Social Match Key", {"reference_doctype": "Lead", "reference_name": lead.name})
		)

	def test_customer_deletion_clears_the_rollup_of_its_contacts_profiles(self):
		customer = make_customer("_Test Unlink Deleted Customer").name
		profile, fresh, worked = self.linked_profile("ul-cust", "Customer", customer)
		with mock.patch.object(unlink, "unlink_profile", wraps=unlink.unlink_profile) as spy:
			frappe.delete_doc("Customer", customer, force=True)
		spy.assert_called_once_with(profile, by_person=False, inline=True)
		self.assert_unlinked(profile, fresh, worked, "Handle")

	def test_erasure_leaves_no_party_on_the_profile_or_its_mentions(self):
		profile, fresh, worked = self.linked_profile("ul-erase", "Customer", self.customer)
		erase("Social Profile", profile)
		if frappe.db.exists("Social Profile", profile):
			self.assertEqual(
				frappe.db.get_value("Social Profile", profile, ["party_type", "party", "customer"]),
				(None, None, None),
			)
		for mention in (fresh, worked):
			if frappe.db.exists("Mention", mention):
				self.assertEqual(frappe.db.get_value("Mention", mention, ["party", "customer"]), (None, None))

	def test_a_profile_that_fails_validation_is_unlinked_the_same_way(self):
		profile, fresh, worked = self.linked_profile("ul-broken", "Customer", self.customer)
		frappe.db.set_value("Social Profile", profile, "followers", -5)  # legacy bad data
		self.assertTrue(unlink.unlink_profile(profile, block_auto_link=True))
		self.assert_unlinked(profile, fresh, worked, "Manual")
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "do_not_auto_link"), 1)
