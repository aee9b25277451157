"""The flair sentiment backend: any flair ``TextClassifier``, loaded lazily, predicted in mini-batches.

``FlairAnalyzer`` loads a classifier by one of flair's names (downloaded into
``$FLAIR_CACHE_ROOT`` the first time, behind a file lock) or from a ``.pt`` file in a
models folder the caller names (:func:`flair_model_source`: nothing else, since loading
unpickles), once per process (:func:`clear_model_cache` frees it when the setting
changes). Any classifier works, including one a user fine-tuned on a multilingual
transformer: its labels come from the model's own label dictionary and are placed by
:func:`label_polarities` (POSITIVE/NEGATIVE/NEUTRAL, pos/neg/neu, ``LABEL_0..2``, ``0/1``,
"1 star" .. "5 stars"). A prediction whose confidence is below the *neutral band*
(``neutral_below``) is Neutral; :func:`calibrate_neutral_band` picks that band from the
team's labels. flair is imported lazily, never at module import (it takes seconds and
hundreds of MB).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

from .sentiment import (
	MAX_ANALYZE_CHARS,
	NEGATIVE,
	NEUTRAL,
	POSITIVE,
	AnalyzerUnavailable,
	SentimentAnalyzer,
	SentimentResult,
	_languages_for,
)

FLAIR_MODEL_NAMES = (
	"sentiment",
	"en-sentiment",
	"sentiment-fast",
	"de-offensive-language",
	"communicative-functions",
)
ENGLISH_FLAIR_MODELS = frozenset({"sentiment", "en-sentiment", "sentiment-fast"})
DEFAULT_FLAIR_MODEL = "sentiment"
DEFAULT_NEUTRAL_BELOW = 0.75  # flair's sentiment models have no neutral class: low confidence is neutral

_POSITIVE_VALUES = {"positive", "pos", "1", "label_1", "label_2"}
_NEGATIVE_VALUES = {"negative", "neg", "0", "label_0", "offense", "offensive"}

_models: dict[str, object] = {}
_models_lock = threading.Lock()


def flair_cache_root() -> Path:
	"""flair's download folder: ``$FLAIR_CACHE_ROOT`` or ``~/.flair``."""
	return Path(os.environ.get("FLAIR_CACHE_ROOT") or Path.home() / ".flair")


MODEL_FILE_SUFFIX = ".pt"  # what flair's ModelTrainer saves (final-model.pt, best-model.pt)


class ModelNotAllowed(AnalyzerUnavailable):
	"""The flair model setting names neither one of flair's models nor a file in the models folder.

	``code``: "not_allowed" (a path, URL, Hugging Face id or unknown name) or "missing" (a
	file name that is not in the folder).
	"""

	def __init__(self, message: str, code: str):
		super().__init__(message)
		self.code = code


def flair_model_source(model: str, models_dir: Path | str | None = None) -> tuple[str, bool]:
	"""(what to load, is a local file) for a flair model setting; :class:`ModelNotAllowed` otherwise.

	Loading a flair model unpickles it, and unpickling runs code, so only two kinds of value
	are accepted: one of flair's own model names (:data:`FLAIR_MODEL_NAMES`), or the plain
	file name (``*.pt``, no folders, no ``..``) of a file directly inside ``models_dir`` (a
	folder only the server's administrator writes to). Absolute paths, URLs, Hugging Face
	ids and symlinks that lead out of the folder are refused.
	"""
	value = (model or "").strip()
	if value in FLAIR_MODEL_NAMES:
		return value, False
	names = ", ".join(FLAIR_MODEL_NAMES)
	if (
		not models_dir
		or not value.endswith(MODEL_FILE_SUFFIX)
		or any(ch in value for ch in "/\\:\x00")
		or value.startswith(".")
	):
		raise ModelNotAllowed(
			f"flair model {value[:80]!r} is neither one of flair's names ({names}) nor the file name "
			f"of a {MODEL_FILE_SUFFIX} file in the models folder",
			"not_allowed",
		)
	folder = Path(models_dir).resolve()
	path = (folder / value).resolve()
	if path.parent != folder:
		raise ModelNotAllowed(f"flair model {value!r} leads out of the models folder", "not_allowed")
	if not path.is_file():
		raise ModelNotAllowed(f"flair model file {value!r} is not in the models folder {folder}", "missing")
	return str(path), True


