"""Shared helpers for Social CRM's Frappe integration tests."""

try:  # Frappe v16
	from frappe.tests import IntegrationTestCase as SocialCRMTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as SocialCRMTestCase

__all__ = ["SocialCRMTestCase"]
