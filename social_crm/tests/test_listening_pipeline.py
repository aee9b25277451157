"""Ingest pipeline and enrichment on a real site: dedupe, edits, drops, profiles, errors, language, sentiment."""

from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import frappe
from frappe.utils import now_datetime

from social_crm.engine.records import Post
from social_crm.listening import enrichment, texts
from social_crm.listening.enrichment import enrich_mentions
from social_crm.listening.pipeline import Ingestor
from social_crm.tests import SocialCRMTestCase

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def post(external_id: str, text: str, author: str = "alice@example.social", **extra) -> Post:
	return Post.from_dict(
		{
			"platform": extra.pop("platform", "Mastodon"),
			"external_id": external_id,
			"text": text,
			"posted_at": extra.pop("posted_at", "2026-11-20T10:00:00Z"),
			"author": {"handle": author, "display_name": extra.pop("author_name", author.split("@")[0])},
			**extra,
		}
	)


def mentions(external_id: str) -> list:
	return frappe.get_all(
		"Mention",
		filters={"platform": "Mastodon", "external_id": external_id},
		fields=["name", "text", "author", "rule_kind", "language", "sentiment", "enriched_on", "raw_payload"],
	)


class TestIngestPipeline(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{
				"doctype": "Listening Rule",
				"rule_name": "_lp Zephyrco brand",
				"kind": "Brand",
				"terms": "zephyrco\n#zephyrco",
				"exclusions": "zephyrco jobs",
			}
		).insert()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_lp Rival", "kind": "Competitor", "terms": "rivalzo"}
		).insert()

	def test_new_post_is_stored_once_with_profile_and_rule_matches(self):
		ingestor = Ingestor(origin="Webhook", enrichment="none")
		results = ingestor.ingest([post("lp-1", "I like zephyrco and rivalzo", author="ann@example.social")])
		self.assertEqual(results[0].status, "accepted")
		rows = mentions("lp-1")
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0].rule_kind, "Brand")
		matched = frappe.get_all(
			"Mention Rule Match", filters={"parent": rows[0].name}, pluck="listening_rule", order_by="idx"
		)
		self.assertEqual(matched, ["_lp Zephyrco brand", "_lp Rival"])
		profile = frappe.get_doc("Social Profile", rows[0].author)
		self.assertEqual(profile.handle, "ann@example.social")
		self.assertEqual(profile.mention_count, 1)
		self.assertEqual(str(profile.first_seen), "2026-11-20 10:00:00")

		# a second ingest of the same post, by another Ingestor (another job): duplicate, nothing new
		again = Ingestor(origin="Poll", enrichment="none").ingest(
			[post("lp-1", "I like zephyrco and rivalzo", author="ann@example.social")]
		)
		self.assertEqual(again[0].status, "duplicate")
		self.assertEqual(len(mentions("lp-1")), 1)
		self.assertEqual(frappe.db.get_value("Social Profile", rows[0].author, "mention_count"), 1)
		self.assertEqual(
			frappe.db.count("Social Profile", {"platform": "Mastodon", "external_id": "ann@example.social"}),
			1,
		)

	def test_edited_post_updates_the_mention(self):
		ingestor = Ingestor(origin="Webhook", enrichment="none")
		ingestor.ingest([post("lp-edit", "zephyrco is fine")])
		name = mentions("lp-edit")[0].name
		enrich_mentions([name])
		self.assertTrue(frappe.db.get_value("Mention", name, "enriched_on"))

		results = Ingestor(enrichment="none").ingest([post("lp-edit", "zephyrco is broken, also rivalzo")])
		self.assertEqual(results[0].status, "updated")
		rows = mentions("lp-edit")
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0].name, name)
		self.assertEqual(rows[0].text, "zephyrco is broken, also rivalzo")
		self.assertIsNone(rows[0].enriched_on)  # enrichment is redone for the new text
		self.assertEqual(frappe.db.count("Mention Rule Match", {"parent": name}), 2)

	def test_posts_no_rule_matches_are_dropped_and_counted(self):
		ingestor = Ingestor(origin="Webhook", enrichment="none")
		results = ingestor.ingest(
			[
				post("lp-drop-1", "nothing about us"),
				post("lp-drop-2", "zephyrco jobs board is open"),  # excluded by the rule
				post("lp-keep", "#zephyrco rocks"),
			]
		)
		self.assertEqual([r.status for r in results], ["dropped", "dropped", "accepted"])
		self.assertEqual(ingestor.stats.counts["dropped"], 2)
		self.assertEqual(ingestor.stats.counts["accepted"], 1)
		self.assertFalse(mentions("lp-drop-1") or mentions("lp-drop-2"))

	def test_repeats_within_one_batch_are_stored_once(self):
		results = Ingestor(enrichment="none").ingest(
			[post("lp-rep", "zephyrco once"), post("lp-rep", "zephyrco once")]
		)
		self.assertEqual([r.status for r in results], ["accepted", "duplicate"])
		self.assertEqual(len(mentions("lp-rep")), 1)

	def test_parallel_insert_is_reported_as_duplicate_not_stored_twice(self):
		ingestor = Ingestor(enrichment="none")
		ingestor.ingest([post("lp-race", "zephyrco race")])
		# Another worker's row exists, but this worker's existence check saw nothing (it ran first).
		with mock.patch.object(Ingestor, "_existing_mentions", return_value={}):
			results = Ingestor(enrichment="none").ingest([post("lp-race", "zephyrco race")])
		self.assertEqual(results[0].status, "duplicate")
		self.assertEqual(len(mentions("lp-race")), 1)

	def test_failing_item_is_logged_and_the_rest_of_the_page_kept(self):
		real = Ingestor._create_profile

		def flaky(self, p, first):
			if p.author.handle == "broken@example.social":
				raise frappe.ValidationError("profile store is broken")
			return real(self, p, first)

		# the page's bulk INSERT of new profiles fails: the page falls back to the controller, one by one
		bulk_fails = mock.patch.object(
			Ingestor, "_insert_new_profiles", side_effect=frappe.ValidationError("bulk insert failed")
		)
		with bulk_fails, mock.patch.object(Ingestor, "_create_profile", flaky):
			results = Ingestor(origin="Webhook", enrichment="none").ingest(
				[
					post("lp-fail", "zephyrco one", author="broken@example.social"),
					post("lp-ok", "zephyrco two", author="fine@example.social"),
				]
			)
		self.assertEqual([r.status for r in results], ["failed", "accepted"])
		self.assertIn("profile store is broken", results[0].reason)
		error = frappe.get_last_doc("Social Ingest Error", filters={"external_id": "lp-fail"})
		self.assertEqual(error.status, "Open")
		self.assertEqual(error.origin, "Webhook")
		self.assertIn("profile store is broken", error.traceback)
		self.assertEqual(frappe.parse_json(error.payload)["external_id"], "lp-fail")
		self.assertFalse(mentions("lp-fail"))
		self.assertTrue(mentions("lp-ok"))

	def test_new_authors_of_a_page_are_stored_in_bulk_as_the_controller_stores_them(self):
		author = {
			"handle": "@Bulky@Example.Social",
			"display_name": "<b>Bulk</b>  Author",
			"profile_url": "https://example.social/@Bulky",
			"bio": "<p>Coffee &amp; code</p>",
			"followers": 1200,
			"verified": True,
			"email": " Bulky@Example.COM ",
		}
		page = [
			Post.from_dict(
				{
					"platform": "Mastodon",
					"external_id": f"lp-bulk-{i}",
					"text": "zephyrco in bulk",
					"posted_at": f"2026-11-2{i}T10:00:00Z",
					"author": {**author, "id": "lp-bulk-author"}
					if i < 2
					else {"handle": "other@example.social"},
				}
			)
			for i in range(3)
		]
		with (
			mock.patch("social_crm.listening.pipeline.enqueue_match") as match,
			mock.patch.object(Ingestor, "_create_profile") as one_by_one,
		):
			results = Ingestor(origin="Webhook", enrichment="none").ingest(page)
		self.assertEqual([r.status for r in results], ["accepted"] * 3)
		one_by_one.assert_not_called()  # no profile went through the controller
		bulk = frappe.get_doc("Social Profile", {"platform": "Mastodon", "external_id": "lp-bulk-author"})
		self.assertEqual(
			sorted(c.args[0] for c in match.call_args_list),
			sorted([bulk.name, mentions("lp-bulk-2")[0].author]),
		)

		# the same author through the controller stores the same values
		manual = frappe.get_doc(
			{
				"doctype": "Social Profile",
				"platform": "Mastodon",
				"external_id": "lp-bulk-author-2",
				**{k: v for k, v in author.items()},
				"first_seen": "2026-11-20 10:00:00",
				"last_seen": "2026-11-21 10:00:00",
			}
		).insert()
		manual.reload()
		skip = {"name", "external_id", "creation", "modified", "mention_count"}
		self.assertEqual(
			{k: v for k, v in bulk.as_dict().items() if k not in skip},
			{k: v for k, v in manual.as_dict().items() if k not in skip},
		)
		self.assertEqual(bulk.handle, "bulky@example.social")
		self.assertEqual(bulk.email, "bulky@example.com")
		self.assertEqual(bulk.mention_count, 2)
		self.assertEqual(str(bulk.last_seen), "2026-11-21 10:00:00")

		def match_keys(profile):
			return sorted(
				frappe.get_all(
					"Social Match Key",
					filters={"reference_doctype": "Social Profile", "reference_name": profile},
					fields=["key_type", "key_value"],
					as_list=True,
				)
			)

		self.assertTrue(match_keys(bulk.name))
		self.assertEqual(match_keys(bulk.name), match_keys(manual.name))

	def test_raw_payload_only_with_the_setting(self):
		raw_post = post("lp-raw-1", "zephyrco raw")
		raw_post.raw = {"id": "1", "content": "<p>zephyrco raw</p>"}
		Ingestor(enrichment="none").ingest([raw_post])
		self.assertIsNone(mentions("lp-raw-1")[0].raw_payload)

		frappe.db.set_single_value("Social CRM Settings", "keep_raw_payloads", 1)
		frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
		try:
			raw_post = post("lp-raw-2", "zephyrco raw")
			raw_post.raw = {"id": "2", "content": "<p>zephyrco raw</p>"}
			Ingestor(enrichment="none").ingest([raw_post])
			self.assertEqual(frappe.parse_json(mentions("lp-raw-2")[0].raw_payload)["id"], "2")
		finally:
			frappe.db.set_single_value("Social CRM Settings", "keep_raw_payloads", 0)
			frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")

	def test_suppressed_posts_are_not_stored(self):
		try:
			from social_crm.privacy.suppression import add_keys, keys_for_profile, post_key
		except ImportError:
			self.skipTest("privacy module not installed")
		from social_crm.engine.privacy.retention import ANONYMIZED_ID_PREFIX

		add_keys(keys_for_profile("Mastodon", "erased@example.social", "erased@example.social"), "Mastodon")
		add_keys({"post": post_key("Mastodon", "lp-sup-post")}, "Mastodon")
		anonymized = post("lp-sup-anon", "zephyrco anonymized before", author="someone@example.social")
		Ingestor(enrichment="none").ingest([anonymized])
		frappe.db.set_value(
			"Mention",
			{"platform": "Mastodon", "external_id": "lp-sup-anon"},
			"external_id",
			ANONYMIZED_ID_PREFIX + post_key("Mastodon", "lp-sup-anon"),
		)
		posts = [
			post("lp-sup-author", "zephyrco by an erased person", author="erased@example.social"),
			post("lp-sup-post", "zephyrco, an erased post"),
			post("lp-sup-anon", "zephyrco anonymized before", author="someone@example.social"),
			post("lp-nosup", "zephyrco kept"),
		]
		results = Ingestor(enrichment="none").ingest(posts)
		self.assertEqual([r.status for r in results], ["suppressed", "suppressed", "suppressed", "accepted"])
		self.assertFalse(mentions("lp-sup-author") or mentions("lp-sup-post") or mentions("lp-sup-anon"))

		# the page-wise check answers what the per-post check answers
		from social_crm.privacy import is_suppressed

		self.assertEqual([is_suppressed(p) for p in posts], [True, True, True, False])

	def test_existing_profile_is_updated_not_duplicated(self):
		Ingestor(enrichment="none").ingest(
			[post("lp-p1", "zephyrco a", author="carl@example.social", posted_at="2026-11-01T08:00:00Z")]
		)
		Ingestor(enrichment="none").ingest(
			[
				post(
					"lp-p2",
					"zephyrco b",
					author="carl@example.social",
					author_name="Carl Renamed",
					posted_at="2026-11-05T08:00:00Z",
				)
			]
		)
		filters = {"platform": "Mastodon", "external_id": "carl@example.social"}
		self.assertEqual(frappe.db.count("Social Profile", filters), 1)
		# (frappe.get_all drops fields whose name contains "_seen", hence get_value)
		profiles = [
			frappe.db.get_value(
				"Social Profile",
				filters,
				["display_name", "first_seen", "last_seen", "mention_count"],
				as_dict=True,
			)
		]
		self.assertEqual(profiles[0].display_name, "Carl Renamed")
		self.assertEqual(str(profiles[0].first_seen), "2026-11-01 08:00:00")
		self.assertEqual(str(profiles[0].last_seen), "2026-11-05 08:00:00")
		self.assertEqual(profiles[0].mention_count, 2)

	def test_mention_of_an_author_in_the_review_queue_needs_review(self):
		Ingestor(enrichment="none").ingest([post("lp-rq1", "zephyrco one", author="rita@example.social")])
		filters = {"platform": "Mastodon", "external_id": "rita@example.social"}
		frappe.db.set_value("Social Profile", filters, "match_status", "Needs Review")
		Ingestor(enrichment="none").ingest([post("lp-rq2", "zephyrco two", author="rita@example.social")])
		self.assertEqual(frappe.db.get_value("Mention", {"external_id": "lp-rq1"}, "status"), "New")
		self.assertEqual(frappe.db.get_value("Mention", {"external_id": "lp-rq2"}, "status"), "Needs Review")


