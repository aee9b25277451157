"""Linking profiles to parties: lookup keys, the match job's rules, human decisions and the review queue.

Jobs are called directly (the test transaction never commits, so nothing is enqueued for real);
what *would* be enqueued after commit is read from the pending set.
"""

import json
from unittest.mock import patch

import frappe

from social_crm.api import linking as api
from social_crm.linking import jobs
from social_crm.linking.keys import KEY_DOCTYPE, find_candidate_refs, parse_social_handles
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def make_person(first, last, customer=None, email=None, handles=None, lead=None):
	contact = frappe.get_doc({"doctype": "Contact", "first_name": first, "last_name": last})
	if email:
		contact.append("email_ids", {"email_id": email, "is_primary": 1})
	if customer:
		contact.append("links", {"link_doctype": "Customer", "link_name": customer})
	if lead:
		contact.append("links", {"link_doctype": "Lead", "link_name": lead})
	if handles:
		contact.social_handles = handles
	return contact.insert(ignore_permissions=True)


def make_lead(first, last, **kwargs):
	return frappe.get_doc({"doctype": "Lead", "first_name": first, "last_name": last, **kwargs}).insert(
		ignore_permissions=True
	)


def keys_of(doctype, name):
	return {
		(row.key_type, row.key_value)
		for row in frappe.get_all(
			KEY_DOCTYPE,
			filters={"reference_doctype": doctype, "reference_name": name},
			fields=["key_type", "key_value"],
		)
	}


def pending_jobs():
	return dict(getattr(frappe.local, "social_crm_pending_jobs", None) or {})


def pending_matches():
	return {spec["profile"] for (method, _id), spec in pending_jobs().items() if method == jobs.MATCH_METHOD}


