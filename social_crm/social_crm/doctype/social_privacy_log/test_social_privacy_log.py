# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe

from social_crm.privacy.audit import SCHEDULER, finish_log, write_log
from social_crm.tests import SocialCRMTestCase

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class TestSocialPrivacyLog(SocialCRMTestCase):
	def test_rows_record_who_and_are_closed_by_finish(self):
		row = write_log("Retention Run", "run", action="Delete", policy="_Test policy", status="Running")
		self.assertEqual((row.performed_by, row.finished_at), ("Administrator", None))
		finish_log(row.name, "Success", 42, details={"count": 42})
		row.reload()
		self.assertEqual((row.status, row.record_count), ("Success", 42))
		self.assertTrue(row.finished_at)

	def test_scheduler_is_named_as_actor(self):
		frappe.flags.social_crm_actor = SCHEDULER
		try:
			self.assertEqual(write_log("Retention Run", "nightly").performed_by, "Scheduler")
		finally:
			frappe.flags.social_crm_actor = None

	def test_rows_cannot_be_edited(self):
		row = write_log("Export", "x")
		row.summary = "changed"
		with self.assertRaises(frappe.PermissionError):
			row.save()

	def test_nobody_but_the_app_may_create_or_delete(self):
		meta = frappe.get_meta("Social Privacy Log")
		for perm in meta.permissions:
			self.assertFalse(perm.create or perm.write or perm.delete, perm.role)
