# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe

from social_crm.engine.records import MAX_TEXT_CHARS
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_customer, make_mention, make_profile

# Our tests make their own parties; skip ERPNext's test-record chains for linked doctypes.
test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class TestMention(SocialCRMTestCase):
	def test_html_is_stored_as_plain_text(self):
		mention = make_mention(
			"m-html",
			text='<p>Love <b>it</b>!</p><script>alert("x")</script><img src=x onerror=alert(1)> &amp; more',
		)
		self.assertEqual(mention.text, "Love it!\n& more")
		self.assertNotIn("<", mention.text)
		self.assertNotIn("alert", mention.text)

	def test_oversized_text_is_refused_and_nothing_is_written(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_mention("m-big", text="a" * (MAX_TEXT_CHARS + 1))
		self.assertIn("too long", str(ctx.exception))
		self.assertFalse(frappe.db.exists("Mention", {"external_id": "m-big"}))

	def test_missing_fields(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Mention", "external_id": "m-x", "text": "x", "posted_at": "2026-01-01"}
			).insert()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Mention", "platform": "Reddit", "text": "x", "posted_at": "2026-01-01"}
			).insert()
		with self.assertRaises(frappe.MandatoryError):
			make_mention("m-empty", text="<script>only script</script>")

	def test_duplicate_is_refused_per_platform(self):
		make_mention("m-dup")
		with self.assertRaises(frappe.DuplicateEntryError):
			make_mention("m-dup")
		make_mention("m-dup", platform="Reddit")
		self.assertEqual(frappe.db.count("Mention", {"external_id": "m-dup"}), 2)

	def test_database_indexes(self):
		def columns(key):
			rows = frappe.db.sql("show index from `tabMention` where Key_name=%s", key, as_dict=True)
			return [r.Column_name for r in sorted(rows, key=lambda r: r.Seq_in_index)], rows

		unique_cols, rows = columns("unique_platform_external_id")
		self.assertEqual(unique_cols, ["platform", "external_id"])
		self.assertEqual(rows[0].Non_unique, 0)
		party_index = frappe.db.sql(
			"show index from `tabMention` where Column_name='posted_at' and Seq_in_index=3", as_dict=True
		)
		self.assertTrue(party_index, "no (party_type, party, posted_at) index")
		self.assertTrue(frappe.db.sql("show index from `tabMention` where Column_name='author'"))
		self.assertTrue(frappe.db.sql("show index from `tabMention` where Column_name='status'"))

	def test_party_is_copied_from_author(self):
		customer = make_customer()
		profile = make_profile("m-author", party_type="Customer", party=customer.name)
		mention = make_mention("m-linked", author=profile.name)
		self.assertEqual((mention.party_type, mention.party), ("Customer", customer.name))
		self.assertEqual(mention.status, "Linked")
		# a party set by hand on the mention is overwritten by the author's
		mention.party_type, mention.party = None, None
		mention.save()
		self.assertEqual(mention.party, customer.name)

	def test_sentiment_validation(self):
		with self.assertRaises(frappe.ValidationError):
			make_mention("m-s1", sentiment="Positive", sentiment_score=1.5)
		mention = make_mention("m-s2", sentiment="Negative", sentiment_score=-0.7, language="DE-de")
		self.assertEqual(mention.language, "de")

	def test_bad_url_and_counts(self):
		with self.assertRaises(frappe.ValidationError):
			make_mention("m-u1", url="javascript:alert(1)")
		with self.assertRaises(frappe.ValidationError):
			make_mention("m-u2", likes=-1)
