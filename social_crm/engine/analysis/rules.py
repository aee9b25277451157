"""Listening rules: which posts a brand / product / competitor / person / campaign rule matches.

A rule's ``terms`` mixes three kinds of term in one list:

- a phrase (``Café Nova``): case- and accent-insensitive, whole words, so it matches
  "cafe nova!" and "CAFÉ-NOVA" but "nova" does not match "novara" (nor "@nova");
- a hashtag (``#cafenova``): matches that hashtag in the text or in ``hashtags``;
- an account (``@cafenova`` or ``@cafenova@mastodon.social``): matches the author's
  handle or an @mention in the text; without an instance it matches any instance.

``exclusions`` use the same syntax and veto the rule. ``languages`` (empty = all) and
``sources`` (empty = all) filter; a post whose language is unknown, or a call without a
source, is not filtered out. Compile once with ``compile_rules`` and call ``match`` per post.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import InvalidRecord
from ..handles import is_valid_handle
from ..text import HASHTAG_RE, MENTION_RE

RULE_KINDS = ("Brand", "Product", "Competitor", "Person", "Campaign")
MAX_TERM_CHARS = 100
MAX_TERMS = 200
MAX_NAME_CHARS = 140
MAX_MATCH_TEXT_CHARS = 20_000

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")


@dataclass
class Rule:
	"""One listening rule (``name`` is its id); see the module docstring for term syntax."""

	name: str
	kind: str = "Brand"
	terms: list[str] = field(default_factory=list)
	exclusions: list[str] = field(default_factory=list)
	languages: list[str] = field(default_factory=list)
	sources: list[str] = field(default_factory=list)
	enabled: bool = True


@dataclass(frozen=True)
class RuleMatch:
	"""A rule that matched a post and the rule's terms (as written in the rule) that matched."""

	rule: Rule
	matched_terms: tuple[str, ...]

	@property
	def name(self) -> str:
		return self.rule.name

	@property
	def kind(self) -> str:
		return self.rule.kind


# --------------------------------------------------------------------------- folding

_COMBINING: dict[int, None] | None = None


def _combining_table() -> dict[int, None]:
	global _COMBINING
	if _COMBINING is None:
		_COMBINING = {cp: None for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp))}
	return _COMBINING


def fold(text: str) -> str:
	"""Case- and accent-insensitive form: "Café" -> "cafe", "Straße" -> "strasse", curly apostrophe -> '."""
	if text.isascii():
		return text.lower()
	text = unicodedata.normalize("NFKD", text).translate(_combining_table())
	return text.casefold().replace("’", "'")


def _fold_handle(handle: str) -> str:
	return fold(handle.strip().lstrip("@"))


# --------------------------------------------------------------------------- terms


def parse_terms(text: str | None) -> list[str]:
	"""Split a terms field on newlines and commas ("quoted, phrases" keep their commas).

	Blank items are dropped, whitespace is folded and duplicates (case-insensitive) removed.
	"""
	if not text:
		return []
	out: list[str] = []
	seen: set[str] = set()
	for line in str(text).splitlines():
		if not line.strip():
			continue
		try:
			items = next(csv.reader([line], skipinitialspace=True))
		except (csv.Error, StopIteration):
			items = line.split(",")
		for item in items:
			term = _SPACE_RE.sub(" ", item).strip()
			key = fold(term)
			if term and key not in seen:
				seen.add(key)
				out.append(term)
	return out


def _term_kind(term: str) -> str:
	if term.startswith("#"):
		return "hashtag"
	if term.startswith("@"):
		return "account"
	return "phrase"


def split_query(text: str | None) -> tuple[list[str], list[str]]:
	"""Query lines/commas -> (search terms, hashtags without '#') for a connector's search.

	Terms are classified as the matcher classifies them (``_term_kind``); @accounts are
	searched as terms.
	"""
	terms, hashtags = [], []
	for term in parse_terms(text):
		if _term_kind(term) == "hashtag" and term[1:].strip():
			hashtags.append(term[1:].strip())
		else:
			terms.append(term)
	return terms, hashtags