@contextlib.contextmanager
def _download_lock(path: Path):
	"""A cross-process lock around a first-time download (filelock; fcntl or a thread lock if missing)."""
	path.parent.mkdir(parents=True, exist_ok=True)
	try:
		from filelock import FileLock
	except ImportError:
		FileLock = None
	if FileLock is not None:
		with FileLock(str(path), timeout=30 * 60):
			yield
		return
	try:
		import fcntl
	except ImportError:  # not POSIX: at least serialize the threads of this process
		with _models_lock:
			yield
		return
	with open(path, "a") as handle:
		fcntl.flock(handle, fcntl.LOCK_EX)
		try:
			yield
		finally:
			fcntl.flock(handle, fcntl.LOCK_UN)


def load_flair_model(model: str = DEFAULT_FLAIR_MODEL, models_dir: Path | str | None = None):
	"""Load a flair TextClassifier once per process (by flair name or a file in ``models_dir``); cached.

	Anything that goes wrong while loading (a corrupt or foreign file, no network for a
	first download) raises :class:`AnalyzerUnavailable`, so callers fall back.
	"""
	key, is_local = flair_model_source(model, models_dir)
	cached = _models.get(key)
	if cached is not None:
		return cached
	try:
		from flair.models import TextClassifier
	except ImportError as exc:
		raise AnalyzerUnavailable(
			"flair is not installed: install the CPU wheel of torch first, then pip install flair "
			f"(or the app's [flair] extra) ({exc})"
		)
	with _models_lock:
		cached = _models.get(key)
		if cached is not None:
			return cached
		lock = (
			contextlib.nullcontext()
			if is_local
			else _download_lock(flair_cache_root() / "social_crm_download.lock")
		)
		try:
			with lock:
				classifier = TextClassifier.load(key)
		except Exception as exc:  # a broken file fails in many ways (pickle, torch, flair)
			where = "file" if is_local else "model"
			raise AnalyzerUnavailable(
				f"could not load flair {where} {model!r}: {type(exc).__name__}: {exc}. "
				f"flair's named models are downloaded to {flair_cache_root()} on first use "
				"(needs network once); or give a local model path."
			)
		_models[key] = classifier
		return classifier


def clear_model_cache() -> None:
	"""Forget loaded flair models, so the memory of one no longer configured is freed."""
	with _models_lock:
		_models.clear()


_STARS_RE = re.compile(r"^([1-5])\s*stars?$")
_INDEX_RE = re.compile(r"^(?:label_)?(\d+)$")


def label_polarities(labels: Sequence[str]) -> dict[str, float]:
	"""Polarity in [-1, 1] of each label of a classifier, from all its labels.

	Names (positive/pos, negative/neg, neutral, offensive...) map directly; "1 star" ..
	"5 stars" to -1 .. +1; numbered labels (``0``/``LABEL_0``...) by their count: two are
	negative/positive, three negative/neutral/positive, five very negative .. very positive.
	Labels it cannot place are left out (they predict Neutral).
	"""
	keys = [(label or "").strip().lower() for label in labels]
	out: dict[str, float] = {}
	indexed = [k for k in keys if _INDEX_RE.match(k)]
	for key in keys:
		if key in ("neutral", "neu", "none", "other"):
			out[key] = 0.0
		elif key in ("positive", "pos"):
			out[key] = 1.0
		elif key in ("negative", "neg", "offense", "offensive"):
			out[key] = -1.0
		elif _STARS_RE.match(key):
			out[key] = (int(_STARS_RE.match(key).group(1)) - 3) / 2
		elif _INDEX_RE.match(key) and len(indexed) in (2, 3, 5):
			k, n = int(_INDEX_RE.match(key).group(1)), len(indexed)
			if k < n:
				out[key] = -1.0 + 2.0 * k / (n - 1)
	return out


