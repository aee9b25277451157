"""Backpressure: buffered webhook deliveries (202), the durable buffer, draining, the depth card."""

import importlib
import json
import threading
import time
import uuid
from contextlib import contextmanager
from unittest import mock

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils.password import set_encrypted_password

from social_crm.engine import webhook
from social_crm.listening import buffer, pipeline
from social_crm.tests import SocialCRMTestCase

api = importlib.import_module("social_crm.api.ingest")

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

SECRET = "test-buffer-secret-456"


def record(external_id: str, author: int = 0, text: str = "Orbitex launch day") -> dict:
	return {
		"platform": "Mastodon",
		"external_id": external_id,
		"text": text,
		"posted_at": "2026-11-20T10:00:00Z",
		"author": {"handle": f"ib{author}@burst.example", "display_name": f"Burst {author}"},
	}


def backlog_card() -> int:
	return get_result(frappe.get_doc("Number Card", "Ingest Backlog").as_dict(), "[]")


class TestIngestBuffer(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_ib Orbitex", "kind": "Brand", "terms": "orbitex"}
		).insert()
		set_encrypted_password("Social CRM Settings", "Social CRM Settings", SECRET, "ingest_secret")
		frappe.db.set_single_value("Social CRM Settings", "ingest_secret", "*" * 10)
		frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")

	def setUp(self):
		frappe.db.savepoint("ib_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.response.pop("http_status_code", None)
		frappe.db.rollback(save_point="ib_test")

	@contextmanager
	def request(self, body: bytes, headers: dict):
		environ = EnvironBuilder(
			path="/api/method/social_crm.api.ingest",
			method="POST",
			data=body,
			headers=headers,
			content_type="application/json",
		).get_environ()
		frappe.local.request = Request(environ)
		frappe.local.request_ip = "127.0.0.20"
		frappe.local.form_dict = frappe._dict(cmd="social_crm.api.ingest")
		try:
			yield
		finally:
			frappe.local.request = None

	def deliver(self, body: bytes, prefer: str | None = "respond-async") -> dict:
		stamp, delivery = str(int(time.time())), uuid.uuid4().hex
		headers = {
			webhook.TIMESTAMP_HEADER: stamp,
			webhook.DELIVERY_HEADER: delivery,
			webhook.SIGNATURE_HEADER: webhook.sign(SECRET, stamp, delivery, "", body),
		}
		if prefer:
			headers["Prefer"] = prefer
		frappe.set_user("Guest")
		with self.request(body, headers):
			return api.ingest()

	def test_burst_in_deliveries_is_stored_exactly_once_after_draining(self):
		before = backlog_card()
		# 5,000 records in 5 deliveries; 200 of them are repeats of records of another delivery
		ids = [f"ib-{i}" for i in range(4_800)] + [f"ib-{i}" for i in range(0, 4_000, 20)]
		records = [record(external_id, author=i % 40) for i, external_id in enumerate(ids)]
		for start in range(0, len(records), 1_000):
			answer = self.deliver(json.dumps(records[start : start + 1_000]).encode())
			self.assertEqual(answer, {"queued": 1_000, "rejected": 0})
			self.assertEqual(frappe.local.response.http_status_code, 202)
		self.assertEqual(frappe.db.count("Mention", {"external_id": ("like", "ib-%")}), 0)
		self.assertEqual(buffer.pending_count() - before, 5_000)
		self.assertEqual(backlog_card() - before, 5_000)

		frappe.set_user("Administrator")
		summary = buffer.drain(commit=False)
		self.assertEqual(summary.get("accepted"), 4_800)
		self.assertEqual(summary.get("duplicate"), 200)
		self.assertEqual(frappe.db.count("Mention", {"external_id": ("like", "ib-%")}), 4_800)
		duplicates = frappe.db.sql(
			"""select count(*) from (select external_id from `tabMention` where external_id like 'ib-%%'
			group by platform, external_id having count(*) > 1) d"""
		)[0][0]
		self.assertEqual(duplicates, 0)
		self.assertEqual(buffer.pending_count(), 0)
		self.assertEqual(backlog_card(), 0)

	def test_the_sources_form_shows_its_backlog(self):
		source = frappe.get_doc(
			{"doctype": "Social Source", "source_name": "_ib hook", "platform": "Webhook", "enabled": 1}
		).insert()
		with mock.patch.object(buffer, "enqueue_drain"):
			buffer.buffer_records([record("ib-src-1"), record("ib-src-2")], source=source.name)
			buffer.buffer_records([record("ib-other")])  # another source's (none) rows are not its backlog
		doc = frappe.get_doc("Social Source", source.name)
		doc.run_method("onload")
		self.assertEqual(doc.get_onload().ingest_backlog, 2)
		buffer.drain(commit=False)
		doc = frappe.get_doc("Social Source", source.name)
		doc.run_method("onload")
		self.assertEqual(doc.get_onload().ingest_backlog, 0)

	def test_without_prefer_the_delivery_is_answered_per_record(self):
		answer = self.deliver(json.dumps([record("ib-sync-1")]).encode(), prefer=None)
		self.assertEqual(answer["summary"], {"accepted": 1})
		self.assertEqual(buffer.pending_count(), 0)
		with mock.patch.dict(frappe.conf, {"social_crm_ingest_buffered": 1}):
			answer = self.deliver(json.dumps([record("ib-sync-2")]).encode(), prefer=None)
		self.assertEqual(answer, {"queued": 1, "rejected": 0})

	def test_broken_lines_are_rejected_at_once_and_drain_reaches_the_error_log(self):
		body = "\n".join([json.dumps(record("ib-l1")), "{not json", json.dumps({"platform": "Mastodon"})])
		answer = self.deliver(body.encode())
		self.assertEqual(answer, {"queued": 2, "rejected": 1})
		frappe.set_user("Administrator")
		summary = buffer.drain(commit=False)
		self.assertEqual(summary, {"accepted": 1, "rejected": 1})
		self.assertEqual(buffer.pending_count(), 0)

	def test_a_failing_chunk_is_stored_record_by_record_and_the_bad_record_logged(self):
		records = [record(f"ib-f{i}") for i in range(20)]
		records[7]["text"] = "Orbitex poison"
		self.deliver(json.dumps(records).encode())
		real_ingest = pipeline.Ingestor.ingest

		def ingest(self, posts):
			if any("poison" in p.text for p in posts):
				raise RuntimeError("database hiccup")
			return real_ingest(self, posts)

		frappe.set_user("Administrator")
		with mock.patch.object(pipeline.Ingestor, "ingest", ingest):
			summary = buffer.drain(commit=False)
		self.assertEqual(summary, {"accepted": 19, "failed": 1})
		self.assertEqual(frappe.db.count("Mention", {"external_id": ("like", "ib-f%")}), 19)
		error = frappe.get_last_doc("Social Ingest Error", filters={"external_id": "ib-f7"})
		self.assertEqual(error.origin, "Webhook")
		self.assertIn("database hiccup", error.error)
		self.assertEqual(json.loads(error.payload)["text"], "Orbitex poison")
		self.assertEqual(buffer.pending_count(), 0)

	def test_scheduler_enqueues_drain_jobs_only_while_rows_wait(self):
		with mock.patch.object(frappe, "enqueue") as enqueue:
			buffer.schedule_drain()
			enqueue.assert_not_called()
			buffer.buffer_records([record("ib-s1")])
			enqueue.reset_mock()
			with mock.patch.dict(frappe.conf, {"social_crm_ingest_drainers": 2}):
				buffer.schedule_drain()
		job_ids = [call.kwargs["job_id"] for call in enqueue.call_args_list]
		self.assertEqual(job_ids, [buffer.drain_job_id(0), buffer.drain_job_id(1)])
		self.assertTrue(all(call.kwargs["deduplicate"] for call in enqueue.call_args_list))

	def test_a_chunk_the_database_rolled_back_is_taken_again_not_dropped(self):
		# drain_chunk answers "retried" when a deadlock with another drainer rolled its transaction
		# back (its rows were not deleted): drain tries again, and gives up after MAX_LOST_CHUNKS
		answers = iter([(3, {buffer.RETRIED: 3}), (3, {"accepted": 3}), (0, {})])
		with mock.patch.object(buffer, "drain_chunk", side_effect=lambda **kw: next(answers)):
			with mock.patch.object(buffer.time, "sleep"):
				self.assertEqual(buffer.drain(), {"accepted": 3})
		with mock.patch.object(buffer, "drain_chunk", return_value=(3, {buffer.RETRIED: 3})) as chunk:
			with mock.patch.object(buffer.time, "sleep"):
				self.assertEqual(buffer.drain(), {})
		self.assertEqual(chunk.call_count, buffer.MAX_LOST_CHUNKS + 1)

	def test_a_deadlock_leaves_the_chunk_pending(self):
		import pymysql

		self.deliver(json.dumps([record("ib-d1")]).encode())
		frappe.set_user("Administrator")
		deadlock = pymysql.err.OperationalError(1213, "Deadlock found when trying to get lock")
		with mock.patch.object(pipeline.Ingestor, "ingest", side_effect=deadlock):
			with mock.patch.object(frappe.db, "rollback") as rollback:
				claimed, summary = buffer.drain_chunk(commit=True)
		self.assertEqual((claimed, summary), (1, {buffer.RETRIED: 1}))
		rollback.assert_called_once_with()  # the whole transaction, not a savepoint
		self.assertEqual(buffer.pending_count(), 1)  # (rollback mocked: the row is still there)


class TestConcurrentDrainers(SocialCRMTestCase):
	"""Two drainers with their own database connections: every record stored once.

	The buffer must be committed for other connections to see it, so this test commits and
	removes what it stored in tearDown.
	"""

	PREFIX = "ibc-"
	COUNT = 1_500

	def setUp(self):
		self.rule = frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_ibc Orbitex", "kind": "Brand", "terms": "orbitex"}
		).insert()
		records = [record(f"{self.PREFIX}{i}", author=100 + i % 5) for i in range(self.COUNT)]
		with mock.patch.object(buffer, "enqueue_drain"):
			buffer.buffer_records(records)
		frappe.db.commit()  # nosemgrep: other connections must see the buffer

	def tearDown(self):
		frappe.db.rollback()
		mentions = frappe.get_all("Mention", {"external_id": ("like", f"{self.PREFIX}%")}, pluck="name")
		profiles = frappe.get_all("Social Profile", {"handle": ("like", "ib1%@burst.example")}, pluck="name")
		for start in range(0, len(mentions), 500):
			names = mentions[start : start + 500]
			frappe.db.delete("Mention Rule Match", {"parent": ("in", names)})
			frappe.db.delete("Mention", {"name": ("in", names)})
		for name in profiles:
			frappe.delete_doc("Social Profile", name, force=True, ignore_permissions=True)
		frappe.db.delete(buffer.BUFFER, {"payload": ("like", f'%"{self.PREFIX}%')})
		frappe.delete_doc("Listening Rule", self.rule.name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: remove what the committed test stored

	def test_two_drainers_store_each_record_exactly_once(self):
		site = frappe.local.site
		sites_path = frappe.local.sites_path
		results: dict[int, dict] = {}
		errors: list[str] = []

		def work(number: int):
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				results[number] = buffer.drain(chunk=100)
			except Exception as exc:
				errors.append(repr(exc))
			finally:
				frappe.destroy()

		with mock.patch.object(pipeline, "enqueue_enrichment"):
			threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
			for thread in threads:
				thread.start()
			for thread in threads:
				thread.join(timeout=600)
		self.assertEqual(errors, [])
		self.assertEqual(sum(sum(r.values()) for r in results.values()), self.COUNT)
		self.assertEqual(sum(r.get("accepted", 0) for r in results.values()), self.COUNT)
		frappe.db.rollback()  # a fresh snapshot
		self.assertEqual(frappe.db.count("Mention", {"external_id": ("like", f"{self.PREFIX}%")}), self.COUNT)
		duplicates = frappe.db.sql(
			"""select count(*) from (select external_id from `tabMention` where external_id like 'ibc-%%'
			group by platform, external_id having count(*) > 1) d"""
		)[0][0]
		self.assertEqual(duplicates, 0)
		self.assertEqual(buffer.pending_count(), 0)

	def test_an_author_created_meanwhile_by_another_worker_is_used_not_failed(self):
		"""This transaction's snapshot predates the other worker's commit of the same author."""
		handle = "ib-race@burst.example"
		frappe.db.sql("select name from `tabSocial Profile` limit 1")  # the snapshot starts here
		site, sites_path = frappe.local.site, frappe.local.sites_path

		def other_worker():
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				frappe.get_doc(
					{
						"doctype": "Social Profile",
						"platform": "Mastodon",
						"external_id": handle,
						"handle": handle,
					}
				).insert(ignore_permissions=True)
				frappe.db.commit()  # nosemgrep: the other worker's transaction
			finally:
				frappe.destroy()

		thread = threading.Thread(target=other_worker)
		thread.start()
		thread.join(timeout=60)
		try:
			from social_crm.engine.records import Post

			post = Post.from_dict(record("ibc-race-1", author=0) | {"author": {"handle": handle}})
			ingestor = pipeline.Ingestor(origin="Webhook", enrichment="none")
			frappe.db.savepoint("social_crm_profile")
			profile = ingestor._create_profile(post, post)
			self.assertEqual(
				profile.name, frappe.db.get_value("Social Profile", {"external_id": handle}, for_update=True)
			)
		finally:
			frappe.db.rollback()
			frappe.db.delete("Social Profile", {"external_id": handle})
			frappe.db.commit()  # nosemgrep: remove the other worker's profile
