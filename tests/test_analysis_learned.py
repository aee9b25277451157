"""The learned per-site sentiment model: trains per language, used only where it beats the default, safe storage."""

import io
import pickle
import random

import pytest

from social_crm.engine.analysis.learned import LearnedAnalyzer, dumps, load, loads, save, train
from social_crm.engine.analysis.sentiment import DefaultAnalyzer

# Product jargon the lexicons do not know: "drains", "bricked" are bad, "same-day" is good.
NEGATIVE = ["the battery drains by noon", "my unit got bricked after the update", "drains again overnight"]
POSITIVE = ["ships same-day to Berlin", "same-day delivery once more", "restocked within the hour"]
NEUTRAL = ["order number {n} placed", "model {n} in grey", "firmware {n} released"]


def jargon(n=40, seed=1):
	rng = random.Random(seed)
	texts, labels = [], []
	for label, pool in (("Negative", NEGATIVE), ("Positive", POSITIVE), ("Neutral", NEUTRAL)):
		for _ in range(n):
			texts.append(f"{rng.choice(pool).format(n=rng.randint(1, 999))} #{rng.randint(1, 9)}")
			labels.append(label)
	return texts, labels


def default_labelled(n=40, seed=2):
	"""English texts labelled by what the default analyzer says: it cannot be beaten there."""
	rng = random.Random(seed)
	words = {
		"Positive": ["great", "love", "wonderful"],
		"Negative": ["awful", "hate", "terrible"],
		"Neutral": ["a", "the"],
	}
	texts, labels = [], []
	for pool in words.values():
		for _ in range(n):
			text = f"this {rng.choice(pool)} phone {rng.randint(1, 99)}"
			texts.append(text)
			labels.append(DefaultAnalyzer().analyze_one(text, "en").label)
	return texts, labels


@pytest.fixture(scope="module")
def models():
	a_texts, a_labels = jargon()
	b_texts, b_labels = default_labelled()
	return train(
		a_texts + b_texts,
		a_labels + b_labels,
		["de"] * len(a_texts) + ["en"] * len(b_texts),
		default=DefaultAnalyzer(),
	)


def test_used_only_where_it_beats_the_default(models):
	de, en = models.reports["de"], models.reports["en"]
	assert de.labels == 120 and de.cv_accuracy > 0.9 and de.default_accuracy < 0.6 and de.used
	assert en.default_accuracy == 1.0 and not en.used
	assert models.used_languages() == ["de"]


def test_learned_analyzer_predicts_its_languages_and_leaves_the_rest_to_the_base(models):
	analyzer = LearnedAnalyzer(models, DefaultAnalyzer())
	results = analyzer.analyze(
		["battery drains fast", "same-day again", "I love this phone", "Kein Problem"],
		["de", "de", "en", "fr"],
	)
	assert [r.label for r in results[:2]] == ["Negative", "Positive"]
	assert results[0].method == "learned-de" and results[0].score < 0 < results[1].score
	assert results[2].method == "vader-en" and results[3].method.startswith(("lexicon", "vader"))


def test_too_few_labels_or_one_class_train_nothing():
	assert train(["good"] * 10, ["Positive"] * 10, ["en"] * 10).reports == {}
	texts, labels = jargon(n=5)
	assert train(texts, labels, ["de"] * len(texts)).models == {}
	with pytest.raises(ValueError):
		train(["a"], ["Positive", "Negative"], ["en"])


def test_round_trip_gives_the_same_predictions(models, tmp_path):
	path = tmp_path / "model.npz"
	save(models, path)
	again = load(path)
	texts = ["battery drains fast", "same-day again", "firmware 12 released"]
	assert again.predict(texts, ["de"] * 3) == models.predict(texts, ["de"] * 3)
	assert again.reports == models.reports


def test_pickles_and_garbage_are_refused():
	class Evil:
		def __reduce__(self):
			return (print, ("pwned",))

	buffer = io.BytesIO()
	pickle.dump(Evil(), buffer)
	for data in (buffer.getvalue(), b"not a model"):
		with pytest.raises(ValueError):
			loads(data)
	import numpy as np

	obj = io.BytesIO()
	np.savez(obj, header=np.array([{"x": 1}], dtype=object))
	with pytest.raises(ValueError):
		loads(obj.getvalue())


def test_dense_features_come_from_the_default_analyzer_and_the_text():
	from social_crm.engine.analysis.learned import DENSE_FEATURES, dense_features

	rows = dense_features(["I love it!! 😍 http://x.io @shop", "The store opens at 9."], ["en", "en"])
	assert rows.shape == (2, len(DENSE_FEATURES))
	first = dict(zip(DENSE_FEATURES, rows[0], strict=True))
	second = dict(zip(DENSE_FEATURES, rows[1], strict=True))
	assert first["default_polarity"] > 0.5 and first["default_positive"] == 1 and first["emoji_valence"] > 0
	assert first["links"] == 1 and first["mentions"] == 1 and first["exclamations"] > 0
	assert second["default_neutral"] == 1 and second["default_polarity"] == 0 and second["links"] == 0


def test_c_is_chosen_by_cross_validation_and_stored(models, tmp_path):
	from social_crm.engine.analysis.learned import C_CANDIDATES

	assert models.models["de"].C in C_CANDIDATES and models.models["de"].dense
	save(models, tmp_path / "m.npz")
	assert load(tmp_path / "m.npz").models["de"].C == models.models["de"].C


def test_a_version_1_model_without_dense_features_still_predicts(models):
	"""Files written before the dense features: n-gram coefficients only, read as such."""
	import json

	import numpy as np

	from social_crm.engine.analysis.learned import DENSE_FEATURES

	archive = np.load(io.BytesIO(dumps(models)), allow_pickle=False)
	header = json.loads(bytes(archive["header"]).decode())
	header["version"] = 1
	del header["dense"], header["C"]
	arrays = {key: archive[key] for key in archive.files if key != "header"}
	for key in [k for k in arrays if k.endswith("__coef")]:
		arrays[key] = arrays[key][:, : -len(DENSE_FEATURES)]
	arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
	buffer = io.BytesIO()
	np.savez_compressed(buffer, **arrays)
	old = loads(buffer.getvalue())
	assert not old.models["de"].dense
	# n-gram columns only: a shape mismatch would raise here
	results = old.predict(["battery drains fast", "same-day again"], ["de", "de"])
	assert all(r.method == "learned-de" and r.label in ("Positive", "Neutral", "Negative") for r in results)
