"""Access and erasure of one person's social data, suppression, the audit log and the hooks."""

import frappe
from frappe.utils import now_datetime

from social_crm.engine.records import Author, Post
from social_crm.privacy import is_suppressed
from social_crm.privacy.erasure import erase
from social_crm.privacy.subject import collect, export
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_contact, make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def make_idea(title: str, **kwargs):
	return frappe.get_doc(
		{"doctype": "Idea", "title": title, "description": kwargs.pop("description", title), **kwargs}
	).insert(ignore_permissions=True)


def make_vote(idea: str, profile: str):
	return frappe.get_doc({"doctype": "Idea Vote", "idea": idea, "voter_profile": profile}).insert(
		ignore_permissions=True
	)


def record_consent(purpose: str, status: str, **kwargs):
	return frappe.get_doc(
		{
			"doctype": "Social Consent Entry",
			"purpose": purpose,
			"status": status,
			"lawful_basis": "Consent",
			"source": "Email to support",
			"evidence": "Ticket #4711 from hanna@example.com",
			**kwargs,
		}
	).insert(ignore_permissions=True)


def post_of(platform: str, external_id: str, author_id: str, handle: str = "") -> Post:
	return Post(platform, external_id, Author(author_id, handle=handle), "text again", now_datetime())


class TestPrivacySubject(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = make_customer("_Test Privacy Customer").name
		cls.profile = make_profile(
			"priv-1",
			display_name="Hanna Holzapfel",
			handle="hanna@mastodon.social",
			email="hanna@example.com",
			party_type="Customer",
			party=cls.customer,
		).name
		cls.profile2 = make_profile(
			"priv-2",
			platform="Bluesky",
			handle="hanna.bsky.social",
			party_type="Customer",
			party=cls.customer,
		).name
		cls.stranger = make_profile("priv-stranger", display_name="Other Person").name
		cls.mentions = [
			make_mention("priv-m1", author=cls.profile, text="Hanna Holzapfel loves the brand").name,
			make_mention("priv-m2", author=cls.profile2, platform="Bluesky").name,
		]
		cls.stranger_mention = make_mention("priv-m3", author=cls.stranger).name
		cls.idea = make_idea(
			"Dark mode please",
			description="Hanna Holzapfel asks for dark mode",
			submitted_by_profile=cls.profile,
		).name
		cls.stranger_idea = make_idea("Faster export", submitted_by_profile=cls.stranger).name
		cls.vote = make_vote(cls.stranger_idea, cls.profile).name
		cls.grant = record_consent("Marketing", "Granted", social_profile=cls.profile).name
		cls.withdrawal = record_consent("Marketing", "Withdrawn", social_profile=cls.profile).name

	def test_collect_finds_everything_of_the_party_and_nothing_else(self):
		found = collect("Customer", self.customer)
		self.assertEqual(set(found["Social Profile"]), {self.profile, self.profile2})
		self.assertEqual(set(found["Mention"]), set(self.mentions))
		self.assertEqual(found["Idea"], [self.idea])
		self.assertEqual(found["Idea Vote"], [self.vote])
		self.assertEqual(set(found["Social Consent Entry"]), {self.grant, self.withdrawal})
		self.assertEqual(collect("Social Profile", self.stranger)["Mention"], [self.stranger_mention])

	def test_export_contains_all_of_a_persons_data_and_is_logged(self):
		data = export("Customer", self.customer)
		self.assertEqual({p["name"] for p in data["profiles"]}, {self.profile, self.profile2})
		self.assertEqual({m["name"] for m in data["mentions"]}, set(self.mentions))
		self.assertEqual([i["name"] for i in data["ideas"]], [self.idea])
		self.assertEqual([v["name"] for v in data["votes"]], [self.vote])
		self.assertEqual({c["name"] for c in data["consent_entries"]}, {self.grant, self.withdrawal})
		self.assertIn("Hanna Holzapfel loves the brand", [m.get("text") for m in data["mentions"]])
		self.assertNotIn(self.stranger_mention, {m["name"] for m in data["mentions"]})
		frappe.json.dumps(data, default=str)  # JSON-ready
		self.assertTrue(
			frappe.db.exists(
				"Social Privacy Log",
				{
					"event": "Export",
					"reference_doctype": "Customer",
					"reference_name": self.customer,
					"record_count": 8,
				},
			)
		)

	def test_export_endpoint_returns_the_data(self):
		from social_crm.api.privacy import export_social_data

		data = export_social_data("Social Profile", self.stranger, download=0)
		self.assertEqual([p["name"] for p in data["profiles"]], [self.stranger])

	def test_unknown_subject_gets_clear_errors(self):
		with self.assertRaises(frappe.DoesNotExistError) as ctx:
			export("Customer", "No Such Customer 4242")
		self.assertIn("does not exist", str(ctx.exception))
		with self.assertRaises(frappe.ValidationError) as ctx:
			export("User", "Administrator")
		self.assertIn("not User", str(ctx.exception))
		with self.assertRaises(frappe.DoesNotExistError):
			erase("Social Profile", "")

	def test_sales_and_social_users_may_not_export_or_erase(self):
		from social_crm.api.privacy import erase_social_data, export_social_data

		for email, roles in (
			("privacy-social-user@example.com", ["Social CRM User"]),
			("privacy-sales-user@example.com", ["Sales User"]),
		):
			make_user(email, roles)
			frappe.set_user(email)
			try:
				with self.assertRaises(frappe.PermissionError):
					export_social_data("Social Profile", self.stranger, download=0)
				with self.assertRaises(frappe.PermissionError):
					erase_social_data("Social Profile", self.stranger)
			finally:
				frappe.set_user("Administrator")
		self.assertTrue(frappe.db.exists("Mention", self.stranger_mention))

	def test_privacy_log_cannot_be_deleted_or_changed_by_users(self):
		from social_crm.privacy.audit import write_log

		log = write_log("Export", "test row", reference_doctype="Customer", reference_name="x")
		make_user("privacy-manager@example.com", ["Social CRM Manager"])
		frappe.set_user("privacy-manager@example.com")
		try:
			self.assertFalse(frappe.has_permission("Social Privacy Log", "delete", doc=log.name))
			with self.assertRaises(frappe.PermissionError):
				frappe.delete_doc("Social Privacy Log", log.name)
			self.assertTrue(frappe.has_permission("Social Privacy Log", "read", doc=log.name))
		finally:
			frappe.set_user("Administrator")
		self.assertNotIn("Social Privacy Log", frappe.get_hooks("default_log_clearing_doctypes") or {})

	def test_user_data_fields_cover_email_keyed_social_data(self):
		hooks = {h["doctype"]: h for h in frappe.get_hooks("user_data_fields")}
		self.assertEqual(hooks["Social Profile"]["filter_by"], "email")
		self.assertEqual(hooks["Idea Vote"]["filter_by"], "voter_user")
		self.assertEqual(hooks["Idea"]["filter_by"], "website_user")
		from frappe.website.doctype.personal_data_download_request.personal_data_download_request import (
			get_user_data,
		)

		data = frappe.parse_json(get_user_data("hanna@example.com"))
		self.assertIn(self.profile, [row["name"] for row in data.get("Social Profile", [])])


class TestErasure(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = make_customer(
			"_Test Erasure Customer", social_handles="mastodon:ida@mastodon.social"
		).name
		cls.profile = make_profile(
			"era-1",
			display_name="Ida Irrlicht",
			handle="ida@mastodon.social",
			email="ida@example.com",
			party_type="Customer",
			party=cls.customer,
		).name
		cls.contact = make_contact("Erasable", email="erasable@example.com").name
		cls.contact_profile = make_profile(
			"era-contact", platform="Reddit", handle="erasable", party_type="Contact", party=cls.contact
		).name

	def test_erasure_removes_data_keeps_proof_and_suppresses_later_polls(self):
		mentions = [
			make_mention(f"era-m{i}", author=self.profile, text=f"Ida Irrlicht post {i}").name
			for i in range(3)
		]
		idea = make_idea(
			"Offline mode", description="Ida Irrlicht wants offline mode", submitted_by_profile=self.profile
		).name
		other_idea = make_idea("Bigger fonts", submitted_by_profile=make_profile("era-other").name).name
		vote = make_vote(other_idea, self.profile).name
		self.assertEqual(frappe.db.get_value("Idea", other_idea, "vote_count"), 1)
		grant = record_consent("Listening", "Granted", social_profile=self.profile).name
		withdrawal = record_consent("Linking", "Withdrawn", party_type="Customer", party=self.customer).name

		from unittest import mock

		from social_crm.api.privacy import erase_social_data
		from social_crm.privacy.erasure import erasure_job

		with mock.patch("frappe.enqueue") as enqueue:
			queued = erase_social_data("Customer", self.customer)
		self.assertEqual(enqueue.call_args.kwargs["log"], queued["log"])
		self.assertTrue(frappe.db.exists("Mention", mentions[0]))  # the request only queues
		with mock.patch.object(frappe.db, "commit"):
			counts = erasure_job(queued["log"])
		self.assertEqual(counts["mentions_deleted"], 3)
		self.assertFalse(frappe.db.exists("Mention", {"name": ("in", mentions)}))
		self.assertFalse(frappe.db.exists("Idea Vote", vote))
		self.assertEqual(frappe.db.get_value("Idea", other_idea, "vote_count"), 0)
		idea_row = frappe.db.get_value("Idea", idea, ["description", "submitted_by_profile"], as_dict=True)
		self.assertFalse(idea_row.submitted_by_profile)
		self.assertNotIn("Irrlicht", idea_row.description)
		self.assertFalse(frappe.db.exists("Social Consent Entry", grant))
		kept = frappe.db.get_value(
			"Social Consent Entry", withdrawal, ["status", "evidence", "party"], as_dict=True
		)
		self.assertEqual((kept.status, kept.evidence, kept.party), ("Withdrawn", None, self.customer))
		profile = frappe.db.get_value(
			"Social Profile",
			self.profile,
			["anonymized", "handle", "display_name", "email", "party", "external_id"],
			as_dict=True,
		)
		self.assertEqual(profile.anonymized, 1)
		self.assertFalse(profile.handle or profile.display_name or profile.email or profile.party)
		self.assertTrue(profile.external_id.startswith("anon:"))
		self.assertFalse(frappe.db.get_value("Customer", self.customer, "social_handles"))
		self.assertGreaterEqual(counts["suppression_keys"], 5)  # profile, handle, three posts

		log = frappe.get_doc("Social Privacy Log", counts["log"])
		self.assertEqual((log.event, log.status, log.reference_name), ("Erasure", "Success", self.customer))
		self.assertNotIn("Irrlicht", (log.summary or "") + (log.details or ""))

		# a later poll of the old post, a new post by the same author, the same handle: all suppressed
		self.assertTrue(is_suppressed(post_of("Mastodon", "era-m0", "era-1")))
		self.assertTrue(is_suppressed(post_of("mastodon", "era-new", "era-1")))
		self.assertTrue(
			is_suppressed(post_of("Mastodon", "era-new2", "other-id", handle="@Ida@mastodon.social"))
		)
		self.assertFalse(is_suppressed(post_of("Mastodon", "era-new3", "someone-else", handle="bob")))
		self.assertFalse(frappe.db.exists("Social Profile", {"platform": "Mastodon", "external_id": "era-1"}))
		self._ingest_is_suppressed(post_of("Mastodon", "era-m1", "era-1", handle="ida@mastodon.social"))

	def _ingest_is_suppressed(self, post: Post):
		try:
			from social_crm.listening.pipeline import SUPPRESSED, Ingestor
		except ImportError:
			return
		frappe.get_doc(
			{
				"doctype": "Listening Rule",
				"rule_name": "_Test erasure rule",
				"kind": "Brand",
				"terms": "again",
			}
		).insert(ignore_permissions=True)
		results = Ingestor(origin="Import", enrichment="none", log_errors=False).ingest([post])
		self.assertEqual(results[0].status, SUPPRESSED)
		self.assertFalse(frappe.db.exists("Mention", {"platform": "Mastodon", "external_id": "era-m1"}))

	def test_erasure_of_a_contact_and_of_a_single_profile(self):
		mention = make_mention("era-c1", author=self.contact_profile, platform="Reddit").name
		counts = erase("Contact", self.contact)
		self.assertEqual((counts["profiles_anonymized"], counts["mentions_deleted"]), (1, 1))
		self.assertFalse(frappe.db.exists("Mention", mention))
		lone = make_profile("era-lone", platform="Bluesky", handle="lone.bsky.social").name
		make_mention("era-lone-m", author=lone, platform="Bluesky")
		self.assertEqual(erase("Social Profile", lone)["mentions_deleted"], 1)
		self.assertTrue(is_suppressed(post_of("Bluesky", "era-lone-m", "era-lone")))
		# erasing again is harmless
		self.assertEqual(erase("Social Profile", lone)["mentions_deleted"], 0)
