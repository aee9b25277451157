"""Language detection for posts: py3langid (+ lingua for short texts), langdetect on request.

``detect_language`` answers an ISO 639-1 code (``"en"``, ``"de"``, ``"zh"``...) or
``"unknown"``. It trusts a valid platform hint, strips @mentions, URLs, e-mail
addresses and hashtags before detecting and can be restricted to the languages a site
listens for (``allowed``), which helps short texts a lot.

Detectors (``detector``):

- ``"auto"`` (default): for texts of at most ``SHORT_TEXT_WORDS`` words, when ``allowed``
  names two or more of the site's languages, lingua-language-detector's and py3langid's
  probabilities blended (lingua is best on one to three words, the blend a little better
  on word pairs; lingua's models for the allowed languages only are loaded lazily, on the
  first short text); py3langid alone otherwise (fast: ~10,000 tweets/s). Without lingua
  installed or without ``allowed``, py3langid only. Memory: see benchmarks/README.md.
- ``"py3langid"``, ``"lingua"``: that library alone.
- ``"langdetect"``: the previous detector, seeded (``DetectorFactory.seed = 0``, fresh
  detector per call) so one text always gets the same answer; slow (~400 texts/s).

"unknown" means the text has no language signal: fewer than ``min_letters`` letters
after cleaning, no features the detector knows, or (langdetect only, which spreads its
probability over 55 languages) a best probability below ``min_confidence``. py3langid
and lingua always name the most likely allowed language.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..text import EMAIL_RE, HASHTAG_RE, MENTION_RE, URL_RE

UNKNOWN = "unknown"

DEFAULT_MIN_CONFIDENCE = 0.70  # langdetect only
DEFAULT_MIN_LETTERS = 2  # fewer letters than this (after cleaning) is no language signal
LANGDETECT_MIN_LETTERS = 10  # langdetect guesses wildly below this
MAX_DETECT_CHARS = 1_000  # the start of a long text is enough
SHORT_TEXT_WORDS = 3  # "auto": lingua and py3langid blended for texts of at most this many words
LINGUA_WEIGHT = 0.7  # lingua's share of the blend (measured on word pairs, benchmarks/bench_language.py)

DETECTOR_AUTO = "auto"
DETECTOR_PY3LANGID = "py3langid"
DETECTOR_LINGUA = "lingua"
DETECTOR_LANGDETECT = "langdetect"
DETECTORS = (DETECTOR_AUTO, DETECTOR_PY3LANGID, DETECTOR_LINGUA, DETECTOR_LANGDETECT)
DEFAULT_DETECTOR = DETECTOR_AUTO

# Methods reported in LanguageResult.method (a detector's name when it decided)
METHOD_HINT = "hint"
METHOD_DETECTED = "langdetect"
METHOD_TOO_SHORT = "too-short"
METHOD_LOW_CONFIDENCE = "low-confidence"
METHOD_FAILED = "no-features"

_HASHTAG_TOKEN_RE = re.compile(r"(?<![\w#])#\w+", re.UNICODE)
_SPACES_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class LanguageResult:
	"""``code``: ISO 639-1 code or "unknown"; ``confidence`` in [0, 1]; ``method``: how it was decided."""

	code: str
	confidence: float
	method: str

	@property
	def is_known(self) -> bool:
		return self.code != UNKNOWN


_factory = None
_factory_lock = threading.Lock()


def _get_factory():
	"""Load langdetect's profiles once per process (about 0.5 s) into a private, seeded factory."""
	global _factory
	if _factory is None:
		with _factory_lock:
			if _factory is None:
				from langdetect import detector_factory

				detector_factory.DetectorFactory.seed = 0
				factory = detector_factory.DetectorFactory()
				factory.load_profile(detector_factory.PROFILES_DIRECTORY)
				factory.seed = 0
				_factory = factory
	return _factory


_known: frozenset[str] | None = None


def _known_codes() -> frozenset[str]:
	global _known
	if _known is None:
		codes = set(_py3langid_labels())
		try:
			from langdetect import detector_factory

			codes.update(
				_normalize_detected(name)
				for name in os.listdir(detector_factory.PROFILES_DIRECTORY)
				if not name.startswith(".")
			)
		except ImportError:
			pass
		_known = frozenset(codes)
	return _known


def supported_languages() -> list[str]:
	"""The codes the detectors can answer (normalized: ``zh-cn``/``zh-tw`` become ``zh``)."""
	return sorted(_known_codes())


# --------------------------------------------------------------------------- py3langid

_identifiers: dict[frozenset[str], object] = {}
_identifiers_lock = threading.Lock()
_labels: tuple[str, ...] | None = None


def _py3langid_labels() -> tuple[str, ...]:
	global _labels
	if _labels is None:
		_labels = tuple(_normalize_detected(code) for code in _py3langid(frozenset()).labels)
	return _labels


