"""Reports, chart sources and custom number cards are answered by a read replica.

With ``read_from_replica`` and a ``replica_host`` in site_config, Frappe's
``@frappe.read_only()`` swaps ``frappe.db`` for a connection to the replica for the duration
of the call (``frappe.desk.query_report.run`` is decorated; chart sources and custom number
cards are called by their own method, so the app decorates them). A replica refuses writes.

Here the "replica" is a second connection to the site's own database whose session is
``READ ONLY`` (MariaDB then refuses any INSERT / UPDATE / DELETE with error 1792): a source
that is not decorated never opens it (the test counts the switches), and one that writes fails.
The list of sources is read from the app's files, so a new report, chart source or custom
card is checked without editing this test.
"""

import json
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from unittest import mock

import frappe
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, today

from social_crm.insight.alerts import rule_series
from social_crm.tests import SocialCRMTestCase

MODULE = Path(frappe.get_app_path("social_crm", "social_crm"))


def app_reports() -> list[str]:
	return sorted(json.loads(p.read_text())["name"] for p in MODULE.glob("report/*/*.json"))


def app_chart_sources() -> dict[str, str]:
	"""Chart source name -> the method its JS names (what the dashboard calls)."""
	sources = {}
	for js in MODULE.glob("dashboard_chart_source/*/*.js"):
		text = js.read_text()
		method = text.split('method: "', 1)[1].split('"', 1)[0]
		sources[json.loads(js.with_suffix(".json").read_text())["name"]] = method
	return sources


def app_custom_cards() -> dict[str, str]:
	cards = {}
	for path in MODULE.glob("number_card/*/*.json"):
		card = json.loads(path.read_text())
		if card.get("type") == "Custom":
			cards[card["name"]] = card["method"]
	return cards


@contextmanager
def read_only_replica():
	"""Point read_from_replica at a READ ONLY session on the site's database; yield the switch count."""
	switches = []
	original = frappe.connect_replica

	def connect_read_only_replica():
		switched = original()
		if switched:
			frappe.local.db.sql("set session transaction read only")
			switches.append(frappe.local.db)
		return switched

	conf = {"read_from_replica": 1, "replica_host": frappe.conf.db_host or "127.0.0.1"}
	with (
		mock.patch.dict(frappe.local.conf, conf),
		mock.patch.object(frappe, "connect_replica", connect_read_only_replica),
	):
		try:
			yield switches
		finally:
			frappe.local.db = getattr(frappe.local, "primary_db", frappe.local.db)
			_forget_replica()


def _forget_replica():
	# Frappe keeps these after the call (a request ends with frappe.destroy); a test makes
	# several calls, each must open the replica again
	for attr in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attr):
			delattr(frappe.local, attr)


class TestReadReplica(SocialCRMTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def served_by_replica(self, call, *args, **kwargs):
		with read_only_replica() as switches:
			result = call(*args, **kwargs)
		self.assertEqual(len(switches), 1, f"{call} did not read from the replica")
		return result

	def test_the_sources_are_found(self):
		self.assertGreaterEqual(len(app_reports()), 6)
		self.assertIn("Share of Voice", app_reports())
		self.assertEqual(len(app_chart_sources()), 3)
		self.assertIn("Negative Mention Share", app_custom_cards())

	def test_the_harness_refuses_writes_and_notices_undecorated_calls(self):
		@frappe.read_only()
		def writes():
			frappe.db.sql("update `tabSocial CRM Settings` set modified = modified")

		with self.assertRaises(frappe.InReadOnlyMode):  # MariaDB error 1792, as Frappe raises it
			self.served_by_replica(writes)

		with self.assertRaises(AssertionError):
			self.served_by_replica(lambda: frappe.db.sql("select 1"))

	def test_every_report_runs_read_only_on_the_replica(self):
		filters = {"from_date": add_days(today(), -30), "to_date": today()}
		for report in app_reports():
			with self.subTest(report=report):
				self.assertFalse(frappe.db.get_value("Report", report, "prepared_report"))
				result = self.served_by_replica(run_report, report, filters=json.dumps(filters))
				self.assertIn("result", result)

	def test_every_chart_source_runs_read_only_on_the_replica(self):
		for source, method in app_chart_sources().items():
			chart = frappe.db.get_value("Dashboard Chart", {"source": source})
			with self.subTest(source=source):
				data = self.served_by_replica(frappe.get_attr(method), chart_name=chart, refresh=1)
				self.assertIn("datasets", data)

	def test_custom_number_cards_and_the_alert_series_run_on_the_replica(self):
		for card, method in app_custom_cards().items():
			with self.subTest(card=card):
				self.assertIn("value", self.served_by_replica(frappe.get_attr(method)))
		start = datetime(2019, 1, 1)
		self.assertEqual(self.served_by_replica(rule_series, start, start.replace(day=2)), {})
