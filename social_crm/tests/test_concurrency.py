"""Concurrency on a real site: parallel workers, each with its own database connection, committing.

Two pipelines that store the same new author at once must end with one Social Profile that
both mentions point to; parallel votes and undos on one idea must leave the exact count.

These tests commit (a second connection cannot see uncommitted rows), so everything they
create is made, checked and deleted through connections of their own, with names starting
``_cc``; the test's own transaction writes nothing and is rolled back as usual.
"""

import threading
import traceback
from unittest import mock

import frappe

from social_crm.engine.records import Post
from social_crm.listening.pipeline import Ingestor
from social_crm.social_crm.doctype.idea_vote.idea_vote import IdeaVote
from social_crm.tests import SocialCRMTestCase

RULE = "_cc Orbitex"
WAIT = 5  # seconds a worker waits at the barrier for the others


def in_connections(site: str, sites_path: str, jobs: list, timeout: float = 120) -> list:
	"""Run each callable in its own thread with its own Frappe connection; commit each; results in order.

	A job that raises is rolled back and its traceback is returned as an ``Exception`` result.
	"""
	results: list = [None] * len(jobs)

	def run(index: int, job) -> None:
		frappe.init(site=site, sites_path=sites_path)
		try:
			frappe.connect()
			frappe.set_user("Administrator")
			results[index] = job()
			frappe.db.commit()  # nosemgrep: a parallel worker commits like a real one
		except Exception:
			results[index] = Exception(traceback.format_exc())
			if getattr(frappe.local, "db", None):
				frappe.db.rollback()
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout)
	if any(thread.is_alive() for thread in threads):
		raise AssertionError("a worker did not finish (deadlock?)")
	return results


def record(external_id: str) -> dict:
	return {
		"platform": "Mastodon",
		"external_id": external_id,
		"text": "Orbitex is great",
		"posted_at": "2026-11-20T10:00:00Z",
		"author": {
			"external_id": "_cc-author-1",
			"handle": "ccnew@example.social",
			"display_name": "New Author",
		},
	}


def _delete_all() -> None:
	"""Everything these tests commit (run in a connection of its own)."""
	mentions = frappe.get_all("Mention", filters={"external_id": ("like", "_cc-%")}, pluck="name")
	ideas = frappe.get_all("Idea", filters={"title": ("like", "_cc %")}, pluck="name")
	profiles = frappe.get_all("Social Profile", filters={"external_id": ("like", "_cc-%")}, pluck="name")
	for doctype, names in (("Mention", mentions), ("Idea", ideas), ("Social Profile", profiles)):
		if not names:
			continue
		frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
		frappe.db.delete(doctype, {"name": ("in", names)})
	if mentions:
		frappe.db.delete("Mention Rule Match", {"parent": ("in", mentions)})
	if ideas:
		frappe.db.delete("Idea Vote", {"idea": ("in", ideas)})
	if profiles:
		frappe.db.delete("Social Match Key", {"reference_name": ("in", profiles)})
	frappe.db.delete("Social Ingest Error", {"external_id": ("like", "_cc-%")})
	frappe.db.delete("Listening Rule", {"name": RULE})


