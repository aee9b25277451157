"""Issue #12 items 1, 3, 7 and 11 on a real site: consent and erasure at ingest, Frappe's
Personal Data Deletion Request, self-asserted identity, and which source may edit a mention."""

import json
from unittest import mock

import frappe

from social_crm.api.ingest import ingest_records
from social_crm.engine.records import Post
from social_crm.linking import jobs
from social_crm.listening import pipeline
from social_crm.listening.pipeline import Ingestor
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_contact, make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

RULE = "_ip Quorbix brand"


def post(
	external_id: str, text: str = "quorbix is great", author: str = "ina@example.social", **extra
) -> Post:
	author_data = {"handle": author, "display_name": extra.pop("author_name", "Ina Example")}
	author_data.update(extra.pop("author_extra", {}))
	return Post.from_dict(
		{
			"platform": extra.pop("platform", "Mastodon"),
			"external_id": external_id,
			"text": text,
			"posted_at": extra.pop("posted_at", "2026-11-20T10:00:00Z"),
			"author": author_data,
			**extra,
		}
	)


def mention_rows(platform: str = "Mastodon", **filters) -> list:
	return frappe.get_all(
		"Mention",
		filters={"platform": platform, **filters},
		fields=["name", "external_id", "text", "source", "author"],
		order_by="external_id",
	)


def profile_of(external_id: str, platform: str = "Mastodon"):
	return frappe.db.get_value(
		"Social Profile",
		{"platform": platform, "external_id": external_id},
		["name", "handle", "display_name", "last_seen", "anonymized", "email"],
		as_dict=True,
	)


def consent(purpose: str, status: str, **kwargs):
	return frappe.get_doc(
		{
			"doctype": "Social Consent Entry",
			"purpose": purpose,
			"status": status,
			"lawful_basis": kwargs.pop("lawful_basis", "Legitimate Interest"),
			"source": "Email to the data protection officer",
			**kwargs,
		}
	).insert()


class IngestPrivacyCase(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not frappe.db.exists("Listening Rule", RULE):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": RULE, "kind": "Brand", "terms": "quorbix"}
			).insert()

	def setUp(self):
		frappe.set_user("Administrator")
		self.addCleanup(frappe.set_user, "Administrator")

	def set_withdrawal_action(self, action: str):
		previous = frappe.db.get_single_value("Social CRM Settings", "on_listening_withdrawal")
		frappe.db.set_single_value("Social CRM Settings", "on_listening_withdrawal", action)
		self.addCleanup(
			frappe.db.set_single_value, "Social CRM Settings", "on_listening_withdrawal", previous
		)


# -- item 1: a Listening withdrawal / objection stops storage at ingest --------------------------


