"""Similar-idea suggestions, so people vote for an existing idea instead of duplicating it.

Method (small corpora: hundreds to a few thousand ideas; no model to download):

1. Text is made plain (``html_to_text``), folded (accents removed, case folded,
   "ß" -> "ss") and split into words; a short English and German stopword list is
   dropped, as are one-letter words.
2. Each word becomes its character n-grams of length 3 to 5, padded with a space at
   either end (" vegan " -> " ve", "veg", "ega", ..., "vegan "). Character n-grams are
   chosen over stemming because the ideas are English and German: they match
   inflections ("flavour"/"flavours", "Sorte"/"Sorten"), German compounds
   ("Schokoladeneis" vs "Eis mit Schokolade") and typos, with no language-specific
   stemmer and no need to know the language of a two-line idea.
3. TF-IDF over those n-grams (sublinear tf ``1 + log tf``, smoothed idf
   ``log((1 + N) / (1 + df)) + 1``), title words counted twice because a title says
   what the idea is; cosine similarity between the new idea and each stored one.
4. rapidfuzz ``token_set_ratio`` on the folded, stopword-free titles catches short
   titles that are the same idea in other words order or with a word added
   ("Dark chocolate bar" vs "Bar of dark chocolate").

The score is ``0.7 * cosine + 0.3 * max(0, ratio - 50) / 50`` (0 to 1). Cosine carries
most of the weight because it sees the description; the title ratio lifts
near-identical titles whose descriptions differ or are empty. Only the part of the
ratio above 50 counts: unrelated short titles reach 30-50 from shared letters alone.
The default ``min_score`` of 0.3 was set on the cases in
``tests/test_ideas_similarity.py``: unrelated ideas there stay below 0.2 (at most
one shared word), rewordings of the same idea score above 0.4.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..text import html_to_text

COSINE_WEIGHT = 0.7
TITLE_WEIGHT = 0.3
DEFAULT_MIN_SCORE = 0.3
RATIO_CHANCE = 50  # unrelated short titles reach 30-50 from shared letters alone
NGRAM_SIZES = (3, 4, 5)
TITLE_BOOST = 2
MAX_DESCRIPTION_CHARS = 5_000  # enough to know what an idea is about

STOPWORDS = frozenset(
	"""
	a about above after again all also am an and any are as at be because been before being below between
	both but by can could did do does doing down during each few for from further had has have having he
	her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
	once only or other our ours out over own please same she should so some such than that the their them
	then there these they this those through to too under until up very was we were what when where which
	while who whom why will with would you your yours idea ideas suggestion suggest would like could
	aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei bin bis bitte bist
	da damit dann das dass dein deine dem den der des dich die dies diese diesem diesen dieser dir doch dort
	du durch ein eine einem einen einer eines er es etwas euch euer fur gibt habe haben hat hatte hier ich
	ihr ihre im in ist ja jede jedem jeden jeder kann kein keine konnen konnte man mehr mein meine mich mir
	mit muss nach nicht noch nur ob oder ohne sehr sein seine sich sie sind so soll sollte uber um und uns
	unser unter vom von vor war waren warum was weil welche wenn wer werden wie wieder will wir wird wo
	wollen wurde zu zum zur vorschlag idee
	""".split()
)

_EXTRA_FOLD = {"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ß": "ss"}


_FOLD_TABLE = str.maketrans(_EXTRA_FOLD)
# what html_to_text's whitespace folding drops from plain text (control characters)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def fold(text: str) -> str:
	"""Lower-case, accent-free text ("Äpfel" -> "apfel")."""
	if text.isascii():
		return text.lower()  # nothing to decompose; same result, much faster
	text = text.lower().translate(_FOLD_TABLE)
	decomposed = unicodedata.normalize("NFKD", text)
	return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str | None) -> list[str]:
	"""Content words of ``text``: plain, folded, without stopwords and one-letter words."""
	text = text or ""
	# plain text (no markup, no entities) needs no HTML parsing; tokens come out the same
	plain = fold(_CONTROL_CHARS.sub("", text) if "<" not in text and "&" not in text else html_to_text(text))
	return [w for w in re.findall(r"\w+", plain) if len(w) > 1 and w not in STOPWORDS and w != "_"]


def ngrams(word: str) -> list[str]:
	"""Character n-grams (3-5) of `` word `` padded with spaces."""
	padded = f" {word} "
	out = []
	for n in NGRAM_SIZES:
		if len(padded) < n:
			break
		out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
	return out


@lru_cache(maxsize=100_000)
def _word_grams(word: str) -> tuple[str, ...]:
	# the same words recur across ideas; interned n-grams also pickle once per index
	return tuple(sys.intern(gram) for gram in ngrams(word))


def _features(
	title: str,
	description: str,
	title_words: list[str] | None = None,
	description_words: list[str] | None = None,
) -> Counter:
	if title_words is None:
		title_words = words(title)
	if description_words is None:
		description_words = words((description or "")[:MAX_DESCRIPTION_CHARS])
	counts: Counter = Counter()
	for word in title_words:
		for gram in _word_grams(word):
			counts[gram] += TITLE_BOOST
	for word in description_words:
		counts.update(_word_grams(word))
	return counts


class SimilarityIndex:
	"""TF-IDF + title fuzzy matching over existing ideas (see the module doc)."""

	def __init__(self, ideas: Iterable[tuple[Hashable, str, str]] = ()):
		self._docs: dict[Hashable, tuple[str, Counter, set[str]]] = {}
		self._dirty = True
		self._vectors: dict[Hashable, dict[str, float]] = {}
		self._idf: dict[str, float] = {}
		for idea_id, title, description in ideas:
			self.add(idea_id, title, description)

	def __len__(self) -> int:
		return len(self._docs)

	def add(self, idea_id: Hashable, title: str, description: str = "") -> None:
		"""Add or replace one idea."""
		title_words = words(title)
		description_words = words((description or "")[:MAX_DESCRIPTION_CHARS])
		self._docs[idea_id] = (
			" ".join(title_words),
			_features(title, description, title_words, description_words),
			set(title_words) | set(description_words),
		)
		self._dirty = True

	def remove(self, idea_id: Hashable) -> None:
		"""Forget one idea (e.g. merged as a duplicate or declined)."""
		if self._docs.pop(idea_id, None) is not None:
			self._dirty = True

	def _rebuild(self) -> None:
		df: Counter = Counter()
		for _, counts, _ in self._docs.values():
			df.update(counts.keys())
		n = len(self._docs)
		self._idf = {gram: math.log((1 + n) / (1 + count)) + 1 for gram, count in df.items()}
		self._unseen_idf = math.log(1 + n) + 1
		self._vectors = {idea_id: self._weigh(counts) for idea_id, (_, counts, _) in self._docs.items()}
		# inverted index: a lookup touches only the ideas that share an n-gram with the query
		postings: dict[str, list[tuple[Hashable, float]]] = {}
		for idea_id, vector in self._vectors.items():
			for gram, weight in vector.items():
				postings.setdefault(gram, []).append((idea_id, weight))
		self._postings = postings
		titled = [(idea_id, doc[0]) for idea_id, doc in self._docs.items() if doc[0]]
		self._title_ids = [idea_id for idea_id, _ in titled]
		self._titles = [title for _, title in titled]
		self._dirty = False

	def _weigh(self, counts: Counter) -> dict[str, float]:
		vector = {
			gram: (1 + math.log(tf)) * self._idf.get(gram, self._unseen_idf)
			for gram, tf in counts.items()
			if tf > 0
		}
		norm = math.sqrt(sum(w * w for w in vector.values()))
		return {gram: w / norm for gram, w in vector.items()} if norm else {}

	def _candidates(
		self, query: dict[str, float], query_title: str
	) -> dict[Hashable, tuple[float, float | None]]:
		"""Ideas that can score above zero: sharing an n-gram, or a title ratio above chance.

		Gives (cosine, ratio) where known; a missing ratio is computed by the caller.
		"""
		cosines: dict[Hashable, float] = {}
		for gram, weight in query.items():
			for idea_id, doc_weight in self._postings.get(gram, ()):
				cosines[idea_id] = cosines.get(idea_id, 0.0) + weight * doc_weight
		ratios: dict[Hashable, float] = {}
		if query_title and self._titles:
			for _, ratio, position in process.extract(
				query_title, self._titles, scorer=fuzz.token_set_ratio, score_cutoff=RATIO_CHANCE, limit=None
			):
				ratios[self._title_ids[position]] = ratio
		candidates: dict[Hashable, tuple[float, float | None]] = {
			idea_id: (cosine, ratios.get(idea_id, 0.0 if query_title else None))
			for idea_id, cosine in cosines.items()
		}
		for idea_id, ratio in ratios.items():
			candidates.setdefault(idea_id, (0.0, ratio))
		return candidates

	def suggest(
		self,
		title: str,
		description: str = "",
		limit: int = 5,
		min_score: float = DEFAULT_MIN_SCORE,
		exclude: Iterable[Hashable] = (),
	) -> list[tuple[Hashable, float, str]]:
		"""Up to ``limit`` ideas most like the new one, as (id, score 0..1, reason), best first."""
		if self._dirty:
			self._rebuild()
		query_title = " ".join(words(title))
		query = self._weigh(_features(title, description))
		if not query and not query_title:
			return []
		title_words = set(words(title))
		query_words = title_words | set(words((description or "")[:MAX_DESCRIPTION_CHARS]))
		skip = set(exclude)
		if min_score > 0:
			candidates = self._candidates(query, query_title)
		else:  # every idea can qualify
			candidates = {idea_id: (None, None) for idea_id in self._docs}
		results = []
		for idea_id, (cosine, ratio) in candidates.items():
			if idea_id in skip:
				continue
			doc_title, _, doc_words = self._docs[idea_id]
			if cosine is None:
				vector = self._vectors[idea_id]
				small, large = (query, vector) if len(query) <= len(vector) else (vector, query)
				cosine = sum(w * large.get(gram, 0.0) for gram, w in small.items())
			if ratio is None:
				ratio = fuzz.token_set_ratio(query_title, doc_title) if query_title and doc_title else 0.0
			score = COSINE_WEIGHT * cosine + TITLE_WEIGHT * _title_part(ratio)
			if score >= min_score:
				results.append(
					(idea_id, round(score, 3), _reason(cosine, ratio, query_words & doc_words, title_words))
				)
		results.sort(key=lambda r: (-r[1], str(r[0])))
		return results[: max(0, limit)]


def _title_part(ratio: float) -> float:
	"""Map a 0-100 title ratio to 0..1, counting only what lies above chance level."""
	return max(0.0, ratio - RATIO_CHANCE) / (100 - RATIO_CHANCE)


def _reason(cosine: float, ratio: float, shared: set[str], title_words: set[str]) -> str:
	parts = []
	if ratio >= 70:
		parts.append(f"similar title ({ratio:.0f}%)")
	parts.append(f"text {cosine:.0%} alike")
	if shared:
		parts.append(
			"shared words: " + ", ".join(sorted(shared, key=lambda w: (w not in title_words, -len(w), w))[:4])
		)
	return "; ".join(parts)
