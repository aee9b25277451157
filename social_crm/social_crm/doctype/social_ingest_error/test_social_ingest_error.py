# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import json

import frappe

from social_crm.social_crm.doctype.social_ingest_error.ingest_error_log import log_ingest_error
from social_crm.social_crm.doctype.social_ingest_error.social_ingest_error import retry_errors
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.fake_mastodon import load_fixture

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def normalized(external_id: str, **extra) -> dict:
	return {
		"platform": "Mastodon",
		"external_id": external_id,
		"text": "Velorino is nice",
		"posted_at": "2026-11-20T10:00:00Z",
		"author": {"handle": "err@example.social"},
		**extra,
	}


class TestSocialIngestError(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_ie Velorino", "kind": "Brand", "terms": "velorino"}
		).insert()
		cls.source = frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": "_ie mastodon",
				"platform": "Mastodon",
				"base_url": "https://mastodon.example",
				"query": "#velorino",
				"enabled": 0,
			}
		).insert()

	def test_retry_of_a_fixed_payload_resolves(self):
		name = log_ingest_error(
			normalized("ie-1", posted_at="soon"), "posted_at is not a date", origin="Webhook"
		)
		doc = frappe.get_doc("Social Ingest Error", name)
		self.assertEqual((doc.status, doc.retry_count), ("Open", 0))

		self.assertEqual(doc.retry(), "rejected")
		doc.reload()
		self.assertEqual((doc.status, doc.retry_count), ("Retried", 1))
		self.assertIn("posted_at", doc.error)
		self.assertFalse(frappe.db.exists("Mention", {"external_id": "ie-1"}))

		# someone fixes the payload (or the cause); the retry stores the post
		doc.db_set("payload", json.dumps(normalized("ie-1")))
		self.assertEqual(doc.retry(), "accepted")
		doc.reload()
		self.assertEqual((doc.status, doc.retry_count), ("Resolved", 2))
		self.assertEqual(frappe.db.count("Mention", {"platform": "Mastodon", "external_id": "ie-1"}), 1)

	def test_platform_payload_is_converted_by_the_source_connector(self):
		status = load_fixture("mastodon_tag_page1.json")[0]
		status["uri"] = status["uri"].replace("https://", "https://ie.")
		status["content"] = "<p>velorino on mastodon</p>"
		broken = dict(status, account=None)
		name = log_ingest_error(
			broken, "status has no account", source=self.source.name, payload_format="Platform"
		)
		doc = frappe.get_doc("Social Ingest Error", name)
		self.assertEqual(doc.retry(), "rejected")
		doc.db_set("payload", json.dumps(status))
		self.assertEqual(doc.retry(), "accepted")
		mention = frappe.db.get_value(
			"Mention", {"external_id": status["uri"]}, ["source", "author_handle"], as_dict=True
		)
		self.assertEqual(mention.source, self.source.name)
		self.assertEqual(mention.author_handle, "alice@mastodon.example")

	def test_bulk_retry(self):
		names = [
			log_ingest_error(normalized(f"ie-bulk-{i}"), "database was down", origin="Import")
			for i in range(3)
		]
		outcome = retry_errors(json.dumps(names))
		self.assertEqual(outcome, {"accepted": 3})
		self.assertEqual(
			set(frappe.get_all("Social Ingest Error", filters={"name": ("in", names)}, pluck="status")),
			{"Resolved"},
		)
		# resolved rows are not retried again
		self.assertEqual(retry_errors(names), {})

	def test_clear_old_logs(self):
		from social_crm.social_crm.doctype.social_ingest_error.social_ingest_error import SocialIngestError

		old = log_ingest_error(normalized("ie-old"), "old")
		new = log_ingest_error(normalized("ie-new"), "new")
		frappe.db.set_value(
			"Social Ingest Error", old, "modified", "2020-01-01 00:00:00", update_modified=False
		)
		SocialIngestError.clear_old_logs(days=30)
		self.assertFalse(frappe.db.exists("Social Ingest Error", old))
		self.assertTrue(frappe.db.exists("Social Ingest Error", new))
