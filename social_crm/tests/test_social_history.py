import frappe
from frappe.desk.form.load import get_additional_timeline_content

from social_crm.api.social_history import get_social_summary
from social_crm.install import get_custom_fields
from social_crm.overrides.party import get_mention_timeline
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import (
	make_contact,
	make_customer,
	make_lead,
	make_mention,
	make_profile,
	make_user,
)


class TestSocialHistory(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()  # rolls everything back after the class
		frappe.set_user("Administrator")
		cls.customer = make_customer("_Test Social History")
		cls.profile = make_profile(
			"hist-1", display_name='Hanna &amp; "Hist"', party_type="Customer", party=cls.customer.name
		)
		for i, sentiment in enumerate(["Positive", "Positive", "Negative", "Neutral", None]):
			make_mention(
				f"hist-m{i}",
				author=cls.profile.name,
				minutes_ago=10 * i,
				sentiment=sentiment,
				url=f"https://mastodon.social/@hanna/{i}",
				text=f"Post {i} <b>bold</b>",
			)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_timeline_entries_newest_first_escaped_and_bounded(self):
		entries = get_additional_timeline_content("Customer", self.customer.name)
		ours = [e for e in entries if "social-crm-mention" in (e.get("content") or "")]
		self.assertEqual(len(ours), 5)
		self.assertEqual([e["creation"] for e in ours], sorted((e["creation"] for e in ours), reverse=True))
		first = ours[0]["content"]
		self.assertIn("Post 0 bold", first)
		self.assertIn("Hanna &amp; &quot;Hist&quot;", first)
		self.assertIn('href="https://mastodon.social/@hanna/0"', first)
		self.assertIn('class="indicator-pill green', first)
		self.assertNotIn("<b>", first)

		frappe.db.set_single_value("Social CRM Settings", "timeline_limit", 2)
		try:
			self.assertEqual(len(get_mention_timeline("Customer", self.customer.name)), 2)
		finally:
			frappe.db.set_single_value("Social CRM Settings", "timeline_limit", 50)

	def test_timeline_for_lead_and_contact(self):
		lead = make_lead("Tim", "Line")
		profile = make_profile("hist-lead", party_type="Lead", party=lead.name)
		make_mention("hist-lead-m", author=profile.name)
		self.assertEqual(len(get_mention_timeline("Lead", lead.name)), 1)

		contact = make_contact("Conny", customer=self.customer.name)
		profile = make_profile("hist-contact", party_type="Contact", party=contact.name)
		make_mention("hist-contact-m", author=profile.name)
		self.assertEqual(len(get_mention_timeline("Contact", contact.name)), 1)
		# the customer sees its contact's mention as well
		self.assertEqual(len(get_mention_timeline("Customer", self.customer.name)), 6)
		self.assertEqual(get_mention_timeline("Supplier", "x"), [])

	def test_timeline_hidden_from_users_who_may_not_read_mentions(self):
		make_user("acc@example.com", ["Accounts User"])
		frappe.set_user("acc@example.com")
		self.assertEqual(get_mention_timeline("Customer", self.customer.name), [])

	def test_connections_group(self):
		for doctype, fieldname in (("Customer", "customer"), ("Lead", "party"), ("Contact", "party")):
			data = frappe.get_meta(doctype).get_dashboard_data()
			social = [g for g in data.transactions if g.get("label") == "Social"]
			self.assertEqual(len(social), 1, doctype)
			self.assertEqual(social[0]["items"], ["Social Profile", "Mention", "Idea"])
			self.assertEqual(data.non_standard_fieldnames["Mention"], fieldname)
		from frappe.desk.notifications import get_open_count

		counts = get_open_count("Customer", self.customer.name)
		by_doctype = {c["doctype"]: c["count"] for c in counts["count"]["external_links_found"]}
		self.assertEqual(by_doctype["Mention"], 5)
		self.assertEqual(by_doctype["Social Profile"], 1)

	def test_summary(self):
		summary = get_social_summary("Customer", self.customer.name)
		self.assertEqual(summary["total"], 5)
		self.assertEqual(summary["counts"], {"Positive": 2, "Neutral": 1, "Negative": 1})
		self.assertEqual(summary["unanalyzed"], 1)
		self.assertEqual(summary["profiles"], 1)
		# the four analyzed mentions are from the last hour, so inside the 12-week trend
		totals = {d["label"]: sum(d["values"]) for d in summary["trend"]["datasets"]}
		self.assertEqual(totals, {"Positive": 2, "Neutral": 1, "Negative": 1})
		self.assertEqual(len(summary["trend"]["labels"]), 12)

	def test_summary_bad_input_and_permissions(self):
		with self.assertRaises(frappe.ValidationError):
			get_social_summary("Supplier", "x")
		with self.assertRaises(frappe.DoesNotExistError):
			get_social_summary("Customer", "No Such Customer 987")
		make_user("acc2@example.com", ["Accounts User"])
		frappe.set_user("acc2@example.com")
		with self.assertRaises(frappe.PermissionError):
			get_social_summary("Customer", self.customer.name)

	def test_custom_fields_exist_and_show_on_forms(self):
		for doctype, defs in get_custom_fields().items():
			meta = frappe.get_meta(doctype)
			for df in defs:
				self.assertTrue(meta.has_field(df["fieldname"]), f"{doctype}.{df['fieldname']}")
