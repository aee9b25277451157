"""Language detection for posts: langdetect made deterministic, plus the platform's hint.

``detect_language`` answers an ISO 639-1 code (``"en"``, ``"de"``, ``"zh"``...) or
``"unknown"``. It trusts a valid platform hint, strips @mentions, URLs, e-mail
addresses and hashtags before detecting, says "unknown" for text too short to tell
or when the best language is below ``min_confidence``, and can be restricted to the
languages a site listens for (``allowed``), which helps short texts a lot.

langdetect is random by design; we set ``DetectorFactory.seed = 0`` and build a fresh
detector per call, so one text always gets the same answer whatever came before.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..text import EMAIL_RE, HASHTAG_RE, MENTION_RE, URL_RE

UNKNOWN = "unknown"

DEFAULT_MIN_CONFIDENCE = 0.70
DEFAULT_MIN_LETTERS = 10  # fewer letters than this (after cleaning) is "too short to tell"
MAX_DETECT_CHARS = 1_000  # langdetect's append is slow on long text; the start is enough

# Methods reported in LanguageResult.method
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
		_known = frozenset(_normalize_detected(code) for code in _get_factory().get_lang_list())
	return _known


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
	min_letters: int = DEFAULT_MIN_LETTERS,
) -> LanguageResult:
	"""Detect the language of one post.

	- ``hint`` (the platform's own language tag, e.g. Mastodon's) wins when it is a code
	  langdetect knows (or, if ``allowed`` is given, one of the allowed languages);
	- otherwise langdetect runs on the cleaned text, restricted to ``allowed`` when given
	  (codes langdetect does not know are ignored; none known means no restriction);
	- "unknown" when fewer than ``min_letters`` letters remain or the best probability is
	  below ``min_confidence``.
	"""
	allowed_set = {code for code in (normalize_language_code(a) for a in (allowed or ())) if code}
	hint_code = normalize_language_code(hint)
	if hint_code and (hint_code in allowed_set or (not allowed_set and hint_code in _known_codes())):
		return LanguageResult(hint_code, 1.0, METHOD_HINT)

	cleaned = clean_for_detection(text or "")
	if _letter_count(cleaned) < min_letters:
		return LanguageResult(UNKNOWN, 0.0, METHOD_TOO_SHORT)

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
	min_letters: int = DEFAULT_MIN_LETTERS,
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
		)
		for i, text in enumerate(texts)
	]
