import frappe

from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_customer, make_mention, make_profile, make_user


class TestPermissions(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()  # rolls everything back after the class
		frappe.set_user("Administrator")
		cls.customer_a = make_customer("_Test Social Perm A")
		cls.customer_b = make_customer("_Test Social Perm B")
		profile_a = make_profile("perm-a", party_type="Customer", party=cls.customer_a.name)
		profile_b = make_profile("perm-b", party_type="Customer", party=cls.customer_b.name)
		cls.unlinked = make_profile("perm-unlinked")
		cls.mention_a = make_mention("perm-m-a", author=profile_a.name)
		cls.mention_b = make_mention("perm-m-b", author=profile_b.name)
		cls.mention_unlinked = make_mention("perm-m-u", author=cls.unlinked.name)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_user_without_roles_is_refused(self):
		make_user("nosocial@example.com", ["Accounts User"])
		frappe.set_user("nosocial@example.com")
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list("Mention")
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Mention", self.mention_a.name).check_permission("read")
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{"doctype": "Social Profile", "platform": "Reddit", "external_id": "nope", "handle": "nope"}
			).insert()
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list("Social Profile")

	def test_social_crm_user_works_mentions(self):
		make_user("socialuser@example.com", ["Social CRM User"])
		frappe.set_user("socialuser@example.com")
		names = set(frappe.get_list("Mention", pluck="name", limit_page_length=0))
		self.assertTrue({self.mention_a.name, self.mention_b.name, self.mention_unlinked.name} <= names)
		mention = frappe.get_doc("Mention", self.mention_a.name)
		mention.status = "Responded"
		mention.save()
		frappe.get_doc(
			{"doctype": "Social Profile", "platform": "Reddit", "external_id": "su-1", "handle": "su1"}
		).insert()
		with self.assertRaises(frappe.PermissionError):
			frappe.delete_doc("Mention", self.mention_b.name)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Social CRM Settings").save()

	def test_sales_user_reads_only_social_data_of_readable_parties(self):
		user = make_user("salesrep@example.com", ["Sales User"])
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user.name,
				"allow": "Customer",
				"for_value": self.customer_a.name,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(user.name)

		names = set(frappe.get_list("Mention", pluck="name", limit_page_length=0))
		self.assertIn(self.mention_a.name, names)
		self.assertNotIn(self.mention_b.name, names)
		self.assertNotIn(self.mention_unlinked.name, names)
		self.assertTrue(frappe.has_permission("Mention", "read", doc=self.mention_a.name))
		self.assertFalse(frappe.has_permission("Mention", "read", doc=self.mention_b.name))
		self.assertFalse(frappe.has_permission("Social Profile", "read", doc=self.unlinked.name))
		# read only: a Sales User cannot change social data
		self.assertFalse(frappe.has_permission("Mention", "write", doc=self.mention_a.name))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": "Mention",
					"platform": "Reddit",
					"external_id": "s1",
					"text": "x",
					"posted_at": "2026-01-01",
				}
			).insert()
