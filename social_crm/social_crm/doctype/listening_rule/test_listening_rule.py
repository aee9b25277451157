# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe

from social_crm.tests import SocialCRMTestCase

# Our tests make their own parties; skip ERPNext's test-record chains for linked doctypes.
test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class TestListeningRule(SocialCRMTestCase):
	def test_terms_are_cleaned(self):
		rule = frappe.get_doc(
			{
				"doctype": "Listening Rule",
				"rule_name": "_Test Brand Rule",
				"kind": "Brand",
				"terms": " Café Nova \n#cafenova, @cafenova\ncafe nova\n\n",
				"languages": "DE, en ,de",
			}
		).insert()
		self.assertEqual(rule.terms, "Café Nova\n#cafenova\n@cafenova")
		self.assertEqual(rule.languages, "de, en")

	def test_rule_needs_terms(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": "_Empty", "kind": "Brand", "terms": " \n "}
			).insert()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": "_Long", "kind": "Brand", "terms": "x" * 101}
			).insert()

	def test_malformed_hashtag_or_account_is_refused(self):
		for terms in ("#two words", "@", "#"):
			with self.assertRaises(frappe.ValidationError, msg=terms):
				frappe.get_doc(
					{
						"doctype": "Listening Rule",
						"rule_name": f"_Bad {terms}",
						"kind": "Brand",
						"terms": terms,
					}
				).insert()
