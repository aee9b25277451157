# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from unittest import mock

import frappe

from social_crm.social_crm.doctype.social_profile.social_profile import compute_influence
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_contact, make_customer, make_lead, make_mention, make_profile

# Our tests make their own parties; skip ERPNext's test-record chains for linked doctypes.
test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class TestSocialProfile(SocialCRMTestCase):
	def test_handle_is_normalized(self):
		profile = make_profile("sp-1", handle="@Alice", profile_url="https://Mastodon.Social/@Alice")
		self.assertEqual(profile.handle, "alice@mastodon.social")
		bluesky = make_profile("did:plc:abc", platform="Bluesky", handle="@Alice.BSKY.social")
		self.assertEqual(bluesky.handle, "alice.bsky.social")

	def test_missing_platform_or_external_id_is_refused(self):
		with self.assertRaises(frappe.MandatoryError):
			frappe.get_doc({"doctype": "Social Profile", "platform": "Mastodon"}).insert()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc({"doctype": "Social Profile", "external_id": "x1"}).insert()
		self.assertFalse(frappe.db.exists("Social Profile", {"external_id": "x1"}))

	def test_duplicate_platform_and_external_id_is_refused(self):
		make_profile("dup-1")
		with self.assertRaises(frappe.DuplicateEntryError):
			make_profile("dup-1")
		# the same id on another platform is another person
		make_profile("dup-1", platform="Bluesky", handle="dup.bsky.social")

	def test_database_enforces_uniqueness(self):
		"""Even a writer that skips validation cannot store (platform, external id) twice."""
		make_profile("db-unique-1")
		clone = frappe.get_doc(
			{"doctype": "Social Profile", "platform": "Mastodon", "external_id": "db-unique-1", "handle": "x"}
		)
		clone.name = "db-unique-clone"
		clone.flags.ignore_validate = True
		with self.assertRaises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
			clone.db_insert()
		indexes = frappe.db.sql(
			"show index from `tabSocial Profile` where Key_name='unique_platform_external_id'"
		)
		self.assertEqual(len(indexes), 2)

	def test_pipeline_skips_the_unique_lookup_but_not_the_unique_index(self):
		"""The ingest pipeline marks profiles it looked up as absent; a duplicate still fails."""
		make_profile("absent-1")
		doc = frappe.get_doc(
			{"doctype": "Social Profile", "platform": "Mastodon", "external_id": "absent-1", "handle": "y"}
		)
		doc.flags.absent_checked = True
		with mock.patch.object(frappe.db, "get_value", wraps=frappe.db.get_value) as get_value:
			with self.assertRaises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
				doc.insert()
		lookups = [c for c in get_value.call_args_list if c.args and c.args[0] == "Social Profile"]
		self.assertEqual(lookups, [])
		self.assertEqual(frappe.db.count("Social Profile", {"external_id": "absent-1"}), 1)

	def test_unknown_party_type_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_profile("pt-1", party_type="User", party="Administrator")
		self.assertIn("Party Type", str(ctx.exception))
		with self.assertRaises(frappe.LinkValidationError):
			make_profile("pt-2", party_type="Customer", party="No Such Customer 123")

	def test_manual_link_sets_method_and_backfills_mentions(self):
		customer = make_customer()
		profile = make_profile("link-1")
		mentions = [make_mention(f"link-1-m{i}", author=profile.name) for i in range(3)]
		self.assertTrue(all(m.status == "New" and not m.party for m in mentions))

		profile.party_type, profile.party = "Customer", customer.name
		profile.save()
		self.assertEqual(profile.link_method, "Manual")
		self.assertEqual(profile.link_confidence, 100)
		self.assertEqual(profile.party_name, customer.customer_name)
		self.assertEqual(profile.customer, customer.name)
		rows = frappe.get_all(
			"Mention", {"author": profile.name}, ["party_type", "party", "customer", "status"]
		)
		self.assertEqual(len(rows), 3)
		for row in rows:
			self.assertEqual(
				(row.party_type, row.party, row.customer), ("Customer", customer.name, customer.name)
			)
			self.assertEqual(row.status, "Linked")

		profile.party_type, profile.party = None, None
		profile.save()
		rows = frappe.get_all("Mention", {"author": profile.name}, ["party", "customer", "status"])
		self.assertTrue(all(not r.party and not r.customer and r.status == "New" for r in rows))

	def test_contact_link_rolls_up_to_customer(self):
		customer = make_customer("_Test Social Rollup")
		contact = make_contact("Rolly", customer=customer.name)
		profile = make_profile("rollup-1", party_type="Contact", party=contact.name)
		self.assertEqual(profile.customer, customer.name)
		mention = make_mention("rollup-1-m1", author=profile.name)
		self.assertEqual(
			(mention.party_type, mention.party, mention.customer), ("Contact", contact.name, customer.name)
		)

	def test_lead_link(self):
		lead = make_lead("Lena", "Social")
		profile = make_profile("lead-1", party_type="Lead", party=lead.name)
		self.assertEqual(profile.party_name, lead.lead_name)
		self.assertIsNone(profile.customer)

	def test_deleting_party_unlinks_profiles(self):
		lead = make_lead("Del", "Me")
		profile = make_profile("del-1", party_type="Lead", party=lead.name)
		make_mention("del-1-m1", author=profile.name)
		frappe.delete_doc("Lead", lead.name, force=True)
		self.assertFalse(frappe.db.get_value("Social Profile", profile.name, "party"))
		self.assertFalse(frappe.db.get_value("Mention", {"author": profile.name}, "party"))

	def test_bad_urls_and_html_are_handled(self):
		with self.assertRaises(frappe.ValidationError):
			make_profile("url-1", profile_url="javascript:alert(1)")
		profile = make_profile(
			"html-1", display_name="<b>Bob</b><script>x()</script>", bio="<p>Hi &amp; bye</p>"
		)
		self.assertEqual(profile.display_name, "Bob")
		self.assertEqual(profile.bio, "Hi & bye")

	def test_influence_score(self):
		self.assertEqual(compute_influence(0, False), 0)
		self.assertEqual(compute_influence(0, True), 10)
		self.assertLess(compute_influence(100, False), compute_influence(10_000, False))
		self.assertLessEqual(compute_influence(10**12, True), 100)