def map_flair_label(
	value: str,
	confidence: float,
	neutral_below: float = DEFAULT_NEUTRAL_BELOW,
	polarities: dict[str, float] | None = None,
) -> SentimentResult:
	"""Map a flair label (+ confidence) to our label and signed score.

	``polarities`` (from ``label_polarities`` of the model's labels) places the label;
	without it the two-class names are known (flair's sentiment models: POSITIVE/NEGATIVE,
	no neutral class). Confidence below ``neutral_below`` is Neutral; the score is the
	confidence times the label's polarity either way. Unknown labels are Neutral, 0.
	"""
	key = (value or "").strip().lower()
	confidence = max(0.0, min(1.0, float(confidence)))
	if key == "neutral":
		return SentimentResult(NEUTRAL, 0.0, "flair")
	if polarities is not None and key in polarities:
		sign = polarities[key]
		if sign == 0:
			return SentimentResult(NEUTRAL, 0.0, "flair")
		score = round(sign * confidence, 4)
		strong = confidence >= neutral_below and abs(sign) >= 0.5
		label = (POSITIVE if sign > 0 else NEGATIVE) if strong else NEUTRAL
		return SentimentResult(label, score, "flair")
	if key in _POSITIVE_VALUES:
		sign = 1.0
	elif key in _NEGATIVE_VALUES:
		sign = -1.0
	else:
		return SentimentResult(NEUTRAL, 0.0, "flair-unknown-label")
	score = round(sign * confidence, 4)
	label = (POSITIVE if sign > 0 else NEGATIVE) if confidence >= neutral_below else NEUTRAL
	return SentimentResult(label, score, "flair")


