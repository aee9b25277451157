"""Aspect sentiment: the sentiment of a post towards each listening rule it matched.

"Love my Quill phone, the Rivalzo one is awful" names two rules; the post's overall
sentiment would credit the competitor with the praise. ``aspect_sentiments`` splits the
text into clauses (sentence ends, ``;``, line breaks and contrast words such as "but",
"aber", "mais", "maar", "pero", "ma") and scores, per rule, only the clauses that name
one of its matched terms. A rule whose terms are not found in any clause, or a post where
every clause names the same rules, gets the post's overall sentiment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .sentiment import SentimentAnalyzer, SentimentResult

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


def _term_pattern(term: str) -> re.Pattern:
	bare = term.strip().lstrip("#@").lower()
	return re.compile(r"(?<!\w)[#@]?" + re.escape(bare) + r"(?!\w)", re.IGNORECASE)


def aspect_sentiments(
	text: str,
	language: str,
	rule_terms: Mapping[str, Sequence[str]],
	analyzer: SentimentAnalyzer,
	overall: SentimentResult | None = None,
) -> dict[str, SentimentResult]:
	"""Per rule (``rule_terms``: rule -> its matched terms), the sentiment of the clauses naming it."""
	if overall is None:
		overall = analyzer.analyze_one(text, language)
	if len(rule_terms) < 2:
		return {rule: overall for rule in rule_terms}
	parts = clauses(text)
	patterns = {
		rule: [_term_pattern(t) for t in terms if t and t.strip().lstrip("#@")]
		for rule, terms in rule_terms.items()
	}
	found: dict[str, list[int]] = {
		rule: [i for i, part in enumerate(parts) if any(p.search(part) for p in pats)]
		for rule, pats in patterns.items()
	}
	if len({tuple(v) for v in found.values()}) == 1:  # every rule in the same clauses: no way to tell apart
		return {rule: overall for rule in rule_terms}
	own = {rule: " ".join(parts[i] for i in idx) for rule, idx in found.items() if idx}
	keys = list(own)
	scored = dict(zip(keys, analyzer.analyze([own[k] for k in keys], [language] * len(keys)), strict=True))
	return {rule: scored.get(rule, overall) for rule in rule_terms}
