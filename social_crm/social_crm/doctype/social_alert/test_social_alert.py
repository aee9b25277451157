# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from datetime import datetime, timedelta

import frappe

from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import make_rule

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

ONSET = datetime(2026, 1, 5, 14, 0)


def make_alert(rule, key, **kwargs):
	return frappe.get_doc(
		{
			"doctype": "Social Alert",
			"listening_rule": rule,
			"kind": "Volume Spike",
			"bucket": ONSET,
			"value": 40,
			"baseline": 4,
			"z": 18,
			"episode_key": key,
			"mentions_from": ONSET,
			"mentions_to": ONSET + timedelta(hours=1),
			**kwargs,
		}
	).insert(ignore_permissions=True)


class TestSocialAlert(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.rule = make_rule("_Test Social Alert Rule").name

	def test_episode_key_is_unique(self):
		make_alert(self.rule, "alert-test:spike:1")
		with self.assertRaises(frappe.UniqueValidationError):
			make_alert(self.rule, "alert-test:spike:1")

	def test_mentions_range_must_be_ordered(self):
		with self.assertRaises(frappe.ValidationError):
			make_alert(self.rule, "alert-test:spike:2", mentions_to=ONSET - timedelta(hours=1))

	def test_mentions_link_filters_rule_range_and_sentiment(self):
		spike = make_alert(self.rule, "alert-test:spike:3")
		self.assertEqual(spike.mention_filters()["listening_rule"], self.rule)
		self.assertNotIn("sentiment", spike.mention_filters())
		self.assertIn("2026-01-05 15:00:00", spike.mention_filters()["posted_at"])
		swing = make_alert(self.rule, "alert-test:swing:3", kind="Sentiment Swing", value=0.75, baseline=0.1)
		self.assertEqual(swing.mention_filters()["sentiment"], "Negative")
		self.assertTrue(swing.mentions_url().startswith(frappe.utils.get_url("/app/mention?")))