class TestConsentAtIngest(IngestPrivacyCase):
	def test_withdrawn_author_is_neither_stored_nor_refreshed_on_poll(self):
		first = Ingestor(origin="Poll", enrichment="none").ingest(
			[post("ip-c1", author="wanda@example.social")]
		)
		self.assertEqual(first[0].status, "accepted")
		before = profile_of("wanda@example.social")
		consent("Listening", "Withdrawn", social_profile=before.name)

		page = [
			post(
				"ip-c2",
				author="wanda@example.social",
				author_name="Wanda Renamed",
				posted_at="2026-11-25T10:00:00Z",
			),
			post("ip-c3", author="otto@example.social"),  # someone else on the same page
		]
		with mock.patch.object(pipeline, "withheld_authors", wraps=pipeline.withheld_authors) as check:
			results = Ingestor(origin="Poll", enrichment="none").ingest(page)
		self.assertEqual(check.call_count, 1)  # one check for the whole page
		self.assertEqual([r.status for r in results], ["suppressed", "accepted"])
		self.assertIn("listening", results[0].reason)
		self.assertFalse(mention_rows(external_id="ip-c2"))
		after = profile_of("wanda@example.social")
		# nothing of that person was refreshed: name, last seen
		self.assertEqual((after.display_name, after.last_seen), (before.display_name, before.last_seen))
		# nor stored through REST / the desk
		with self.assertRaises(pipeline.SuppressedMention):
			make_mention("ip-c4", author=before.name, text="quorbix by hand")

	def test_a_party_objection_covers_its_profiles_on_the_webhook_and_edits(self):
		customer = make_customer("_Test Ingest Privacy Customer").name
		profile = make_profile(
			"olga@example.social", handle="olga@example.social", party_type="Customer", party=customer
		)
		stored = Ingestor(origin="Webhook", enrichment="none").ingest(
			[post("ip-p1", author="olga@example.social")]
		)
		self.assertEqual(stored[0].status, "accepted")
		self.set_withdrawal_action("Anonymize")
		consent("Listening", "Objected", party_type="Customer", party=customer)

		answer = ingest_records(
			[
				{
					"platform": "Mastodon",
					"external_id": "ip-p2",
					"text": "quorbix again",
					"posted_at": "2026-11-21T10:00:00Z",
					"author": {"handle": "olga@example.social"},
				}
			],
			origin="Import",
		)
		self.assertEqual(answer["results"][0]["status"], "suppressed")
		self.assertFalse(mention_rows(external_id="ip-p2"))
		self.assertEqual(frappe.db.count("Mention", {"author": profile.name, "external_id": "ip-p2"}), 0)

	def test_without_a_withdrawal_or_after_a_new_grant_posts_are_stored(self):
		Ingestor(origin="Poll", enrichment="none").ingest([post("ip-g1", author="gina@example.social")])
		profile = profile_of("gina@example.social").name
		consent("Listening", "Withdrawn", social_profile=profile)
		self.assertEqual(
			Ingestor(enrichment="none").ingest([post("ip-g2", author="gina@example.social")])[0].status,
			"suppressed",
		)
		frappe.db.set_value(
			"Social Consent Entry", {"social_profile": profile}, "at", frappe.utils.add_days(None, -2)
		)
		consent("Listening", "Granted", lawful_basis="Consent", social_profile=profile)
		self.assertEqual(
			Ingestor(enrichment="none").ingest([post("ip-g3", author="gina@example.social")])[0].status,
			"accepted",
		)

	def test_a_withdrawal_that_deletes_needs_the_erasure_role(self):
		profile = make_profile("ip-role-1", handle="role1@example.social").name
		make_user("ip-social-user@example.com", ["Social CRM User"])
		make_user("ip-social-manager@example.com", ["Social CRM Manager"])

		self.set_withdrawal_action("Delete")
		frappe.set_user("ip-social-user@example.com")
		with self.assertRaises(frappe.PermissionError):
			consent("Listening", "Withdrawn", social_profile=profile)
		# other purposes, and grants, stay open to Social CRM Users
		consent("Linking", "Withdrawn", social_profile=profile)
		frappe.set_user("ip-social-manager@example.com")
		consent("Listening", "Withdrawn", social_profile=profile)

		self.set_withdrawal_action("Anonymize")
		frappe.set_user("ip-social-user@example.com")
		consent("Listening", "Objected", social_profile=profile)  # anonymizes, deletes nothing


# -- item 3: Frappe's Personal Data Deletion Request is not undone by the next poll ---------------


class TestDeletionRequest(IngestPrivacyCase):
	def test_deletion_request_erases_profile_and_mentions_and_the_next_poll_keeps_it(self):
		email = "pddr.person@example.com"
		make_user(email, [])
		webhook = Ingestor(origin="Webhook", enrichment="none")
		author = {"email": email, "bio": "quorbix fan"}
		stored = webhook.ingest(
			[post("ip-d1", author="pia@example.social", author_name="Pia Private", author_extra=author)]
		)
		self.assertEqual(stored[0].status, "accepted")
		profile = profile_of("pia@example.social")
		self.assertEqual(profile.email, email)

		with mock.patch("frappe.sendmail"):
			request = frappe.get_doc({"doctype": "Personal Data Deletion Request", "email": email}).insert(
				ignore_permissions=True
			)
		request.db_set("status", "Pending Approval")
		with mock.patch("frappe.sendmail"):  # the confirmation mails leave the machine
			request.trigger_data_deletion()

		row = frappe.db.get_value(
			"Social Profile", profile.name, ["handle", "display_name", "anonymized"], as_dict=True
		)
		self.assertEqual(row.anonymized, 1)
		self.assertNotIn("Pia", row.display_name or "")
		self.assertFalse(frappe.db.exists("Mention", {"author": profile.name}))  # the mentions are covered
		self.assertEqual(frappe.db.count("Mention", {"external_id": "ip-d1"}), 0)

		# the next poll of the same author (old and new posts) stores and restores nothing
		again = Ingestor(origin="Poll", enrichment="none").ingest(
			[
				post("ip-d1", author="pia@example.social", author_name="Pia Private", author_extra=author),
				post("ip-d2", author="pia@example.social", author_name="Pia Private", author_extra=author),
			]
		)
		self.assertEqual([r.status for r in again], ["suppressed", "suppressed"])
		self.assertFalse(frappe.db.exists("Social Profile", {"display_name": "Pia Private"}))
		self.assertEqual(frappe.db.count("Mention", {"external_id": ("in", ["ip-d1", "ip-d2"])}), 0)

	def test_a_profile_redacted_by_an_earlier_request_is_never_refreshed(self):
		Ingestor(origin="Poll", enrichment="none").ingest(
			[post("ip-r1", author="rex@example.social"), post("ip-r0", author="otto-other@example.social")]
		)
		profile = profile_of("rex@example.social").name
		# what Frappe's redaction left before this app hooked into it: platform id kept, values redacted
		frappe.db.set_value(
			"Social Profile",
			profile,
			{"handle": "[REDACTED]", "display_name": "[REDACTED]", "bio": "bio", "email": "deleted-user@x.y"},
		)
		results = Ingestor(origin="Poll", enrichment="none").ingest(
			[post("ip-r2", author="rex@example.social", author_name="Rex Real")]
		)
		self.assertEqual(results[0].status, "suppressed")
		row = frappe.db.get_value("Social Profile", profile, ["handle", "display_name"], as_dict=True)
		self.assertEqual((row.handle, row.display_name), ("[REDACTED]", "[REDACTED]"))
		self.assertFalse(mention_rows(external_id="ip-r2"))

		# the migrate patch finishes such an old request: the person's mentions are erased too
		from social_crm.patches import erase_profiles_redacted_by_deletion_requests as patch

		self.assertTrue(frappe.db.exists("Mention", {"author": profile, "external_id": "ip-r1"}))
		untouched = profile_of("otto-other@example.social")
		patch.execute()
		self.assertFalse(frappe.db.exists("Mention", {"author": profile}))
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "anonymized"), 1)
		self.assertEqual(profile_of("otto-other@example.social"), untouched)


