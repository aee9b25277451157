"""Closed networks on a real site with the platforms faked in their real shapes (``responses``):
X, Facebook and LinkedIn polls into Mentions and Social Profiles; Meta Lead Ads webhook and backfill into Leads.
"""

import hashlib
import hmac
import importlib
import json
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from unittest import mock

import responses
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe
from frappe.utils import convert_utc_to_system_timezone, get_datetime
from frappe.utils.password import set_encrypted_password

from social_crm.api import meta as meta_api
from social_crm.listening import jobs, lead_ads
from social_crm.listening.pipeline import Ingestor
from social_crm.tests import SocialCRMTestCase

DATA = Path(__file__).resolve().parent / "data" / "connectors"
GRAPH = "https://graph.facebook.com/v21.0"
PAGE = "104123456789012"
APP_SECRET = "meta-app-secret-for-tests"
VERIFY = "verify-me-please"

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def load(name: str):
	return json.loads((DATA / name).read_text())


def keep_transaction():
	frappe.db.savepoint(jobs.PAGE_SAVEPOINT)


class TestNetworkPolls(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_nw acme", "kind": "Brand", "terms": "acme"}
		).insert()

	def poll(self, source: str) -> dict:
		with mock.patch.object(jobs, "_commit", keep_transaction):
			return jobs.poll_source(source, ingestor=Ingestor(source=source, enrichment="none"))

	def source(self, name: str, platform: str, options: dict) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": name,
				"platform": platform,
				"api_key": "test-token",
				"query": "acme" if platform == "X" else "",
				"options": json.dumps(options),
				"poll_frequency": 5,
			}
		).insert()
		return doc.name

	def test_x_poll_creates_mentions_profiles_and_shows_the_monthly_cap(self):
		name = self.source("_nw X", "X", {"page_size": 10})
		with responses.RequestsMock() as rsps:
			rsps.get("https://api.x.com/2/usage/tweets", json=load("x_usage.json"))
			rsps.get("https://api.x.com/2/tweets/search/recent", json=load("x_search_newer.json"))
			summary = self.poll(name)
			self.assertIsNone(summary["error"])
			self.assertEqual(rsps.calls[1].request.headers["Authorization"], "Bearer test-token")
		mention = frappe.get_doc("Mention", {"source": name, "external_id": "1790000000000000009"})
		self.assertEqual(mention.platform, "X")
		profile = frappe.get_doc("Social Profile", mention.author)
		self.assertEqual(
			(profile.platform, profile.handle, profile.external_id), ("X", "critic_de", "783214")
		)
		source = frappe.get_doc("Social Source", name)
		self.assertEqual(source.health, "Healthy")
		self.assertIn("monthly posts 1520/10000", source.platform_limits)

	def test_x_rate_limit_reschedules_with_the_platforms_reset(self):
		name = self.source("_nw X 429", "X", {"check_usage": False})
		reset = int(time.time()) + 900
		with responses.RequestsMock() as rsps:
			rsps.get(
				"https://api.x.com/2/tweets/search/recent",
				status=429,
				json=load("x_429.json"),
				headers={
					"x-rate-limit-limit": "450",
					"x-rate-limit-remaining": "0",
					"x-rate-limit-reset": str(reset),
				},
			)
			summary = self.poll(name)
		self.assertIn("rate limited", summary["error"])
		source = frappe.get_doc("Social Source", name)
		self.assertEqual(source.consecutive_failures, 0)
		self.assertGreater(frappe.utils.get_datetime(source.next_poll_after), frappe.utils.now_datetime())

	def test_facebook_poll_links_comments_to_profiles(self):
		name = self.source("_nw FB", "Facebook", {"page_id": PAGE, "recent_posts": 1, "page_size": 2})
		with responses.RequestsMock() as rsps:
			rsps.get(f"{GRAPH}/{PAGE}/posts", json=load("fb_posts.json"))
			rsps.get(f"{GRAPH}/{PAGE}/feed", json=load("fb_feed.json"))
			rsps.get(f"{GRAPH}/{PAGE}/tagged", json=load("fb_tagged.json"))
			rsps.get(f"{GRAPH}/{PAGE}_900001/comments", json=load("fb_comments_page2.json"))
			self.poll(name)
		# "Great news, Acme!" is on page 1 of the comments; the visitor post mentions Acme
		stored = frappe.get_all("Mention", filters={"source": name}, fields=["external_id", "author"])
		self.assertEqual([m.external_id for m in stored], [f"{PAGE}_900010"])
		profile = frappe.get_doc("Social Profile", stored[0].author)
		self.assertEqual((profile.platform, profile.display_name), ("Facebook", "Erika Mustermann"))

	def test_test_connection_records_token_expiry_and_limits(self):
		name = self.source("_nw FB tc", "Facebook", {"page_id": PAGE})
		doc = frappe.get_doc("Social Source", name)
		with responses.RequestsMock() as rsps:
			rsps.get(
				f"{GRAPH}/{PAGE}", json=load("fb_page.json"), headers={"X-App-Usage": '{"call_count": 7}'}
			)
			rsps.get(f"{GRAPH}/debug_token", json=load("fb_debug_token.json"))
			message = doc.test_connection()
		self.assertIn("Acme GmbH", message)
		doc.reload()
		expires = convert_utc_to_system_timezone(datetime(2024, 7, 1, tzinfo=timezone.utc)).replace(
			tzinfo=None
		)
		self.assertEqual(get_datetime(doc.token_expires_at), expires)
		self.assertEqual(doc.platform_limits, "Meta: app usage 7%")

	def test_linkedin_poll(self):
		name = self.source("_nw LI", "LinkedIn", {"organization_id": "2414183", "recent_posts": 1})
		with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
			rsps.get("https://api.linkedin.com/rest/posts", json=load("linkedin_posts.json"))
			rsps.get(
				"https://api.linkedin.com/rest/organizationalEntityNotifications",
				json=load("linkedin_notifications.json"),
			)
			rsps.get(
				"https://api.linkedin.com/rest/posts/urn%3Ali%3Ashare%3A7190000000000000500",
				json={**load("linkedin_mention_post.json"), "commentary": "Proud to work with Acme on this!"},
			)
			rsps.get("https://api.linkedin.com/rest/posts/urn%3Ali%3Ashare%3A7190000000000000600", status=404)
			rsps.get(
				"https://api.linkedin.com/rest/socialActions/urn%3Ali%3Ashare%3A7190000000000000001/comments",
				json=load("linkedin_comments_page2.json"),
			)
			summary = self.poll(name)
		self.assertIsNone(summary["error"])
		mention = frappe.get_doc("Mention", {"source": name})
		self.assertEqual(mention.external_id, "urn:li:share:7190000000000000500")
		self.assertEqual(
			frappe.db.get_value("Social Profile", mention.author, "external_id"), "urn:li:person:Q1w2E3r4"
		)


