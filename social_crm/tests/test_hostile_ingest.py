"""One bad record never sinks a batch: hostile payloads through webhook, import, poll and retry.

Each hostile record (absurd numbers, out-of-range dates, deep JSON, CSV cells over the csv
module's limit, bytes in Shift_JIS / Big5) is answered "rejected", logged in Social Ingest
Error with a payload that can be retried, and the rest of the body / file / page is stored.
The payloads are fixtures in the platforms' real shapes (social_crm/tests/data/connectors).
"""

import importlib
import json
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import responses
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe

from social_crm.listening import jobs
from social_crm.listening.pipeline import Ingestor
from social_crm.tests import SocialCRMTestCase

api = importlib.import_module("social_crm.api.ingest")

DATA = Path(__file__).resolve().parent / "data" / "connectors"
HOSTILE_JSONL = (DATA / "import_hostile.jsonl").read_bytes()
# import_hostile.jsonl, line by line: what each record must come to
EXPECTED = [
	"accepted",  # 1 a good record
	"rejected",  # 2 likes 1e999
	"rejected",  # 3 replies NaN
	"rejected",  # 4 reposts 10**30
	"rejected",  # 5 posted_at year 0
	"rejected",  # 6 negative epoch
	"rejected",  # 7 year 9999 at -05:00 (overflows in UTC)
	"rejected",  # 8 raw nested 100 levels deep
	"rejected",  # 9 a line of JSON nested 5000 levels deep
	"rejected",  # 10 text in Shift_JIS bytes
	"rejected",  # 11 text in Big5 bytes
	"accepted",  # 12 Japanese text in UTF-8
]

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def keep_transaction():
	frappe.db.savepoint(jobs.PAGE_SAVEPOINT)


