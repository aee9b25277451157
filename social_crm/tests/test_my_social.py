"""/my-social on a real site: a website user sees what we store about them and why, unlinks a wrong
profile, grants and withdraws consent, downloads the desk's export and requests erasure, which a
manager approves; a person without a website user asks by a signed, expiring email link. Another
user's profile is refused everywhere, and the desk sees the same state."""

import json
from datetime import timedelta
from urllib.parse import urlparse

import frappe
from frappe.utils import now_datetime

from social_crm.api import my_social as api
from social_crm.api import privacy as desk_api
from social_crm.privacy import requests, subject
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import ensure_outgoing_email_account
from social_crm.tests.utils import make_contact, make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "User"]

USER = "my-social-portal@example.com"
OTHER = "my-social-other@example.com"
MANAGER = "my-social-manager@example.com"


def make_portal_user(email: str, first_name: str):
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "Customer"}],
			}
		).insert(ignore_permissions=True)
	customer = make_customer(f"_Test {first_name} Individual", customer_type="Individual")
	# Frappe makes a Contact for a new website user; the portal user's Contact links to the Customer
	name = frappe.db.get_value("Contact", {"user": email})
	if not name:
		name = make_contact(first_name, email=email).name
		frappe.db.set_value("Contact", name, "user", email)
	contact = frappe.get_doc("Contact", name)
	if not any(link.link_name == customer.name for link in contact.links):
		contact.append("links", {"link_doctype": "Customer", "link_name": customer.name})
		contact.save(ignore_permissions=True)
	return customer, contact


def candidates(party_type: str, party: str, detail: str) -> str:
	reason = {"signal": "email", "weight": 0.9, "detail": detail}
	return json.dumps(
		{"candidates": [{"party_type": party_type, "party": party, "score": 0.95, "reasons": [reason]}]}
	)


