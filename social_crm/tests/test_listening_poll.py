"""Polling real Social Sources against a loopback Mastodon: pages, cursor, 429/5xx, errors, health."""

from unittest import mock

import frappe
from frappe.utils import add_to_date, now_datetime

from social_crm.listening import jobs
from social_crm.listening.jobs import is_due, poll_source, schedule_polls
from social_crm.listening.pipeline import Ingestor
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.fake_mastodon import FakeMastodon, fixture_statuses, rewrite

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class CommitRecorder:
	"""Stands in for the poll job's commit: records what was stored at each commit, keeps the
	test transaction open (FrappeTestCase rolls back at the end of the class)."""

	def __init__(self, source: str, prefix: str):
		self.source = source
		self.prefix = prefix
		self.snapshots: list[tuple[str | None, int]] = []

	def __call__(self):
		cursor = frappe.db.get_value("Social Source", self.source, "cursor")
		stored = frappe.db.count("Mention", {"source": self.source})
		self.snapshots.append((cursor, stored))
		frappe.db.savepoint(jobs.PAGE_SAVEPOINT)


class TestPolling(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_poll acme", "kind": "Brand", "terms": "acme\n#acme"}
		).insert()

	def setUp(self):
		# The fake Mastodon listens on 127.0.0.1 (plain http): this site allows private hosts,
		# as an on-premise installation would (docs/security.md).
		switch = mock.patch.dict(frappe.conf, {"social_crm_allow_private_hosts": 1})
		switch.start()
		self.addCleanup(switch.stop)

	def make_source(self, name: str, base_url: str, **kwargs):
		return frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": name,
				"platform": "Mastodon",
				"base_url": base_url,
				"query": "#acme",
				"options": '{"page_size": 3}',
				"poll_frequency": 5,
				**kwargs,
			}
		).insert()

	def poll(self, source: str, prefix: str) -> tuple[dict, CommitRecorder]:
		recorder = CommitRecorder(source, prefix)
		with mock.patch.object(jobs, "_commit", recorder):
			summary = poll_source(source, ingestor=Ingestor(source=source, enrichment="none"))
		return summary, recorder

	def stored(self, source: str) -> list[str]:
		return sorted(frappe.get_all("Mention", filters={"source": source}, pluck="external_id"))

	def test_poll_stores_matching_posts_once_and_logs_bad_items(self):
		prefix = "p1"
		with FakeMastodon(fixture_statuses(prefix)) as server:
			server.add(
				rewrite(
					{
						"id": "112300000000000008",
						"uri": "https://mastodon.social/users/carol/statuses/8",
						"url": "https://mastodon.social/@carol/8",
						"created_at": "2026-11-21T09:00:00.000Z",
						"content": "<p>tagged but about something else entirely</p>",
						"language": "en",
						"account": {
							"id": "9",
							"acct": "carol",
							"username": "carol",
							"url": "https://mastodon.social/@carol",
						},
					},
					prefix,
				)
			)
			source = self.make_source("_poll source 1", server.base_url)
			summary, recorder = self.poll(source.name, prefix)
			self.assertIsNone(summary["error"])
			# 8 valid statuses minus 1 that no rule matches; 1 malformed (no account) went to the log
			self.assertEqual(summary["accepted"], 7)
			self.assertEqual(summary["dropped"], 1)
			self.assertEqual(summary["rejected_items"], 1)
			first = self.stored(source.name)
			self.assertEqual(len(first), 7)
			self.assertEqual(len(set(first)), 7)
			error = frappe.get_last_doc("Social Ingest Error", filters={"source": source.name})
			self.assertEqual(error.payload_format, "Platform")
			self.assertIn("no account", error.error)

			source.reload()
			self.assertEqual(source.health, "Healthy")
			self.assertTrue(source.cursor)
			self.assertTrue(source.last_success)
			self.assertIn("7 accepted", source.last_poll_summary)

			# the cursor moved only with saved posts: at each commit, the stored count never went down
			counts = [count for _, count in recorder.snapshots]
			self.assertEqual(counts, sorted(counts))

			# a second poll stores nothing twice and asks only for newer items
			server.requests.clear()
			summary, _ = self.poll(source.name, prefix)
			self.assertEqual(summary.get("accepted", 0), 0)
			self.assertEqual(self.stored(source.name), first)
			self.assertTrue(any("since_id=" in path for path in server.requests))

			# a new post arrives: only it is stored
			server.add(
				rewrite(
					{
						**frappe.parse_json(frappe.as_json(server.statuses[0])),
						"id": "112300000000000009",
						"uri": "https://mastodon.social/users/alice/statuses/9",
						"content": "<p>acme 2.0 is here</p>",
					},
					prefix,
				)
			)
			summary, _ = self.poll(source.name, prefix)
			self.assertEqual(summary["accepted"], 1)
			self.assertEqual(len(self.stored(source.name)), 8)

	def test_429_and_5xx_are_survived_without_loss(self):
		prefix = "p2"
		with FakeMastodon(fixture_statuses(prefix)) as server:
			source = self.make_source("_poll source 2", server.base_url)
			server.fail(429, times=1, retry_after="0")
			server.fail(503, times=2, retry_after="0")
			summary, _ = self.poll(source.name, prefix)
			self.assertIsNone(summary["error"])
			self.assertEqual(len(self.stored(source.name)), 7)
			self.assertEqual(frappe.db.get_value("Social Source", source.name, "health"), "Healthy")

	def test_failure_mid_poll_keeps_saved_pages_and_resumes(self):
		prefix = "p3"
		with FakeMastodon(fixture_statuses(prefix)) as server:
			source = self.make_source("_poll source 3", server.base_url)
			real_timeline = server.timeline
			calls = {"n": 0}

			def second_page_down(tag, params):
				calls["n"] += 1
				if calls["n"] == 1:  # page 1 is served, every request after it fails
					server.fail(500, times=10, retry_after="0")
				return real_timeline(tag, params)

			server.timeline = second_page_down
			summary, recorder = self.poll(source.name, prefix)
			self.assertIn("HTTP 500", summary["error"])
			saved = self.stored(source.name)
			self.assertEqual(len(saved), 3)  # page 1 was saved and committed with its cursor
			cursor_after_page_1 = recorder.snapshots[1][0]
			self.assertEqual(frappe.db.get_value("Social Source", source.name, "cursor"), cursor_after_page_1)
			source.reload()
			self.assertEqual(source.consecutive_failures, 1)
			self.assertEqual(source.health, "Degraded")
			self.assertIn("HTTP 500", source.last_error)

			server.faults.clear()
			server.timeline = real_timeline
			summary, _ = self.poll(source.name, prefix)
			self.assertIsNone(summary["error"])
			final = self.stored(source.name)
			self.assertEqual(len(final), 7)
			self.assertEqual(len(set(final)), 7)
			source.reload()
			self.assertEqual((source.consecutive_failures, source.health), (0, "Healthy"))

	def test_pipeline_failure_does_not_advance_the_cursor(self):
		prefix = "p4"
		with FakeMastodon(fixture_statuses(prefix)) as server:
			source = self.make_source("_poll source 4", server.base_url)
			real_ingest = Ingestor.ingest
			pages = {"n": 0}

			def ingest_then_crash(self, posts):
				pages["n"] += 1
				result = real_ingest(self, posts)
				if pages["n"] == 2:
					raise RuntimeError("database went away")
				return result

			with mock.patch.object(Ingestor, "ingest", ingest_then_crash):
				summary, recorder = self.poll(source.name, prefix)
			self.assertIn("database went away", summary["error"])
			# page 2's posts were rolled back with the crash, and the cursor is page 1's
			self.assertEqual(len(self.stored(source.name)), 3)
			self.assertEqual(
				frappe.db.get_value("Social Source", source.name, "cursor"), recorder.snapshots[1][0]
			)
			summary, _ = self.poll(source.name, prefix)
			self.assertEqual(len(self.stored(source.name)), 7)

	def test_rate_limit_reschedules_and_repeated_failures_show_failing(self):
		with FakeMastodon([]) as server:
			source = self.make_source("_poll source 5", server.base_url)
			server.fail(429, times=1, retry_after="3600")
			summary, _ = self.poll(source.name, "p5")
			self.assertIn("rate limited", summary["error"])
			source.reload()
			self.assertEqual(source.consecutive_failures, 0)
			self.assertEqual(source.health, "Degraded")
			self.assertGreater(source.next_poll_after, add_to_date(now_datetime(), minutes=50))
			self.assertFalse(is_due(source))

			frappe.db.set_value("Social Source", source.name, "next_poll_after", None)
			for _ in range(3):
				server.fail(401, times=1)
				self.poll(source.name, "p5")
			source.reload()
			self.assertEqual(source.consecutive_failures, 3)
			self.assertEqual(source.health, "Failing")
			self.assertIn("credentials", source.last_error)

	def test_scheduler_enqueues_due_sources_once(self):
		with FakeMastodon([]) as server:
			due = self.make_source("_poll due", server.base_url)
			recent = self.make_source("_poll recent", server.base_url)
			frappe.db.set_value("Social Source", recent.name, "last_polled", now_datetime())
			frappe.db.set_value(
				"Social Source", due.name, "last_polled", add_to_date(now_datetime(), minutes=-6)
			)
			with mock.patch("frappe.enqueue") as enqueue:
				queued = schedule_polls()
			self.assertIn(due.name, queued)
			self.assertNotIn(recent.name, queued)
			call = next(c for c in enqueue.call_args_list if c.kwargs.get("source") == due.name)
			self.assertEqual(call.kwargs["queue"], "long")
			self.assertTrue(call.kwargs["deduplicate"])
			self.assertEqual(call.kwargs["job_id"], f"social_crm:poll:{due.name}")

	def test_test_connection_and_source_config(self):
		with FakeMastodon([]) as server:
			source = self.make_source("_poll conn", server.base_url, query="", api_key="tok")
			message = source.test_connection()
			self.assertIn("Connected to", message)
			from social_crm.listening.sources import source_config

			config = source_config(source)
			self.assertIn("acme", config.hashtags)  # from the listening rule's #acme
			self.assertIn("acme", config.query_terms)
			self.assertEqual(config.credentials["token"], "tok")

			server.fail(401, times=1)
			with self.assertRaises(frappe.ValidationError):
				source.test_connection()

	def test_credentials_are_checked_on_save(self):
		with self.assertRaises(frappe.MandatoryError):
			frappe.get_doc(
				{
					"doctype": "Social Source",
					"source_name": "_poll bsky",
					"platform": "Bluesky",
					"username": "x",
				}
			).insert()
		frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": "_poll bsky ok",
				"platform": "Bluesky",
				"username": "x.bsky.social",
				"app_password": "abcd-efgh",
			}
		).insert()