class FlairAnalyzer(SentimentAnalyzer):
	"""flair TextClassifier (by name or local path), predicted in mini-batches.

	``languages``: the languages the model is for (flair's sentiment models: English);
	texts in other languages go to ``fallback`` (the default analyzer) if given, else Neutral.
	"""

	name = "flair"

	def __init__(
		self,
		model: str = DEFAULT_FLAIR_MODEL,
		neutral_below: float = DEFAULT_NEUTRAL_BELOW,
		mini_batch_size: int = 32,
		languages: Sequence[str] | None = None,
		fallback: SentimentAnalyzer | None = None,
		models_dir: Path | str | None = None,
	):
		self.model_name = model or DEFAULT_FLAIR_MODEL
		self.neutral_below = neutral_below
		self.mini_batch_size = max(1, int(mini_batch_size))
		if languages is None and self.model_name in ENGLISH_FLAIR_MODELS:
			languages = ["en"]
		self.languages = frozenset(lang.lower() for lang in languages or ())
		self.fallback = fallback
		self.classifier = load_flair_model(self.model_name, models_dir)
		try:
			dictionary = getattr(self.classifier, "label_dictionary", None)
			items = [str(i) for i in dictionary.get_items()] if dictionary is not None else []
			self.polarities = label_polarities([i for i in items if i.lower() != "<unk>"]) or None
			# one prediction now: a file that loads but is no working text classifier fails
			# here, once, instead of in every enrichment job
			self.analyze(["ok"], [next(iter(self.languages), "en")])
		except Exception as exc:
			raise AnalyzerUnavailable(
				f"flair model {self.model_name!r} is not a working text classifier: {type(exc).__name__}: {exc}"
			)

	def predict_raw(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> list:
		"""The model's own (label value, confidence) per text, all in one ``predict`` call with
		mini-batches; None for texts it does not score (empty, another language, no label)."""
		from flair.data import Sentence

		langs = _languages_for(texts, languages)
		out: list[tuple[str, float] | None] = [None] * len(texts)
		batch_index: list[int] = []
		sentences = []
		for i, (text, lang) in enumerate(zip(texts, langs, strict=True)):
			text = (text or "")[:MAX_ANALYZE_CHARS]
			if not text.strip() or (self.languages and lang not in self.languages):
				continue
			sentence = Sentence(text)
			if len(sentence):
				batch_index.append(i)
				sentences.append(sentence)
		if sentences:
			self.classifier.predict(sentences, mini_batch_size=self.mini_batch_size, verbose=False)
			label_type = getattr(self.classifier, "label_type", None)
			for i, sentence in zip(batch_index, sentences, strict=True):
				labels = sentence.get_labels(label_type) if label_type else sentence.labels
				if labels:
					out[i] = (str(labels[0].value), float(labels[0].score))
		return out

	def analyze(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> list[SentimentResult]:
		"""Predict all texts the model is for in mini-batches; texts in other languages go to the fallback."""
		langs = _languages_for(texts, languages)
		raw = self.predict_raw(texts, langs)
		results: list[SentimentResult | None] = [None] * len(texts)
		other_index: list[int] = []
		for i, (text, lang, prediction) in enumerate(zip(texts, langs, raw, strict=True)):
			if prediction is not None:
				results[i] = map_flair_label(
					prediction[0], prediction[1], self.neutral_below, self.polarities
				)
			elif not (text or "").strip():
				results[i] = SentimentResult(NEUTRAL, 0.0, "empty")
			elif self.languages and lang not in self.languages:
				other_index.append(i)
			else:
				results[i] = SentimentResult(NEUTRAL, 0.0, "flair-no-label")
		if other_index:
			if self.fallback is not None:
				fallback_results = self.fallback.analyze(
					[texts[i] for i in other_index], [langs[i] for i in other_index]
				)
				for i, result in zip(other_index, fallback_results, strict=True):
					results[i] = result
			else:
				for i in other_index:
					results[i] = SentimentResult(NEUTRAL, 0.0, "unsupported")
		return [r if r is not None else SentimentResult(NEUTRAL, 0.0, "") for r in results]

	def calibrate(
		self, texts: Sequence[str], labels: Sequence[str], languages: Sequence[str] | None = None
	) -> tuple[float, float, float] | None:
		"""The neutral band that agrees best with these human labels (:func:`calibrate_neutral_band`)."""
		return calibrate_neutral_band(
			self.predict_raw(texts, languages), labels, self.polarities, default=self.neutral_below
		)


# --------------------------------------------------------------------------- calibration

NEUTRAL_BAND_CANDIDATES = tuple(round(0.5 + i / 100, 2) for i in range(50))  # 0.50 .. 0.99
MIN_CALIBRATION_LABELS = 30
MIN_CALIBRATION_PER_SIDE = 5  # Neutral labels and Positive/Negative labels each


def calibrate_neutral_band(
	predictions: Sequence[tuple[str, float] | None],
	labels: Sequence[str],
	polarities: dict[str, float] | None = None,
	candidates: Sequence[float] = NEUTRAL_BAND_CANDIDATES,
	default: float = DEFAULT_NEUTRAL_BELOW,
) -> tuple[float, float, float] | None:
	"""(band, accuracy with it, accuracy with ``default``) that agrees best with human labels.

	``predictions`` are a model's raw (label value, confidence) per text (None: the model
	did not score it), ``labels`` the team's labels. Each candidate band maps the
	predictions with :func:`map_flair_label`; the most accurate wins, ties going to the
	band nearest ``default``. None when there are fewer than ``MIN_CALIBRATION_LABELS``
	scored labels or fewer than ``MIN_CALIBRATION_PER_SIDE`` Neutral or non-Neutral ones
	(a band cannot be learned without both).
	"""
	if len(predictions) != len(labels):
		raise ValueError("predictions and labels must have the same length")
	pairs = [(p, y) for p, y in zip(predictions, labels, strict=True) if p is not None and y]
	neutral = sum(1 for _, y in pairs if y == NEUTRAL)
	if len(pairs) < MIN_CALIBRATION_LABELS or min(neutral, len(pairs) - neutral) < MIN_CALIBRATION_PER_SIDE:
		return None

	def accuracy(band: float) -> float:
		hits = sum(map_flair_label(v, c, band, polarities).label == y for (v, c), y in pairs)
		return hits / len(pairs)

	scored = [(accuracy(band), -abs(band - default), band) for band in candidates]
	best_accuracy, _, best_band = max(scored)
	return best_band, round(best_accuracy, 4), round(accuracy(default), 4)