class TestMySocial(SocialCRMTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		ensure_outgoing_email_account()
		self.customer, self.contact = make_portal_user(USER, "Mira")
		self.other_customer, self.other_contact = make_portal_user(OTHER, "Otto")
		self.mine = make_profile("ms-mine", party_type="Contact", party=self.contact.name)
		frappe.db.set_value(
			"Social Profile",
			self.mine.name,
			{
				"link_method": "Email",
				"match_candidates": candidates("Contact", self.contact.name, "email matches mira@example"),
			},
		)
		self.wrong = make_profile("ms-wrong", party_type="Customer", party=self.customer.name)
		self.others = make_profile("ms-others", party_type="Contact", party=self.other_contact.name)
		self.mention = make_mention("ms-m1", author=self.mine.name, text="Love the espresso", minutes_ago=5)
		self.wrong_mention = make_mention("ms-m2", author=self.wrong.name, text="Not Mira", minutes_ago=4)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()  # each test starts from the same people and profiles

	def test_overview_shows_own_profiles_with_reasons_mentions_and_consent(self):
		frappe.set_user(USER)
		data = api.get_overview()
		self.assertEqual(
			{(s["doctype"], s["name"]) for s in data["subjects"]},
			{("Contact", self.contact.name), ("Customer", self.customer.name)},
		)
		profiles = {p.name: p for p in data["profiles"]}
		self.assertEqual(set(profiles), {self.mine.name, self.wrong.name})
		self.assertEqual(profiles[self.mine.name]["reasons"], ["email matches mira@example"])
		self.assertTrue(profiles[self.wrong.name]["reasons"])  # linked by a person: says so
		self.assertIn(self.mention.name, [m.name for m in data["mentions"]])
		self.assertEqual([c["purpose"] for c in data["consent"]], ["Listening", "Linking", "Marketing"])
		marketing = data["consent"][2]
		self.assertFalse(marketing["allowed"])

	def test_a_company_customer_is_not_managed_by_its_contact(self):
		company = make_customer("_Test My Social Company", customer_type="Company")
		contact = make_contact("Cora", customer=company.name, email="cora@example.com")
		make_profile("ms-company", party_type="Customer", party=company.name)
		self.assertEqual(requests.email_subjects("cora@example.com"), [("Contact", contact.name)])

	def test_unlink_needs_confirmation_refuses_other_profiles_and_the_desk_sees_it(self):
		frappe.set_user(USER)
		with self.assertRaises(frappe.PermissionError):
			api.unlink_profile(self.others.name, confirm=1)
		with self.assertRaises(frappe.ValidationError):
			api.unlink_profile(self.wrong.name, confirm=0)
		self.assertEqual(frappe.db.get_value("Social Profile", self.wrong.name, "party"), self.customer.name)
		api.unlink_profile(self.wrong.name, confirm=1)

		frappe.set_user("Administrator")
		row = frappe.get_doc("Social Profile", self.wrong.name)
		self.assertFalse(row.party)
		self.assertTrue(row.do_not_auto_link)
		self.assertEqual(row.link_method, "Manual")
		rejected = json.loads(row.match_candidates)["rejected"]
		self.assertEqual((rejected[0]["party_type"], rejected[0]["party"]), ("Customer", self.customer.name))
		self.assertFalse(frappe.db.get_value("Mention", self.wrong_mention.name, "party"))
		self.assertTrue(
			frappe.db.exists(
				"Social Privacy Log",
				{"event": "Unlink", "reference_name": self.wrong.name, "performed_by": USER},
			)
		)
		# the other user's profile is untouched, and gone from this user's page
		self.assertEqual(
			frappe.db.get_value("Social Profile", self.others.name, "party"), self.other_contact.name
		)
		frappe.set_user(USER)
		self.assertNotIn(self.wrong.name, [p.name for p in api.get_overview()["profiles"]])

	def test_a_guest_cannot_act_on_a_profile(self):
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			api.unlink_profile(self.mine.name, confirm=1)
		self.assertEqual(requests.portal_subjects(), [])

	def test_withdraw_and_grant_consent_through_the_consent_log(self):
		frappe.set_user(USER)
		result = api.set_consent("Linking", granted=0)
		self.assertEqual(len(result["entries"]), 2)  # the Contact and the Individual Customer
		linking = next(c for c in result["consent"] if c["purpose"] == "Linking")
		self.assertFalse(linking["allowed"])
		self.assertEqual(linking["origin"], "log")

		frappe.set_user("Administrator")
		# the withdrawal was applied as on the desk: profiles unlinked, blocked for linking
		self.assertFalse(frappe.db.get_value("Social Profile", self.mine.name, "party"))
		overview = desk_api.get_consent_overview("Contact", self.contact.name)
		self.assertIn("Linking", overview["blocked"])
		self.assertTrue(
			frappe.db.exists("Social Privacy Log", {"event": "Withdrawal Applied", "performed_by": USER})
		)

		frappe.set_user(USER)
		result = api.set_consent("Marketing", granted=1)
		marketing = next(c for c in result["consent"] if c["purpose"] == "Marketing")
		self.assertTrue(marketing["allowed"])
		entry = frappe.get_doc("Social Consent Entry", result["entries"][0])
		self.assertEqual((entry.status, entry.lawful_basis), ("Granted", "Consent"))
		self.assertIn(USER, entry.evidence)
		with self.assertRaises(frappe.ValidationError):
			api.set_consent("Profiling", granted=1)

	def test_download_is_the_desk_export_with_its_audit_rows(self):
		issue = frappe.get_doc({"doctype": "Issue", "subject": "Espresso machine broken"}).insert(
			ignore_permissions=True
		)
		frappe.db.set_value("Mention", self.mention.name, "issue", issue.name)
		frappe.set_user(USER)
		api.download_my_data()
		data = json.loads(frappe.response["filecontent"])
		self.assertEqual(frappe.response["type"], "download")
		by_subject = {(e["subject"]["doctype"], e["subject"]["name"]): e for e in data["exports"]}
		self.assertEqual(set(by_subject), {("Contact", self.contact.name), ("Customer", self.customer.name)})
		contact_export = by_subject[("Contact", self.contact.name)]
		self.assertEqual([p["name"] for p in contact_export["profiles"]], [self.mine.name])
		self.assertEqual([m["name"] for m in contact_export["mentions"]], [self.mention.name])
		# support Issues opened from their posts are part of the export
		self.assertEqual(
			[(i["name"], i["mentions"]) for i in contact_export["support_issues"]],
			[(issue.name, [self.mention.name])],
		)
		self.assertNotIn(self.others.name, json.dumps(data))
		frappe.set_user("Administrator")
		desk = subject.export("Contact", self.contact.name)
		self.assertEqual(
			set(desk) - {"exported_at", "exported_by"}, set(contact_export) - {"exported_at", "exported_by"}
		)
		self.assertEqual(
			frappe.db.count(
				"Social Privacy Log",
				{"event": "Export", "performed_by": USER, "reference_name": self.contact.name},
			),
			1,
		)

	def test_erasure_request_is_approved_by_a_manager(self):
		make_user(MANAGER, ["Social CRM Manager"])
		frappe.set_user(USER)
		with self.assertRaises(frappe.ValidationError):
			api.request_erasure(confirm=0)
		name = api.request_erasure(confirm=1)["request"]
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": MANAGER, "document_type": "Social Privacy Request", "document_name": name},
			),
			"the managers are told a request waits",
		)
		self.assertEqual(api.request_erasure(confirm=1)["request"], name)  # one open request
		self.assertTrue(api.get_overview()["pending_requests"])
		with self.assertRaises(frappe.PermissionError):
			api.approve_request(name)

		frappe.set_user(MANAGER)
		doc = frappe.get_doc("Social Privacy Request", name)
		self.assertEqual(
			(doc.request_type, doc.status, doc.via, doc.website_user),
			("Erasure", "Pending Approval", "Portal", USER),
		)
		api.approve_request(name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Social Privacy Request", name, "status"), "Done")
		self.assertTrue(frappe.db.get_value("Social Profile", self.mine.name, "anonymized"))
		self.assertFalse(frappe.db.exists("Mention", self.mention.name))
		self.assertFalse(frappe.db.get_value("Social Profile", self.others.name, "anonymized"))
		self.assertTrue(
			frappe.db.exists("Social Privacy Log", {"event": "Erasure", "reference_name": self.contact.name})
		)
		frappe.set_user(MANAGER)
		with self.assertRaises(frappe.ValidationError):
			api.approve_request(name)  # decided already

	def test_email_link_is_signed_expires_and_never_reveals_the_address(self):
		frappe.set_user("Guest")
		known = api.request_by_email(USER, "Access")["message"]
		unknown = api.request_by_email("nobody-here@example.com", "Access")["message"]
		self.assertEqual(known.replace(USER, "X"), unknown.replace("nobody-here@example.com", "X"))
		frappe.set_user("Administrator")
		mails = frappe.get_all(
			"Email Queue Recipient",
			filters={"recipient": ("in", [USER, "nobody-here@example.com"])},
			pluck="recipient",
		)
		self.assertEqual(mails, [USER])
		with self.assertRaises(frappe.ValidationError):
			api.request_by_email("not an email", "Access")

		url = requests.confirm_url(USER, "Access")
		query = urlparse(url).query
		self.assertTrue(requests.verify_link(query))
		self.assertIsNone(requests.verify_link(query.replace("Access", "Erasure")))  # tampered
		self.assertIsNone(requests.verify_link(query, now=now_datetime() + timedelta(hours=25)))  # expired
		self.assertIsNone(requests.verify_link(query.split("&_signature=")[0]))

		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			api.confirm_request(query.replace("Access", "Erasure"))
		api.confirm_request(query)
		frappe.set_user("Administrator")
		name = frappe.db.get_value("Social Privacy Request", {"email": USER, "via": "Email Link"})
		self.assertTrue(name)
		self.assertIn(self.contact.name, frappe.db.get_value("Social Privacy Request", name, "subjects"))

		make_user(MANAGER, ["Social CRM Manager"])
		frappe.set_user(MANAGER)
		api.approve_request(name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Social Privacy Request", name, "status"), "Done")
		file = frappe.get_doc(
			"File", {"attached_to_doctype": "Social Privacy Request", "attached_to_name": name}
		)
		self.assertTrue(file.is_private)
		self.assertIn(self.contact.name, file.get_content())
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Social Privacy Request", "reference_name": name},
			fields=["name", "attachments"],
		)
		self.assertEqual(len(queued), 1)
		self.assertEqual(json.loads(queued[0].attachments), [{"fid": file.name}])

	def test_rejecting_a_request(self):
		name = requests.create_request(
			"Erasure", [("Contact", self.contact.name)], USER, requests.PORTAL, USER
		)
		make_user(MANAGER, ["Social CRM Manager"])
		frappe.set_user(MANAGER)
		api.reject_request(name, reason="Not verified")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Social Privacy Request", name, "status"), "Rejected")
		self.assertEqual(frappe.db.get_value("Social Profile", self.mine.name, "anonymized"), 0)

	def test_the_email_request_is_rate_limited_per_address(self):
		frappe.cache.delete_keys("rl:social_crm.api.my_social")
		frappe.local.request = frappe._dict(method="POST")
		frappe.local.request_ip = "127.0.0.77"
		frappe.local.form_dict = frappe._dict(cmd="social_crm.api.my_social.request_by_email", email=USER)
		try:
			frappe.set_user("Guest")
			for _ in range(3):
				frappe.local.form_dict = frappe._dict(
					cmd="social_crm.api.my_social.request_by_email", email=USER
				)
				api.request_by_email(USER, "Access")
			frappe.local.form_dict = frappe._dict(cmd="social_crm.api.my_social.request_by_email", email=USER)
			with self.assertRaises(frappe.RateLimitExceededError):
				api.request_by_email(USER, "Access")
		finally:
			frappe.local.request = None
			frappe.local.form_dict = frappe._dict()
			frappe.cache.delete_keys("rl:social_crm.api.my_social")

	def test_no_mail_account_reveals_nothing_either(self):
		from unittest import mock

		def no_account(*args, **kwargs):
			# what frappe.sendmail does without an outgoing Email Account
			frappe.throw("Please setup default outgoing Email Account", frappe.OutgoingEmailError)

		frappe.set_user("Guest")
		frappe.local.message_log = []
		with mock.patch.object(requests, "_send_link", side_effect=no_account):
			known = api.request_by_email(USER, "Erasure")["message"]
		self.assertEqual(frappe.local.message_log, [], "no error message tells that the address is known")
		unknown = api.request_by_email("nobody-here@example.com", "Erasure")["message"]
		self.assertEqual(known.replace(USER, "X"), unknown.replace("nobody-here@example.com", "X"))

	def test_pages_render_escaped_and_a_guest_is_sent_to_login(self):
		from frappe.utils import set_request
		from frappe.website.serve import get_response

		def render(path, query=""):
			set_request(method="GET", path=path, query_string=query)
			try:
				return get_response()
			finally:
				frappe.local.request = None

		frappe.db.set_value("Social Profile", self.mine.name, "display_name", "<script>alert('x')</script>")
		frappe.set_user(USER)
		page = render("/my-social")
		html = page.get_data(as_text=True)
		self.assertEqual(page.status_code, 200)
		self.assertIn(f'data-profile="{self.mine.name}"', html)
		self.assertNotIn(f'data-profile="{self.others.name}"', html)
		self.assertNotIn("<script>alert('x')", html)
		self.assertIn("&lt;script&gt;alert(", html)
		self.assertIn('data-purpose="Marketing"', html)

		frappe.set_user("Guest")
		self.assertIn(render("/my-social").status_code, (301, 302))
		self.assertIn('id="my-social-request-form"', render("/my-social/request").get_data(as_text=True))
		query = urlparse(requests.confirm_url(USER, "Erasure")).query
		self.assertIn("data-query=", render("/my-social/confirm", query).get_data(as_text=True))
		bad = render("/my-social/confirm", query.replace("Erasure", "Access")).get_data(as_text=True)
		self.assertNotIn("data-query=", bad)
