"""Mentions that become ERPNext Issues: desk action, keyword rules, threads, replies, closing, SLA."""

import frappe

from social_crm.api import support as api
from social_crm.engine.records import Post
from social_crm.listening.pipeline import Ingestor
from social_crm.support import issues
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_contact, make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

VIEWER = "support-viewer@example.com"


def post(external_id: str, text: str, in_reply_to: str = "", author: str = "sup@example.social") -> Post:
	return Post.from_dict(
		{
			"platform": "Mastodon",
			"external_id": external_id,
			"text": text,
			"posted_at": "2026-11-20T10:00:00Z",
			"in_reply_to": in_reply_to,
			"author": {"handle": author, "display_name": "Sup Porter"},
		}
	)


def mention_of(external_id: str):
	return frappe.get_doc("Mention", {"platform": "Mastodon", "external_id": external_id})


class TestSupportIssues(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_user(VIEWER, ["Sales User"])
		frappe.get_doc(
			{
				"doctype": "Listening Rule",
				"rule_name": "_sup Grindco",
				"kind": "Brand",
				"terms": "grindco",
				"create_issues": 1,
				"issue_keywords": "broken, kaputt\nrefund",
			}
		).insert()

	def tearDown(self):
		frappe.set_user("Administrator")

	def linked_mention(self, external_id: str, **kwargs):
		customer = make_customer("_Test Support Customer")
		contact = make_contact("Supporta", customer=customer.name, email="supporta@example.com")
		profile = make_profile(f"sup-{external_id}", party_type="Contact", party=contact.name)
		mention = make_mention(
			external_id,
			author=profile.name,
			party_type="Contact",
			party=contact.name,
			url=f"https://mastodon.example/@s/{external_id}",
			**kwargs,
		)
		return mention, contact, customer

	def test_create_issue_for_linked_contact_with_post_link_and_author(self):
		mention, contact, customer = self.linked_mention("sup-1", text="My grinder arrived broken")
		name = api.create_issue(mention.name)
		issue = frappe.get_doc("Issue", name)
		self.assertEqual(issue.contact, contact.name)
		self.assertEqual(issue.customer, customer.name)
		self.assertEqual(issue.raised_by, "supporta@example.com")
		self.assertIn("My grinder arrived broken", issue.description)
		self.assertIn(mention.url, issue.description)
		self.assertIn(mention.author_name or "", issue.description)
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "issue"), name)
		# idempotent: the same Issue again
		self.assertEqual(api.create_issue(mention.name), name)
		self.assertEqual(frappe.db.count("Issue", {"name": name}), 1)
		# the party's timeline: the Issue's communication is linked to the Contact and the Customer
		for doctype, docname in (("Contact", contact.name), ("Customer", customer.name)):
			self.assertTrue(
				frappe.db.exists(
					"Communication Link",
					{"link_doctype": doctype, "link_name": docname, "parenttype": "Communication"},
				),
				doctype,
			)

	def test_users_without_write_access_cannot_create_issues(self):
		mention, *_ = self.linked_mention("sup-perm", text="kaputt")
		frappe.set_user(VIEWER)
		with self.assertRaises(frappe.PermissionError):
			api.create_issue(mention.name)

	def test_keyword_rule_opens_one_issue_per_conversation(self):
		ingestor = Ingestor(origin="Webhook", enrichment="none")
		ingestor.ingest([post("sup-t1", "My Grindco grinder is KAPUTT")])
		root = mention_of("sup-t1")
		self.assertTrue(root.issue)
		# a reply in the thread (and a reply to the reply) go to the same Issue
		ingestor.ingest([post("sup-t2", "still broken, grindco?", in_reply_to="sup-t1")])
		ingestor.ingest([post("sup-t3", "grindco refund please", in_reply_to="sup-t2")])
		for external_id in ("sup-t2", "sup-t3"):
			reply = mention_of(external_id)
			self.assertEqual(reply.issue, root.issue)
			self.assertEqual(reply.conversation, "Mastodon:sup-t1")
		comms = frappe.get_all(
			"Communication",
			filters={
				"reference_doctype": "Issue",
				"reference_name": root.issue,
				"sent_or_received": "Received",
			},
			pluck="content",
		)
		self.assertEqual(len(comms), 3)
		self.assertTrue(any("refund please" in c for c in comms))
		# posts without a keyword, and posts of rules without Create Issues, open none
		ingestor.ingest([post("sup-t4", "I love my grindco")])
		self.assertFalse(mention_of("sup-t4").issue)

	def test_replies_and_closing_update_both(self):
		mention, *_ = self.linked_mention("sup-both", text="refund!")
		name = issues.create_issue(mention.name)
		mention = frappe.get_doc("Mention", mention.name)
		mention.append(
			"sent_replies",
			{"text": "Sorry, a new one is on its way", "reply_url": "https://mastodon.example/r/1"},
		)
		mention.save()
		mention.save()  # a second save does not repeat the communication
		sent = frappe.get_all(
			"Communication",
			filters={"reference_doctype": "Issue", "reference_name": name, "sent_or_received": "Sent"},
			pluck="content",
		)
		self.assertEqual(len(sent), 1)
		self.assertIn("a new one is on its way", sent[0])

		issue = frappe.get_doc("Issue", name)
		issue.status = "Closed"
		issue.save()
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "status"), "Responded")

	def test_service_level_agreement_applies(self):
		from erpnext.support.doctype.service_level_agreement.test_service_level_agreement import (
			create_service_level_agreement,
		)

		frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
		sla = create_service_level_agreement(
			default_service_level_agreement=1,
			holiday_list="__Test Holiday List",
			entity_type=None,
			entity=None,
			response_time=14400,
			resolution_time=21600,
		)
		mention, *_ = self.linked_mention("sup-sla", text="broken again")
		issue = frappe.get_doc("Issue", issues.create_issue(mention.name))
		self.assertEqual(issue.service_level_agreement, sla.name)
		self.assertTrue(issue.response_by)

	def test_erasure_removes_the_post_copies_from_the_issue(self):
		from social_crm.privacy import erasure

		mention, contact, _customer = self.linked_mention("sup-erase", text="kaputt secret words")
		name = issues.create_issue(mention.name)
		issue = frappe.get_doc("Issue", name)
		self.assertIn("secret words", issue.description)
		erasure.erase("Contact", contact.name)
		issue.reload()
		self.assertNotIn("secret words", issue.description)
		self.assertNotIn("secret words", issue.subject)
		contents = frappe.get_all(
			"Communication", filters={"reference_doctype": "Issue", "reference_name": name}, pluck="content"
		)
		self.assertTrue(contents)
		self.assertFalse([c for c in contents if "secret words" in (c or "")])
