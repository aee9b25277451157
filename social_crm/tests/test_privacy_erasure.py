"""Erasure as a background job: the API queues it, the job reaches every store of the registry,
resumes after a crash with the same result, and leaves a report of what was removed where."""

import importlib
import json
from unittest import mock

import frappe
from frappe.utils.global_search import sync_global_search

from social_crm.engine.privacy import retention as retention_engine
from social_crm.privacy import erasure, registry
from social_crm.privacy.erasure import erase
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

HANDLE = "greta@mastodon.social"
EMAIL = "greta.gruen@example.com"


def make_idea(title: str, **kwargs):
	return frappe.get_doc(
		{"doctype": "Idea", "title": title, "description": kwargs.pop("description", title), **kwargs}
	).insert(ignore_permissions=True)


def report_of(log: str) -> dict:
	return json.loads(frappe.db.get_value("Social Privacy Log", log, "details"))["report"]


class ErasureCase(SocialCRMTestCase):
	"""Each test erases the same person: each runs inside its own savepoint, rolled back after it."""

	def setUp(self):
		super().setUp()
		frappe.db.savepoint("erasure_test")
		self.addCleanup(frappe.db.rollback, save_point="erasure_test")
		self.customer = make_customer("_Test Erasure Job Customer", social_handles=f"mastodon:{HANDLE}").name
		self.profile = make_profile(
			"ej-1",
			display_name="Greta Gruenspan",
			handle=HANDLE,
			email=EMAIL,
			profile_url="https://mastodon.social/@greta",
			party_type="Customer",
			party=self.customer,
		).name
		self.other = make_profile("ej-other", display_name="Otto Other", handle="otto@mastodon.social").name

	def erase_profile(self) -> dict:
		return erase("Social Profile", self.profile)


