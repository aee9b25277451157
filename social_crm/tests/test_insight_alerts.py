"""The hourly alert job on generated mention history: a spike raises exactly one alert."""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from social_crm.insight.alerts import rule_series, run_alerts
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import ensure_outgoing_email_account, hourly, insert_mentions, make_rule
from social_crm.tests.utils import make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

MANAGER = "insight-alerts-manager@example.com"
HISTORY_HOURS = 96


class TestInsightAlerts(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(MANAGER, ["Social CRM Manager"])
		ensure_outgoing_email_account()
		# the job runs five minutes into the hour: the last complete hour is the one before
		cls.now = now_datetime().replace(minute=5, second=0, microsecond=0)
		cls.start = cls.now.replace(minute=0) - timedelta(hours=HISTORY_HOURS)

	def alerts_of(self, rule):
		return frappe.get_all(
			"Social Alert", filters={"listening_rule": rule}, fields=["*"], order_by="bucket asc"
		)

	def test_spike_raises_exactly_one_alert_and_rerun_adds_none(self):
		rule = make_rule("_Test Alert Spike Brand").name
		last = HISTORY_HOURS - 1
		insert_mentions(hourly(self.start, HISTORY_HOURS, lambda i: 40 if i == last else 3 + i % 3, rule))
		emails_before = frappe.db.count("Email Queue")

		created = run_alerts(self.now)

		alerts = self.alerts_of(rule)
		self.assertEqual(len(alerts), 1)
		alert = alerts[0]
		self.assertIn(alert.name, created)
		self.assertEqual(alert.kind, "Volume Spike")
		self.assertEqual(alert.bucket, self.start + timedelta(hours=last))
		self.assertEqual(alert.value, 40)
		self.assertEqual(alert.baseline, 4)
		self.assertGreaterEqual(alert.z, 4)
		self.assertEqual(alert.mention_count, 40)
		self.assertEqual(alert.mentions_to - alert.mentions_from, timedelta(hours=1))

		# the managers are told: bell and email, linking to the alert and its mentions
		log = frappe.get_all(
			"Notification Log",
			filters={"for_user": MANAGER, "document_type": "Social Alert", "document_name": alert.name},
			fields=["type", "subject"],
		)
		self.assertEqual(len(log), 1)
		self.assertEqual(log[0].type, "Alert")
		self.assertIn(rule, log[0].subject)
		self.assertEqual(frappe.db.count("Email Queue") - emails_before, 1)
		email = frappe.get_last_doc("Email Queue")
		self.assertEqual(email.reference_name, alert.name)
		self.assertIn(MANAGER, [r.recipient for r in email.recipients])
		self.assertIn("listening_rule=", frappe.get_doc("Social Alert", alert.name).mentions_url())

		# the same episode is never reported twice: not on a re-run, not an hour later
		self.assertEqual(run_alerts(self.now), [])
		self.assertEqual(run_alerts(self.now + timedelta(hours=1)), [])
		self.assertEqual(len(self.alerts_of(rule)), 1)
		# per manager: other Social CRM Managers on the site get their own notification
		self.assertEqual(
			frappe.db.count("Notification Log", {"document_name": alert.name, "for_user": MANAGER}), 1
		)

	def test_flat_series_raises_none(self):
		rule = make_rule("_Test Alert Flat Brand").name
		insert_mentions(hourly(self.start, HISTORY_HOURS, lambda i: 3 + i % 4, rule, negative_every=5))
		run_alerts(self.now)
		self.assertEqual(self.alerts_of(rule), [])

	def test_sentiment_swing_is_detected_without_a_volume_spike(self):
		rule = make_rule("_Test Alert Swing Brand").name
		history = hourly(self.start, HISTORY_HOURS - 1, lambda i: 12, rule, negative_every=10)
		swing_hour = self.start + timedelta(hours=HISTORY_HOURS - 1)
		swing = [
			{
				"posted_at": swing_hour + timedelta(minutes=i * 4),
				"sentiment": "Negative" if i < 9 else "Neutral",
			}
			for i in range(12)
		]
		for row in swing:
			row["rules"] = [(rule, "Brand")]
		insert_mentions(history + swing)

		run_alerts(self.now)

		alerts = self.alerts_of(rule)
		self.assertEqual([a.kind for a in alerts], ["Sentiment Swing"])
		self.assertEqual(alerts[0].value, 0.75)
		self.assertAlmostEqual(alerts[0].baseline, 0.1, places=2)
		self.assertEqual(alerts[0].mention_count, 9)  # the negative mentions behind it
		self.assertIn("sentiment=Negative", frappe.get_doc("Social Alert", alerts[0].name).mentions_url())

	def test_series_counts_match_direct_counts(self):
		rule = make_rule("_Test Alert Series Brand").name
		insert_mentions(hourly(self.start, 5, lambda i: i + 1, rule, negative_every=3))
		series = rule_series(self.start, self.start + timedelta(hours=5))[rule]
		self.assertEqual([total for _b, total, _n in series], [1, 2, 3, 4, 5])
		self.assertEqual(sum(n for _b, _t, n in series), 5)  # every third of 15 mentions
		self.assertEqual(series[0][0], self.start)

	def test_disabled_rule_is_not_evaluated(self):
		rule = make_rule("_Test Alert Disabled Brand")
		rule.db_set("enabled", 0)
		last = HISTORY_HOURS - 1
		insert_mentions(hourly(self.start, HISTORY_HOURS, lambda i: 50 if i == last else 3, rule.name))
		run_alerts(self.now)
		self.assertEqual(self.alerts_of(rule.name), [])

	def test_concurrent_store_of_one_episode_keeps_one_alert(self):
		from unittest.mock import patch

		from social_crm.insight.alerts import store_alert

		rule = make_rule("_Test Alert Race Brand").name
		last = HISTORY_HOURS - 1
		insert_mentions(hourly(self.start, HISTORY_HOURS, lambda i: 30 if i == last else 2, rule))
		self.assertEqual(len(run_alerts(self.now)), 1)
		[alert] = [a for a in detect_for(rule, self.now) if a.should_notify]
		# a second worker that checked before the first one inserted: the unique key refuses it
		with patch("social_crm.insight.alerts.frappe.db.exists", return_value=None):
			self.assertIsNone(store_alert(alert))
		self.assertEqual(len(self.alerts_of(rule)), 1)


def detect_for(rule, now):
	from social_crm.engine.insight.alerts import AlertConfig, detect, query_range

	start, end = query_range(now, AlertConfig())
	rows = rule_series(start, end)[rule]
	return detect(rows, now, rule=rule, start=rows[0][0])
