"""Aspect sentiment: the sentiment of a post towards each listening rule it matched.

"Love my Quill phone, the Rivalzo one is awful" names two rules; the post's overall
sentiment would credit the competitor with the praise. ``aspect_sentiments`` splits the
text into clauses (sentence ends, ``;``, line breaks and contrast words such as "but",
"aber", "mais", "maar", "pero", "ma") and scores, per rule, only the clauses that name
one of its matched terms. A rule whose terms are not found in any clause, or a post where
every clause names the same rules, gets the post's overall sentiment.

The listened-for terms themselves are names, not opinions: a brand called "Glad", "Dove",
"Amazon" or "Best Buy" would otherwise lend its post the sentiment of its name.
``without_terms`` replaces them by a word no list scores before a post (and each rule's
clauses) is scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from .sentiment import NAME_PLACEHOLDER, SentimentAnalyzer, SentimentResult

CONTRAST_WORDS = (
	"but",
	"however",
	"whereas",
	"while",
	"aber",
	"doch",
	"jedoch",
	"während",
	"mais",
	"alors que",
	"maar",
	"terwijl",
	"pero",
	"mientras",
	"ma",
	"mentre",
	"invece",
)
_SPLIT_RE = re.compile(
	r"[.!?;\n]+|\s[-–—]\s|,?\s+(?:" + "|".join(re.escape(w) for w in CONTRAST_WORDS) + r")\s+",
	re.IGNORECASE,
)


def clauses(text: str) -> list[str]:
	"""The text cut at sentence ends, semicolons, dashes, line breaks and contrast words."""
	return [part.strip() for part in _SPLIT_RE.split(text or "") if part and part.strip()]


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern:
	bare = term.strip().lstrip("#@").lower()
	return re.compile(r"(?<!\w)[#@]?" + re.escape(bare) + r"(?!\w)", re.IGNORECASE)


def _terms(terms: Iterable[str]) -> list[str]:
	return [t for t in terms if t and t.strip().lstrip("#@")]


def without_terms(text: str, terms: Iterable[str]) -> str:
	"""``text`` with every occurrence of the matched listening terms (as a word, ``#term`` or
	``@term``, any case) replaced by ``NAME_PLACEHOLDER``: "Glad bags ripped again" -> "Name bags
	ripped again". Longer terms first, so "Best Buy" is replaced whole before "Buy"."""
	for term in sorted(set(_terms(terms)), key=len, reverse=True):
		text = _term_pattern(term).sub(NAME_PLACEHOLDER, text)
	return text


def aspect_sentiments(
	text: str,
	language: str,
	rule_terms: Mapping[str, Sequence[str]],
	analyzer: SentimentAnalyzer,
	overall: SentimentResult | None = None,
) -> dict[str, SentimentResult]:
	"""Per rule (``rule_terms``: rule -> its matched terms), the sentiment of the clauses naming it,
	scored with every rule's terms read as names (``without_terms``). ``overall``: the post's
	sentiment, scored the same way (computed when not given)."""
	every_term = [t for terms in rule_terms.values() for t in terms]
	if overall is None:
		overall = analyzer.analyze_one(without_terms(text, every_term), language)
	if len(rule_terms) < 2:
		return {rule: overall for rule in rule_terms}
	parts = clauses(text)
	patterns = {rule: [_term_pattern(t) for t in _terms(terms)] for rule, terms in rule_terms.items()}
	found: dict[str, list[int]] = {
		rule: [i for i, part in enumerate(parts) if any(p.search(part) for p in pats)]
		for rule, pats in patterns.items()
	}
	if len({tuple(v) for v in found.values()}) == 1:  # every rule in the same clauses: no way to tell apart
		return {rule: overall for rule in rule_terms}
	own = {
		rule: without_terms(" ".join(parts[i] for i in idx), every_term) for rule, idx in found.items() if idx
	}
	keys = list(own)
	scored = dict(zip(keys, analyzer.analyze([own[k] for k in keys], [language] * len(keys)), strict=True))
	return {rule: scored.get(rule, overall) for rule in rule_terms}