def _py3langid(allowed: frozenset[str]):
	"""A py3langid identifier restricted to ``allowed`` (its known codes; empty: all), one per set."""
	identifier = _identifiers.get(allowed)
	if identifier is None:
		with _identifiers_lock:
			identifier = _identifiers.get(allowed)
			if identifier is None:
				from py3langid.langid import MODEL_FILE, LanguageIdentifier

				base = _identifiers.get(frozenset())
				if base is None:
					base = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
					_identifiers[frozenset()] = base
				identifier = base
				if allowed:  # shares the model's arrays with the full one; only the columns are copied
					identifier = LanguageIdentifier(
						*base._full_model[:2],
						list(base._full_model[2]),
						base.tk_nextmove,
						base.tk_output,
						norm_probs=True,
						tk_row=base.tk_row,
					)
					identifier.set_languages(sorted(allowed))
				_identifiers[allowed] = identifier
	return identifier


def _py3langid_set(allowed: frozenset[str]) -> frozenset[str]:
	return frozenset(allowed & set(_py3langid_labels())) if allowed else frozenset()


def _detect_py3langid(text: str, allowed: frozenset[str]) -> LanguageResult:
	known = _py3langid_set(allowed)
	if len(known) == 1:
		return LanguageResult(next(iter(known)), 1.0, DETECTOR_PY3LANGID)
	code, confidence = _py3langid(known).classify(text[:MAX_DETECT_CHARS])
	if not code or code == "und":
		return LanguageResult(UNKNOWN, 0.0, METHOD_FAILED)
	return LanguageResult(
		_normalize_detected(code), round(min(float(confidence), 1.0), 4), DETECTOR_PY3LANGID
	)


# --------------------------------------------------------------------------- lingua

_lingua: dict[frozenset[str], object] = {}


def lingua_available() -> bool:
	return importlib.util.find_spec("lingua") is not None


def _lingua_detector(allowed: frozenset[str]):
	"""A lingua detector for exactly the allowed languages it knows (None: fewer than two)."""
	if allowed in _lingua:
		return _lingua[allowed]
	with _identifiers_lock:
		if allowed not in _lingua:
			from lingua import IsoCode639_1, LanguageDetectorBuilder

			codes = []
			for code in sorted(allowed):
				try:
					codes.append(IsoCode639_1.from_str(code))
				except ValueError:
					continue
			# models are loaded lazily, per language, when first needed
			_lingua[allowed] = (
				LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build() if len(codes) > 1 else None
			)
	return _lingua[allowed]


def _detect_lingua(text: str, allowed: frozenset[str]) -> LanguageResult | None:
	"""lingua's answer, or None when it cannot be used for these languages (not installed, < 2 known)."""
	if not allowed or not lingua_available():
		return None
	detector = _lingua_detector(allowed)
	if detector is None:
		return None
	values = detector.compute_language_confidence_values(text[:MAX_DETECT_CHARS])
	if not values or values[0].value <= 0:
		return LanguageResult(UNKNOWN, 0.0, METHOD_FAILED)
	best = values[0]
	return LanguageResult(
		best.language.iso_code_639_1.name.lower(), round(float(best.value), 4), DETECTOR_LINGUA
	)


def normalize_language_code(value: str | None) -> str:
	"""``"de-DE"`` / ``"DE"`` / ``"de_AT"`` -> ``"de"``; anything not a 2-3 letter code -> ``""``."""
	if not value or not isinstance(value, str):
		return ""
	value = value.strip().lower().replace("_", "-").split("-")[0]
	return value if value.isascii() and value.isalpha() and 2 <= len(value) <= 3 else ""


def clean_for_detection(text: str) -> str:
	"""Drop URLs, e-mail addresses, @mentions and hashtags: they say nothing about the language."""
	if not text:
		return ""
	text = URL_RE.sub(" ", text)
	text = EMAIL_RE.sub(" ", text)
	text = MENTION_RE.sub(" ", text)
	text = _HASHTAG_TOKEN_RE.sub(" ", text)
	return _SPACES_RE.sub(" ", text).strip()


def _letter_count(text: str) -> int:
	return sum(1 for ch in text if ch.isalpha())


def _normalize_detected(code: str) -> str:
	return code.split("-")[0].lower()


