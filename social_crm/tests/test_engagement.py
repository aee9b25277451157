"""Working mentions: assignment sync, Responded / Ignored, first-response time, replies."""

import json
from datetime import timedelta
from unittest import mock

import responses

import frappe
from frappe.desk.form import assign_to
from frappe.utils import get_datetime, now_datetime

from social_crm.api import engagement
from social_crm.clock import minutes_between, reset_cache, site_to_utc
from social_crm.engagement.assignment import remove_assignment, update_assignee
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_mention, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

AGENT = "engage-agent@example.com"
AGENT2 = "engage-agent2@example.com"
VIEWER = "engage-viewer@example.com"
INSTANCE = "https://mastodon.example"


class TestEngagement(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# Frappe mails an assignee at once (frappe.sendmail now=True) and sending an Email Queue
		# commits: without the mail nothing of this class is committed (it is rolled back after it)
		cls._no_assignment_mail = mock.patch("frappe.desk.form.assign_to.notify_assignment")
		cls._no_assignment_mail.start()
		frappe.set_user("Administrator")
		make_user(AGENT, ["Social CRM User"])
		make_user(AGENT2, ["Social CRM User"])
		make_user(VIEWER, ["Sales User"])

	@classmethod
	def tearDownClass(cls):
		cls._no_assignment_mail.stop()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- assignment ---------------------------------------------------------------------------

	def test_assigned_to_follows_frappe_assignments(self):
		mention = make_mention("eng-assign-1")
		assign_to.add({"assign_to": [AGENT], "doctype": "Mention", "name": mention.name})
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "assigned_to"), AGENT)
		self.assertIn(AGENT, json.loads(frappe.db.get_value("Mention", mention.name, "_assign")))

		assign_to.add({"assign_to": [AGENT2], "doctype": "Mention", "name": mention.name})
		assigned, assign = frappe.db.get_value("Mention", mention.name, ["assigned_to", "_assign"])
		self.assertEqual(sorted(json.loads(assign)), [AGENT2, AGENT])
		self.assertEqual(assigned, AGENT2)  # the newest, as Frappe sets it
		self.assertEqual(assigned, json.loads(assign)[-1])

		# removing one assignment keeps the other (Frappe alone would clear the field)
		remove_assignment("Mention", mention.name, AGENT2)
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "assigned_to"), AGENT)

		todo = frappe.get_last_doc("ToDo", {"reference_name": mention.name, "allocated_to": AGENT})
		todo.delete(ignore_permissions=True)
		self.assertIsNone(frappe.db.get_value("Mention", mention.name, "assigned_to"))
		self.assertIsNone(update_assignee(mention.name))

	def test_assignment_rule_assigns_new_mentions(self):
		rule = frappe.get_doc(
			{
				"doctype": "Assignment Rule",
				"name": "_Test Mention Triage",
				"document_type": "Mention",
				"priority": 1,
				"assign_condition": "status == 'New'",
				"rule": "Round Robin",
				"users": [{"user": AGENT2}],
				"assignment_days": [
					{"day": day}
					for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
				],
			}
		).insert(ignore_permissions=True)
		try:
			mention = make_mention("eng-rule-1")
			self.assertEqual(frappe.db.get_value("Mention", mention.name, "assigned_to"), AGENT2)
		finally:
			rule.delete(ignore_permissions=True)

	# --- Responded / Ignored ------------------------------------------------------------------

	def test_mark_responded_records_first_response_once(self):
		mention = make_mention("eng-resp-1", minutes_ago=90)
		frappe.set_user(AGENT)
		result = engagement.mark_responded(mention.name)
		self.assertEqual(result["status"], "Responded")
		doc = frappe.get_doc("Mention", mention.name)
		self.assertEqual(doc.status, "Responded")
		self.assertAlmostEqual(doc.response_minutes, 90, delta=1)
		expected = minutes_between(get_datetime(doc.posted_at), site_to_utc(doc.first_response_at))
		self.assertAlmostEqual(doc.response_minutes, expected, places=1)
		first = doc.first_response_at

		# ignoring and responding again never moves the first response
		engagement.mark_ignored(mention.name)
		doc.reload()
		self.assertEqual(doc.status, "Ignored")
		doc.first_response_at = now_datetime() + timedelta(days=1)
		doc.status = "Responded"
		doc.save()
		self.assertEqual(doc.first_response_at, first)
		self.assertAlmostEqual(doc.response_minutes, expected, places=1)

	def test_first_response_time_is_measured_in_utc_on_any_site_time_zone(self):
		for zone in ("Europe/Berlin", "America/New_York", "Asia/Kolkata"):
			with self.subTest(zone=zone):
				self._set_time_zone(zone)
				mention = make_mention(f"eng-tz-{zone}", minutes_ago=30)  # posted_at in UTC
				engagement.mark_responded(mention.name)
				doc = frappe.get_doc("Mention", mention.name)
				self.assertAlmostEqual(doc.response_minutes, 30, delta=1)
				# first_response_at is the site's clock, as every desk time stamp
				self.assertLess(
					abs((get_datetime(doc.first_response_at) - now_datetime()).total_seconds()), 120
				)

	def _set_time_zone(self, zone: str) -> None:
		previous = frappe.db.get_single_value("System Settings", "time_zone")
		frappe.db.set_single_value("System Settings", "time_zone", zone)
		reset_cache()

		def restore():
			frappe.db.set_single_value("System Settings", "time_zone", previous)
			reset_cache()

		self.addCleanup(restore)

	def test_ignored_mentions_have_no_response_time(self):
		mention = make_mention("eng-ign-1", minutes_ago=10)
		engagement.mark_ignored(mention.name)
		doc = frappe.get_doc("Mention", mention.name)
		self.assertEqual(doc.status, "Ignored")
		self.assertIsNone(doc.first_response_at)

	def test_actions_need_write_permission(self):
		mention = make_mention("eng-perm-1")
		frappe.set_user(VIEWER)
		with self.assertRaises(frappe.PermissionError):
			engagement.mark_responded(mention.name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "status"), "New")
		with self.assertRaises(frappe.ValidationError):
			from social_crm.engagement.response import set_work_status

			set_work_status(mention.name, "Converted")

	def test_bulk_status(self):
		names = [make_mention(f"eng-bulk-{i}").name for i in range(3)]
		frappe.set_user(AGENT)
		result = engagement.bulk_set_status(json.dumps(names), "Ignored")
		self.assertEqual(sorted(result["done"]), sorted(names))
		self.assertEqual(set(frappe.get_all("Mention", {"name": ("in", names)}, pluck="status")), {"Ignored"})
		frappe.set_user(VIEWER)
		result = engagement.bulk_set_status(names, "Responded")
		self.assertEqual(result["done"], [])
		self.assertEqual(sorted(result["failed"]), sorted(names))

	# --- replies ------------------------------------------------------------------------------

	def make_source(self, name, platform, **kwargs):
		if frappe.db.exists("Social Source", name):
			return frappe.get_doc("Social Source", name)
		return frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": name,
				"platform": platform,
				"poll_frequency": 15,
				**kwargs,
			}
		).insert(ignore_permissions=True)

	@responses.activate
	def test_reply_on_mastodon_is_stored_and_marks_responded(self):
		source = self.make_source("_Test Reply Mastodon", "Mastodon", base_url=INSTANCE, api_key="tok-123")
		status = {
			"id": "1099",
			"uri": f"{INSTANCE}/users/carol/statuses/1099",
			"url": f"{INSTANCE}/@carol/1099",
			"account": {"acct": "carol"},
		}
		mention = make_mention(
			status["uri"],
			source=source.name,
			author_handle="carol@mastodon.example",
			raw_payload=json.dumps(status),
			minutes_ago=30,
		)
		responses.post(
			f"{INSTANCE}/api/v1/statuses",
			json={
				"id": "2000",
				"uri": f"{INSTANCE}/users/acme/statuses/2000",
				"url": f"{INSTANCE}/@acme/2000",
			},
		)
		frappe.set_user(AGENT)
		result = engagement.reply(mention.name, "Thanks Carol, fixed!")

		self.assertEqual(result["reply_url"], f"{INSTANCE}/@acme/2000")
		request = responses.calls[0].request
		self.assertEqual(request.headers["Authorization"], "Bearer tok-123")
		self.assertIn("in_reply_to_id=1099", request.body)
		doc = frappe.get_doc("Mention", mention.name)
		self.assertEqual(doc.status, "Responded")
		self.assertTrue(doc.first_response_at)
		self.assertEqual(len(doc.sent_replies), 1)
		self.assertEqual(doc.sent_replies[0].text, "Thanks Carol, fixed!")
		self.assertEqual(doc.sent_replies[0].sent_by, AGENT)
		self.assertTrue(
			frappe.db.exists("Comment", {"reference_doctype": "Mention", "reference_name": mention.name})
		)

	@responses.activate
	def test_failed_reply_changes_nothing(self):
		source = self.make_source("_Test Reply Mastodon", "Mastodon", base_url=INSTANCE, api_key="tok-123")
		status = {"id": "1100", "uri": f"{INSTANCE}/users/dan/statuses/1100"}
		mention = make_mention(status["uri"], source=source.name, raw_payload=json.dumps(status))
		responses.post(f"{INSTANCE}/api/v1/statuses", status=422, json={"error": "Validation failed"})
		with self.assertRaises(frappe.ValidationError):
			engagement.reply(mention.name, "hello")
		doc = frappe.get_doc("Mention", mention.name)
		self.assertEqual(doc.status, "New")
		self.assertEqual(doc.sent_replies, [])
		with self.assertRaises(frappe.ValidationError):
			engagement.reply(mention.name, "x" * 501)

	def test_reply_only_where_the_platform_allows(self):
		mention = make_mention("eng-reply-3", platform="Reddit")
		with self.assertRaises(frappe.ValidationError):
			engagement.reply(mention.name, "hello")
		frappe.set_user(VIEWER)
		with self.assertRaises(frappe.PermissionError):
			engagement.reply(mention.name, "hello")