# -- item 7: self-asserted identity never auto-links ----------------------------------------------


class TestSelfAssertedIdentity(IngestPrivacyCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = make_customer("_Test Asserted GmbH", website="https://asserted-gmbh.example").name
		cls.contact = make_contact("Selma", cls.customer, "selma.self@asserted-gmbh.example").name

	def match(self, profile):
		return jobs.match_profile(profile.name), frappe.get_doc("Social Profile", profile.name)

	def test_rss_author_email_only_proposes_a_review(self):
		post_ = Post.from_dict(
			{
				"platform": "RSS",
				"external_id": "ip-rss-1",
				"feed": "https://blog.asserted.example/feed",
				"text": "quorbix review",
				"posted_at": "2026-11-20T10:00:00Z",
				"author": {
					"external_id": "blog.asserted.example:selma",
					"email": "selma.self@asserted-gmbh.example",
				},
			}
		)
		self.assertEqual(Ingestor(enrichment="none").ingest([post_])[0].status, "accepted")
		profile = frappe.get_doc(
			"Social Profile", {"platform": "RSS", "external_id": "blog.asserted.example:selma"}
		)
		status, profile = self.match(profile)
		self.assertEqual(status, "Needs Review")
		self.assertFalse(profile.party)
		best = json.loads(profile.match_candidates)["candidates"][0]
		self.assertEqual((best["party_type"], best["party"]), ("Contact", self.contact))

	def test_email_in_a_bio_only_proposes_a_review(self):
		profile = make_profile(
			"ip-bio-1", platform="Reddit", handle="selma_s", bio="write me: selma.self@asserted-gmbh.example"
		)
		status, profile = self.match(profile)
		self.assertEqual(status, "Needs Review")
		self.assertFalse(profile.party)

	def test_discourse_handle_without_its_forum_only_proposes_a_review(self):
		contact = make_contact("Dora", None, None)
		frappe.db.set_value("Contact", contact.name, "social_handles", "discourse:dora_d")
		frappe.get_doc("Contact", contact.name).save(ignore_permissions=True)  # re-keys the party
		results = Ingestor(enrichment="none").ingest(
			[
				Post.from_dict(
					{
						"platform": "Discourse",
						"external_id": "1",
						"instance": "forum.elsewhere.example",
						"text": "quorbix on the forum",
						"posted_at": "2026-11-20T10:00:00Z",
						"author": {"external_id": "dora_d@forum.elsewhere.example", "handle": "dora_d"},
					}
				)
			]
		)
		self.assertEqual(results[0].status, "accepted")
		profile = frappe.get_doc(
			"Social Profile", {"platform": "Discourse", "external_id": "dora_d@forum.elsewhere.example"}
		)
		self.assertEqual(profile.handle, "dora_d@forum.elsewhere.example")
		status, profile = self.match(profile)
		self.assertEqual(status, "Needs Review")
		self.assertFalse(profile.party)
		# with the forum recorded it is the same person: that links
		frappe.db.set_value(
			"Contact", contact.name, "social_handles", "discourse:dora_d@forum.elsewhere.example"
		)
		frappe.get_doc("Contact", contact.name).save(ignore_permissions=True)
		status, profile = self.match(profile)
		self.assertEqual((profile.party_type, profile.party), ("Contact", contact.name))


# -- item 11: a source cannot overwrite another source's mention ----------------------------------


class TestSourceBoundMentions(IngestPrivacyCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.forum_a = cls.make_source("_ip Forum A", "https://forum-a.example")
		cls.forum_b = cls.make_source("_ip Forum B", "https://forum-b.example")

	@staticmethod
	def make_source(name: str, base_url: str) -> str:
		if not frappe.db.exists("Social Source", name):
			frappe.get_doc(
				{
					"doctype": "Social Source",
					"source_name": name,
					"platform": "Discourse",
					"base_url": base_url,
					"query": "quorbix",
					"enabled": 0,
				}
			).insert()
		return name

	def discourse_post(self, text: str, host: str = "forum-a.example", post_id: int = 77) -> Post:
		return Post.from_dict(
			{
				"platform": "Discourse",
				"external_id": f"{host}:{post_id}",
				"text": text,
				"posted_at": "2026-11-20T10:00:00Z",
				"author": {"external_id": f"fritz@{host}", "handle": "fritz"},
			}
		)

	def test_edits_are_accepted_only_from_the_source_that_stored_the_mention(self):
		first = Ingestor(source=self.forum_a, enrichment="none").ingest([self.discourse_post("quorbix v1")])
		self.assertEqual(first[0].status, "accepted")

		hijack = Ingestor(source=self.forum_b, enrichment="none").ingest(
			[self.discourse_post("quorbix is a scam, buy elsewhere")]
		)
		self.assertEqual(hijack[0].status, "duplicate")
		self.assertIn("another source", hijack[0].reason)
		webhook = Ingestor(origin="Webhook", enrichment="none").ingest(
			[self.discourse_post("quorbix hacked")]
		)
		self.assertEqual(webhook[0].status, "duplicate")
		rows = mention_rows("Discourse", external_id="forum-a.example:77")
		self.assertEqual([(r.text, r.source) for r in rows], [("quorbix v1", self.forum_a)])

		edit = Ingestor(source=self.forum_a, enrichment="none").ingest([self.discourse_post("quorbix v2")])
		self.assertEqual(edit[0].status, "updated")
		self.assertEqual(mention_rows("Discourse", external_id="forum-a.example:77")[0].text, "quorbix v2")

	def test_the_same_post_number_on_two_forums_is_two_mentions(self):
		answer = ingest_records(
			[
				{
					"platform": "Discourse",
					"id": 5,
					"instance": host,
					"text": f"quorbix on {host}",
					"posted_at": "2026-11-20T10:00:00Z",
					"author": {"handle": "fritz"},
				}
				for host in ("forum-c.example", "forum-d.example")
			],
			origin="Import",
		)
		self.assertEqual([r["status"] for r in answer["results"]], ["accepted", "accepted"])
		rows = mention_rows("Discourse", external_id=("in", ["forum-c.example:5", "forum-d.example:5"]))
		self.assertEqual(len(rows), 2)
		bare = ingest_records(
			[{"platform": "Discourse", "id": 5, "text": "quorbix", "posted_at": "2026-11-20T10:00:00Z"}],
			origin="Import",
		)
		self.assertEqual(bare["results"][0]["status"], "rejected")


class TestKeyFormatPatch(IngestPrivacyCase):
	def test_patch_scopes_stored_discourse_handles_and_bare_post_ids(self):
		from social_crm.patches import scope_discourse_handles_and_post_ids as patch

		profile = make_profile("hans@forum-x.example", platform="Discourse", handle="Hans")
		self.assertEqual(profile.handle, "hans")  # stored the old way: no profile URL, no forum
		mention = make_mention(
			"ip-k1",
			author=profile.name,
			platform="Discourse",
			text="quorbix",
			url="https://forum-x.example/p/9",
		)
		frappe.db.set_value("Mention", mention.name, "external_id", "9")  # a bare id of an old import
		patch.execute()
		self.assertEqual(
			frappe.db.get_value("Social Profile", profile.name, "handle"), "hans@forum-x.example"
		)
		self.assertEqual(
			frappe.db.get_value("Mention", mention.name, ["external_id", "author_handle"]),
			("forum-x.example:9", "hans@forum-x.example"),
		)
		keys = frappe.get_all(
			"Social Match Key",
			filters={
				"reference_doctype": "Social Profile",
				"reference_name": profile.name,
				"key_type": "handle",
			},
			pluck="key_value",
		)
		self.assertIn("Discourse:hans@forum-x.example", keys)
		# the same post delivered again now is a duplicate, not a second mention
		again = ingest_records(
			[
				{
					"platform": "Discourse",
					"id": 9,
					"instance": "forum-x.example",
					"text": "quorbix",
					"posted_at": "2026-11-20T10:00:00Z",
					"author": {"external_id": "hans@forum-x.example", "handle": "hans"},
				}
			],
			origin="Import",
		)
		self.assertEqual(again["results"][0]["status"], "duplicate")