class TestEnrichment(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{
				"doctype": "Listening Rule",
				"rule_name": "_le Quillbrand",
				"kind": "Product",
				"terms": "quillbrand",
			}
		).insert()

	def ingest(self, *posts) -> list[str]:
		return [r.mention for r in Ingestor(enrichment="none").ingest(list(posts))]

	def test_language_and_sentiment_are_set(self):
		names = self.ingest(
			post("le-en", "I absolutely love the new quillbrand phone, it is wonderful and fast"),
			post("le-de", "Das neue quillbrand Handy ist leider schlecht und langsam, sehr enttäuschend"),
			post("le-short", "#quillbrand 👍"),
			post("le-hint", "quillbrand ist super toll", language="de"),
		)
		self.assertEqual(enrich_mentions(names), 4)
		rows = {
			r.external_id: r
			for r in frappe.get_all(
				"Mention",
				filters={"name": ("in", names)},
				fields=["external_id", "language", "sentiment", "sentiment_score", "enriched_on"],
			)
		}
		self.assertEqual(rows["le-en"].language, "en")
		self.assertEqual(rows["le-en"].sentiment, "Positive")
		self.assertGreater(rows["le-en"].sentiment_score, 0)
		self.assertEqual(rows["le-de"].language, "de")
		self.assertEqual(rows["le-de"].sentiment, "Negative")
		self.assertEqual(rows["le-short"].language, "unknown")  # too short to tell
		self.assertEqual(rows["le-hint"].language, "de")
		self.assertEqual(rows["le-hint"].sentiment, "Positive")
		self.assertTrue(all(r.enriched_on for r in rows.values()))
		# idempotent: enriched rows are skipped
		self.assertEqual(enrich_mentions(names), 0)

	def test_the_listened_for_terms_are_names_not_sentiment_words(self):
		# a brand called "Glad": VADER reads "glad" as joy and lifts every complaint about it
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_le Glad", "kind": "Brand", "terms": "glad"}
		).insert()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_le Joy", "kind": "Competitor", "terms": "joy"}
		).insert()
		names = self.ingest(
			post("le-glad", "Glad bags ripped again, useless", language="en"),
			post("le-two", "Glad bags ripped again, useless. Joy bags work", language="en"),
		)
		rows = frappe.get_all(
			"Mention", {"name": ("in", names)}, ["name", "title", "text"], order_by="external_id"
		)
		self.assertEqual(
			texts.sentiment_texts(rows),
			["Name bags ripped again, useless", "Name bags ripped again, useless. Name bags work"],
		)
		self.assertEqual(enrich_mentions(names), 2)
		mention = {n: frappe.db.get_value("Mention", n, "external_id") for n in names}
		for name in names:
			self.assertEqual(frappe.db.get_value("Mention", name, "sentiment"), "Negative", mention[name])
		by_rule = {
			r.listening_rule: r.sentiment
			for r in frappe.get_all(
				"Mention Rule Match",
				{"parent": next(n for n in names if mention[n] == "le-two")},
				["listening_rule", "sentiment"],
			)
		}
		self.assertEqual(by_rule, {"_le Glad": "Negative", "_le Joy": "Neutral"})  # "joy" is a name too

	def test_a_lone_post_is_read_with_the_languages_the_site_hears(self):
		# "super" alone, among seven listened-for languages, reads as French; on a site that hears
		# German it is German, as it would be in a page of German posts
		languages = frappe.db.get_single_value("Social CRM Settings", "languages")
		frappe.db.set_single_value("Social CRM Settings", "languages", "en,de,fr,es,it,nl,pt")
		frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
		frappe.cache.set_value(enrichment.RECENT_LANGUAGES_KEY, {})  # a site that has heard nothing yet
		try:
			lone = self.ingest(post("le-lone-1", "#quillbrand super"))
			enrich_mentions(lone)
			self.assertEqual(frappe.db.get_value("Mention", lone[0], "language"), "fr")
			days_ago = (now_datetime() - timedelta(days=3)).isoformat()
			german = [
				post(
					f"le-de-{i}",
					f"Das neue quillbrand Handy ist heute angekommen und läuft gut {i}",
					posted_at=days_ago,
				)
				for i in range(25)
			]
			enrich_mentions(self.ingest(*german))
			self.assertEqual(enrichment.recent_languages(), {})  # cached for an hour
			frappe.cache.delete_value(enrichment.RECENT_LANGUAGES_KEY)
			self.assertGreaterEqual(enrichment.recent_languages().get("de", 0), 25)  # from the rollup
			again = self.ingest(post("le-lone-2", "#quillbrand super"))
			enrich_mentions(again)
			self.assertEqual(frappe.db.get_value("Mention", again[0], "language"), "de")
		finally:
			frappe.db.set_single_value("Social CRM Settings", "languages", languages)
			frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
			frappe.cache.delete_value(enrichment.RECENT_LANGUAGES_KEY)

	def test_a_second_job_on_the_same_mention_does_not_enrich_it_again(self):
		# two enrichment jobs with different ids hold the same mention: the later one read it
		# before the first one wrote it, and writes after the first one is done
		names = self.ingest(post("le-twice", "I absolutely love the new quillbrand phone, it is wonderful"))
		read_by_second = enrichment._rows_to_enrich(names, force=False)
		self.assertEqual(len(read_by_second), 1)
		self.assertEqual(enrich_mentions(names), 1)  # the first job
		fields = ["sentiment", "sentiment_score", "language", "enriched_on"]
		first = frappe.db.get_value("Mention", names[0], fields, as_dict=True)
		self.assertEqual(first.sentiment, "Positive")
		matches = frappe.get_all("Mention Rule Match", {"parent": names[0]}, pluck="sentiment")
		self.assertEqual(matches, ["Positive"])

		class Negative:
			def analyze(self, texts, languages):
				return [SimpleNamespace(label="Negative", score=-0.9) for _ in texts]

		self.assertEqual(enrichment._enrich_page(read_by_second, Negative()), 0)
		self.assertEqual(frappe.db.get_value("Mention", names[0], fields, as_dict=True), first)
		self.assertEqual(
			frappe.get_all("Mention Rule Match", {"parent": names[0]}, pluck="sentiment"), ["Positive"]
		)
		# a forced re-enrichment (enriched_on read as it is stored) still goes through
		self.assertEqual(enrich_mentions(names, force=True), 1)

	def test_unavailable_flair_model_falls_back_to_default(self):
		names = self.ingest(post("le-flair", "quillbrand is great, I love it"))
		frappe.db.set_single_value(
			"Social CRM Settings",
			{"sentiment_analyzer": "Flair", "flair_model": "/nonexistent/social-crm-model.pt"},
		)
		frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
		enrichment._analyzers.clear()
		enrichment._unavailable_logged.clear()
		try:
			errors_before = frappe.db.count("Error Log")
			enrich_mentions(names)
			self.assertEqual(frappe.db.get_value("Mention", names[0], "sentiment"), "Positive")
			# logged once, not once per batch
			enrichment._analyzers.clear()
			enrich_mentions(self.ingest(post("le-flair-2", "quillbrand again, I love it")))
			self.assertEqual(frappe.db.count("Error Log") - errors_before, 1)
		finally:
			frappe.db.set_single_value(
				"Social CRM Settings", {"sentiment_analyzer": "Default", "flair_model": ""}
			)
			frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
			enrichment._analyzers.clear()

	def test_no_listening_consent_means_no_analysis(self):
		names = self.ingest(
			post("le-consent", "quillbrand is terrible", author="private@example.social"),
			post("le-granted", "quillbrand is terrible", author="granted@example.social"),
			*(post(f"le-many-{i}", "quillbrand", author=f"many{i}@example.social") for i in range(30)),
		)
		granted = frappe.db.get_value("Mention", names[1], "author")
		frappe.get_doc(
			{
				"doctype": "Social Consent Entry",
				"social_profile": granted,
				"purpose": "Listening",
				"status": "Granted",
				"lawful_basis": "Consent",
				"source": "Web form",
			}
		).insert(ignore_permissions=True)
		basis = frappe.db.get_single_value("Social CRM Settings", "default_lawful_basis")
		frappe.db.set_single_value("Social CRM Settings", "default_lawful_basis", "")  # none for public posts
		frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
		try:
			with self.assertQueryCount(40):  # one batch consent check for the page, not queries per author
				self.assertEqual(enrich_mentions(names), 1)  # the refused are marked, not counted
		finally:
			frappe.db.set_single_value("Social CRM Settings", "default_lawful_basis", basis)
			frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
		refused = frappe.db.get_value("Mention", names[0], ["sentiment", "enriched_on"], as_dict=True)
		self.assertFalse(refused.sentiment)  # no basis and no consent: not analysed
		self.assertTrue(refused.enriched_on)
		self.assertEqual(frappe.db.get_value("Mention", names[1], "sentiment"), "Negative")  # consent given
		with mock.patch("social_crm.privacy.consent_allows_many", side_effect=RuntimeError("db down")):
			self.assertEqual(enrich_mentions(names[:2], force=True), 0)  # nothing analysed unchecked
		self.assertTrue(frappe.db.exists("Error Log", {"method": "Social CRM: consent check failed"}))
		self.assertEqual(frappe.db.get_value("Mention", names[1], "sentiment"), "Negative")  # left as it was


