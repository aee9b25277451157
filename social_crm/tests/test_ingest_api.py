"""Webhook (HMAC / API-key user), per-record answers, limits, and the JSONL/CSV import."""

import importlib
import json
import random
import time
import uuid
from contextlib import contextmanager
from unittest import mock

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe
from frappe.utils.password import set_encrypted_password

from social_crm.engine import webhook
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_user

# social_crm.api.ingest is the webhook function (see social_crm/api/__init__.py); this is its module
api = importlib.import_module("social_crm.api.ingest")

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

SECRET = "test-ingest-secret-123"


def record(external_id: str, text: str = "Orbitex is great", **extra) -> dict:
	return {
		"platform": "Mastodon",
		"external_id": external_id,
		"text": text,
		"posted_at": "2026-11-20T10:00:00Z",
		"author": {"handle": "hook@example.social", "display_name": "Hook"},
		**extra,
	}


class TestIngestWebhook(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_ia Orbitex", "kind": "Brand", "terms": "orbitex"}
		).insert()
		set_encrypted_password("Social CRM Settings", "Social CRM Settings", SECRET, "ingest_secret")
		frappe.db.set_single_value("Social CRM Settings", "ingest_secret", "*" * 10)
		frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
		make_user("_ia_user@example.com", ["Social CRM User"])
		make_user("_ia_norole@example.com", [])

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None

	@contextmanager
	def request(self, body: bytes, headers: dict | None = None, query: str = "", ip: str = "127.0.0.10"):
		environ = EnvironBuilder(
			path="/api/method/social_crm.api.ingest",
			method="POST",
			data=body,
			headers=headers or {},
			query_string=query,
			content_type="application/json",
		).get_environ()
		frappe.local.request = Request(environ)
		frappe.local.request_ip = ip
		frappe.local.form_dict = frappe._dict(cmd="social_crm.api.ingest.ingest")
		try:
			yield
		finally:
			frappe.local.request = None

	def signed_headers(
		self,
		body: bytes,
		secret: str = SECRET,
		query: str = "",
		timestamp: float | None = None,
		delivery=None,
	) -> dict:
		"""The three headers a sender computes, over the query string exactly as it arrives."""
		raw_query = EnvironBuilder(query_string=query).get_environ()["QUERY_STRING"]
		stamp = str(int(time.time() if timestamp is None else timestamp))
		delivery = delivery or uuid.uuid4().hex
		return {
			webhook.TIMESTAMP_HEADER: stamp,
			webhook.DELIVERY_HEADER: delivery,
			webhook.SIGNATURE_HEADER: webhook.sign(secret, stamp, delivery, raw_query, body),
		}

	def call(
		self, payload, signed: bool = True, secret: str = SECRET, user: str = "Guest", headers=None, **kwargs
	) -> dict:
		body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
		if headers is None:
			headers = self.signed_headers(body, secret, kwargs.get("query", "")) if signed else {}
		frappe.set_user(user)
		with self.request(body, headers, **kwargs):
			return api.ingest()

	def test_signed_batch_answers_per_record(self):
		answer = self.call(
			[
				record("ia-1"),
				record("ia-2", text="unrelated"),
				record("ia-3", posted_at="yesterday"),
				record("ia-1"),
			]
		)
		statuses = [r["status"] for r in answer["results"]]
		self.assertEqual(statuses, ["accepted", "dropped", "rejected", "duplicate"])
		self.assertIn("posted_at", answer["results"][2]["reason"])
		self.assertEqual(answer["summary"], {"accepted": 1, "dropped": 1, "rejected": 1, "duplicate": 1})
		self.assertEqual(frappe.db.count("Mention", {"external_id": "ia-1"}), 1)
		# the rejected record is kept in the ingest error log with its reason
		error = frappe.get_last_doc("Social Ingest Error", filters={"external_id": "ia-3"})
		self.assertEqual(error.origin, "Webhook")
		self.assertIn("posted_at", error.error)

		# sending the same again: duplicate, nothing stored twice
		again = self.call(record("ia-1"))
		self.assertEqual(again["results"][0]["status"], "duplicate")

	def test_jsonl_body_with_a_broken_line(self):
		body = "\n".join([json.dumps(record("ia-jl-1")), "{not json", json.dumps(record("ia-jl-2"))]).encode()
		answer = self.call(body)
		self.assertEqual([r["status"] for r in answer["results"]], ["accepted", "rejected", "accepted"])
		self.assertIn("line 2", answer["results"][1]["reason"])

	def test_bad_or_missing_signature_is_refused(self):
		with self.assertRaises(frappe.AuthenticationError):
			self.call(record("ia-bad"), secret="wrong secret")
		with self.assertRaises(frappe.AuthenticationError):
			self.call(record("ia-none"), signed=False)
		self.assertFalse(frappe.db.exists("Mention", {"external_id": ("in", ["ia-bad", "ia-none"])}))
		# a signature of another body does not pass either
		body = json.dumps(record("ia-swap")).encode()
		frappe.set_user("Guest")
		other = self.signed_headers(b"{}")
		with self.request(body, other):
			with self.assertRaises(frappe.AuthenticationError):
				api.ingest()

	def test_stale_replayed_or_query_changed_deliveries_are_refused(self):
		body = json.dumps(record("ia-replay")).encode()
		# outside the window (either side of the server's clock)
		for skew in (-301, 301):
			with self.assertRaises(frappe.AuthenticationError):
				self.call(body, headers=self.signed_headers(body, timestamp=time.time() + skew))
		# the query string is signed: a captured delivery cannot be moved to another source
		headers = self.signed_headers(body, query="platform=Mastodon")
		with self.assertRaises(frappe.AuthenticationError):
			self.call(body, headers=headers, query="platform=Reddit")
		# accepted once; the same delivery again is refused and stores nothing new
		headers = self.signed_headers(body)
		self.assertEqual(self.call(body, headers=headers)["results"][0]["status"], "accepted")
		with self.assertRaises(frappe.AuthenticationError):
			self.call(body, headers=headers)
		self.assertEqual(frappe.db.count("Mention", {"external_id": "ia-replay"}), 1)

	def test_malformed_signature_headers_answer_401_not_500(self):
		body = json.dumps(record("ia-malformed")).encode()
		good = self.signed_headers(body)
		hostile = [
			{**good, webhook.SIGNATURE_HEADER: "sha256=" + "é" * 64},
			{**good, webhook.SIGNATURE_HEADER: "sha256="},
			{**good, webhook.SIGNATURE_HEADER: "md5=abc"},
			{**good, webhook.SIGNATURE_HEADER: "sha256=" + "0" * 10_000},
			{**good, webhook.TIMESTAMP_HEADER: "1e999"},
			{**good, webhook.TIMESTAMP_HEADER: "-5"},
			{**good, webhook.DELIVERY_HEADER: "x" * 500},
			{**good, webhook.DELIVERY_HEADER: "bad id;drop"},
			{k: v for k, v in good.items() if k != webhook.TIMESTAMP_HEADER},
			{k: v for k, v in good.items() if k != webhook.DELIVERY_HEADER},
		]
		for headers in hostile:
			with self.subTest(headers=headers), self.assertRaises(frappe.AuthenticationError):
				self.call(body, headers=headers)
		self.assertFalse(frappe.db.exists("Mention", {"external_id": "ia-malformed"}))

	def test_signed_ingest_is_off_without_a_secret(self):
		with (
			mock.patch("social_crm.settings.ingest_secret", return_value=None),
			self.assertRaises(frappe.PermissionError),
		):
			self.call(record("ia-nosecret"))

	def test_api_key_user_needs_a_social_crm_role(self):
		answer = self.call(record("ia-key"), signed=False, user="_ia_user@example.com")
		self.assertEqual(answer["results"][0]["status"], "accepted")
		with self.assertRaises(frappe.PermissionError):
			self.call(record("ia-key-2"), signed=False, user="_ia_norole@example.com")

	def test_size_and_count_limits(self):
		with mock.patch.object(api, "MAX_BODY_BYTES", 200), self.assertRaises(api.PayloadTooLarge):
			self.call([record(f"ia-big-{i}") for i in range(5)])
		with mock.patch.object(api, "MAX_RECORDS", 2), self.assertRaises(api.PayloadTooLarge):
			self.call([record(f"ia-many-{i}") for i in range(3)])
		self.assertFalse(frappe.db.exists("Mention", {"external_id": ("like", "ia-big-%")}))

	def test_rate_limit(self):
		with mock.patch.object(api, "_rate_limit", return_value=2):
			ip = f"127.0.{random.randint(1, 250)}.{random.randint(1, 250)}"  # a fresh rate-limit window
			self.call(record("ia-rl-1"), ip=ip)
			self.call(record("ia-rl-2"), ip=ip)
			with self.assertRaises(frappe.RateLimitExceededError):
				self.call(record("ia-rl-3"), ip=ip)

	def test_source_gives_the_default_platform(self):
		frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": "_ia hn",
				"platform": "Hacker News",
				"enabled": 0,
			}
		).insert()
		rec = record("ia-src")
		rec.pop("platform")
		rec["author"] = "hnuser"
		answer = self.call(rec, query="source=_ia hn")
		self.assertEqual(answer["results"][0]["status"], "accepted")
		row = frappe.db.get_value("Mention", {"external_id": "ia-src"}, ["platform", "source"], as_dict=True)
		self.assertEqual((row.platform, row.source), ("Hacker News", "_ia hn"))


