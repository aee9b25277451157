"""A per-site sentiment model learned from the team's corrections (scikit-learn), plain Python.

``train`` fits one model per language on human labels: hashed word 1-2-grams and
character 2-5-grams (``HashingVectorizer``: no vocabulary to store), TF-IDF weighting and
a multinomial ``LogisticRegression``. It reports the model's cross-validated accuracy per
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
from pathlib import Path

from .sentiment import LABELS, SentimentAnalyzer, SentimentResult, _languages_for

MAX_LABELS = 20_000
MIN_LABELS_PER_LANGUAGE = 30
MIN_PER_CLASS = 2
N_FEATURES_LOG2 = 16
CV_FOLDS = 5
FORMAT_VERSION = 1


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


def _pipeline():
	from sklearn.feature_extraction.text import TfidfTransformer
	from sklearn.linear_model import LogisticRegression
	from sklearn.pipeline import make_pipeline

	return make_pipeline(
		TfidfTransformer(sublinear_tf=True),
		LogisticRegression(C=2.0, max_iter=100, tol=1e-3, class_weight="balanced"),
	)


@dataclass
class _LanguageModel:
	idf: object  # numpy arrays
	coef: object
	intercept: object
	classes: list[str]

	def predict_proba(self, texts: Sequence[str]):
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
		return logreg.predict_proba(tfidf.transform(_features(texts)))


class LearnedModels:
	"""Per-language models and their reports; ``predict`` answers only for languages it is used for."""

	def __init__(self, models: dict[str, _LanguageModel], reports: dict[str, LanguageReport]):
		self.models = models
		self.reports = reports

	def used_languages(self) -> list[str]:
		return sorted(lang for lang, report in self.reports.items() if report.used and lang in self.models)

	def predict(self, texts: Sequence[str], languages: Sequence[str]) -> list[SentimentResult | None]:
		"""A result per text whose language has a used model, else None."""
		import numpy as np

		langs = _languages_for(texts, languages)
		out: list[SentimentResult | None] = [None] * len(texts)
		for lang in self.used_languages():
			index = [i for i, code in enumerate(langs) if code == lang and (texts[i] or "").strip()]
			if not index:
				continue
			probs = self.models[lang].predict_proba([texts[i] for i in index])
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
) -> LearnedModels:
	"""Fit one model per language with at least ``min_labels`` labels (of two classes or more).

	``default`` (the analyzer the site uses otherwise) is scored on the same labels; the
	learned model is used for a language only where its cross-validated accuracy is higher.
	"""
	import numpy as np
	from sklearn.model_selection import StratifiedKFold, cross_val_score

	if not len(texts) == len(labels) == len(languages):
		raise ValueError("texts, labels and languages must have the same length")
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
		lang_texts = [t for t, _ in items]
		y = np.array([label for _, label in items])
		x = _features(lang_texts)
		n_folds = max(2, min(folds, min(Counter(y).values())))
		cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0)
		cv_accuracy = float(cross_val_score(_pipeline(), x, y, cv=cv, scoring="accuracy").mean())
		default_accuracy = 0.0
		if default is not None:
			predicted = [r.label for r in default.analyze(lang_texts, [lang] * len(lang_texts))]
			default_accuracy = float(np.mean([p == g for p, g in zip(predicted, y, strict=True)]))
		pipeline = _pipeline().fit(x, y)
		tfidf, logreg = pipeline.steps[0][1], pipeline.steps[1][1]
		classes_ = [str(c) for c in logreg.classes_]
		coef, intercept = logreg.coef_, logreg.intercept_
		models[lang] = _LanguageModel(
			np.asarray(tfidf.idf_, dtype=np.float32), np.asarray(coef, dtype=np.float32), intercept, classes_
		)
		reports[lang] = LanguageReport(
			lang,
			len(items),
			round(cv_accuracy, 4),
			round(default_accuracy, 4),
			cv_accuracy > default_accuracy,
			classes_,
		)
	return LearnedModels(models, reports)


def dumps(models: LearnedModels) -> bytes:
	"""The models as ``.npz`` bytes (plain arrays and a JSON header; no pickle)."""
	import numpy as np

	header = {
		"version": FORMAT_VERSION,
		"n_features_log2": N_FEATURES_LOG2,
		"reports": {lang: asdict(report) for lang, report in models.reports.items()},
		"classes": {lang: model.classes for lang, model in models.models.items()},
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
	if header.get("version") != FORMAT_VERSION or header.get("n_features_log2") != N_FEATURES_LOG2:
		raise ValueError("sentiment model of another format version: retrain it")
	models = {}
	for lang, classes in header["classes"].items():
		models[lang] = _LanguageModel(
			archive[f"{lang}__idf"], archive[f"{lang}__coef"], archive[f"{lang}__intercept"], list(classes)
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