def _validate_term(term, fieldname: str) -> str:
	if not isinstance(term, str):
		raise InvalidRecord(f"{fieldname}: every term must be text, got {type(term).__name__}", fieldname)
	term = _SPACE_RE.sub(" ", term).strip()
	if not term:
		raise InvalidRecord(f"{fieldname}: empty term", fieldname)
	if len(term) > MAX_TERM_CHARS:
		raise InvalidRecord(
			f"{fieldname}: term {term[:30]!r}… is longer than {MAX_TERM_CHARS} characters", fieldname
		)
	if any(ch < " " for ch in term):
		raise InvalidRecord(f"{fieldname}: term {term!r} contains control characters", fieldname)
	kind = _term_kind(term)
	if kind == "hashtag":
		tag = term[1:]
		if not tag or not re.fullmatch(r"\w+", tag):
			raise InvalidRecord(
				f"{fieldname}: hashtag {term!r} must be '#' followed by one word (letters, digits, _)",
				fieldname,
			)
	elif kind == "account":
		handle = term[1:]
		if not handle or not is_valid_handle(handle) or handle.startswith("@"):
			raise InvalidRecord(f"{fieldname}: account {term!r} is not a valid @handle", fieldname)
	elif not _WORD_RE.search(term):
		raise InvalidRecord(f"{fieldname}: term {term!r} has no letters or digits", fieldname)
	return term


def _as_list(value, fieldname: str) -> list:
	if value is None:
		return []
	if isinstance(value, str):
		return parse_terms(value)
	if isinstance(value, Iterable):
		return list(value)
	raise InvalidRecord(f"{fieldname} must be a list or a comma/newline-separated text", fieldname)


def validate_rule(rule: Rule) -> Rule:
	"""Check a rule and return a cleaned copy; raises InvalidRecord naming the bad field."""
	if not isinstance(rule, Rule):
		raise InvalidRecord("rule must be a Rule")
	name = str(rule.name or "").strip()
	if not name:
		raise InvalidRecord("rule name is missing", "name")
	if len(name) > MAX_NAME_CHARS:
		raise InvalidRecord(f"rule name is longer than {MAX_NAME_CHARS} characters", "name")
	kind = str(rule.kind or "").strip()
	canonical = {k.lower(): k for k in RULE_KINDS}.get(kind.lower())
	if not canonical:
		raise InvalidRecord(
			f"rule {name!r}: kind must be one of {', '.join(RULE_KINDS)}, not {kind[:40]!r}", "kind"
		)

	def terms_of(fieldname: str, required: bool) -> list[str]:
		raw = _as_list(getattr(rule, fieldname), fieldname)
		if len(raw) > MAX_TERMS:
			raise InvalidRecord(f"rule {name!r}: {fieldname} has more than {MAX_TERMS} terms", fieldname)
		cleaned: list[str] = []
		seen: set[str] = set()
		for term in raw:
			term = _validate_term(term, fieldname)
			if fold(term) not in seen:
				seen.add(fold(term))
				cleaned.append(term)
		if required and not cleaned:
			raise InvalidRecord(f"rule {name!r}: at least one term is required", fieldname)
		return cleaned

	terms = terms_of("terms", required=True)
	exclusions = terms_of("exclusions", required=False)
	languages: list[str] = []
	for lang in _as_list(rule.languages, "languages"):
		code = str(lang or "").strip().lower().replace("_", "-").split("-")[0]
		if not _LANGUAGE_RE.match(code):
			raise InvalidRecord(
				f"rule {name!r}: language {str(lang)[:20]!r} is not a 2-3 letter ISO 639 code", "languages"
			)
		if code not in languages:
			languages.append(code)
	sources = [str(s).strip() for s in _as_list(rule.sources, "sources") if str(s or "").strip()]
	return Rule(
		name=name,
		kind=canonical,
		terms=terms,
		exclusions=exclusions,
		languages=languages,
		sources=sources,
		enabled=bool(rule.enabled),
	)


# --------------------------------------------------------------------------- compiled matching


def _phrase_pattern(folded_phrase: str) -> re.Pattern:
	words = [re.escape(part) for part in re.split(r"[\s\-‐]+", folded_phrase) if part]
	body = r"[\s\-‐]+".join(words)
	return re.compile(r"(?<![\w@])" + body + r"(?!\w)", re.UNICODE)