class TestIngestImport(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_ii Orbitex", "kind": "Brand", "terms": "orbitex"}
		).insert()

	def upload(self, file_name: str, content: str):
		return frappe.get_doc(
			{"doctype": "File", "file_name": file_name, "content": content, "is_private": 1}
		).insert()

	def test_jsonl_import(self):
		content = (
			"\n".join(json.dumps(record(f"ii-{i}")) for i in range(3)) + "\n" + json.dumps(record("ii-0"))
		)
		file_doc = self.upload("_ii_posts.jsonl", content)
		answer = api.import_file(file_doc.file_url)
		self.assertEqual(answer["summary"], {"accepted": 3, "duplicate": 1})

	def test_csv_import(self):
		content = (
			"platform,external_id,text,posted_at,author_handle,author_name,likes\n"
			"Reddit,ii-csv-1,Orbitex rocks,2026-11-20T10:00:00Z,u/someone,Some One,4\n"
			"Reddit,ii-csv-2,Orbitex again,not a date,u/someone,Some One,\n"
		)
		file_doc = self.upload("_ii_posts.csv", content)
		answer = api.import_file(file_doc.file_url)
		self.assertEqual([r["status"] for r in answer["results"]], ["accepted", "rejected"])
		row = frappe.db.get_value(
			"Mention",
			{"platform": "Reddit", "external_id": "ii-csv-1"},
			["author_handle", "likes"],
			as_dict=True,
		)
		self.assertEqual((row.author_handle, row.likes), ("someone", 4))

	def test_big_import_runs_as_a_job(self):
		content = "\n".join(json.dumps(record(f"ii-job-{i}")) for i in range(4))
		file_doc = self.upload("_ii_big.jsonl", content)
		with mock.patch.object(api, "INLINE_IMPORT_RECORDS", 2), mock.patch("frappe.enqueue") as enqueue:
			answer = api.import_file(file_doc.file_url)
		self.assertEqual(answer, {"queued": True, "records": 4})
		kwargs = enqueue.call_args.kwargs
		self.assertEqual(kwargs["queue"], "long")
		with mock.patch.object(frappe.db, "commit"):
			summary = api.import_file_job(kwargs["file_name"], None, None, "Administrator")
		self.assertEqual(summary, {"accepted": 4})