class TestConcurrency(SocialCRMTestCase):
	def setUp(self):
		self.site, self.sites_path = frappe.local.site, frappe.local.sites_path
		# no background jobs from the workers' commits (linking, enrichment, similar-idea index)
		patcher = mock.patch("frappe.enqueue")
		patcher.start()
		self.addCleanup(patcher.stop)
		self.addCleanup(self.run_jobs, [_delete_all])
		self.run_jobs([_delete_all])

	def run_jobs(self, jobs: list) -> list:
		"""Run jobs in parallel connections; a job that failed fails the test with its traceback."""
		results = in_connections(self.site, self.sites_path, jobs)
		self.assertNoErrors(results)
		return results

	def assertNoErrors(self, results: list) -> None:
		errors = [r for r in results if isinstance(r, Exception)]
		self.assertFalse(errors, "\n".join(str(e) for e in errors))

	def test_two_pipelines_storing_the_same_new_author_share_one_profile(self):
		def make_rule():
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": RULE, "kind": "Brand", "terms": "orbitex"}
			).insert()

		self.assertNoErrors(self.run_jobs([make_rule]))

		# Both workers look the author up (not there yet) before either creates it.
		barrier = threading.Barrier(2)
		load_profiles = Ingestor._load_profiles

		def load_then_wait(ingestor, keys):
			rows = load_profiles(ingestor, keys)
			try:
				barrier.wait(WAIT)
			except threading.BrokenBarrierError:
				pass
			return rows

		def ingest(external_id):
			def job():
				ingestor = Ingestor(origin="Webhook", enrichment="none")
				return [r.as_dict() for r in ingestor.ingest([Post.from_dict(record(external_id))])]

			return job

		with mock.patch.object(Ingestor, "_load_profiles", load_then_wait):
			results = self.run_jobs([ingest("_cc-m-1"), ingest("_cc-m-2")])
		self.assertNoErrors(results)
		self.assertEqual([r[0]["status"] for r in results], ["accepted", "accepted"], results)

		def check():
			profiles = frappe.get_all(
				"Social Profile",
				filters={"platform": "Mastodon", "external_id": "_cc-author-1"},
				fields=["name", "mention_count"],
			)
			authors = frappe.get_all(
				"Mention", filters={"external_id": ("in", ["_cc-m-1", "_cc-m-2"])}, pluck="author"
			)
			errors = frappe.db.count("Social Ingest Error", {"external_id": ("like", "_cc-%")})
			return profiles, authors, errors

		((profiles, authors, errors),) = self.run_jobs([check])
		self.assertEqual(len(profiles), 1, profiles)
		self.assertEqual(authors, [profiles[0].name] * 2)
		self.assertEqual(profiles[0].mention_count, 2)
		self.assertEqual(errors, 0)

	def test_parallel_votes_and_undos_lose_no_count(self):
		voters = 5

		def setup():
			idea = frappe.get_doc(
				{"doctype": "Idea", "title": "_cc Parallel votes", "status": "Open", "is_public": 1}
			).insert(ignore_permissions=True)
			profiles = [
				frappe.get_doc(
					{
						"doctype": "Social Profile",
						"platform": "Mastodon",
						"external_id": f"_cc-voter-{i}",
						"handle": f"ccvoter{i}@example.social",
					}
				)
				.insert(ignore_permissions=True)
				.name
				for i in range(voters)
			]
			return idea.name, profiles

		((idea, profiles),) = self.run_jobs([setup])

		# The adversarial schedule: every worker has written (or deleted) its vote before any of
		# them updates the idea's counts.
		barrier = threading.Barrier(voters)
		run_method = IdeaVote.run_method

		def wait_after_write(doc, method, *args, **kwargs):
			if method in ("after_insert", "after_delete"):
				try:
					barrier.wait(WAIT)
				except threading.BrokenBarrierError:
					pass
			return run_method(doc, method, *args, **kwargs)

		def vote(profile):
			def job():
				frappe.get_doc(
					{"doctype": "Idea Vote", "idea": idea, "voter_profile": profile, "weight": 1}
				).insert(ignore_permissions=True)

			return job

		def undo(profile):
			def job():
				name = frappe.db.get_value("Idea Vote", {"idea": idea, "voter_profile": profile})
				frappe.delete_doc("Idea Vote", name, ignore_permissions=True)

			return job

		def counts():
			return (
				frappe.db.get_value("Idea", idea, ["vote_count", "weighted_votes"]),
				frappe.db.count("Idea Vote", {"idea": idea}),
			)

		with mock.patch.object(IdeaVote, "run_method", wait_after_write):
			self.assertNoErrors(self.run_jobs([vote(p) for p in profiles]))
		((stored, rows),) = self.run_jobs([counts])
		self.assertEqual(rows, voters)
		self.assertEqual((stored[0], float(stored[1])), (voters, float(voters)))

		undone = profiles[:3]
		barrier = threading.Barrier(len(undone))
		with mock.patch.object(IdeaVote, "run_method", wait_after_write):
			self.assertNoErrors(self.run_jobs([undo(p) for p in undone]))
		((stored, rows),) = self.run_jobs([counts])
		self.assertEqual(rows, voters - len(undone))
		self.assertEqual(stored[0], voters - len(undone))