def detect_language(
	text: str,
	hint: str = "",
	allowed: Iterable[str] | None = None,
	min_confidence: float = DEFAULT_MIN_CONFIDENCE,
	min_letters: int | None = None,
	detector: str = DEFAULT_DETECTOR,
) -> LanguageResult:
	"""Detect the language of one post.

	- ``hint`` (the platform's own language tag, e.g. Mastodon's) wins when it is a code
	  the detectors know (or, if ``allowed`` is given, one of the allowed languages);
	- otherwise ``detector`` (see the module) runs on the cleaned text, restricted to
	  ``allowed`` when given (unknown codes are ignored; none known means no restriction);
	- "unknown" when fewer than ``min_letters`` letters remain (default 2; 10 for
	  langdetect) or the detector finds no features; for langdetect also when its best
	  probability is below ``min_confidence``.
	"""
	allowed_set = {code for code in (normalize_language_code(a) for a in (allowed or ())) if code}
	hint_code = normalize_language_code(hint)
	if hint_code and (hint_code in allowed_set or (not allowed_set and hint_code in _known_codes())):
		return LanguageResult(hint_code, 1.0, METHOD_HINT)

	detector = (detector or DEFAULT_DETECTOR).strip().lower()
	if detector not in DETECTORS:
		raise ValueError(f"unknown language detector {detector!r}: use one of {', '.join(DETECTORS)}")
	if min_letters is None:
		min_letters = LANGDETECT_MIN_LETTERS if detector == DETECTOR_LANGDETECT else DEFAULT_MIN_LETTERS
	cleaned = clean_for_detection(text or "")
	if _letter_count(cleaned) < min_letters:
		return LanguageResult(UNKNOWN, 0.0, METHOD_TOO_SHORT)
	if detector == DETECTOR_LANGDETECT:
		return _detect_langdetect(cleaned, allowed_set, min_confidence)

	known = frozenset(allowed_set & _known_codes())
	if detector == DETECTOR_LINGUA:
		result = _detect_lingua(cleaned, known)
		if result is not None:
			return result
	elif detector == DETECTOR_AUTO and len(known) > 1 and len(cleaned.split()) <= SHORT_TEXT_WORDS:
		result = _detect_short(cleaned, known)
		if result is not None:
			return result
	return _detect_py3langid(cleaned, known)


def _detect_short(cleaned: str, known: frozenset[str]) -> LanguageResult | None:
	"""One to three words: lingua's and py3langid's probabilities blended (LINGUA_WEIGHT for lingua)."""
	if not lingua_available():
		return None
	detector = _lingua_detector(known)
	if detector is None:
		return None
	text = cleaned[:MAX_DETECT_CHARS]
	scores = {code: (1 - LINGUA_WEIGHT) * prob for code, prob in _py3langid(_py3langid_set(known)).rank(text)}
	for value in detector.compute_language_confidence_values(text):
		code = value.language.iso_code_639_1.name.lower()
		scores[code] = scores.get(code, 0.0) + LINGUA_WEIGHT * value.value
	code, score = max(scores.items(), key=lambda kv: kv[1])
	if score <= 0:
		return LanguageResult(UNKNOWN, 0.0, METHOD_FAILED)
	return LanguageResult(_normalize_detected(code), round(min(score, 1.0), 4), DETECTOR_AUTO)


def _detect_langdetect(cleaned: str, allowed_set: set[str], min_confidence: float) -> LanguageResult:
	factory = _get_factory()
	from langdetect.lang_detect_exception import LangDetectException

	detector = factory.create()  # fresh per call: the answer never depends on call order
	detector.set_max_text_length(MAX_DETECT_CHARS)
	prior = _prior_map(factory, allowed_set)
	try:
		if prior:
			detector.set_prior_map(prior)
		detector.append(cleaned)
		probabilities = detector.get_probabilities()
	except LangDetectException:
		return LanguageResult(UNKNOWN, 0.0, METHOD_FAILED)
	if not probabilities:
		return LanguageResult(UNKNOWN, 0.0, METHOD_LOW_CONFIDENCE)

	# zh-cn and zh-tw both become "zh": add them up before judging confidence.
	totals: dict[str, float] = {}
	for item in probabilities:
		code = _normalize_detected(item.lang)
		totals[code] = totals.get(code, 0.0) + item.prob
	code, confidence = max(totals.items(), key=lambda kv: kv[1])
	confidence = round(min(confidence, 1.0), 4)
	if confidence < min_confidence:
		return LanguageResult(UNKNOWN, confidence, METHOD_LOW_CONFIDENCE)
	return LanguageResult(code, confidence, METHOD_DETECTED)


def _prior_map(factory, allowed: set[str]) -> dict[str, float]:
	if not allowed:
		return {}
	prior = {lang: 1.0 for lang in factory.get_lang_list() if _normalize_detected(lang) in allowed}
	return prior


def detect_languages(
	texts: Sequence[str],
	hints: Sequence[str] | None = None,
	allowed: Iterable[str] | None = None,
	min_confidence: float = DEFAULT_MIN_CONFIDENCE,
	min_letters: int | None = None,
	detector: str = DEFAULT_DETECTOR,
) -> list[LanguageResult]:
	"""Detect many texts; ``hints`` (same length as ``texts``) may be omitted."""
	if hints is not None and len(hints) != len(texts):
		raise ValueError("hints must have the same length as texts")
	allowed_list = list(allowed or ())
	return [
		detect_language(
			text,
			hint=hints[i] if hints is not None else "",
			allowed=allowed_list,
			min_confidence=min_confidence,
			min_letters=min_letters,
			detector=detector,
		)
		for i, text in enumerate(texts)
	]