class TestErasureJobPath(ErasureCase):
	def test_api_queues_one_job_per_subject_and_returns(self):
		from social_crm.api.privacy import erase_social_data

		mention = make_mention("ej-q1", author=self.profile).name
		with mock.patch("frappe.enqueue") as enqueue:
			first = erase_social_data("Social Profile", self.profile)
			second = erase_social_data("Social Profile", self.profile)
		self.assertTrue(first["queued"])
		self.assertEqual(first["log"], second["log"])  # the second request joins the first
		kwargs = enqueue.call_args.kwargs
		self.assertEqual(enqueue.call_args.args[0], "social_crm.privacy.erasure.erasure_job")
		self.assertEqual(kwargs["job_id"], f"social_crm:erase:Social Profile:{self.profile}")
		self.assertEqual(first["job_id"], kwargs["job_id"])
		self.assertEqual(
			(kwargs["queue"], kwargs["deduplicate"], kwargs["enqueue_after_commit"]), ("long", True, True)
		)
		self.assertGreaterEqual(kwargs["timeout"], 3600)
		self.assertEqual(kwargs["log"], first["log"])
		self.assertEqual(frappe.db.get_value("Social Privacy Log", first["log"], "status"), "Queued")
		self.assertEqual(
			frappe.db.count(
				"Social Privacy Log", {"event": "Erasure", "reference_name": self.profile, "status": "Queued"}
			),
			1,
		)
		self.assertTrue(frappe.db.exists("Mention", mention))  # nothing erased inside the request

	def test_the_job_erases_in_batches_with_a_commit_per_batch_and_progress(self):
		mentions = [make_mention(f"ej-b{i}", author=self.profile).name for i in range(5)]
		with mock.patch("frappe.enqueue"):
			log = erasure.request_erasure("Social Profile", self.profile)["log"]
		with (
			mock.patch.object(erasure, "BATCH_SIZE", 2),
			mock.patch.object(frappe.db, "commit") as commit,
			mock.patch("frappe.publish_progress") as progress,
		):
			result = erasure.erasure_job(log)
		self.assertFalse(frappe.db.exists("Mention", {"name": ("in", mentions)}))
		self.assertEqual(result["mentions_deleted"], 5)
		# three batches of mentions alone, each committed with its position
		self.assertGreaterEqual(commit.call_count, 3 + len(registry.stores()))
		self.assertTrue(progress.called)
		self.assertEqual(frappe.db.get_value("Social Privacy Log", log, "status"), "Success")

	def test_an_interrupted_job_continues_where_it_stopped_with_the_same_result(self):
		mentions = [make_mention(f"ej-r{i}", author=self.profile).name for i in range(3)]
		idea = make_idea("Greta wants a dark mode", submitted_by_profile=self.profile).name
		frappe.get_doc({"doctype": "Idea Vote", "idea": idea, "voter_profile": self.profile}).insert(
			ignore_permissions=True
		)
		with mock.patch("frappe.enqueue"):
			log = erasure.request_erasure("Social Profile", self.profile)["log"]
		votes = registry.get_store("votes")
		broken = mock.Mock(side_effect=RuntimeError("worker killed"))
		with (
			mock.patch.object(frappe.db, "commit"),
			mock.patch.object(frappe.db, "rollback"),
			mock.patch.object(
				registry,
				"STORES",
				tuple(s if s is not votes else _replace(s, erase=broken) for s in registry.stores()),
			),
		):
			with self.assertRaises(RuntimeError):
				erasure.erasure_job(log)
		state = json.loads(frappe.db.get_value("Social Privacy Log", log, "details"))
		self.assertEqual(frappe.db.get_value("Social Privacy Log", log, "status"), "Interrupted")
		self.assertEqual(state["stage"], "votes")
		self.assertEqual(state["report"]["mentions_deleted"], 3)
		self.assertFalse(frappe.db.exists("Mention", {"name": ("in", mentions)}))

		# asked again: the same row continues (mentions are not counted twice)
		with mock.patch("frappe.enqueue"):
			self.assertEqual(erasure.request_erasure("Social Profile", self.profile)["log"], log)
		with mock.patch.object(frappe.db, "commit"):
			first = erasure.erasure_job(log)
		self.assertEqual(
			(first["mentions_deleted"], first["votes_deleted"], first["ideas_anonymized"]), (3, 1, 1)
		)
		state_after = self.snapshot()
		# the finished row answers with its report; a new run finds nothing left to erase
		with mock.patch.object(frappe.db, "commit"):
			self.assertEqual(erasure.erasure_job(log), first)
		again = self.erase_profile()
		self.assertNotEqual(again["log"], log)
		self.assertEqual(
			{
				k: v
				for k, v in again.items()
				if v and k not in ("log", "similar_ideas_cache_cleared", "withdrawals_kept")
			},
			{},
		)
		self.assertEqual(self.snapshot(), state_after)

	def snapshot(self):
		return (
			frappe.db.get_value(
				"Social Profile",
				self.profile,
				["handle", "display_name", "email", "anonymized", "external_id"],
			),
			frappe.db.count("Mention", {"author": self.profile}),
			frappe.get_all(
				"Idea", filters={"title": ("like", "%dark mode%")}, fields=["title", "submitted_by_profile"]
			),
			frappe.db.count("Idea Vote", {"voter_profile": self.profile}),
		)

	def test_unfinished_erasures_are_queued_again_every_hour(self):
		from social_crm.privacy.jobs import resume_erasures

		with mock.patch("frappe.enqueue"):
			log = erasure.request_erasure("Social Profile", self.profile)["log"]
		frappe.db.set_value("Social Privacy Log", log, "status", "Interrupted")
		with mock.patch("frappe.enqueue") as enqueue:
			self.assertGreaterEqual(resume_erasures(), 1)
		calls = [c.kwargs for c in enqueue.call_args_list if c.kwargs.get("log") == log]
		self.assertEqual(len(calls), 1)
		self.assertTrue(calls[0]["deduplicate"])
		self.assertEqual(calls[0]["job_id"], erasure.job_id("Social Profile", self.profile))

	def test_report_lists_every_store_with_counts_and_no_personal_data(self):
		make_mention("ej-rep1", author=self.profile, text="Greta Gruenspan loves it")
		make_mention("ej-rep2", author=self.other, text=f"cc @{HANDLE}")
		result = self.erase_profile()
		report = report_of(result["log"])
		for item in registry.stores():
			for key in item.counts:
				self.assertIn(key, report, key)
		self.assertEqual(report["mentions_deleted"], 1)
		self.assertEqual(report["mention_references_redacted"], 1)
		self.assertEqual(report["profiles_anonymized"], 1)
		self.assertGreaterEqual(report["suppression_keys"], 3)
		log = frappe.get_doc("Social Privacy Log", result["log"])
		self.assertEqual((log.status, log.event, log.reference_name), ("Success", "Erasure", self.profile))
		self.assertEqual(log.record_count, sum(v for k, v in report.items() if k not in erasure.NOT_RECORDS))
		self.assertIn("1 mention(s)", log.summary)
		for secret in ("Greta", "greta", EMAIL):
			self.assertNotIn(secret, (log.summary or "") + (log.details or ""))


