"""The three defects of issue 11, each on a real site, each failing on the old behaviour.

- One path in: a Mention created through ``/api/resource/Mention`` (Frappe's REST handler)
  passes the ingest checks (rules, suppression, consent) and is enriched like a polled post.
- One clock: on a site whose time zone is not UTC, windows measured from "now" (alerts,
  retention ages) and post times written by the app are UTC, as ``posted_at`` is.
  (First-response time: ``test_engagement.test_first_response_time_is_measured_in_utc_on_any_site_time_zone``.)
- Missing analysis is normal: every report and chart answers for mentions without sentiment.
"""

import json
from datetime import datetime, timedelta
from unittest import mock

import frappe
from frappe.api import v1 as rest
from frappe.utils import get_datetime, now_datetime

from social_crm.api.social_history import get_social_summary
from social_crm.clock import reset_cache, utc_now
from social_crm.insight import alerts, dashboard
from social_crm.listening.enrichment import enrich_mentions
from social_crm.listening.pipeline import SuppressedMention
from social_crm.privacy.retention import get_plan
from social_crm.social_crm.report.response_times import response_times
from social_crm.social_crm.report.sentiment_trend import sentiment_trend
from social_crm.social_crm.report.share_of_voice import share_of_voice
from social_crm.social_crm.report.top_authors import top_authors
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import insert_mentions, make_rule
from social_crm.tests.utils import make_customer, make_profile

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

ENRICH = "social_crm.listening.enrichment.enrich_mentions"
ZONE = "Asia/Kolkata"  # UTC+05:30 all year: the offset never hides behind a whole hour


def set_time_zone(test: SocialCRMTestCase, zone: str) -> None:
	previous = frappe.db.get_single_value("System Settings", "time_zone")
	frappe.db.set_single_value("System Settings", "time_zone", zone)
	reset_cache()

	def restore():
		frappe.db.set_single_value("System Settings", "time_zone", previous)
		reset_cache()

	test.addCleanup(restore)


