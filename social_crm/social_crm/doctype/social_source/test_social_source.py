# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe

from social_crm.tests import SocialCRMTestCase

# Our tests make their own parties; skip ERPNext's test-record chains for linked doctypes.
test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class TestSocialSource(SocialCRMTestCase):
	def test_url_is_required_where_needed(self):
		with self.assertRaises(frappe.MandatoryError):
			frappe.get_doc({"doctype": "Social Source", "source_name": "_M", "platform": "Mastodon"}).insert()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Social Source", "source_name": "_M2", "platform": "RSS", "base_url": "ftp://x"}
			).insert()
		source = frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": "_HN",
				"platform": "Hacker News",
				"api_key": "s3cret",
			}
		).insert()
		# secrets live in the password store, not in the document's table
		self.assertNotEqual(frappe.db.get_value("Social Source", source.name, "api_key"), "s3cret")
		self.assertEqual(source.get_password("api_key"), "s3cret")
