"""flair backend: load errors without flair or network, and a tiny model trained here, loaded by path."""

import sys
import time
from unittest import mock

import pytest

from social_crm.engine.analysis import flair_backend, sentiment
from social_crm.engine.analysis.flair_backend import (
	FlairAnalyzer,
	ModelNotAllowed,
	flair_model_source,
	load_flair_model,
	map_flair_label,
)
from social_crm.engine.analysis.sentiment import LABELS, AnalyzerUnavailable, get_analyzer

POSITIVE_TRAIN = [
	"great product love it",
	"wonderful service very happy",
	"love the coffee great taste",
	"happy customer great support",
	"excellent quality love it",
	"very happy wonderful experience",
]
NEGATIVE_TRAIN = [
	"terrible product hate it",
	"awful service very angry",
	"hate the coffee awful taste",
	"angry customer terrible support",
	"broken quality hate it",
	"very angry awful experience",
]
NEUTRAL_TRAIN = [
	"order number placed today",
	"the model comes in grey",
	"shipping to berlin on monday",
	"store opens at nine",
	"new catalogue page online",
	"meeting moved to tuesday",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
	flair_backend.clear_model_cache()
	yield
	flair_backend.clear_model_cache()


def test_map_flair_label_bands_low_confidence_to_neutral():
	assert map_flair_label("POSITIVE", 0.99) == sentiment.SentimentResult("Positive", 0.99, "flair")
	assert map_flair_label("NEGATIVE", 0.9).label == "Negative"
	assert map_flair_label("NEGATIVE", 0.9).score == -0.9
	low = map_flair_label("POSITIVE", 0.6, neutral_below=0.75)
	assert low.label == "Neutral" and low.score == 0.6
	assert map_flair_label("SOMETHING", 0.99).label == "Neutral"


def test_unknown_bare_name_fails_fast_without_importing_flair(tmp_path, monkeypatch):
	monkeypatch.setenv("FLAIR_CACHE_ROOT", str(tmp_path))
	started = time.monotonic()
	with mock.patch.dict(sys.modules, {"flair": None, "flair.models": None}):
		with pytest.raises(AnalyzerUnavailable, match="neither one of flair's names"):
			load_flair_model("no-such-model-name")
	assert time.monotonic() - started < 1.0


def test_missing_flair_is_reported_clearly(monkeypatch, tmp_path):
	monkeypatch.setenv("FLAIR_CACHE_ROOT", str(tmp_path))
	with mock.patch.dict(sys.modules, {"flair": None, "flair.models": None}):
		with pytest.raises(AnalyzerUnavailable, match="flair is not installed"):
			load_flair_model("sentiment")


def test_named_model_offline_raises_analyzer_unavailable(monkeypatch, tmp_path):
	"""flair's load raises ConnectionError offline; we turn it into AnalyzerUnavailable (no network used)."""
	pytest.importorskip("flair", reason="flair is optional and not installed here")
	from flair.models import TextClassifier

	monkeypatch.setenv("FLAIR_CACHE_ROOT", str(tmp_path))
	for error in (ConnectionError("offline"), OSError("no route"), ValueError("Could not find any model")):
		with mock.patch.object(TextClassifier, "load", side_effect=error) as load:
			started = time.monotonic()
			with pytest.raises(AnalyzerUnavailable, match="could not load flair model 'sentiment'"):
				get_analyzer("flair", "sentiment")
			assert time.monotonic() - started < 2.0
			load.assert_called_once_with("sentiment")
	assert (tmp_path / "social_crm_download.lock").exists()  # the download ran under the file lock


def test_missing_local_path_is_unavailable(tmp_path):
	with pytest.raises(AnalyzerUnavailable):
		load_flair_model(str(tmp_path / "missing" / "model.pt"))


def _train_tiny_model(base_path, labels=("POSITIVE", "NEGATIVE", None)):
	"""A tiny flair TextClassifier trained here; ``labels``: names of positive, negative (and neutral)."""
	import flair
	from flair.data import Corpus, Sentence

	try:
		from flair.datasets import FlairDatapointDataset as SentenceDataset
	except ImportError:  # flair < 0.11
		from flair.datasets import SentenceDataset
	from flair.embeddings import DocumentRNNEmbeddings, OneHotEmbeddings
	from flair.models import TextClassifier
	from flair.trainers import ModelTrainer

	flair.set_seed(1)
	flair.device = "cpu"

	def sentences():
		out = []
		for texts, label in zip((POSITIVE_TRAIN, NEGATIVE_TRAIN, NEUTRAL_TRAIN), labels, strict=True):
			out.extend(Sentence(text).add_label("sentiment", label) for text in texts if label)
		return out

	corpus = Corpus(
		train=SentenceDataset(sentences()),
		dev=SentenceDataset(sentences()),
		test=SentenceDataset(sentences()),
		sample_missing_splits=False,
	)
	embeddings = OneHotEmbeddings.from_corpus(corpus, embedding_length=16, min_freq=1)
	document_embeddings = DocumentRNNEmbeddings([embeddings], hidden_size=16, rnn_type="GRU")
	classifier = TextClassifier(
		document_embeddings,
		label_type="sentiment",
		label_dictionary=corpus.make_label_dictionary("sentiment", add_unk=False),
	)
	trainer = ModelTrainer(classifier, corpus)
	trainer.train(
		str(base_path),
		learning_rate=0.1,
		mini_batch_size=4,
		max_epochs=30,
		save_final_model=True,
		create_file_logs=False,
		create_loss_file=False,
	)
	model_path = base_path / "final-model.pt"
	assert model_path.is_file()
	return model_path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
	"""The two-class tiny model, trained once for the tests of this file that share it."""
	pytest.importorskip("flair", reason="flair is optional (pip install torch==<cpu wheel> flair)")
	return _train_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


def test_tiny_trained_model_through_real_loading_code(tiny_model):
	model_path = tiny_model

	models = model_path.parent  # the models folder: the setting names a file in it
	analyzer = get_analyzer("flair", model_path.name, neutral_below=0.5, mini_batch_size=4, models_dir=models)
	assert isinstance(analyzer, FlairAnalyzer)
	texts = POSITIVE_TRAIN + NEGATIVE_TRAIN + ["", "   "]
	results = analyzer.analyze(texts, ["en"] * len(texts))
	assert len(results) == len(texts)
	assert all(r.label in LABELS for r in results)
	assert all(-1.0 <= r.score <= 1.0 for r in results)
	assert [r.label for r in results[: len(POSITIVE_TRAIN)]] == ["Positive"] * len(POSITIVE_TRAIN)
	assert [r.label for r in results[len(POSITIVE_TRAIN) : -2]] == ["Negative"] * len(NEGATIVE_TRAIN)
	assert results[-1].label == "Neutral" and results[-1].score == 0.0

	# Loaded once per process: a second analyzer reuses the same model object.
	again = get_analyzer("flair", model_path.name, models_dir=models)
	assert again.classifier is analyzer.classifier
	# Same answers on a second run (no randomness at prediction time).
	assert analyzer.analyze(texts, None) == results


def test_label_polarities_for_any_classifier():
	from social_crm.engine.analysis.flair_backend import label_polarities

	assert label_polarities(["POSITIVE", "NEGATIVE"]) == {"positive": 1.0, "negative": -1.0}
	assert label_polarities(["LABEL_0", "LABEL_1", "LABEL_2"]) == {
		"label_0": -1.0,
		"label_1": 0.0,
		"label_2": 1.0,
	}
	assert label_polarities(["0", "1"]) == {"0": -1.0, "1": 1.0}
	stars = label_polarities([f"{n} stars" for n in range(1, 6)])
	assert stars["1 stars"] == -1.0 and stars["3 stars"] == 0.0 and stars["5 stars"] == 1.0
	assert label_polarities(["sports", "politics"]) == {}


def test_three_class_and_star_labels_map_with_the_neutral_band():
	three = {"label_0": -1.0, "label_1": 0.0, "label_2": 1.0}
	assert map_flair_label("LABEL_1", 0.99, polarities=three) == sentiment.SentimentResult(
		"Neutral", 0.0, "flair"
	)
	assert map_flair_label("LABEL_2", 0.9, polarities=three).label == "Positive"
	assert map_flair_label("LABEL_0", 0.6, neutral_below=0.75, polarities=three).label == "Neutral"
	stars = {"4 stars": 0.5, "5 stars": 1.0}
	result = map_flair_label("4 stars", 0.8, polarities=stars)
	assert result.label == "Positive" and result.score == 0.4


@pytest.mark.parametrize(
	"setting",
	[
		"/etc/passwd.pt",
		"../outside.pt",
		"sub/model.pt",
		"https://models.example.com/evil.pt",
		"evil-org/sentiment-model",  # a Hugging Face id: downloaded and unpickled
		"C:\\models\\x.pt",
		"model.bin",
		".hidden.pt",
		"~/model.pt",
		"no-such-model-name",
	],
)
def test_model_setting_is_a_flair_name_or_a_file_in_the_models_folder(tmp_path, setting):
	(tmp_path / "outside.pt").write_bytes(b"x")
	models = tmp_path / "models"
	models.mkdir()
	with pytest.raises(ModelNotAllowed) as info:
		flair_model_source(setting, models)
	assert info.value.code == "not_allowed"


def test_model_file_in_the_folder_and_flair_names_pass(tmp_path):
	models = tmp_path / "models"
	models.mkdir()
	(models / "shop-sentiment.pt").write_bytes(b"x")
	assert flair_model_source("shop-sentiment.pt", models) == (
		str((models / "shop-sentiment.pt").resolve()),
		True,
	)
	assert flair_model_source("sentiment", models) == ("sentiment", False)
	assert flair_model_source("en-sentiment", None) == ("en-sentiment", False)
	with pytest.raises(ModelNotAllowed) as info:
		flair_model_source("absent.pt", models)
	assert info.value.code == "missing"
	# without a models folder only flair's names are allowed
	with pytest.raises(ModelNotAllowed):
		flair_model_source("shop-sentiment.pt", None)


def test_symlink_out_of_the_models_folder_is_refused(tmp_path):
	models = tmp_path / "models"
	models.mkdir()
	(tmp_path / "elsewhere.pt").write_bytes(b"x")
	(models / "link.pt").symlink_to(tmp_path / "elsewhere.pt")
	with pytest.raises(ModelNotAllowed):
		flair_model_source("link.pt", models)


@pytest.mark.parametrize("content", [b"not a torch file at all", b"PK\x03\x04broken zip"])
def test_a_broken_model_file_is_unavailable_not_a_crash(tmp_path, content):
	pytest.importorskip("flair", reason="flair is optional")
	models = tmp_path / "models"
	models.mkdir()
	(models / "broken.pt").write_bytes(content)
	with pytest.raises(AnalyzerUnavailable, match="could not load flair file"):
		get_analyzer("flair", "broken.pt", models_dir=models)


def test_a_torch_file_that_is_no_classifier_is_unavailable(tmp_path):
	pytest.importorskip("flair", reason="flair is optional")
	import torch

	models = tmp_path / "models"
	models.mkdir()
	torch.save({"weights": torch.zeros(2)}, models / "weights-only.pt")
	with pytest.raises(AnalyzerUnavailable):
		get_analyzer("flair", "weights-only.pt", models_dir=models)


def test_neutral_band_is_calibrated_from_human_labels():
	from social_crm.engine.analysis.flair_backend import calibrate_neutral_band

	# a two-class model: sure when the team says Positive/Negative, unsure (0.8) when it says Neutral
	predictions = [("POSITIVE", 0.97)] * 12 + [("NEGATIVE", 0.95)] * 12 + [("POSITIVE", 0.8)] * 8
	labels = ["Positive"] * 12 + ["Negative"] * 12 + ["Neutral"] * 8
	band, accuracy, before = calibrate_neutral_band(predictions, labels, default=0.75)
	assert band == 0.81  # the most accurate band nearest the default
	assert accuracy == 1.0 and before == 0.75  # at 0.75 the eight unsure ones were called Positive
	assert map_flair_label("POSITIVE", 0.8, band).label == "Neutral"
	# too few labels, or no Neutral ones: nothing to learn a band from
	assert calibrate_neutral_band(predictions[:20], labels[:20]) is None
	assert calibrate_neutral_band(predictions[:24] * 2, labels[:24] * 2) is None
	# texts the model did not score (None) do not count
	assert calibrate_neutral_band([None] * 40, ["Neutral"] * 40) is None


def test_any_classifier_with_three_labels_and_its_band(tmp_path):
	"""A classifier whose label dictionary holds LABEL_0..LABEL_2 (as transformer models name them)."""
	pytest.importorskip("flair", reason="flair is optional")
	model_path = _train_tiny_model(tmp_path / "model", labels=("LABEL_2", "LABEL_0", "LABEL_1"))
	analyzer = get_analyzer("flair", model_path.name, neutral_below=0.0, models_dir=model_path.parent)
	assert analyzer.polarities == {"label_0": -1.0, "label_1": 0.0, "label_2": 1.0}
	results = analyzer.analyze(POSITIVE_TRAIN + NEGATIVE_TRAIN + NEUTRAL_TRAIN, ["de"] * 18)
	assert [r.label for r in results] == ["Positive"] * 6 + ["Negative"] * 6 + ["Neutral"] * 6


def test_a_page_is_predicted_in_one_call_with_mini_batches(tiny_model):
	model_path = tiny_model
	analyzer = get_analyzer("flair", model_path.name, mini_batch_size=8, models_dir=model_path.parent)
	calls = []
	real_predict = analyzer.classifier.predict

	def predict(sentences, **options):
		calls.append((len(sentences), options["mini_batch_size"]))
		return real_predict(sentences, **options)

	analyzer.classifier.predict = predict
	texts = (POSITIVE_TRAIN + NEGATIVE_TRAIN) * 10
	raw = analyzer.predict_raw(texts, ["en"] * len(texts))
	assert calls == [(120, 8)]
	assert all(value in ("POSITIVE", "NEGATIVE") and 0.0 <= confidence <= 1.0 for value, confidence in raw)
	# calibrating on the team's labels predicts once more and answers a band in the candidates
	labels = (["Positive"] * 6 + ["Negative"] * 6) * 8 + ["Neutral"] * 24
	band = analyzer.calibrate(texts, labels, ["en"] * len(texts))
	assert band is not None and 0.5 <= band[0] <= 0.99 and band[1] >= band[2]
