import importlib
import sys
import types

import frappe
from frappe.handler import is_whitelisted

from social_crm.tests import SocialCRMTestCase


class TestIngestPath(SocialCRMTestCase):
	"""The webhook keeps its documented path while ``social_crm.api.ingest`` is its module."""

	def test_the_module_is_not_shadowed_by_its_function(self):
		import social_crm.api

		module = importlib.import_module("social_crm.api.ingest")
		self.assertIsInstance(module, types.ModuleType)
		self.assertIs(getattr(social_crm.api, "ingest", None), sys.modules["social_crm.api.ingest"])

	def test_the_documented_path_and_the_dotted_path_resolve_to_the_webhook(self):
		module = importlib.import_module("social_crm.api.ingest")
		for cmd in ("social_crm.api.ingest", "social_crm.api.ingest.ingest"):
			with self.subTest(cmd=cmd):
				method = frappe.get_attr(frappe.override_whitelisted_method(cmd))
				self.assertIs(method, module.ingest)
				is_whitelisted(method)  # raises when it is not an endpoint
				self.assertIn(method, frappe.guest_methods)
