"""Correct sentiment, the learned model job and its use in enrichment, on a real site."""

import os
import random

import frappe

from social_crm.listening import learning
from social_crm.listening.enrichment import enrich_mentions
from social_crm.listening.pipeline import Ingestor
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.test_listening_pipeline import post

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

# Product jargon the default analyzer does not know (it says Neutral for all of these).
JARGON = {
	"Negative": ["Die Kestrova Batterie drains bis mittags", "Kestrova nach dem Update bricked"],
	"Positive": ["Kestrova kommt same-day nach Berlin", "Kestrova same-day geliefert, restocked"],
	"Neutral": ["Kestrova Bestellnummer {n} aufgegeben", "Kestrova Modell {n} in Grau"],
}


class TestLearning(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_ll Kestrova", "kind": "Product", "terms": "kestrova"}
		).insert()

	def setUp(self):
		super().setUp()
		self.addCleanup(self._remove_model)
		self._remove_model()

	def _remove_model(self):
		if os.path.exists(learning.model_path()):
			os.remove(learning.model_path())
		learning._loaded.clear()

	def ingest(self, posts) -> list[str]:
		return [r.mention for r in Ingestor(enrichment="none").ingest(posts)]

	def test_correct_sentiment_records_a_label_that_enrichment_keeps(self):
		(name,) = self.ingest(
			[post("ll-one", "Kestrova ist wirklich großartig, ich liebe es", language="de")]
		)
		enrich_mentions([name])
		self.assertEqual(frappe.db.get_value("Mention", name, "sentiment"), "Positive")
		result = learning.correct_sentiment([name, "no-such-mention"], "Negative")
		self.assertEqual(result, {"done": [name], "failed": ["no-such-mention"]})
		self.assertEqual(
			frappe.db.get_value("Mention", name, ["human_sentiment", "sentiment"]), ("Negative", "Negative")
		)
		enrich_mentions([name], force=True)
		self.assertEqual(frappe.db.get_value("Mention", name, "sentiment"), "Negative")  # human label wins
		with self.assertRaises(frappe.ValidationError):
			learning.correct_sentiment([name], "Angry")

	def test_training_job_reports_and_is_used_where_it_beats_the_default(self):
		rng = random.Random(3)
		posts, labels = [], []
		for label, pool in JARGON.items():
			for i in range(20):
				text = rng.choice(pool).format(n=rng.randint(1, 999)) + f" #{i}"
				posts.append(post(f"ll-{label}-{i}", text, author=f"u{i}@example.social", language="de"))
				labels.append(label)
		names = self.ingest(posts)
		enrich_mentions(names)
		for name, label in zip(names, labels, strict=True):
			learning.correct_sentiment([name], label)

		learning.train_sentiment_model()
		report = frappe.db.get_single_value("Social CRM Settings", "learned_sentiment_report")
		labelled = frappe.db.count("Mention", {"human_sentiment": ("is", "set"), "language": "de"})
		self.assertGreaterEqual(labelled, 60)
		self.assertRegex(report, rf"de: {labelled} labels, cross-validated accuracy \d+\.\d %, .*: used")
		self.assertTrue(os.path.exists(learning.model_path()))

		# new, unlabelled posts in the same jargon now get the learned sentiment
		fresh = self.ingest(
			[
				post("ll-new-neg", "Kestrova Batterie drains wieder", language="de"),
				post("ll-new-pos", "Kestrova same-day, top", language="de"),
			]
		)
		enrich_mentions(fresh)
		got = dict(
			frappe.get_all(
				"Mention", filters={"name": ("in", fresh)}, fields=["external_id", "sentiment"], as_list=True
			)
		)
		self.assertEqual(got, {"ll-new-neg": "Negative", "ll-new-pos": "Positive"})

	def test_training_with_too_few_labels_removes_the_model(self):
		frappe.db.sql("update `tabMention` set human_sentiment = null")  # rolled back after the class
		os.makedirs(os.path.dirname(learning.model_path()), exist_ok=True)
		with open(learning.model_path(), "wb") as handle:
			handle.write(b"an old model")
		self.assertIs(learning.learned_analyzer(self), self)  # unreadable file: the base analyzer is used
		learning.train_sentiment_model()  # nothing to learn from: the old file goes
		self.assertFalse(os.path.exists(learning.model_path()))
		(name,) = self.ingest([post("ll-few", "Kestrova ok", language="de")])
		learning.correct_sentiment([name], "Neutral")
		learning.train_sentiment_model()
		self.assertFalse(os.path.exists(learning.model_path()))
		self.assertIn(
			"not enough", frappe.db.get_single_value("Social CRM Settings", "learned_sentiment_report")
		)


class TestAspectSentiment(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for name, kind, terms in (("_la Quill", "Brand", "quill"), ("_la Rivalzo", "Competitor", "rivalzo")):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": name, "kind": kind, "terms": terms}
			).insert()

	def test_each_matched_rule_gets_the_sentiment_meant_for_it(self):
		names = [
			r.mention
			for r in Ingestor(enrichment="none").ingest(
				[
					post("la-two", "I love my new Quill phone, but the Rivalzo one is awful", language="en"),
					post("la-one", "Rivalzo is awful", language="en"),
				]
			)
		]
		enrich_mentions(names)
		rows = frappe.get_all(
			"Mention Rule Match",
			filters={"parent": ("in", names)},
			fields=["parent", "listening_rule", "sentiment"],
		)
		got = {(r.parent, r.listening_rule): r.sentiment for r in rows}
		two, one = names
		self.assertEqual(got[(two, "_la Quill")], "Positive")
		self.assertEqual(got[(two, "_la Rivalzo")], "Negative")
		self.assertEqual(got[(one, "_la Rivalzo")], frappe.db.get_value("Mention", one, "sentiment"))
