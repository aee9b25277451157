"""Names: accent folding, lookup keys and similarity for person and company names.

Two forms of a name are used:

- :func:`name_key` is a deliberately lossy *lookup key* (accent-folded, umlaut spellings
  collapsed, initials, titles and legal forms dropped, tokens sorted) stored in an
  indexed field so candidates are found by equality: ``Zoë Müller``, ``Mueller, Zoe``
  and ``Zoe Muller`` share one key.
- :func:`name_similarity` compares the real names (rapidfuzz ``token_sort_ratio`` on
  accent-folded variants) to score a candidate.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

# Letters NFKD does not decompose into a base letter plus a mark.
_SPECIAL_LETTERS = str.maketrans(
	{"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)
# German spelling without umlauts: Müller is also written Mueller.
_GERMAN_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Collapsed in lookup keys only, so Müller, Mueller and Muller meet (Samuel -> samul is harmless).
_UMLAUT_SPELLINGS = re.compile(r"(?<=[a-z])(ae|oe|ue)")

HONORIFICS = frozenset(
	{"dr", "prof", "mr", "mrs", "ms", "mx", "herr", "frau", "sir", "dame", "dipl", "ing", "phd", "mba"}
)
LEGAL_FORMS = frozenset(
	{
		"gmbh",
		"mbh",
		"ag",
		"kg",
		"kgaa",
		"ohg",
		"ug",
		"gbr",
		"ev",
		"eg",
		"se",
		"inc",
		"incorporated",
		"ltd",
		"limited",
		"llc",
		"llp",
		"plc",
		"corp",
		"corporation",
		"co",
		"company",
		"sa",
		"sas",
		"sarl",
		"srl",
		"spa",
		"bv",
		"nv",
		"ab",
		"as",
		"asa",
		"oy",
		"kk",
		"pty",
		"pvt",
		"gesmbh",
	}
)

# Words company accounts add to their name: "ACME Official", "ACME Support", "ACME HQ".
ACCOUNT_WORDS = frozenset(
	{"official", "team", "hq", "news", "support", "help", "careers", "jobs", "offiziell"}
)

# Display names often carry extras: "Anna Schmidt | ACME", "Anna (she/her)", "Anna 🚀 @ ACME".
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_PART_SEPARATORS = re.compile(r"\s*(?:[|·•/,–—]|\s-\s|\s@\s|\sat\s|\sbei\s)\s*", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")

MIN_COMPANY_CHARS = 3  # a company core shorter than this ("AB") is too vague to look for in a bio


CACHE_SIZE = 65_536  # names repeat across jobs in one worker; folding them again is the main cost


@lru_cache(maxsize=CACHE_SIZE)
def fold(text: str | None, german: bool = False) -> str:
	"""Lower-case and strip accents; ``german=True`` spells umlauts as ae/oe/ue first."""
	if not text:
		return ""
	value = str(text).lower()
	if german:
		value = value.translate(_GERMAN_UMLAUTS)
	value = value.translate(_SPECIAL_LETTERS)
	value = unicodedata.normalize("NFKD", value)
	return "".join(ch for ch in value if not unicodedata.combining(ch))


def tokens(text: str | None, german: bool = False) -> list[str]:
	"""Alphanumeric tokens of the folded text."""
	return _TOKEN.findall(fold(text, german=german))


def _core_tokens(words: list[str]) -> list[str]:
	"""Drop leading titles, trailing legal forms / account words and initials (keep something)."""
	core = list(words)
	while len(core) > 1 and core[0] in HONORIFICS:
		core.pop(0)
	while len(core) > 1 and (core[-1] in LEGAL_FORMS or core[-1] in ACCOUNT_WORDS):
		core.pop()
	without_initials = [word for word in core if len(word) > 1]
	return without_initials or core


def name_key(name: str | None) -> str:
	"""Lookup key for exact, indexed name lookups: folded, umlauts collapsed, sorted tokens.

	``"Dr. Zoë Müller"``, ``"Mueller, Zoe"`` and ``"zoe muller"`` all give ``"muller zo"``.
	Returns "" when the name has no letters or digits.
	"""
	words = _core_tokens(tokens(_BRACKETED.sub(" ", name or "")))
	words = [_UMLAUT_SPELLINGS.sub(lambda m: m.group(1)[0], word) for word in words]
	return " ".join(sorted(words))


def name_parts(display_name: str | None) -> list[str]:
	"""The display name and its separated parts ("Anna Schmidt | ACME" -> whole, "Anna Schmidt", "ACME")."""
	return list(_name_parts(display_name or ""))


@lru_cache(maxsize=CACHE_SIZE)
def _name_parts(display_name: str) -> tuple[str, ...]:
	if not display_name:
		return ()
	cleaned = _BRACKETED.sub(" ", display_name).strip()
	parts = [cleaned]
	for part in _PART_SEPARATORS.split(cleaned):
		part = part.strip()
		if part and part not in parts:
			parts.append(part)
	return tuple(part for part in parts if _TOKEN.search(fold(part)))


@lru_cache(maxsize=CACHE_SIZE)
def _comparable_forms(name: str) -> frozenset[str]:
	forms = set()
	for german in (False, True):
		core = _core_tokens(tokens(name, german=german))
		if core:
			forms.add(" ".join(core))
	return frozenset(forms)


def profile_name_forms(display_name: str | None) -> list[str]:
	"""Folded forms of a display name and its parts, as :func:`name_similarity` compares them."""
	forms: set[str] = set()
	for part in name_parts(display_name):
		forms |= _comparable_forms(part)
	return sorted(forms)


def name_similarity(profile_name: str | None, party_names: list[str] | tuple[str, ...]) -> float:
	"""Best rapidfuzz ``token_sort_ratio`` (0..1) between the profile's name parts and the party's names.

	Names are accent-folded and compared both with umlauts dropped (Müller -> muller) and
	spelled out (Müller -> mueller), so either spelling on either side matches.
	"""
	return forms_similarity(profile_name_forms(profile_name), party_names)


def forms_similarity(profile_forms: list[str], party_names: list[str] | tuple[str, ...]) -> float:
	""":func:`name_similarity` with the profile side already folded by :func:`profile_name_forms`."""
	party_forms: set[str] = set()
	for name in party_names:
		if name:
			party_forms |= _comparable_forms(name)
	best = 0.0
	for left in profile_forms:
		for right in sorted(party_forms):
			best = max(best, fuzz.token_sort_ratio(left, right, processor=None))
			if best >= 100:
				return 1.0
	return round(best / 100.0, 4)


def company_core(company: str | None) -> list[str]:
	"""Tokens of a company name without its legal form ("ACME Tools GmbH" -> ["acme", "tools"])."""
	return _core_tokens(tokens(company))


def mentions_company(text: str | None, company: str | None) -> bool:
	"""True when the company's name (without legal form) appears as whole words in the text."""
	core = company_core(company)
	if not core or len("".join(core)) < MIN_COMPANY_CHARS:
		return False
	for german in (False, True):
		haystack = " " + " ".join(tokens(text, german=german)) + " "
		needle_forms = {" ".join(core), " ".join(_core_tokens(tokens(company, german=german)))}
		if any(" " + needle + " " in haystack for needle in needle_forms if needle):
			return True
		# "ACME Tools" is also written as one word: "acmetools", "@AcmeTools".
		if len(core) > 1 and " " + "".join(core) + " " in haystack:
			return True
	return False