@dataclass
class _TermSet:
	"""Folded terms of one rule field, with the original spelling to report."""

	phrases: list[tuple[str, re.Pattern, str]] = field(default_factory=list)  # (key word, pattern, original)
	hashtags: dict[str, str] = field(default_factory=dict)  # folded tag -> original
	accounts: list[tuple[str, str | None, str]] = field(default_factory=list)  # (user, instance, original)

	@classmethod
	def build(cls, terms: Sequence[str]) -> _TermSet:
		out = cls()
		for term in terms:
			kind = _term_kind(term)
			if kind == "hashtag":
				out.hashtags.setdefault(fold(term[1:]), term)
			elif kind == "account":
				user, _, instance = _fold_handle(term).partition("@")
				out.accounts.append((user, instance or None, term))
			else:
				folded = fold(term)
				words = _WORD_RE.findall(folded)
				out.phrases.append((words[0] if words else "", _phrase_pattern(folded), term))
		return out

	def matches(self, post: _PostView) -> list[str]:
		found: list[str] = []
		for key, pattern, original in self.phrases:
			if (not key or key in post.words) and pattern.search(post.text):
				found.append(original)
		for tag, original in self.hashtags.items():
			if tag in post.hashtags:
				found.append(original)
		for user, instance, original in self.accounts:
			for handle_user, handle_instance in post.accounts:
				if user == handle_user and (instance is None or instance == handle_instance):
					found.append(original)
					break
		return found


class _PostView:
	"""A post folded once for all rules."""

	__slots__ = ("accounts", "hashtags", "text", "words")

	def __init__(self, text: str, author_handle: str | None, hashtags: Iterable[str] | None):
		raw = unicodedata.normalize("NFC", (text or "")[:MAX_MATCH_TEXT_CHARS])
		self.text = fold(raw)
		self.words = set(_WORD_RE.findall(self.text))
		self.hashtags = {fold(tag) for tag in HASHTAG_RE.findall(raw)}
		for tag in hashtags or ():
			if tag:
				self.hashtags.add(fold(str(tag).lstrip("#")))
		accounts = set()
		handles = [m for m in MENTION_RE.findall(raw)]
		if author_handle:
			handles.append(author_handle)
		for handle in handles:
			user, _, instance = _fold_handle(handle).partition("@")
			if user:
				accounts.add((user, instance or None))
		self.accounts = accounts


@dataclass
class _CompiledRule:
	rule: Rule
	terms: _TermSet
	exclusions: _TermSet
	languages: frozenset[str]
	sources: frozenset[str]


class RuleMatcher:
	"""Rules compiled once; ``match`` is cheap enough for thousands of posts per second."""

	def __init__(self, compiled: list[_CompiledRule]):
		self._rules = compiled

	def __len__(self) -> int:
		return len(self._rules)

	@property
	def rules(self) -> list[Rule]:
		return [c.rule for c in self._rules]

	def match(
		self,
		post_text: str,
		language: str | None = None,
		source: str | None = None,
		author_handle: str | None = None,
		hashtags: Iterable[str] | None = None,
	) -> list[RuleMatch]:
		"""The rules a post matches, in rule order, each with its matched terms."""
		language = (language or "").strip().lower().split("-")[0]
		source_key = fold(source.strip()) if source else ""
		post: _PostView | None = None
		matches: list[RuleMatch] = []
		for compiled in self._rules:
			if (
				compiled.languages
				and language
				and language != "unknown"
				and language not in compiled.languages
			):
				continue
			if compiled.sources and source_key and source_key not in compiled.sources:
				continue
			if post is None:
				post = _PostView(post_text, author_handle, hashtags)
			found = compiled.terms.matches(post)
			if not found or compiled.exclusions.matches(post):
				continue
			matches.append(RuleMatch(compiled.rule, tuple(found)))
		return matches


def compile_rules(rules: Iterable[Rule], skip_invalid: bool = False) -> RuleMatcher:
	"""Validate and compile enabled rules. Invalid rules raise InvalidRecord, or are skipped."""
	compiled: list[_CompiledRule] = []
	for rule in rules:
		try:
			clean = validate_rule(rule)
		except InvalidRecord:
			if skip_invalid:
				continue
			raise
		if not clean.enabled:
			continue
		compiled.append(
			_CompiledRule(
				rule=rule,
				terms=_TermSet.build(clean.terms),
				exclusions=_TermSet.build(clean.exclusions),
				languages=frozenset(clean.languages),
				sources=frozenset(fold(s) for s in clean.sources),
			)
		)
	return RuleMatcher(compiled)


def match_rules(
	post_text: str,
	rules: Iterable[Rule] | RuleMatcher,
	language: str | None = None,
	source: str | None = None,
	author_handle: str | None = None,
	hashtags: Iterable[str] | None = None,
) -> list[RuleMatch]:
	"""Match one post against rules (a list, compiled on the fly, or a compiled RuleMatcher)."""
	matcher = rules if isinstance(rules, RuleMatcher) else compile_rules(rules)
	return matcher.match(
		post_text, language=language, source=source, author_handle=author_handle, hashtags=hashtags
	)
