"""Create Lead from a Mention / Social Profile, Lead -> Customer, Contact from Lead, rename and merge."""

import frappe

from erpnext.crm.doctype.lead.lead import make_customer as erpnext_make_customer

from social_crm.api import linking as api
from social_crm.linking import jobs
from social_crm.linking.keys import KEY_DOCTYPE
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import leaf, make_customer, make_mention, make_profile

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def convert(lead_name):
	customer = erpnext_make_customer(lead_name)
	customer.customer_group = customer.customer_group or leaf("Customer Group", "All Customer Groups")
	customer.territory = customer.territory or leaf("Territory", "All Territories")
	return customer.insert(ignore_permissions=True)


class TestCreateLead(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")

	def test_create_lead_from_mention_once(self):
		profile = make_profile(
			"conv-1",
			platform="Mastodon",
			handle="@Clara@chaos.social",
			display_name="Clara Convert",
			profile_url="https://chaos.social/@clara",
			website="https://clara.example",
			email="clara@clara.example",
		)
		mention = make_mention(
			"conv-1-m",
			author=profile.name,
			text="Need <b>pricing</b> for 50 seats <script>x()</script>",
			url="https://chaos.social/@clara/1",
		)
		first = api.create_lead(mention=mention.name)
		self.assertTrue(first["created"])
		lead = frappe.get_doc("Lead", first["name"])
		self.assertEqual(lead.lead_name, "Clara Convert")
		self.assertEqual(lead.source, "Social Media")
		self.assertEqual(lead.website, "https://clara.example")
		self.assertEqual(lead.email_id, "clara@clara.example")
		self.assertEqual(lead.social_handles, "mastodon:clara@chaos.social")
		note = lead.notes[0].note
		self.assertIn("pricing", note)
		self.assertIn("https://chaos.social/@clara/1", note)
		self.assertNotIn("<script>", note)

		profile.reload()
		self.assertEqual(
			(profile.party_type, profile.party, profile.link_method), ("Lead", lead.name, "Lead Conversion")
		)
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "status"), "Converted")
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "party"), lead.name)

		# twice, from the mention or the profile, in bulk: always the same Lead
		leads_before = frappe.db.count("Lead")
		second = api.create_lead(mention=mention.name)
		third = api.create_leads(profiles=[profile.name])
		self.assertEqual((second["name"], second["created"]), (lead.name, False))
		self.assertEqual(third["results"][0]["name"], lead.name)
		self.assertEqual(third["created"], 0)
		self.assertEqual(frappe.db.count("Lead"), leads_before)
		# jobs never touch a converted link
		self.assertEqual(jobs.match_profile(profile.name), "skipped: linked by a person")

	def test_profile_already_linked_to_a_customer_returns_it(self):
		customer = make_customer("Conv Existing GmbH")
		profile = make_profile(
			"conv-2", platform="Reddit", handle="c2", party_type="Customer", party=customer.name
		)
		result = api.create_lead(profile=profile.name)
		self.assertEqual(
			(result["doctype"], result["name"], result["created"]), ("Customer", customer.name, False)
		)

	def test_contact_of_customer_returns_the_customer(self):
		customer = make_customer("Conv Contact GmbH")
		contact = frappe.get_doc({"doctype": "Contact", "first_name": "Carl", "last_name": "Contactus"})
		contact.append("links", {"link_doctype": "Customer", "link_name": customer.name})
		contact.insert(ignore_permissions=True)
		profile = make_profile(
			"conv-3", platform="Reddit", handle="c3", party_type="Contact", party=contact.name
		)
		result = api.create_lead(profile=profile.name)
		self.assertEqual((result["doctype"], result["name"]), ("Customer", customer.name))

	def test_mention_without_author_is_refused(self):
		mention = make_mention("conv-4-m", author=None)
		with self.assertRaises(frappe.ValidationError):
			api.create_lead(mention=mention.name)
		# the list bulk action reports it and goes on with the others
		profile = make_profile("conv-4", platform="Reddit", handle="c4", display_name="Cee Four")
		other = make_mention("conv-4-m2", author=profile.name, platform="Reddit")
		result = api.create_leads(mentions=[mention.name, other.name])
		self.assertEqual((result["created"], len(result["failed"])), (1, 1))
		self.assertEqual(result["failed"][0]["mention"], mention.name)

	def test_lead_to_customer_moves_history(self):
		profile = make_profile("conv-5", platform="Reddit", handle="dora_d", display_name="Dora Deal")
		mentions = [make_mention(f"conv-5-m{i}", author=profile.name, platform="Reddit") for i in range(2)]
		lead_name = api.create_lead(mention=mentions[0].name)["name"]
		customer = convert(lead_name)
		self.assertEqual(customer.lead_name, lead_name)

		profile.reload()
		self.assertEqual(
			(profile.party_type, profile.party, profile.customer), ("Customer", customer.name, customer.name)
		)
		self.assertEqual((profile.previous_party_type, profile.previous_party), ("Lead", lead_name))
		self.assertEqual(profile.link_method, "Lead Conversion")
		for mention in mentions:
			row = frappe.db.get_value(
				"Mention", mention.name, ["party_type", "party", "customer"], as_dict=True
			)
			self.assertEqual(
				(row.party_type, row.party, row.customer), ("Customer", customer.name, customer.name)
			)
		# the Lead's keys now point at the Customer, so its Contact and the Lead are not rivals
		self.assertEqual(
			set(
				frappe.get_all(
					KEY_DOCTYPE, {"reference_doctype": "Lead", "reference_name": lead_name}, pluck="customer"
				)
			),
			{customer.name},
		)
		other = make_profile("conv-5b", platform="Reddit", handle="dora_d", display_name="Dora Deal")
		self.assertTrue(jobs.match_profile(other.name).startswith("linked: "))
		other.reload()
		self.assertEqual(other.customer, customer.name)

	def test_contact_created_from_an_open_lead_keeps_profiles_on_the_lead(self):
		profile = make_profile("conv-6", platform="Reddit", handle="eve_e", display_name="Eve Early")
		lead = frappe.get_doc("Lead", api.create_lead(profile=profile.name)["name"])
		contact = frappe.get_doc({"doctype": "Contact", "first_name": "Eve", "last_name": "Early"})
		contact.append("links", {"link_doctype": "Lead", "link_name": lead.name})
		contact.social_handles = "reddit:eve_e"
		contact.insert(ignore_permissions=True)
		profile.reload()
		self.assertEqual((profile.party_type, profile.party), ("Lead", lead.name))
		# a new profile with the handle finds the Lead, and the Lead's Contact is no rival
		again = make_profile("conv-6b", platform="Reddit", handle="eve_e", display_name="Eve")
		self.assertEqual(jobs.match_profile(again.name), f"linked: Lead {lead.name}")

	def test_user_without_lead_permission_is_refused(self):
		from social_crm.tests.utils import make_user

		profile = make_profile("conv-7", platform="Reddit", handle="c7")
		make_user("socialonly@example.com", ["Social CRM User"])
		frappe.set_user("socialonly@example.com")
		try:
			with self.assertRaises(frappe.PermissionError):
				api.create_lead(profile=profile.name)
		finally:
			frappe.set_user("Administrator")
		self.assertFalse(frappe.db.get_value("Social Profile", profile.name, "party"))