class LinkingTestCase(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		settings = frappe.get_doc("Social CRM Settings")
		settings.enable_auto_linking = 1
		settings.auto_link_threshold = 90
		settings.review_threshold = 60
		settings.flags.ignore_permissions = True
		settings.save()

	def tearDown(self):
		frappe.set_user("Administrator")

	def reload(self, profile):
		return frappe.get_doc("Social Profile", profile.name if hasattr(profile, "name") else profile)


class TestMatchKeys(LinkingTestCase):
	def test_parse_social_handles(self):
		self.assertEqual(
			parse_social_handles(
				"mastodon: @Anna@Chaos.Social\nBluesky:@anna.bsky.social\nnonsense\nfoo:bar"
			),
			[("Bluesky", "anna.bsky.social"), ("Mastodon", "anna@chaos.social")],
		)

	def test_keys_follow_party_changes(self):
		customer = make_customer("_Test Link Keys GmbH", website="https://www.keys-test.de")
		contact = make_person(
			"Kira", "Keyes", customer.name, "kira@keys-test.de", "mastodon:@Kira@Chaos.Social"
		)
		rows = keys_of("Contact", contact.name)
		self.assertIn(("handle", "Mastodon:kira@chaos.social"), rows)
		self.assertIn(("email", "kira@keys-test.de"), rows)
		self.assertIn(("domain", "keys-test.de"), rows)
		self.assertIn(("name", "keyes kira"), rows)
		self.assertIn(("domain", "keys-test.de"), keys_of("Customer", customer.name))
		customer_column = frappe.db.get_value(
			KEY_DOCTYPE, {"reference_doctype": "Contact", "reference_name": contact.name}, "customer"
		)
		self.assertEqual(customer_column, customer.name)

		contact.reload()
		contact.social_handles = "bluesky:kira.bsky.social"
		contact.save(ignore_permissions=True)
		rows = keys_of("Contact", contact.name)
		self.assertNotIn(("handle", "Mastodon:kira@chaos.social"), rows)
		self.assertIn(("handle", "Bluesky:kira.bsky.social"), rows)

		frappe.delete_doc("Contact", contact.name, ignore_permissions=True)
		self.assertEqual(keys_of("Contact", contact.name), set())

	def test_free_mail_and_platform_domains_are_never_keys(self):
		contact = make_person("Fred", "Freemail", email="fred.freemail@gmail.com")
		self.assertNotIn("domain", {kind for kind, _value in keys_of("Contact", contact.name)})
		profile = make_profile(
			"keys-free-1", handle="fred@mastodon.social", email="x@outlook.com", display_name="Fred F"
		)
		self.assertNotIn("domain", {kind for kind, _value in keys_of("Social Profile", profile.name)})

	def test_backfill_restores_missing_keys(self):
		from social_crm.linking.keys import backfill_all

		contact = make_person("Bea", "Backfill", email="bea@backfill-test.de", handles="reddit:bea_bf")
		profile = make_profile("keys-bf-1", platform="Reddit", handle="bea_bf")
		expected_contact, expected_profile = (
			keys_of("Contact", contact.name),
			keys_of("Social Profile", profile.name),
		)
		self.assertTrue(expected_contact and expected_profile)
		frappe.db.delete(KEY_DOCTYPE, {"reference_name": ("in", [contact.name, profile.name])})
		counts = backfill_all(batch_size=50, commit=False)
		self.assertGreaterEqual(counts["Contact"], 1)
		self.assertEqual(keys_of("Contact", contact.name), expected_contact)
		self.assertEqual(keys_of("Social Profile", profile.name), expected_profile)
		# idempotent: a second run changes nothing
		before = frappe.db.count(KEY_DOCTYPE)
		backfill_all(batch_size=50, commit=False)
		self.assertEqual(frappe.db.count(KEY_DOCTYPE), before)

	def test_candidates_come_from_indexed_lookups_with_limits(self):
		from social_crm.engine.identity import LookupKeys

		make_person("Limit", "Person", email="limit.person@limit-test.de")
		refs, _ = find_candidate_refs(LookupKeys(emails=["limit.person@limit-test.de"]))
		self.assertEqual(len(refs), 1)
		self.assertEqual(refs[0][0], "Contact")
		plan = frappe.db.sql(
			"""explain select reference_doctype, reference_name from `tabSocial Match Key`
			where key_type='email' and key_value in ('limit.person@limit-test.de')
			and reference_doctype in ('Customer','Lead','Contact') limit 20""",
			as_dict=True,
		)
		self.assertEqual(plan[0].key, "unique_match_key")


class TestMatchRules(LinkingTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.acme = make_customer("ACME Link Tools GmbH", website="https://www.acme-link-tools.de")
		cls.anna = make_person(
			"Anna",
			"Linkmann",
			cls.acme.name,
			"anna.linkmann@acme-link-tools.de",
			"mastodon:anna_lm@chaos.social",
		)

	def test_handle_on_contact_links_to_the_contact_and_rolls_up(self):
		profile = make_profile("rule-handle-1", handle="@Anna_LM@chaos.social", display_name="A.")
		mention = make_mention("rule-handle-1-m", author=profile.name)
		self.assertEqual(jobs.match_profile(profile.name), f"linked: Contact {self.anna.name}")
		profile = self.reload(profile)
		self.assertEqual((profile.party_type, profile.party), ("Contact", self.anna.name))
		self.assertEqual(profile.customer, self.acme.name)
		self.assertEqual(profile.link_method, "Handle")
		self.assertGreaterEqual(profile.link_confidence, 90)
		mention.reload()
		self.assertEqual(
			(mention.party, mention.customer, mention.status), (self.anna.name, self.acme.name, "Linked")
		)

	def test_email_on_contact(self):
		profile = make_profile(
			"rule-email-1", platform="Reddit", handle="whoever", email="Anna.Linkmann@acme-link-tools.de"
		)
		jobs.match_profile(profile.name)
		profile = self.reload(profile)
		self.assertEqual(
			(profile.party_type, profile.party, profile.link_method), ("Contact", self.anna.name, "Email")
		)

	def test_email_on_lead_with_its_auto_created_contact(self):
		lead = make_lead("Lena", "Leadwell", email_id="lena.leadwell@lead-link.example")
		# (the profile's email field: an address only in the bio is self-asserted and only proposes a review)
		profile = make_profile(
			"rule-lead-1", platform="Reddit", handle="lenal", email="lena.leadwell@lead-link.example"
		)
		jobs.match_profile(profile.name)
		profile = self.reload(profile)
		# ERPNext may have made a Contact with the same email: it is the Lead's, not a rival
		self.assertEqual(
			(profile.party_type, profile.party, profile.link_method), ("Lead", lead.name, "Email")
		)

	def test_customer_domain_alone_goes_to_review_with_reasons(self):
		profile = make_profile(
			"rule-domain-1", platform="Reddit", handle="someone", website="https://acme-link-tools.de/blog"
		)
		self.assertEqual(jobs.match_profile(profile.name), "Needs Review")
		profile = self.reload(profile)
		self.assertFalse(profile.party)
		state = json.loads(profile.match_candidates)
		best = state["candidates"][0]
		self.assertEqual((best["party_type"], best["party"]), ("Customer", self.acme.name))
		self.assertIn("domain", [reason["signal"] for reason in best["reasons"]])

	def test_customer_domain_and_name_links_the_customer(self):
		profile = make_profile(
			"rule-domain-2",
			platform="Reddit",
			handle="acmetools",
			display_name="ACME Link Tools",
			website="https://www.acme-link-tools.de",
		)
		jobs.match_profile(profile.name)
		profile = self.reload(profile)
		self.assertEqual((profile.party_type, profile.party), ("Customer", self.acme.name))
		self.assertEqual(profile.link_method, "Domain")

	def test_free_mail_domain_never_matches(self):
		make_person("Greta", "Gmailer", email="greta.gmailer@gmail.com")
		profile = make_profile("rule-free-1", platform="Reddit", handle="gg", email="someone.else@gmail.com")
		self.assertEqual(jobs.match_profile(profile.name), "No Match")
		self.assertFalse(self.reload(profile).party)

	def test_name_and_company_in_bio_goes_to_review(self):
		blau = make_customer("Blau Linktech GmbH", website="https://blau-linktech.de")
		zoe = make_person("Zoë", "Müllerlink", blau.name)
		profile = make_profile(
			"rule-name-1",
			platform="Reddit",
			handle="zm",
			display_name="Zoe Muellerlink",
			bio="Engineer at Blau Linktech",
		)
		self.assertEqual(jobs.match_profile(profile.name), "Needs Review")
		state = json.loads(self.reload(profile).match_candidates)
		self.assertEqual(state["candidates"][0]["party"], zoe.name)
		signals = [reason["signal"] for reason in state["candidates"][0]["reasons"]]
		self.assertIn("name", signals)
		self.assertIn("company", signals)

	def test_name_and_own_domain_links(self):
		blau = make_customer("Gruen Linktech GmbH", website="https://gruen-linktech.de")
		person = make_person("Jonas", "Gruenlink", blau.name)
		profile = make_profile(
			"rule-name-2",
			platform="Reddit",
			handle="jg",
			display_name="Jonas Grünlink",
			website="https://gruen-linktech.de",
		)
		jobs.match_profile(profile.name)
		profile = self.reload(profile)
		self.assertEqual(
			(profile.party_type, profile.party, profile.link_method), ("Contact", person.name, "Name")
		)

	def test_name_alone_is_no_match(self):
		make_person("Paul", "Namesake")
		profile = make_profile("rule-name-3", platform="Reddit", handle="pn", display_name="Paul Namesake")
		self.assertEqual(jobs.match_profile(profile.name), "No Match")

	def test_same_handle_on_two_parties_is_ambiguous(self):
		one = make_lead("Max", "Doppel", social_handles="reddit:maxd")
		two = make_lead("Moritz", "Doppel", social_handles="reddit:u/MaxD")
		profile = make_profile("rule-amb-1", platform="Reddit", handle="maxd", display_name="MD")
		self.assertEqual(jobs.match_profile(profile.name), "Needs Review")
		state = json.loads(self.reload(profile).match_candidates)
		self.assertTrue(state["ambiguous"])
		self.assertEqual({c["party"] for c in state["candidates"]}, {one.name, two.name})
		for candidate in state["candidates"]:
			self.assertEqual({"handle", "conflict"}, {r["signal"] for r in candidate["reasons"]})

	def test_thresholds_come_from_settings(self):
		profile = make_profile(
			"rule-thr-1", platform="Reddit", handle="someone2", website="https://acme-link-tools.de"
		)
		frappe.db.set_single_value("Social CRM Settings", "auto_link_threshold", 75)
		try:
			jobs.match_profile(profile.name)
		finally:
			frappe.db.set_single_value("Social CRM Settings", "auto_link_threshold", 90)
		self.assertEqual(self.reload(profile).party, self.acme.name)


class TestHumanDecisions(LinkingTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = make_customer("_Test Link Human AG")
		cls.other = make_customer("_Test Link Other AG")
		cls.contact = make_person("Hugo", "Humanlink", cls.customer.name, handles="reddit:hugo_h")

	def test_manual_link_is_never_overwritten(self):
		profile = make_profile(
			"human-1", platform="Reddit", handle="hugo_h", party_type="Customer", party=self.other.name
		)
		self.assertEqual(profile.link_method, "Manual")
		self.assertEqual(jobs.match_profile(profile.name), "skipped: linked by a person")
		self.assertEqual(self.reload(profile).party, self.other.name)

	def test_manual_unlink_is_never_overwritten(self):
		profile = make_profile("human-2", platform="Reddit", handle="hugo_h")
		jobs.match_profile(profile.name)
		profile = self.reload(profile)
		self.assertEqual(profile.party, self.contact.name)
		frappe.local.social_crm_pending_jobs.clear()
		profile.party_type, profile.party = None, None
		profile.save()
		self.assertEqual(jobs.match_profile(profile.name), "skipped: unlinked by a person")
		self.assertFalse(self.reload(profile).party)
		self.assertNotIn(profile.name, pending_matches())

	def test_do_not_auto_link(self):
		profile = make_profile("human-3", platform="Reddit", handle="hugo_h", do_not_auto_link=1)
		self.assertEqual(jobs.match_profile(profile.name), "skipped: do not auto-link")
		self.assertFalse(self.reload(profile).party)

	def test_consent_refusal_skips_linking(self):
		from social_crm import privacy

		profile = make_profile("human-4", platform="Reddit", handle="hugo_h")
		with patch.object(privacy, "consent_allows", return_value=False, create=True) as check:
			self.assertEqual(jobs.match_profile(profile.name), "skipped: no consent for linking")
		check.assert_called_with(profile.name, "Linking")
		self.assertFalse(self.reload(profile).party)

	def test_auto_link_is_replaced_only_by_a_confident_link(self):
		profile = make_profile("human-5", platform="Reddit", handle="hugo_h")
		jobs.match_profile(profile.name)
		contact = frappe.get_doc("Contact", self.contact.name)
		contact.social_handles = ""
		contact.save(ignore_permissions=True)
		self.assertEqual(jobs.match_profile(profile.name), "kept")
		self.assertEqual(self.reload(profile).party, self.contact.name)
		contact.social_handles = "reddit:hugo_h"
		contact.save(ignore_permissions=True)


class TestReviewQueue(LinkingTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.one = make_lead("Rita", "Reviewer", social_handles="reddit:rita_r")
		cls.two = make_lead("Rosa", "Reviewer", social_handles="reddit:rita_r")

	def queued(self, external_id):
		profile = make_profile(external_id, platform="Reddit", handle="rita_r", display_name="RR")
		self.assertEqual(jobs.match_profile(profile.name), "Needs Review")
		return profile

	def test_mentions_follow_the_review_queue(self):
		profile = make_profile("review-m", platform="Reddit", handle="rita_r", display_name="RR")
		mention = make_mention("review-m-1", author=profile.name, platform="Reddit")
		responded = make_mention("review-m-2", author=profile.name, platform="Reddit", status="Responded")
		self.assertEqual(jobs.match_profile(profile.name), "Needs Review")
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "status"), "Needs Review")
		self.assertEqual(frappe.db.get_value("Mention", responded.name, "status"), "Responded")
		later = make_mention("review-m-3", author=profile.name, platform="Reddit")
		self.assertEqual(later.status, "Needs Review")
		api.accept_candidate(profile.name, "Lead", self.one.name)
		self.assertEqual(frappe.db.get_value("Mention", later.name, "status"), "Linked")
		self.assertEqual(frappe.db.get_value("Mention", mention.name, "status"), "Linked")
		self.assertEqual(frappe.db.get_value("Mention", responded.name, "status"), "Responded")

	def test_accept_links_as_a_person(self):
		profile = self.queued("review-1")
		data = api.get_candidates(profile.name)
		self.assertEqual(len(data["candidates"]), 2)
		self.assertTrue(all(c["reasons"] and c["score"] for c in data["candidates"]))
		api.accept_candidate(profile.name, "Lead", self.two.name)
		profile = self.reload(profile)
		self.assertEqual(
			(profile.party, profile.link_method, profile.match_status), (self.two.name, "Manual", "")
		)
		self.assertEqual(jobs.match_profile(profile.name), "skipped: linked by a person")

	def test_reject_is_remembered(self):
		profile = self.queued("review-2")
		api.reject_candidate(profile.name, "Lead", self.one.name)
		profile = self.reload(profile)
		state = json.loads(profile.match_candidates)
		self.assertEqual(
			[(r["party_type"], r["party"]) for r in state["rejected"]], [("Lead", self.one.name)]
		)
		# the other Lead is now alone with the handle: the job links it
		self.assertEqual(profile.party, self.two.name)
		self.assertNotIn(self.one.name, {c["party"] for c in state["candidates"]})

	def test_reject_all_then_jobs_never_propose_again(self):
		profile = self.queued("review-3")
		api.reject_all([profile.name])
		profile = self.reload(profile)
		self.assertEqual(profile.match_status, "Rejected")
		self.assertEqual(jobs.match_profile(profile.name), "Rejected")
		self.assertFalse(self.reload(profile).party)

	def test_bulk_accept_best(self):
		profile = self.queued("review-4")
		result = api.accept_best(json.dumps([profile.name]))
		self.assertEqual(result["accepted"], [profile.name])
		self.assertIn(self.reload(profile).party, (self.one.name, self.two.name))

	def test_user_without_roles_is_refused(self):
		profile = self.queued("review-5")
		make_user("nolink@example.com", ["Accounts User"])
		frappe.set_user("nolink@example.com")
		with self.assertRaises(frappe.PermissionError):
			api.accept_candidate(profile.name, "Lead", self.one.name)
		with self.assertRaises(frappe.PermissionError):
			api.reject_candidate(profile.name)
		with self.assertRaises(frappe.PermissionError):
			api.get_candidates(profile.name)
		with self.assertRaises(frappe.PermissionError):
			api.create_lead(profile=profile.name)
		frappe.set_user("Administrator")
		self.assertFalse(self.reload(profile).party)

	def test_sales_user_reads_but_cannot_decide(self):
		profile = self.queued("review-6")
		make_user("salesonly@example.com", ["Sales User"])
		frappe.set_user("salesonly@example.com")
		with self.assertRaises(frappe.PermissionError):
			api.accept_candidate(profile.name, "Lead", self.one.name)


class TestJobsAndEnqueueing(LinkingTestCase):
	def test_new_and_changed_profiles_are_queued(self):
		profile = make_profile("enq-1", platform="Reddit", handle="enq1")
		self.assertIn(profile.name, pending_matches())
		frappe.local.social_crm_pending_jobs.clear()
		profile.followers = 10
		profile.save()
		self.assertNotIn(profile.name, pending_matches())
		profile.bio = "Now at somewhere.example"
		profile.save()
		self.assertIn(profile.name, pending_matches())

	def test_party_gets_a_handle_rematches_unlinked_profiles(self):
		profile = make_profile("enq-2", platform="Reddit", handle="newly_known", display_name="NK")
		self.assertEqual(jobs.match_profile(profile.name), "No Match")
		frappe.local.social_crm_pending_jobs.clear()
		customer = make_customer("_Test Link Rematch GmbH")
		contact = make_person("Nora", "Known", customer.name)
		self.assertNotIn(profile.name, pending_matches())
		contact.reload()
		contact.social_handles = "reddit:newly_known"
		contact.save(ignore_permissions=True)
		self.assertIn(profile.name, pending_matches())
		jobs.match_profile(profile.name)
		profile = self.reload(profile)
		self.assertEqual((profile.party, profile.customer), (contact.name, customer.name))

	def test_big_histories_move_in_a_job(self):
		customer = make_customer("_Test Link Backfill GmbH")
		profile = make_profile("enq-3", platform="Reddit", handle="bf3")
		mentions = [make_mention(f"enq-3-m{i}", author=profile.name, platform="Reddit") for i in range(3)]
		with patch.object(jobs, "INLINE_MENTION_LIMIT", 2):
			profile.party_type, profile.party = "Customer", customer.name
			profile.save()
		key = (jobs.BACKFILL_METHOD, f"social_crm:backfill_mentions:{profile.name}")
		self.assertIn(key, pending_jobs())
		self.assertFalse(frappe.db.get_value("Mention", mentions[0].name, "party"))
		with patch.object(frappe.db, "commit"):  # the job commits per batch; not inside a test
			self.assertEqual(jobs.backfill_mentions(profile.name), 3)
		for mention in mentions:
			self.assertEqual(frappe.db.get_value("Mention", mention.name, "customer"), customer.name)

	def test_deleted_party_rematches_its_profiles(self):
		contact = make_person("Dora", "Deleted", handles="reddit:dora_del")
		profile = make_profile("enq-6", platform="Reddit", handle="dora_del")
		jobs.match_profile(profile.name)
		self.assertEqual(self.reload(profile).party, contact.name)
		frappe.local.social_crm_pending_jobs.clear()
		frappe.delete_doc("Contact", contact.name, ignore_permissions=True)
		self.assertFalse(self.reload(profile).party)
		self.assertIn(profile.name, pending_matches())
		self.assertEqual(keys_of("Contact", contact.name), set())
		self.assertEqual(jobs.match_profile(profile.name), "No Match")

	def test_job_is_idempotent(self):
		customer = make_customer("_Test Link Idem GmbH")
		contact = make_person("Ida", "Idem", customer.name, handles="reddit:ida_idem")
		profile = make_profile("enq-4", platform="Reddit", handle="ida_idem")
		self.assertTrue(jobs.match_profile(profile.name).startswith("linked: "))
		modified = self.reload(profile).modified
		self.assertEqual(jobs.match_profile(profile.name), "linked: unchanged")
		self.assertEqual(self.reload(profile).modified, modified)
		self.assertEqual(self.reload(profile).party, contact.name)

	def test_failure_is_logged_with_context_and_raised(self):
		profile = make_profile("enq-5", platform="Reddit", handle="enq5")
		with (
			patch.object(jobs, "decide", side_effect=RuntimeError("boom")),
			patch.object(frappe, "log_error") as log_error,
		):
			with self.assertRaises(RuntimeError):
				jobs.match_profile(profile.name)
		kwargs = log_error.call_args.kwargs
		self.assertEqual(
			(kwargs["reference_doctype"], kwargs["reference_name"]), ("Social Profile", profile.name)
		)
