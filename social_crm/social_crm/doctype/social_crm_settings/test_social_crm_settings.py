# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe

from social_crm.tests import SocialCRMTestCase

# Our tests make their own parties; skip ERPNext's test-record chains for linked doctypes.
test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class TestSocialCRMSettings(SocialCRMTestCase):
	def test_defaults_are_set_on_install(self):
		settings = frappe.get_single("Social CRM Settings")
		self.assertEqual(settings.auto_link_threshold, 90)
		self.assertEqual(settings.review_threshold, 60)
		self.assertEqual(settings.sentiment_analyzer, "Default")

	def test_thresholds_must_be_ordered(self):
		settings = frappe.get_single("Social CRM Settings")
		settings.review_threshold, settings.auto_link_threshold = 95, 80
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_flair_needs_model_and_retention_positive(self):
		settings = frappe.get_single("Social CRM Settings")
		settings.sentiment_analyzer, settings.flair_model = "Flair", ""
		with self.assertRaises(frappe.ValidationError):
			settings.save()
		settings = frappe.get_single("Social CRM Settings")
		settings.unlinked_mention_retention_days = -5
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_languages_must_be_codes_the_detectors_know(self):
		settings = frappe.get_single("Social CRM Settings")
		settings.languages = "en, deutsch, xx"
		with self.assertRaises(frappe.ValidationError) as raised:
			settings.save()
		self.assertIn("deutsch, xx", str(raised.exception))
		settings = frappe.get_single("Social CRM Settings")
		settings.languages = " EN, de-DE ,,fr_FR, de"
		settings.save()
		self.assertEqual(frappe.db.get_single_value("Social CRM Settings", "languages"), "en, de, fr")
		settings.languages = ""  # every language
		settings.save()
		self.assertEqual(frappe.db.get_single_value("Social CRM Settings", "languages"), "")

	def test_ingest_secret_is_a_password(self):
		settings = frappe.get_single("Social CRM Settings")
		settings.ingest_secret = "topsecret"
		settings.save()
		self.assertNotEqual(frappe.db.get_single_value("Social CRM Settings", "ingest_secret"), "topsecret")
		self.assertEqual(settings.get_password("ingest_secret"), "topsecret")