def _replace(store, **changes):
	import dataclasses

	return dataclasses.replace(store, **changes)


class TestErasureReachesEveryStore(ErasureCase):
	def test_other_peoples_posts_naming_the_handle_or_email_are_redacted(self):
		other = make_mention(
			"ej-o1",
			author=self.other,
			text=f"Thanks @{HANDLE} and {EMAIL}! See https://example.org/x and bob@example.org",
			raw_payload=json.dumps({"mentions": [HANDLE]}),
		).name
		untouched = make_mention("ej-o2", author=self.other, text="nothing about anybody").name
		before = frappe.db.get_value("Mention", untouched, "modified")
		self.erase_profile()
		row = frappe.db.get_value("Mention", other, ["text", "raw_payload", "author"], as_dict=True)
		self.assertEqual(
			row.text, "Thanks [handle] and [email]! See https://example.org/x and bob@example.org"
		)
		self.assertIsNone(row.raw_payload)
		self.assertEqual(row.author, self.other)
		self.assertEqual(frappe.db.get_value("Mention", untouched, "modified"), before)

	def test_ingest_error_payloads(self):
		from social_crm.listening.pipeline import log_ingest_error

		own = log_ingest_error(
			{"platform": "Mastodon", "external_id": "ej-e1", "author_handle": HANDLE, "text": "by Greta"},
			"bad date",
			with_traceback=False,
		)
		others = log_ingest_error(
			{
				"platform": "Mastodon",
				"external_id": "ej-e2",
				"author_handle": "otto",
				"text": f"hi @{HANDLE}",
			},
			"bad date",
			with_traceback=False,
		)
		from social_crm.privacy.subject import export

		exported = export("Social Profile", self.profile)
		self.assertEqual([e["name"] for e in exported["ingest_errors"]], [own])  # not the other's
		result = self.erase_profile()
		self.assertFalse(frappe.db.exists("Social Ingest Error", own))
		payload = frappe.db.get_value("Social Ingest Error", others, "payload")
		self.assertNotIn("greta", payload)
		self.assertIn("[handle]", payload)
		self.assertEqual((result["ingest_errors_deleted"], result["ingest_errors_redacted"]), (1, 1))

	def test_records_waiting_in_the_ingest_buffer(self):
		from social_crm.listening.buffer import buffer_records

		records = [
			{
				"platform": "Mastodon",
				"external_id": "ej-b1",
				"author": {"handle": HANDLE},
				"text": "by Greta",
			},
			{
				"platform": "Mastodon",
				"external_id": "ej-b2",
				"author": {"handle": "otto"},
				"text": f"hi @{HANDLE}",
			},
			{
				"platform": "Mastodon",
				"external_id": "ej-b3",
				"author": {"handle": "otto"},
				"text": "unrelated",
			},
		]
		with mock.patch("frappe.enqueue"):
			buffer_records(records, platform="Mastodon")
		rows = frappe.get_all(
			"Social Ingest Buffer", filters={"payload": ("like", "%ej-b%")}, fields=["name", "payload"]
		)
		by_id = {json.loads(r.payload)["external_id"]: r.name for r in rows}
		result = self.erase_profile()
		self.assertFalse(frappe.db.exists("Social Ingest Buffer", by_id["ej-b1"]))  # never stored now
		redacted = frappe.db.get_value("Social Ingest Buffer", by_id["ej-b2"], "payload")
		self.assertNotIn(HANDLE, redacted)
		self.assertIn("[handle]", redacted)
		self.assertIn("unrelated", frappe.db.get_value("Social Ingest Buffer", by_id["ej-b3"], "payload"))
		self.assertEqual((result["buffered_records_deleted"], result["buffered_records_redacted"]), (1, 1))

	def test_global_search_rows(self):
		mention = make_mention("ej-g1", author=self.profile).name
		other = make_mention("ej-g2", author=self.other, text=f"@{HANDLE}").name
		for doctype, name in (("Social Profile", self.profile), ("Mention", mention), ("Mention", other)):
			frappe.db.sql(
				"""insert into `__global_search` (doctype, name, title, content, published, route)
				values (%s, %s, %s, %s, 0, '')""",
				(doctype, name, "Greta Gruenspan", f"Handle : {HANDLE}"),
			)
		# an entry still in Frappe's queue (Redis) when the erasure runs must not come back later
		frappe.cache.lpush(
			"global_search_queue",
			json.dumps(
				{
					"doctype": "Mention",
					"name": other,
					"content": f"Handle : {HANDLE}",
					"published": 0,
					"title": "Greta",
					"route": "",
				}
			),
		)
		self.erase_profile()
		sync_global_search()  # what the scheduler does next
		self.assertFalse(
			frappe.db.sql(
				"select doctype, name, content from `__global_search` where name in %s",
				((self.profile, mention, other),),
			)
		)
		self.assertFalse(
			frappe.db.sql(
				"select doctype, name, content from `__global_search` where content like %s", (f"%{HANDLE}%",)
			)
		)

	def test_deleted_documents_of_undone_votes_and_desk_deletions(self):
		idea = make_idea("Bigger fonts", submitted_by_profile=self.other).name
		vote = frappe.get_doc({"doctype": "Idea Vote", "idea": idea, "voter_profile": self.profile}).insert(
			ignore_permissions=True
		)
		mention = make_mention("ej-d1", author=self.profile, text="deleted from the desk")
		frappe.delete_doc("Idea Vote", vote.name, ignore_permissions=True)
		frappe.delete_doc("Mention", mention.name, ignore_permissions=True)
		# found by the search (its id contains the person's platform id "ej-1"), but not theirs
		unrelated = make_mention("ej-1-unrelated", author=self.other)
		frappe.delete_doc("Mention", unrelated.name, ignore_permissions=True)
		names = (vote.name, mention.name)
		self.assertEqual(frappe.db.count("Deleted Document", {"deleted_name": ("in", names)}), 2)
		from social_crm.privacy.subject import export

		exported = {d["deleted_name"] for d in export("Social Profile", self.profile)["deleted_documents"]}
		self.assertEqual(exported, set(names))
		result = self.erase_profile()
		self.assertEqual(frappe.db.count("Deleted Document", {"deleted_name": ("in", names)}), 0)
		self.assertTrue(frappe.db.exists("Deleted Document", {"deleted_name": unrelated.name}))
		self.assertEqual(result["deleted_documents_removed"], 2)

	def portal_user(self):
		user = make_user(EMAIL, [])
		frappe.db.set_value("User", user.name, "user_type", "Website User")
		return user.name

	def test_portal_user_in_owner_and_modified_by_of_ideas_votes_and_comments(self):
		user = self.portal_user()
		idea = make_idea("Greta Gruenspan asks for CSV export", website_user=user).name
		frappe.db.set_value("Idea", idea, {"owner": user, "modified_by": user}, update_modified=False)
		other_idea = make_idea("Bigger fonts", submitted_by_profile=self.other).name
		vote = frappe.get_doc({"doctype": "Idea Vote", "idea": other_idea, "voter_user": user}).insert(
			ignore_permissions=True
		)
		comment = frappe.get_doc(
			{
				"doctype": "Comment",
				"comment_type": "Comment",
				"reference_doctype": "Idea",
				"reference_name": other_idea,
				"content": "+1 from Greta",
				"comment_email": user,
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Comment", comment.name, "owner", user, update_modified=False)
		result = self.erase_profile()
		row = frappe.db.get_value(
			"Idea", idea, ["owner", "modified_by", "website_user", "title"], as_dict=True
		)
		self.assertEqual((row.owner, row.modified_by, row.website_user), ("Guest", "Guest", None))
		self.assertNotIn("Gruenspan", row.title)
		self.assertFalse(frappe.db.exists("Idea Vote", vote.name))
		self.assertFalse(frappe.db.exists("Comment", comment.name))
		self.assertEqual(
			(result["ideas_anonymized"], result["votes_deleted"], result["comments_deleted"]), (1, 1, 1)
		)

	def test_notification_log_and_email_queue_copies(self):
		self.portal_user()
		idea = make_idea("Greta's offline mode", submitted_by_profile=self.profile).name
		staff = make_user("ej-staff@example.com", ["Social CRM User"]).name
		note = frappe.get_doc(
			{
				"doctype": "Notification Log",
				"subject": "Idea Greta's offline mode: now Planned",
				"for_user": staff,
				"type": "Alert",
				"document_type": "Idea",
				"document_name": idea,
			}
		).insert(ignore_permissions=True)
		mail = frappe.get_doc(
			{
				"doctype": "Email Queue",
				"sender": "crm@example.com",
				"message": "Your idea Greta's offline mode is now planned",
				"reference_doctype": "Idea",
				"reference_name": idea,
				"recipients": [{"recipient": "someone@example.com"}],
			}
		).insert(ignore_permissions=True)
		to_person = frappe.get_doc(
			{
				"doctype": "Email Queue",
				"sender": "crm@example.com",
				"message": "hello",
				"recipients": [{"recipient": EMAIL}],
			}
		).insert(ignore_permissions=True)
		unrelated = frappe.get_doc(
			{
				"doctype": "Email Queue",
				"sender": "crm@example.com",
				"message": f"Quotation for {EMAIL.split('@')[0]}",
				"recipients": [{"recipient": "buyer@example.com"}],
			}
		).insert(ignore_permissions=True)
		result = self.erase_profile()
		self.assertTrue(frappe.db.exists("Email Queue", unrelated.name))
		self.assertFalse(frappe.db.exists("Notification Log", note.name))
		self.assertFalse(frappe.db.exists("Email Queue", mail.name))
		self.assertFalse(frappe.db.exists("Email Queue", to_person.name))
		self.assertFalse(frappe.db.exists("Email Queue Recipient", {"parent": to_person.name}))
		self.assertEqual((result["notifications_deleted"], result["emails_deleted"]), (1, 2))

	def test_match_keys_and_versions_of_the_party_and_profile(self):
		from social_crm.linking.keys import sync_party, sync_profile

		sync_party("Customer", self.customer)
		sync_profile(frappe.get_doc("Social Profile", self.profile))
		handle_keys = {"reference_doctype": "Customer", "reference_name": self.customer, "key_type": "handle"}
		self.assertTrue(frappe.db.exists("Social Match Key", handle_keys))
		version = frappe.get_doc(
			{
				"doctype": "Version",
				"ref_doctype": "Customer",
				"docname": self.customer,
				"data": json.dumps({"changed": [["social_handles", "", f"mastodon:{HANDLE}"]]}),
			}
		).insert(ignore_permissions=True)
		other_version = frappe.get_doc(
			{
				"doctype": "Version",
				"ref_doctype": "Customer",
				"docname": self.customer,
				"data": json.dumps({"changed": [["website", "", "https://example.com"]]}),
			}
		).insert(ignore_permissions=True)
		profile_version = frappe.get_doc(
			{
				"doctype": "Version",
				"ref_doctype": "Social Profile",
				"docname": self.profile,
				"data": json.dumps({"changed": [["handle", "", HANDLE]]}),
			}
		).insert(ignore_permissions=True)
		result = erase("Customer", self.customer)
		self.assertFalse(frappe.db.exists("Social Match Key", handle_keys))
		self.assertFalse(
			frappe.db.exists(
				"Social Match Key", {"reference_doctype": "Social Profile", "reference_name": self.profile}
			)
		)
		self.assertFalse(frappe.db.exists("Version", version.name))
		self.assertFalse(frappe.db.exists("Version", profile_version.name))
		self.assertTrue(frappe.db.exists("Version", other_version.name))
		self.assertGreaterEqual(result["match_keys_deleted"], 2)
		self.assertEqual(result["versions_deleted"], 1)
		self.assertFalse(frappe.db.get_value("Customer", self.customer, "social_handles"))

	def test_lead_notes_written_by_create_lead(self):
		from social_crm.linking.conversion import create_lead_for_profile

		lone = make_profile(
			"ej-lead",
			display_name="Lena Leadsworth",
			handle="lena@mastodon.social",
			profile_url="https://mastodon.social/@lena",
		).name
		mention = make_mention("ej-l1", author=lone, text="Lena needs 40 licences").name
		lead = create_lead_for_profile(lone, mention=mention)["name"]
		note = frappe.get_all("CRM Note", filters={"parent": lead}, fields=["name", "note"])[0]
		self.assertIn("lena@mastodon.social", note.note)
		result = erase("Social Profile", lone)
		text = frappe.db.get_value("CRM Note", note.name, "note")
		for secret in ("lena@mastodon.social", "40 licences", mention):
			self.assertNotIn(secret, text)
		self.assertEqual(result["lead_notes_redacted"], 1)

	def test_imported_files(self):
		ingest = importlib.import_module("social_crm.api.ingest")

		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_ej Orbitex", "kind": "Brand", "terms": "orbitex"}
		).insert(ignore_permissions=True)
		own = {
			"platform": "Mastodon",
			"external_id": "ej-imp-1",
			"text": "orbitex by me",
			"posted_at": "2026-11-20T10:00:00Z",
			"author_handle": HANDLE,
			"author_id": "ej-1",
		}
		other = {
			**own,
			"external_id": "ej-imp-2",
			"text": f"orbitex, says @{HANDLE}",
			"author_handle": "otto@mastodon.social",
			"author_id": "ej-other",
		}
		content = json.dumps(own) + "\n" + json.dumps(other) + "\n"
		file_doc = frappe.get_doc(
			{"doctype": "File", "file_name": "_ej_import.jsonl", "content": content, "is_private": 1}
		).insert(ignore_permissions=True)
		ingest.import_file(file_doc.file_url)
		self.assertEqual(
			frappe.db.get_value("File", file_doc.name, "attached_to_doctype"), "Social CRM Settings"
		)
		result = self.erase_profile()
		text = frappe.get_doc("File", file_doc.name).get_content()
		text = text.decode() if isinstance(text, bytes) else text
		self.assertNotIn("ej-imp-1", text)
		self.assertNotIn("greta", text)
		self.assertIn("ej-imp-2", text)
		self.assertIn("[handle]", text)
		self.assertEqual((result["import_files_rewritten"], result["import_records_removed"]), (1, 1))

	def test_cached_similar_idea_index(self):
		from social_crm.ideas import similar

		make_idea("Greta Gruenspan wants offline sync", submitted_by_profile=self.profile, is_public=1)
		similar.invalidate()
		similar.get_index()
		version = frappe.cache.get_value(similar.VERSION_KEY)
		self.assertTrue(frappe.cache.get_keys(f"{similar.CACHE_KEY}:{version}"))
		self.assertIn(frappe.local.site, similar._process_cache)
		result = self.erase_profile()
		self.assertFalse(frappe.cache.get_keys(similar.CACHE_KEY))  # every cached version is gone
		self.assertNotIn(frappe.local.site, similar._process_cache)
		self.assertNotEqual(frappe.cache.get_value(similar.VERSION_KEY), version)
		self.assertEqual(result["similar_ideas_cache_cleared"], 1)


class TestRegistry(SocialCRMTestCase):
	def test_every_retention_target_is_a_declared_store(self):
		targets = set(retention_engine.TARGETS) - {"Raw Payload"}  # a field of Mention, not a store
		self.assertEqual(targets - registry.retention_targets(), set())
		self.assertIs(registry.deleter("Mention"), registry.get_store("mentions").delete)

	def test_stores_are_declared_once_with_their_report_keys(self):
		keys = [s.key for s in registry.stores()]
		self.assertEqual(len(keys), len(set(keys)))
		counts = [c for s in registry.stores() for c in s.counts]
		self.assertEqual(len(counts), len(set(counts)))
		for item in registry.stores():
			self.assertTrue(item.counts, item.key)
			self.assertTrue((item.find and item.erase) or item.sweep, item.key)
			self.assertTrue(item.retention or item.retention_note or not item.doctype or item.sweep, item.key)
		self.assertEqual(keys[-1], "profiles")  # the identity every store searches with goes last