class TestLeadAds(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		doc = frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": "_la Page",
				"platform": "Facebook",
				"api_key": "page-token",
				"app_secret": APP_SECRET,
				"webhook_verify_token": VERIFY,
				"lead_ads": 1,
				"options": json.dumps({"page_id": PAGE}),
				"poll_frequency": 60,
			}
		).insert()
		cls.source = doc.name
		set_encrypted_password("Social Source", doc.name, APP_SECRET, "app_secret")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None

	@contextmanager
	def request(self, method: str, body: bytes = b"", headers: dict | None = None, query: str = ""):
		environ = EnvironBuilder(
			path="/api/method/social_crm.api.meta.lead_ads_webhook",
			method=method,
			data=body,
			headers=headers or {},
			query_string=query,
			content_type="application/json",
		).get_environ()
		frappe.local.request = Request(environ)
		frappe.local.request_ip = "127.0.0.11"
		frappe.local.form_dict = frappe._dict(cmd="social_crm.api.meta.lead_ads_webhook")
		try:
			yield
		finally:
			frappe.local.request = None

	def deliver(self, payload: dict, secret: str = APP_SECRET):
		body = json.dumps(payload).encode()
		signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
		frappe.set_user("Guest")
		with (
			self.request("POST", body, {"X-Hub-Signature-256": signature}),
			mock.patch("frappe.enqueue") as enqueue,
		):
			answer = meta_api.lead_ads_webhook()
		frappe.set_user("Administrator")
		return answer, enqueue

	def run_jobs(self, enqueue, lead_payload):
		with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
			rsps.get(f"{GRAPH}/{lead_payload['id']}", json=lead_payload)
			for call in enqueue.call_args_list:
				self.assertEqual(call.kwargs["job_id"], f"social_crm:lead_ads:{call.kwargs['leadgen_id']}")
				self.assertTrue(call.kwargs["deduplicate"])
				lead_ads.fetch_lead(call.kwargs["source"], call.kwargs["leadgen_id"])

	def test_subscription_check(self):
		frappe.set_user("Guest")
		query = f"hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={VERIFY}"
		with self.request("GET", query=query):
			response = meta_api.lead_ads_webhook()
		self.assertEqual(response.get_data(as_text=True), "1158201444")
		with self.request("GET", query="hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong"):
			self.assertRaises(frappe.PermissionError, meta_api.lead_ads_webhook)

	def test_wrong_signature_is_refused(self):
		with mock.patch("frappe.enqueue") as enqueue:
			self.assertRaises(
				frappe.AuthenticationError, self.deliver, load("meta_leadgen_webhook.json"), "wrong"
			)
			frappe.set_user("Guest")
			with self.request("POST", b"{}"):
				self.assertRaises(frappe.AuthenticationError, meta_api.lead_ads_webhook)
		enqueue.assert_not_called()

	def test_one_delivery_one_lead_and_redelivery_keeps_one(self):
		payload = load("meta_leadgen_webhook.json")
		answer, enqueue = self.deliver(payload)
		self.assertEqual(answer, {"queued": 1})
		lead_payload = load("meta_lead.json")
		self.run_jobs(enqueue, lead_payload)
		leads = frappe.get_all("Lead", filters={"meta_leadgen_id": "987654321098765"}, fields=["*"])
		self.assertEqual(len(leads), 1)
		lead = leads[0]
		self.assertEqual((lead.first_name, lead.last_name), ("Erika", "Mustermann"))
		self.assertEqual((lead.email_id, lead.mobile_no), ("erika@example.de", "+4915112345678"))
		self.assertEqual(lead.source, "Social Media")
		self.assertEqual((lead.meta_campaign_name, lead.meta_ad_id), ("Frühling 2024", "23850000000000001"))
		self.assertEqual(lead.meta_lead_form_id, "1234567890123")
		self.assertEqual(json.loads(lead.meta_lead_answers), {"wie_viele_mitarbeiter?": "10-50"})
		_, enqueue = self.deliver(payload)  # Meta redelivers until it sees a 200
		self.run_jobs(enqueue, lead_payload)
		self.assertEqual(frappe.db.count("Lead", {"email_id": "erika@example.de"}), 1)

		# the Lead Ads data is part of the Lead's social data: exported, and the answers erased
		from social_crm.privacy import erasure, subject

		exported = subject.export("Lead", lead.name)
		self.assertEqual(exported["meta_lead_ads"]["meta_leadgen_id"], "987654321098765")
		erasure.erase("Lead", lead.name)
		self.assertIsNone(frappe.db.get_value("Lead", lead.name, "meta_lead_answers"))

	def test_same_email_from_another_form_updates_the_existing_lead(self):
		existing = frappe.get_doc(
			{"doctype": "Lead", "first_name": "Jonas", "email_id": "jonas.b@example.org", "city": "Köln"}
		).insert()
		payload = {
			**load("meta_lead.json"),
			"id": "987654321000777",
			"field_data": [
				{"name": "email", "values": ["Jonas.B@example.org"]},
				{"name": "city", "values": ["Bonn"]},
			],
		}
		from social_crm.engine.connectors.meta import parse_lead

		self.assertEqual(lead_ads.upsert_lead(parse_lead(payload)), existing.name)
		existing.reload()
		self.assertEqual((existing.meta_leadgen_id, existing.city), ("987654321000777", "Köln"))

	def test_backfill_finds_a_missed_lead_once(self):
		with responses.RequestsMock() as rsps, mock.patch.object(frappe.db, "commit"):
			rsps.get(f"{GRAPH}/{PAGE}/leadgen_forms", json=load("meta_leadgen_forms.json"))
			rsps.get(f"{GRAPH}/1234567890123/leads", json=load("meta_form_leads.json"))
			counts = lead_ads.backfill_leads()
			self.assertEqual(counts[self.source], 1)
			self.assertIn("appsecret_proof=", rsps.calls[0].request.url)
			lead_ads.backfill_leads()  # the next hour sees the same lead again (overlap)
		self.assertEqual(frappe.db.count("Lead", {"meta_leadgen_id": "987654321000001"}), 1)
		lead = frappe.get_doc("Lead", {"meta_leadgen_id": "987654321000001"})
		self.assertEqual(
			(lead.first_name, lead.email_id, lead.source), ("Jonas", "jonas@example.org", "Social Media")
		)
		self.assertTrue(frappe.db.get_value("Social Source", self.source, "leads_synced_until"))


class TestXingImport(SocialCRMTestCase):
	"""XING has no API: the example file in docs/networks goes through the ordinary import."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_xi Orbitex", "kind": "Brand", "terms": "orbitex"}
		).insert()

	def test_documented_xing_posts_csv_imports(self):
		ingest = importlib.import_module("social_crm.api.ingest")

		docs = Path(__file__).resolve().parents[2] / "docs" / "networks"
		content = (docs / "xing_posts_example.csv").read_text()
		file_doc = frappe.get_doc(
			{"doctype": "File", "file_name": "_xi_posts.csv", "content": content, "is_private": 1}
		).insert()
		answer = ingest.import_file(file_doc.file_url)
		self.assertEqual(answer["summary"], {"accepted": 2})
		mention = frappe.get_doc("Mention", {"platform": "XING", "external_id": "xing-post-20261120-1"})
		profile = frappe.get_doc("Social Profile", mention.author)
		self.assertEqual((profile.platform, profile.handle), ("XING", "erika_mustermann"))
		self.assertEqual(profile.display_name, "Erika Mustermann")
		# the documented contact mapping uses the same handle form
		contacts = (docs / "xing_contacts_example.csv").read_text()
		self.assertIn("xing:erika_mustermann", contacts)