class TestRenameAndMerge(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")

	def test_merge_moves_social_links(self):
		old = make_customer("Merge Old GmbH", website="https://merge-old.example")
		new = make_customer("Merge New GmbH")
		profile = make_profile(
			"merge-1", platform="Reddit", handle="m1", party_type="Customer", party=old.name
		)
		mention = make_mention("merge-1-m", author=profile.name, platform="Reddit")
		frappe.rename_doc("Customer", old.name, new.name, merge=True, force=True)

		profile.reload()
		self.assertEqual(
			(profile.party, profile.customer, profile.link_method), (new.name, new.name, "Merge")
		)
		self.assertEqual(profile.party_name, "Merge New GmbH")
		row = frappe.db.get_value("Mention", mention.name, ["party", "customer"], as_dict=True)
		self.assertEqual((row.party, row.customer), (new.name, new.name))
		self.assertFalse(
			frappe.db.exists(KEY_DOCTYPE, {"reference_doctype": "Customer", "reference_name": old.name})
		)
		self.assertTrue(
			frappe.db.exists(KEY_DOCTYPE, {"reference_doctype": "Customer", "reference_name": new.name})
		)
		self.assertEqual(jobs.match_profile(profile.name), "skipped: linked by a person")

	def test_rename_rekeys(self):
		customer = make_customer("Rename Me GmbH", website="https://rename-me.example")
		frappe.rename_doc("Customer", customer.name, "Renamed GmbH", force=True)
		self.assertTrue(
			frappe.db.exists(
				KEY_DOCTYPE,
				{"reference_doctype": "Customer", "reference_name": "Renamed GmbH", "key_type": "domain"},
			)
		)
		self.assertFalse(frappe.db.exists(KEY_DOCTYPE, {"reference_name": customer.name}))