class TestRESTMentionOnePathIn(SocialCRMTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		make_rule("quillbrew")

	def tearDown(self):
		frappe.local.form_dict = frappe._dict()
		frappe.db.rollback()

	def post(self, **values):
		"""POST /api/resource/Mention as Frappe's REST handler runs it."""
		payload = {"platform": "Mastodon", "posted_at": "2026-11-20 09:15:00", **values}
		frappe.local.form_dict = frappe._dict(data=json.dumps(payload))
		return rest.create_doc("Mention")

	def test_rest_mention_is_matched_and_enriched(self):
		with mock.patch("frappe.enqueue") as enqueue:
			doc = self.post(
				external_id="rest11-1",
				text="<p>I love the new quillbrew latte, it is wonderful and delicious!</p>",
			)
		self.assertEqual([row.listening_rule for row in doc.matched_rules], ["quillbrew"])
		self.assertEqual(doc.rule_kind, "Brand")
		calls = [c for c in enqueue.call_args_list if c.args and c.args[0] == ENRICH]
		self.assertEqual([c.kwargs["names"] for c in calls], [[doc.name]])
		self.assertTrue(calls[0].kwargs["enqueue_after_commit"])
		enrich_mentions(names=calls[0].kwargs["names"])  # what the worker runs after the commit
		row = frappe.db.get_value("Mention", doc.name, ["language", "sentiment"], as_dict=True)
		self.assertEqual((row.language, row.sentiment), ("en", "Positive"))

	def test_rest_mention_of_an_author_who_objected_to_listening_is_refused(self):
		profile = make_profile("rest11-objected", handle="objected@mastodon.social")
		frappe.get_doc(
			{
				"doctype": "Social Consent Entry",
				"purpose": "Listening",
				"status": "Objected",
				"lawful_basis": "Legitimate Interest",
				"source": "Web form",
				"social_profile": profile.name,
			}
		).insert(ignore_permissions=True)
		with self.assertRaises(SuppressedMention):
			self.post(external_id="rest11-2", author=profile.name, text="quillbrew again")
		self.assertFalse(frappe.db.exists("Mention", {"platform": "Mastodon", "external_id": "rest11-2"}))


class TestOneClockOnANonUTCSite(SocialCRMTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		set_time_zone(self, ZONE)
		# the site's clock really is 5:30 ahead of UTC now
		self.assertGreater((now_datetime() - utc_now()).total_seconds(), 5 * 3600)

	def tearDown(self):
		frappe.db.rollback()

	def test_alerts_measure_their_window_from_utc_now(self):
		with mock.patch.object(alerts, "query_range", wraps=alerts.query_range) as query_range:
			alerts.run_alerts()
		now = get_datetime(query_range.call_args.args[0])
		self.assertLess(abs((now - utc_now()).total_seconds()), 120)

	def test_retention_age_of_posted_at_is_measured_in_utc(self):
		young, old = insert_mentions(
			[
				{"posted_at": utc_now() - timedelta(days=30) + timedelta(hours=2)},  # 2 hours to go
				{"posted_at": utc_now() - timedelta(days=30) - timedelta(hours=1)},  # expired
			]
		)
		policy = frappe.get_doc(
			{
				"doctype": "Social Retention Policy",
				"policy_name": "_Test clock",
				"target": "Mention",
				"action": "Anonymize",
				"keep_days": 30,
				"age_field": "posted_at",
				"linked": "No",
			}
		)
		plan = get_plan(policy)
		selected = frappe.get_all(
			"Mention", filters=[*map(list, plan.filters), ["name", "in", [young, old]]], pluck="name"
		)
		self.assertEqual(selected, [old])

	def test_profile_first_seen_is_a_utc_post_time(self):
		profile = make_profile("clock11-seen")
		self.assertLess(abs((get_datetime(profile.first_seen) - utc_now()).total_seconds()), 120)
		self.assertLess(abs((get_datetime(profile.last_seen) - utc_now()).total_seconds()), 120)


class TestUnanalysedMentionsInEveryReport(SocialCRMTestCase):
	"""A quiet day whose only mentions nobody analysed (no sentiment, no score)."""

	DAY = datetime(2017, 5, 2, 10, 0)

	def setUp(self):
		frappe.set_user("Administrator")
		self.customer = make_customer("_Test Unanalysed Customer").name
		self.author = make_profile(
			"unanalysed-11", handle="unanalysed@mastodon.social", party_type="Customer", party=self.customer
		).name
		brand = make_rule("_Test Unanalysed Brand", "Brand").name
		rival = make_rule("_Test Unanalysed Rival", "Competitor").name
		insert_mentions(
			[
				{
					"posted_at": self.DAY,
					"author": self.author,
					"party_type": "Customer",
					"party": self.customer,
					"customer": self.customer,
					"rules": [(brand if i % 2 else rival, "Brand" if i % 2 else "Competitor")],
				}
				for i in range(4)
			]
		)
		self.filters = {"from_date": "2017-05-02", "to_date": "2017-05-02"}

	def tearDown(self):
		frappe.db.rollback()

	def test_reports_answer_with_unanalysed_mentions(self):
		_c, authors, *_ = top_authors.execute(self.filters)
		self.assertEqual([(r.profile, r.mentions, r.negative) for r in authors], [(self.author, 4, 0)])
		_c, trend, *_ = sentiment_trend.execute({**self.filters, "period": "Daily"})
		self.assertEqual(sum(row.get("unanalyzed", 0) for row in trend), 4)
		_c, voice, *_ = share_of_voice.execute({**self.filters, "period": "Daily"})
		self.assertTrue(voice)
		_c, times, *_ = response_times.execute({**self.filters, "group_by": "Platform"})
		self.assertIsInstance(times, list)

	def test_charts_and_the_party_summary_answer_with_unanalysed_mentions(self):
		to_date = self.DAY.date()
		trend = dashboard.sentiment_trend(days=1, to_date=to_date)
		self.assertEqual(
			[sum(dataset["values"]) for dataset in trend["datasets"]], [0] * len(trend["datasets"])
		)
		platforms = dashboard.volume_by_platform(days=1, to_date=to_date)
		self.assertEqual(sum(platforms["datasets"][0]["values"]), 4)
		self.assertTrue(dashboard.share_of_voice(days=1, to_date=to_date))
		summary = get_social_summary("Customer", self.customer)
		self.assertEqual((summary["total"], summary["unanalyzed"]), (4, 4))