class TestMentionThroughREST(SocialCRMTestCase):
	"""A Mention inserted through /api/resource/Mention or the desk (doc.insert) gets the
	webhook's and poll's checks and enrichment."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{
				"doctype": "Listening Rule",
				"rule_name": "_rest Oatly brand",
				"kind": "Brand",
				"terms": "oatquill",
			}
		).insert()

	def insert(self, external_id: str, text: str) -> "frappe.Document":
		return frappe.get_doc(
			{
				"doctype": "Mention",
				"platform": "Mastodon",
				"external_id": external_id,
				"text": text,
				"posted_at": "2026-11-20 09:15:00",
			}
		).insert()

	def test_rest_mention_is_matched_and_enriched_like_an_ingested_one(self):
		with mock.patch("frappe.enqueue") as enqueue:
			doc = self.insert(
				"rest-1", "<p>I love the new oatquill latte, it is wonderful and delicious!</p>"
			)
		self.assertEqual(doc.rule_kind, "Brand")
		self.assertEqual([r.listening_rule for r in doc.matched_rules], ["_rest Oatly brand"])
		calls = [
			c
			for c in enqueue.call_args_list
			if c.args[0] == "social_crm.listening.enrichment.enrich_mentions"
		]
		self.assertEqual(len(calls), 1)
		self.assertEqual(calls[0].kwargs["names"], [doc.name])
		self.assertTrue(calls[0].kwargs["enqueue_after_commit"])
		self.assertTrue(calls[0].kwargs["deduplicate"])

		enrich_mentions(**{"names": calls[0].kwargs["names"]})  # what the worker runs
		row = frappe.db.get_value("Mention", doc.name, ["language", "sentiment", "enriched_on"], as_dict=True)
		self.assertEqual(row.language, "en")
		self.assertEqual(row.sentiment, "Positive")
		self.assertTrue(row.enriched_on)

	def test_rest_mention_of_an_erased_post_is_refused(self):
		from social_crm.listening.pipeline import SuppressedMention
		from social_crm.privacy.suppression import add_keys, keys_for_profile, post_key

		add_keys({"post": post_key("Mastodon", "rest-erased")}, "Mastodon")
		with self.assertRaises(SuppressedMention):
			self.insert("rest-erased", "oatquill again")
		# an erased author's new post is refused too
		profile = frappe.get_doc(
			{
				"doctype": "Social Profile",
				"platform": "Mastodon",
				"external_id": "rest-gone",
				"handle": "gone@m.example",
			}
		).insert()
		add_keys(keys_for_profile("Mastodon", "rest-gone", "gone@m.example"), "Mastodon")
		with self.assertRaises(SuppressedMention):
			frappe.get_doc(
				{
					"doctype": "Mention",
					"platform": "Mastodon",
					"external_id": "rest-erased-2",
					"author": profile.name,
					"text": "oatquill",
					"posted_at": "2026-11-20 09:15:00",
				}
			).insert()
		self.assertFalse(frappe.db.exists("Mention", {"platform": "Mastodon", "external_id": "rest-erased"}))
