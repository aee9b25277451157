# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import json

import frappe
from frappe.utils import add_to_date, now_datetime

from social_crm.clock import reset_cache
from social_crm.privacy import is_suppressed
from social_crm.privacy.retention import mark_interrupted, preview, run_policy, target_available
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def make_policy(name: str, **kwargs) -> "frappe.Document":
	values = {
		"doctype": "Social Retention Policy",
		"policy_name": name,
		"target": "Mention",
		"action": "Anonymize",
		"keep_days": 90,
		"age_field": "posted_at",
		"linked": "No",
		**kwargs,
	}
	return frappe.get_doc(values).insert(ignore_permissions=True)


def old_mention(external_id: str, days: int = 200, **kwargs):
	return make_mention(external_id, minutes_ago=days * 24 * 60, **kwargs)


class TestSocialRetentionPolicy(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = make_customer("_Test Retention Customer").name
		# Policies of other tests (and the defaults) must not touch this class's rows by accident:
		# every test uses its own platform.

	def test_bad_policies_get_clear_errors(self):
		cases = [
			({"keep_days": -5}, "Keep for Days must be a whole number from 1"),
			({"keep_days": 0}, "Keep for Days must be a whole number from 1"),
			({"linked": "Any"}, "This policy has no conditions"),
			({"applies_to_all": 1}, "cannot also have conditions"),
			(
				{"target": "Idea", "linked": "Any", "statuses": "Open", "age_field": "creation"},
				"cannot be anonymized",
			),
			({"target": "Ingest Error", "action": "Delete", "age_field": "creation"}, "never linked"),
			({"age_field": "first_seen"}, "Count Days From must be one of"),
			({"platform": "Myspace2"}, "platform"),
			({"statuses": "Archived"}, "Unknown status"),
		]
		for i, (values, message) in enumerate(cases):
			with self.subTest(message=message):
				with self.assertRaises(frappe.ValidationError) as ctx:
					make_policy(f"_Test bad policy {i}", **values)
				self.assertIn(message, str(ctx.exception))

	def test_unknown_target_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_policy("_Test bad target", target="Tweets")
		self.assertIn("Tweets", str(ctx.exception))

	def test_defaults_exist_and_are_recreated_only_when_missing(self):
		from social_crm.install import create_default_retention_policies

		names = [
			"Unlinked mentions after 90 days",
			"Linked mentions after 2 years",
			"Ingest error logs after 30 days",
			"Raw payloads after 30 days",
		]
		create_default_retention_policies()
		for name in names:
			self.assertTrue(frappe.db.exists("Social Retention Policy", name))
		frappe.db.set_value("Social Retention Policy", names[0], "keep_days", 120)
		frappe.delete_doc("Social Retention Policy", names[2], ignore_permissions=True)
		self.assertEqual(create_default_retention_policies(), [names[2]])
		self.assertEqual(frappe.db.get_value("Social Retention Policy", names[0], "keep_days"), 120)

	def test_conditions_are_normalized_and_described(self):
		policy = make_policy("_Test normalized", platform="mastodon, HN", statuses="new,ignored")
		self.assertEqual(policy.platform, "Mastodon, Hacker News")
		self.assertEqual(policy.statuses, "New, Ignored")
		self.assertIn("unlinked", policy.description)

	def test_run_anonymizes_exactly_what_preview_said_and_logs_it(self):
		author = make_profile("ret-a1", platform="Reddit", display_name="Xaver Quast", handle="xquast")
		expired = [
			old_mention(f"ret-a-old{i}", author=author.name, platform="Reddit", text=f"Xaver Quast says {i}")
			for i in range(3)
		]
		linked_author = make_profile("ret-a2", platform="Reddit", party_type="Customer", party=self.customer)
		linked = old_mention("ret-a-linked", author=linked_author.name, platform="Reddit")
		recent = make_mention("ret-a-new", author=author.name, platform="Reddit")
		policy = make_policy("_Test anonymize reddit", platform="Reddit")

		self.assertEqual(policy.preview()["count"], 3)
		# preview changes nothing
		self.assertEqual(
			frappe.db.count("Mention", {"name": ("in", [m.name for m in expired]), "anonymized": 1}), 0
		)

		result = run_policy(policy.name, size=2)
		self.assertEqual(result["count"], 3)
		self.assertEqual(result["batches"], 2)
		for mention in expired:
			row = frappe.db.get_value(
				"Mention",
				mention.name,
				["text", "author", "anonymized", "platform", "sentiment"],
				as_dict=True,
			)
			self.assertEqual(row.anonymized, 1)
			self.assertFalse(row.author)
			self.assertNotIn("Xaver", row.text)
			self.assertIn("[name] says", row.text)
			self.assertEqual(row.platform, "Reddit")  # kept for statistics
		self.assertEqual(frappe.db.get_value("Mention", linked.name, "anonymized"), 0)
		self.assertEqual(frappe.db.get_value("Mention", recent.name, "anonymized"), 0)
		self.assertEqual(preview(policy)["count"], 0)

		log = frappe.get_doc("Social Privacy Log", result["log"])
		self.assertEqual(
			(log.event, log.status, log.policy, log.action, log.record_count, log.performed_by),
			("Retention Run", "Success", policy.name, "Anonymize", 3, "Administrator"),
		)
		self.assertEqual(json.loads(log.details)["count"], 3)
		self.assertEqual(frappe.db.get_value("Social Retention Policy", policy.name, "last_run_count"), 3)

		# the same old post polled again is not stored again
		from social_crm.engine.records import Author, Post

		post = Post("reddit", "ret-a-old0", Author("ret-a1", handle="xquast"), "again", now_datetime())
		self.assertTrue(is_suppressed(post))
		fresh = Post("Reddit", "ret-a-other", Author("ret-zz", handle="someone"), "new", now_datetime())
		self.assertFalse(is_suppressed(fresh))

	def test_delete_run_removes_rows_with_their_child_rows(self):
		rule = frappe.get_doc(
			{
				"doctype": "Listening Rule",
				"rule_name": "_Test retention rule",
				"kind": "Brand",
				"terms": "brand",
			}
		)
		rule.insert(ignore_permissions=True)
		doomed = [
			old_mention(
				f"ret-d{i}",
				platform="Bluesky",
				status="Ignored",
				matched_rules=[{"listening_rule": rule.name, "kind": "Brand"}],
			)
			for i in range(3)
		]
		kept = old_mention("ret-d-kept", platform="Bluesky", status="New")
		policy = make_policy(
			"_Test delete ignored bluesky",
			action="Delete",
			platform="Bluesky",
			statuses="Ignored",
			linked="Any",
		)
		names = [m.name for m in doomed]
		self.assertEqual(frappe.db.count("Mention Rule Match", {"parent": ("in", names)}), 3)
		self.assertEqual(preview(policy)["count"], 3)
		self.assertEqual(run_policy(policy.name)["count"], 3)
		self.assertFalse(frappe.db.exists("Mention", {"name": ("in", names)}))
		self.assertEqual(frappe.db.count("Mention Rule Match", {"parent": ("in", names)}), 0)
		self.assertTrue(frappe.db.exists("Mention", kept.name))

	def test_raw_payloads_are_cleared_not_deleted(self):
		mention = old_mention("ret-raw", platform="YouTube", raw_payload=json.dumps({"author": "secret"}))
		policy = make_policy(
			"_Test raw yt",
			target="Raw Payload",
			action="Delete",
			platform="YouTube",
			linked="Any",
			age_field="creation",
			keep_days=1,
		)
		frappe.db.set_value("Mention", mention.name, "creation", add_to_date(now_datetime(), days=-5))
		self.assertEqual(preview(policy)["count"], 1)
		self.assertEqual(run_policy(policy.name)["count"], 1)
		self.assertTrue(frappe.db.exists("Mention", mention.name))
		self.assertFalse(frappe.db.get_value("Mention", mention.name, "raw_payload"))

	def test_interrupted_run_is_marked_and_continues(self):
		for i in range(5):
			old_mention(f"ret-r{i}", platform="Discourse")
		policy = make_policy("_Test resumable", platform="Discourse")
		first = run_policy(policy.name, size=2, limit=2)
		self.assertEqual(first["count"], 2)
		# a run that died leaves its row "Running"; the next run marks it and finishes the rest
		dead = frappe.get_doc(
			{
				"doctype": "Social Privacy Log",
				"event": "Retention Run",
				"policy": policy.name,
				"status": "Running",
			}
		).insert(ignore_permissions=True)
		second = run_policy(policy.name, size=2)
		self.assertEqual(second["count"], 3)
		self.assertEqual(frappe.db.get_value("Social Privacy Log", dead.name, "status"), "Interrupted")
		self.assertEqual(preview(policy)["count"], 0)
		mark_interrupted(policy.name)  # nothing running: no error

	def test_row_changed_after_it_was_read_is_left_alone(self):
		from social_crm.privacy import store
		from social_crm.privacy.retention import apply_batch, get_plan, prepare_batch

		rows = [old_mention(f"ret-race{i}", platform="Hacker News") for i in range(2)]
		policy = make_policy("_Test race", platform="Hacker News")
		plan = get_plan(policy)
		read = frappe.get_all(
			"Mention", filters=[*plan.filters], fields=store.MENTION_FIELDS, order_by="name"
		)
		self.assertEqual(len(read), 2)
		prepared = prepare_batch(plan, read, {})
		# linked by a job between the read and the write: no longer selected by "unlinked"
		frappe.db.set_value("Mention", rows[0].name, {"party_type": "Customer", "party": self.customer})
		self.assertEqual(apply_batch(plan, read, {}, prepared), 1)
		self.assertEqual(frappe.db.get_value("Mention", rows[0].name, "anonymized"), 0)
		self.assertEqual(frappe.db.get_value("Mention", rows[1].name, "anonymized"), 1)

	def test_run_walks_each_platform_in_post_time_order(self):
		from social_crm.privacy.retention import _indexed, _walks, get_plan

		# names sort against post time (the walk must not rely on name order); three share a second
		posted = [400, 300, 300, 300, 200, 100]
		rows = [
			old_mention(f"ret-walk-{i}", days=days, platform=("X", "Facebook")[i % 2])
			for i, days in enumerate(posted)
		]
		same = add_to_date(rows[1].posted_at, seconds=0)
		for row in rows[1:4]:
			frappe.db.set_value("Mention", row.name, "posted_at", same)
		kept = make_mention("ret-walk-new", platform="X")
		policy = make_policy("_Test walk", platform="X, Facebook")
		plan = get_plan(policy)
		self.assertTrue(_indexed("Mention", ["platform", "posted_at"]))
		self.assertEqual(
			_walks(plan, "posted_at"), [[("platform", "=", "X")], [("platform", "=", "Facebook")]]
		)
		self.assertEqual(preview(policy)["count"], 6)

		result = run_policy(policy.name, size=1)
		self.assertEqual(result["count"], 6)
		self.assertEqual(result["batches"], 6)
		names = [r.name for r in rows]
		self.assertEqual(frappe.db.count("Mention", {"name": ("in", names), "anonymized": 1}), 6)
		self.assertEqual(frappe.db.get_value("Mention", kept.name, "anonymized"), 0)
		self.assertEqual(preview(policy)["count"], 0)

	def test_batches_are_read_in_age_then_name_order(self):
		from social_crm.privacy import store
		from social_crm.privacy.retention import get_plan, read_batch

		rows = [old_mention(f"ret-order-{i}", days=300 - i, platform="Instagram") for i in range(4)]
		tie = rows[1].posted_at
		frappe.db.set_value("Mention", rows[2].name, "posted_at", tie)
		plan = get_plan(make_policy("_Test order", platform="Instagram"))
		walk = [("platform", "=", "Instagram")]
		seen, last = [], None
		while batch := read_batch(plan, walk, store.MENTION_FIELDS, "posted_at", last, 1):
			seen.append(batch[0].name)
			last = batch[-1]
		tied = sorted([rows[1].name, rows[2].name])
		self.assertEqual(seen, [rows[0].name, *tied, rows[3].name])

	def test_posted_at_ages_are_counted_in_utc_on_any_site_time_zone(self):
		for zone, platform in (("America/New_York", "XING"), ("Asia/Kolkata", "LinkedIn")):
			with self.subTest(zone=zone):
				self._set_time_zone(zone)
				# posted_at is UTC: 90 days and 2 hours ago has expired, 90 days less 2 hours has not
				expired = make_mention(
					f"ret-tz-old-{platform}", minutes_ago=90 * 24 * 60 + 120, platform=platform
				)
				kept = make_mention(
					f"ret-tz-new-{platform}", minutes_ago=90 * 24 * 60 - 120, platform=platform
				)
				policy = make_policy(f"_Test tz {zone}", platform=platform)
				self.assertEqual(preview(policy)["count"], 1)
				self.assertEqual(run_policy(policy.name)["count"], 1)
				self.assertEqual(frappe.db.get_value("Mention", expired.name, "anonymized"), 1)
				self.assertEqual(frappe.db.get_value("Mention", kept.name, "anonymized"), 0)

	def _set_time_zone(self, zone: str) -> None:
		previous = frappe.db.get_single_value("System Settings", "time_zone")
		frappe.db.set_single_value("System Settings", "time_zone", zone)
		reset_cache()

		def restore():
			frappe.db.set_single_value("System Settings", "time_zone", previous)
			reset_cache()

		self.addCleanup(restore)

	def test_missing_target_doctype_is_skipped(self):
		self.assertFalse(target_available("No Such Ingest Log"))
		self.assertTrue(target_available("Mention"))

	def test_scheduler_runs_retention_daily_long(self):
		hooks = frappe.get_hooks("scheduler_events")
		self.assertIn("social_crm.privacy.jobs.apply_retention_policies", hooks.get("daily_long", []))
		self.assertIn("social_crm.privacy.jobs.refresh_expired_consents", hooks.get("daily", []))

	def test_only_managers_run_policies(self):
		policy = make_policy("_Test perms", platform="RSS")
		make_user("retention-user@example.com", ["Social CRM User"])
		frappe.set_user("retention-user@example.com")
		try:
			self.assertIn("count", frappe.get_doc("Social Retention Policy", policy.name).preview())
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc("Social Retention Policy", policy.name).run_now()
		finally:
			frappe.set_user("Administrator")