class TestHostileIngest(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for name, terms in (("_hi Orbitex", "orbitex"), ("_hi Acme", "acme\n#acme")):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": name, "kind": "Brand", "terms": terms}
			).insert()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.db.rollback(save_point="_hi_test")  # each test starts from the class's fixtures

	@contextmanager
	def request(self, body: bytes):
		environ = EnvironBuilder(
			path="/api/method/social_crm.api.ingest",
			method="POST",
			data=body,
			content_type="application/x-ndjson",
		).get_environ()
		frappe.local.request = Request(environ)
		frappe.local.request_ip = "127.0.0.11"
		frappe.local.form_dict = frappe._dict(cmd="social_crm.api.ingest.ingest")
		try:
			yield
		finally:
			frappe.local.request = None

	def assert_hostile_answer(self, answer: dict, origin: str) -> None:
		self.assertEqual([r["status"] for r in answer["results"]], EXPECTED, answer["results"])
		reasons = {i + 1: r.get("reason", "") for i, r in enumerate(answer["results"])}
		self.assertIn("likes", reasons[2])
		self.assertIn("posted_at", reasons[5])
		self.assertIn("nested deeper", reasons[8])
		self.assertIn("line 9", reasons[9])
		self.assertIn("UTF-8", reasons[10])
		stored = frappe.get_all(
			"Mention", filters={"external_id": ("like", "_hi-%")}, fields=["external_id", "text"]
		)
		self.assertEqual(sorted(m.external_id for m in stored), ["_hi-1", "_hi-12"])
		self.assertEqual(
			{m.external_id: m.text for m in stored}["_hi-12"], "Orbitex 日本語は UTF-8 なら大丈夫"
		)
		self.assertFalse([m for m in stored if "\ufffd" in m.text], "no replacement characters stored")
		# every rejection is logged with a payload the retry can read back
		errors = frappe.get_all(
			"Social Ingest Error",
			filters={"origin": origin, "creation": (">=", self.started)},
			fields=["name", "external_id", "payload", "error"],
		)
		self.assertEqual(len(errors), EXPECTED.count("rejected"), [e.error for e in errors])
		logged = sorted(e.external_id for e in errors if e.external_id)
		self.assertEqual(
			logged,
			sorted(f"_hi-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 11)),
			[(e.external_id, e.error[:80]) for e in errors],
		)
		for error in errors:
			json.loads(error.payload)

	def setUp(self):
		frappe.db.savepoint("_hi_test")
		self.started = frappe.utils.now_datetime()

	def test_webhook_body_with_hostile_records_keeps_the_good_ones(self):
		frappe.set_user("Administrator")  # an API-key user with a Social CRM role
		with self.request(HOSTILE_JSONL):
			answer = api.ingest()
		self.assert_hostile_answer(answer, "Webhook")

	def test_import_file_with_hostile_records_keeps_the_good_ones(self):
		file_doc = frappe.get_doc(
			{"doctype": "File", "file_name": "_hi_hostile.jsonl", "content": HOSTILE_JSONL, "is_private": 1}
		).insert()
		answer = api.import_file(file_doc.file_url)
		self.assert_hostile_answer(answer, "Import")

	def test_csv_cell_over_the_field_size_limit_is_one_rejection(self):
		huge = "Orbitex " + "x" * 140_000  # over csv.field_size_limit() (131072)
		content = (
			"platform,external_id,text,posted_at,author_handle\n"
			"Reddit,_hi-csv-1,Orbitex one,2026-11-20T10:00:00Z,u/one\n"
			f'Reddit,_hi-csv-2,"{huge}",2026-11-20T10:00:00Z,u/two\n'
			"Reddit,_hi-csv-3,Orbitex three,2026-11-20T10:00:00Z,u/three\n"
			"Reddit,_hi-csv-4,Orbitex four,2026-11-20T10:00:00Z,u/four,extra,cells\n"
		)
		file_doc = frappe.get_doc(
			{"doctype": "File", "file_name": "_hi_big_cell.csv", "content": content, "is_private": 1}
		).insert()
		answer = api.import_file(file_doc.file_url)
		self.assertEqual(
			[r["status"] for r in answer["results"]], ["accepted", "rejected", "accepted", "accepted"]
		)
		self.assertIn("field larger than field limit", answer["results"][1]["reason"])
		self.assertEqual(
			sorted(
				frappe.get_all("Mention", filters={"external_id": ("like", "_hi-csv-%")}, pluck="external_id")
			),
			["_hi-csv-1", "_hi-csv-3", "_hi-csv-4"],
		)
		error = frappe.get_last_doc("Social Ingest Error", filters={"origin": "Import"})
		self.assertIn("_hi-csv-2", error.payload)  # the start of the row, for the person who fixes the file

	def test_logged_rejections_can_be_retried(self):
		frappe.set_user("Administrator")
		with self.request(HOSTILE_JSONL):
			api.ingest()
		absurd = frappe.get_last_doc("Social Ingest Error", filters={"external_id": "_hi-2"})
		self.assertEqual(absurd.retry(), "rejected")  # still absurd: no crash, kept for a fix
		self.assertEqual(absurd.status, "Retried")
		payload = json.loads(absurd.payload)
		payload["likes"] = 3
		absurd.payload = json.dumps(payload)
		self.assertEqual(absurd.retry(), "accepted")
		self.assertEqual(absurd.status, "Resolved")
		self.assertEqual(frappe.db.get_value("Mention", {"external_id": "_hi-2"}, "likes"), 3)

		garbled = frappe.get_last_doc("Social Ingest Error", filters={"external_id": "_hi-10"})
		self.assertEqual(garbled.retry(), "rejected")
		self.assertIn("UTF-8", garbled.error)

	def poll(self, name: str) -> dict:
		with mock.patch.object(jobs, "_commit", keep_transaction):
			return jobs.poll_source(name, ingestor=Ingestor(source=name, enrichment="none"))

	def source(self, name: str, platform: str, base_url: str, query: str) -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "Social Source",
					"source_name": name,
					"platform": platform,
					"base_url": base_url,
					"query": query,
					"poll_frequency": 5,
				}
			)
			.insert()
			.name
		)

	def test_mastodon_page_with_hostile_statuses(self):
		name = self.source("_hi Mastodon", "Mastodon", "https://mastodon.example", "#acme")
		with responses.RequestsMock() as rsps:
			rsps.get(
				"https://mastodon.example/api/v1/timelines/tag/acme",
				body=(DATA / "mastodon_tag_hostile.json").read_bytes(),
				content_type="application/json",
			)
			summary = self.poll(name)
		self.assertIsNone(summary["error"])
		self.assertEqual((summary.get("accepted"), summary["rejected_items"]), (2, 8))
		self.assertEqual(frappe.db.count("Mention", {"source": name}), 2)
		self.assertEqual(
			frappe.db.count("Social Ingest Error", {"source": name, "payload_format": "Platform"}), 8
		)
		self.assertEqual(frappe.db.get_value("Social Source", name, "health"), "Healthy")

	def test_feeds_in_shift_jis_and_with_big5_bytes(self):
		japanese = self.source("_hi JP feed", "RSS", "https://blog.example.jp/feed.xml", "acme")
		mixed = self.source("_hi mixed feed", "RSS", "https://blog.example.org/feed.xml", "acme")
		with responses.RequestsMock() as rsps:
			rsps.get("https://blog.example.jp/feed.xml", body=(DATA / "rss_shift_jis.xml").read_bytes())
			rsps.get("https://blog.example.org/feed.xml", body=(DATA / "rss_big5_item.xml").read_bytes())
			jp_summary, mixed_summary = self.poll(japanese), self.poll(mixed)
		self.assertIsNone(jp_summary["error"])
		self.assertEqual(
			sorted(frappe.get_all("Mention", filters={"source": japanese}, pluck="title")),
			sorted(["Acme の電気ケトルを試しました", "Acme サポート"]),
		)
		self.assertIsNone(mixed_summary["error"])
		self.assertEqual(
			sorted(frappe.get_all("Mention", filters={"source": mixed}, pluck="title")),
			["Acme kettle review", "Acme support"],
		)
		error = frappe.get_last_doc("Social Ingest Error", filters={"source": mixed})
		self.assertIn("encoding", error.error)
		self.assertEqual(error.payload_format, "Platform")
