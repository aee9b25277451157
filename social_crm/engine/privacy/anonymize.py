"""Anonymization: redact a person from text and say which fields of a record to clear.

Anonymizing keeps a record for aggregate statistics (platform, day and hour, language,
sentiment, matched rules, engagement counts) and removes who it was about:

- identity fields (author link, handle and name copies, party links, URLs, raw
  payload) are cleared;
- the external id is replaced by ``anon:`` + a keyed hash, so the row stays unique
  per platform, the same post polled again is recognised by its suppression key, and
  retention runs can tell anonymized rows apart;
- free text is passed through :func:`redact`;
- the post time is cut to the hour (enough for hourly charts and alerts).

The functions return ``{fieldname: new value}`` for the fields present in the record;
the Frappe layer applies them (``frappe.db.set_value`` or ``doc.update``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from ..errors import InvalidRecord
from .retention import ANONYMIZED_ID_PREFIX
from .suppression import anonymized_id, post_key, profile_key

NAME = "[name]"
HANDLE = "[handle]"
EMAIL = "[email]"
URL = "[url]"

# Name parts that are not names on their own ("Ludwig van Beethoven" keeps "van").
_PARTICLES = {
	"von",
	"van",
	"der",
	"den",
	"del",
	"della",
	"les",
	"las",
	"los",
	"und",
	"and",
	"zu",
	"zur",
	"ter",
}
_MIN_NAME_PART = 3
_EXTRA_FOLD = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
_TRANSLITERATE = {"ä": "ae", "ö": "oe", "ü": "ue"}

_URL_ANY = re.compile(r"(?:https?://|(?<![\w.@/-])www\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?"
# Like text.EMAIL_RE, but "@user@instance" is somebody's federated handle, not an email.
_EMAIL_ANY = re.compile(r"(?<![\w.+@-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Person:
	"""What identifies one person in text: names, handles, emails and URLs."""

	names: list[str] = field(default_factory=list)
	handles: list[str] = field(default_factory=list)
	emails: list[str] = field(default_factory=list)
	urls: list[str] = field(default_factory=list)

	@classmethod
	def from_profile(cls, profile: Mapping) -> Person:
		"""The person behind a Social Profile (or a Post author) mapping."""
		return cls(
			names=_present(profile.get("display_name"), profile.get("author_name")),
			handles=_present(profile.get("handle"), profile.get("author_handle")),
			emails=_present(profile.get("email")),
			urls=_present(profile.get("profile_url"), profile.get("website"), profile.get("avatar_url")),
		)

	def merged(self, other: Person) -> Person:
		"""Both people's identifiers (e.g. the profile plus names copied onto a mention)."""
		return Person(
			_unique(self.names + other.names),
			_unique(self.handles + other.handles),
			_unique(self.emails + other.emails),
			_unique(self.urls + other.urls),
		)


def redact(
	text: str | None,
	names: Iterable[str] = (),
	handles: Iterable[str] = (),
	emails: Iterable[str] = (),
	urls: Iterable[str] = (),
	name_parts: bool = True,
) -> str:
	"""Replace a person's traces in ``text`` with "[name]", "[handle]", "[email]", "[url]".

	- URLs: every http(s) or www. URL, and the given URLs also when written without a scheme;
	- handles: the given handles with or without "@" ("alice", "@alice", "u/alice"); a
	  federated "alice@mastodon.social" also as "@alice" (how it is shown on its instance);
	- emails: every email address (an "@user@instance" handle of someone else is left alone);
	- names: the given names as whole words, ignoring case and accents ("Jürgen Müller"
	  also matches "JURGEN MULLER" and "Juergen Mueller"); with ``name_parts`` each part of
	  three or more letters is redacted on its own too ("Müller said...").
	"""
	if not text:
		return ""
	names, handles, emails, urls = (_as_strings(v) for v in (names, handles, emails, urls))
	text = str(text)
	text = _redact_given_urls(text, urls)
	text = _URL_ANY.sub(_url_placeholder, text)
	# a pattern is compiled and run only where its folded form occurs in the folded text: folding
	# maps every pair of characters that re's IGNORECASE matches to the same characters, so the
	# check never skips a match (most posts do not name their own author)
	for pattern in _handle_patterns(handles, fold(text)):
		text = pattern.sub(HANDLE, text)
	folded = fold(text)
	for pattern in _email_patterns(tuple(e for e in _present(*emails) if fold(e) in folded)):
		text = pattern.sub(EMAIL, text)
	text = _EMAIL_ANY.sub(EMAIL, text)
	return _redact_names(text, names, name_parts)


def _url_placeholder(match: re.Match) -> str:
	url = match.group(0)
	stripped = url.rstrip(_URL_TRAILING)
	return URL + url[len(stripped) :]


def _redact_given_urls(text: str, urls: Iterable[str]) -> str:
	lowered = text.lower()
	for url in _present(*urls):
		bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
		# most given URLs (the post's own) are not in its text: skip compiling a pattern for them
		if len(bare) < 4 or bare.lower() not in lowered:
			continue
		text = _url_pattern(bare).sub(_url_placeholder, text)
		lowered = text.lower()
	return text


# Compiled patterns are cached per person: a retention run redacts many rows of the same
# authors, and re's own cache (512 entries) is too small for thousands of authors.
_PATTERN_CACHE = 4096


@lru_cache(maxsize=_PATTERN_CACHE)
def _url_pattern(bare: str) -> re.Pattern:
	pattern = r"(?<![\w.@/-])(?:https?://)?(?:www\.)?" + re.escape(bare) + r"[^\s<>\"'()\[\]]*"
	return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=_PATTERN_CACHE)
def _email_patterns(emails: tuple[str, ...]) -> list[re.Pattern]:
	return [re.compile(re.escape(email), re.IGNORECASE) for email in emails]


def _handle_patterns(handles: Iterable[str], folded: str | None = None) -> list[re.Pattern]:
	"""The compiled patterns of ``handles``; with ``folded`` (the folded text) only those whose
	folded form occurs in it."""
	return [
		_handle_pattern(value, at_only)
		for value, at_only, needle in _handle_forms(tuple(_present(*handles)))
		if folded is None or needle in folded
	]


@lru_cache(maxsize=_PATTERN_CACHE)
def _handle_forms(handles: tuple[str, ...]) -> tuple[tuple[str, bool, str], ...]:
	"""(form, only with "@", folded needle) of each handle form, longest first."""
	forms: set[str] = set()
	local_forms: set[str] = set()
	for handle in handles:
		value = re.sub(r"^(?:/?u/)", "", handle.strip().lstrip("@"), flags=re.IGNORECASE)
		if not value:
			continue
		forms.add(value)
		if "@" in value:
			local = value.split("@", 1)[0]
			if local:
				local_forms.add(local)
	# Only with "@": the bare local part of a federated handle is too often a plain word.
	return tuple(
		[(v, False, fold(v)) for v in sorted(forms, key=len, reverse=True)]
		+ [(v, True, fold("@" + v)) for v in sorted(local_forms, key=len, reverse=True)]
	)


@lru_cache(maxsize=_PATTERN_CACHE)
def _handle_pattern(value: str, at_only: bool) -> re.Pattern:
	prefix = "@" if at_only else r"(?:@|/?u/)?"
	return re.compile(r"(?<![\w.@/-])" + prefix + re.escape(value) + r"(?![\w@-]|\.\w)", re.IGNORECASE)


def fold(text: str) -> str:
	"""Lower-case, accent-free form of ``text`` used for comparing names (may change length)."""
	return _fold_with_map(text)[0]


def _fold_with_map(text: str) -> tuple[str, list[int] | range]:
	"""Fold ``text`` and return, for each folded character, the index of its source character."""
	if text.isascii():
		# no accents to strip and casefold() is lower() for ASCII: one C call instead of a loop
		return text.lower(), range(len(text))
	out: list[str] = []
	index: list[int] = []
	for i, ch in enumerate(text):
		lower = ch.lower()
		folded = _EXTRA_FOLD.get(lower)
		if folded is None:
			decomposed = unicodedata.normalize("NFKD", ch)
			folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
		out.append(folded)
		index.extend([i] * len(folded))
	return "".join(out), index


def _name_variants(names: Iterable[str], name_parts: bool) -> list[list[str]]:
	variants: dict[tuple[str, ...], None] = {}
	for name in _present(*names):
		spellings = {name.lower()}
		spellings.add("".join(_TRANSLITERATE.get(ch, ch) for ch in name.lower()))
		for spelling in spellings:
			tokens = re.findall(r"\w+", fold(spelling))
			if not tokens:
				continue
			variants[tuple(tokens)] = None
			if name_parts and len(tokens) > 1:
				for token in tokens:
					if len(token) >= _MIN_NAME_PART and token not in _PARTICLES and not token.isdigit():
						variants[(token,)] = None
	return sorted((list(v) for v in variants), key=lambda v: -sum(map(len, v)))


@lru_cache(maxsize=_PATTERN_CACHE)
def _name_token_variants(names: tuple[str, ...], name_parts: bool) -> tuple[tuple[str, ...], ...]:
	return tuple(tuple(v) for v in _name_variants(names, name_parts))


@lru_cache(maxsize=_PATTERN_CACHE)
def _name_pattern(tokens: tuple[str, ...]) -> re.Pattern:
	return re.compile(r"(?<!\w)" + r"[\s.'’-]+".join(re.escape(t) for t in tokens) + r"(?!\w)")


def _redact_names(text: str, names: Iterable[str], name_parts: bool) -> str:
	variants = _name_token_variants(tuple(_present(*names)), name_parts)
	if not variants:
		return text
	folded, index = _fold_with_map(text)
	spans: list[tuple[int, int]] = []
	# the patterns run on the folded text: one can match only where each of its tokens occurs
	for tokens in variants:
		if not all(t in folded for t in tokens):
			continue
		for match in _name_pattern(tokens).finditer(folded):
			start, end = index[match.start()], index[match.end() - 1] + 1
			if not _inside_placeholder(text, start, end):
				spans.append((start, end))
	if not spans:
		return text
	merged: list[list[int]] = []
	for start, end in sorted(spans):
		if merged and start <= merged[-1][1]:
			merged[-1][1] = max(merged[-1][1], end)
		else:
			merged.append([start, end])
	parts = []
	last = 0
	for start, end in merged:
		parts.append(text[last:start])
		parts.append(NAME)
		last = end
	parts.append(text[last:])
	return "".join(parts)


def _inside_placeholder(text: str, start: int, end: int) -> bool:
	return start > 0 and text[start - 1] == "[" and text[end : end + 1] == "]"


# --- records --------------------------------------------------------------------------------------

MENTION_CLEAR = (
	"author",
	"author_handle",
	"author_name",
	"party_type",
	"party",
	"customer",
	"url",
	"in_reply_to",
	"raw_payload",
)
MENTION_REDACT = ("text", "title")

PROFILE_CLEAR = (
	"handle",
	"display_name",
	"profile_url",
	"website",
	"email",
	"avatar_url",
	"bio",
	"party_type",
	"party",
	"party_name",
	"customer",
	"link_method",
	"link_confidence",
	"linked_on",
	"linked_by",
	"previous_party_type",
	"previous_party",
)

IDEA_CLEAR = ("submitted_by_profile", "website_user", "party_type", "party", "customer")
IDEA_REDACT = ("title", "description", "status_reason")


def anonymize_mention_fields(
	record: Mapping, person: Person | Mapping | None = None, secret: str = ""
) -> dict:
	"""Field updates that anonymize a Mention (see the module doc).

	``person`` is the author (a :class:`Person` or the Social Profile as a mapping); the
	author name and handle copied onto the mention are redacted as well.
	"""
	who = _as_person(person).merged(
		Person(
			names=_present(record.get("author_name")),
			handles=_present(record.get("author_handle")),
			urls=_present(record.get("url")),
		)
	)
	updates: dict[str, Any] = {name: None for name in MENTION_CLEAR if name in record}
	for name in MENTION_REDACT:
		if name in record:
			updates[name] = redact(record.get(name), who.names, who.handles, who.emails, who.urls)
	if "external_id" in record:
		updates["external_id"] = _anonymous_id(record, secret, post_key)
	if isinstance(record.get("posted_at"), datetime):
		updates["posted_at"] = record["posted_at"].replace(minute=0, second=0, microsecond=0)
	return updates


def anonymize_profile_fields(record: Mapping, secret: str = "") -> dict:
	"""Field updates that anonymize a Social Profile: identity cleared, never auto-linked again."""
	updates: dict[str, Any] = {name: None for name in PROFILE_CLEAR if name in record}
	if "link_confidence" in updates:
		updates["link_confidence"] = 0
	if "external_id" in record:
		updates["external_id"] = _anonymous_id(record, secret, profile_key)
	if "do_not_auto_link" in record:
		updates["do_not_auto_link"] = 1
	for name in ("first_seen", "last_seen"):
		if isinstance(record.get(name), datetime):
			updates[name] = record[name].replace(hour=0, minute=0, second=0, microsecond=0)
	return updates


def anonymize_idea_fields(record: Mapping, person: Person | Mapping | None = None) -> dict:
	"""Field updates that anonymize an Idea: submitter links cleared, its texts redacted."""
	who = _as_person(person)
	updates: dict[str, Any] = {name: None for name in IDEA_CLEAR if name in record}
	for name in IDEA_REDACT:
		if name in record:
			updates[name] = redact(record.get(name), who.names, who.handles, who.emails, who.urls)
	return updates


def is_anonymized(record: Mapping) -> bool:
	"""True for a Mention or Social Profile that was already anonymized."""
	return str(record.get("external_id") or "").startswith(ANONYMIZED_ID_PREFIX)


# What Frappe's Personal Data Deletion Request writes over the fields it redacts
# (``[REDACTED]`` for Data fields, its longer text for Code, ``REDACTED`` for names).
REDACTED_MARKERS = ("[REDACTED]", "REDACTED")
# A Social Profile's identity fields: the ones such a request redacts.
PROFILE_IDENTITY = ("handle", "display_name", "profile_url", "website", "bio")


def is_redacted(record: Mapping) -> bool:
	"""True when a Personal Data Deletion Request redacted this profile's identity fields."""
	for name in PROFILE_IDENTITY:
		value = str(record.get(name) or "").strip()
		if value and value.upper().startswith(REDACTED_MARKERS):
			return True
	return False


def is_erased_profile(record: Mapping) -> bool:
	"""True for a Social Profile that must never be refreshed or written to by ingest again.

	Anonymized by retention, erasure or a withdrawal (``anon:`` id or the Anonymized flag),
	or redacted by Frappe's Personal Data Deletion Request (which keeps the platform id, so
	the next poll of the same author finds the row: its redacted values must stay).
	"""
	return bool(is_anonymized(record) or record.get("anonymized") or is_redacted(record))


def _anonymous_id(record: Mapping, secret: str, keyer) -> str:
	external_id = str(record.get("external_id") or "")
	if external_id.startswith(ANONYMIZED_ID_PREFIX):
		return external_id
	try:
		digest = keyer(record.get("platform") or "", external_id, secret)
	except InvalidRecord:
		seed = f"{record.get('name') or ''}\x1f{external_id}\x1f{secret}"
		digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()
	return anonymized_id(digest)


def _as_person(person: Person | Mapping | None) -> Person:
	if person is None:
		return Person()
	if isinstance(person, Person):
		return person
	if isinstance(person, Mapping):
		return Person.from_profile(person)
	raise InvalidRecord("person must be a Person or a profile mapping", "person")


def _as_strings(values: Iterable[str] | str | None) -> list[str]:
	# A lone string is one value, not a sequence of one-letter names.
	if values is None:
		return []
	if isinstance(values, str):
		return [values]
	return list(values)


def _present(*values: Any) -> list[str]:
	return _unique(str(v).strip() for v in values if v and str(v).strip())


def _unique(values: Iterable[str]) -> list[str]:
	return list(dict.fromkeys(values))


# --- erasure: traces of one person in other people's data ----------------------------------------

MIN_SEARCH_TERM = 3  # shorter handles or emails would match far too many rows in a LIKE search


def redact_references(text: str | None, handles: Iterable[str] = (), emails: Iterable[str] = ()) -> str:
	"""Replace only the given handles ("[handle]") and emails ("[email]") in ``text``.

	Used on data that belongs to somebody else (another author's post naming the erased
	person, a rejected record, an imported file): unlike :func:`redact` it leaves every
	other URL, email and name alone, and returns ``text`` unchanged when nothing matches.
	"""
	if not text:
		return text or ""
	text = str(text)
	for pattern in _handle_patterns(_as_strings(handles)):
		text = pattern.sub(HANDLE, text)
	for pattern in _email_patterns(tuple(_present(*_as_strings(emails)))):
		text = pattern.sub(EMAIL, text)
	return text


def redact_references_in(value: Any, handles: Iterable[str] = (), emails: Iterable[str] = ()) -> Any:
	""":func:`redact_references` on every string inside a JSON-like value (dicts, lists)."""
	handles, emails = _as_strings(handles), _as_strings(emails)
	if isinstance(value, str):
		return redact_references(value, handles, emails)
	if isinstance(value, Mapping):
		return {k: redact_references_in(v, handles, emails) for k, v in value.items()}
	if isinstance(value, list | tuple):
		return [redact_references_in(v, handles, emails) for v in value]
	return value


def search_terms(person: Person, extra: Iterable[str] = ()) -> list[str]:
	"""Strings to look for (SQL LIKE) when searching stores for traces of ``person``.

	Handles without their "@" / "u/" prefix, emails and ``extra`` values (document names,
	external ids), each at least :data:`MIN_SEARCH_TERM` characters; names are not searched
	(a common name would find other people), only redacted where the person's rows are known.
	"""
	terms = []
	for handle in person.handles:
		terms.append(re.sub(r"^(?:/?u/)", "", handle.strip().lstrip("@"), flags=re.IGNORECASE))
	terms += [e.strip() for e in person.emails]
	terms += [str(v).strip() for v in extra if v]
	return [t for t in _unique(t.lower() for t in terms) if len(t) >= MIN_SEARCH_TERM]


def record_is_by(
	record: Any,
	handles: Iterable[str] = (),
	author_ids: Iterable[str] = (),
	post_ids: Iterable[str] = (),
) -> bool:
	"""True when an imported or rejected raw record (a normalized post mapping) is the person's own:
	its author handle or author id, or its post id, is one of the person's.

	Handles compare lower-case without "@" / "u/"; a federated handle also matches its local
	part only when the record names no other host. Anything that is not a mapping is not a record.
	"""
	if not isinstance(record, Mapping):
		return False

	def bare(value: Any) -> str:
		return re.sub(r"^(?:/?u/)", "", str(value or "").strip().lstrip("@"), flags=re.IGNORECASE).lower()

	author = record.get("author")
	if isinstance(author, str):
		author = {"handle": author}
	if not isinstance(author, Mapping):
		author = {}
	record_handles = {bare(author.get("handle")), bare(record.get("author_handle"))} - {""}
	record_ids = {
		str(v).strip()
		for v in (author.get("external_id"), author.get("id"), record.get("author_id"))
		if v not in (None, "")
	}
	wanted = {bare(h) for h in handles} - {""}
	if record_handles & wanted:
		return True
	if any("@" in w and "@" not in h and w.split("@", 1)[0] == h for w in wanted for h in record_handles):
		return True
	if record_ids & {str(a).strip() for a in author_ids if a}:
		return True
	post_id = str(record.get("external_id") or record.get("id") or "").strip()
	return bool(post_id) and post_id in {str(p).strip() for p in post_ids if p}


def scrub_import_text(
	content: str,
	is_csv: bool,
	handles: Iterable[str] = (),
	emails: Iterable[str] = (),
	author_ids: Iterable[str] = (),
) -> tuple[str, int, int]:
	"""An imported JSONL / JSON / CSV file without the person: their own records removed
	(:func:`record_is_by`), their handle and email redacted in everybody else's
	(:func:`redact_references_in`). Returns ``(new text, records removed, records redacted)``.
	"""
	handles, emails, author_ids = _as_strings(handles), _as_strings(emails), _as_strings(author_ids)
	removed = redacted = 0

	def scrub(record):
		nonlocal removed, redacted
		if record_is_by(record, handles, author_ids):
			removed += 1
			return None
		new = redact_references_in(record, handles, emails)
		if new != record:
			redacted += 1
		return new

	if is_csv:
		reader = csv.DictReader(io.StringIO(content))
		rows = [scrub(row) for row in reader]
		out = io.StringIO()
		writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\n")
		writer.writeheader()
		writer.writerows(row for row in rows if row is not None)
		return out.getvalue(), removed, redacted
	stripped = content.lstrip()
	if stripped.startswith("["):
		try:
			records = json.loads(stripped)
		except ValueError:
			records = None
		if isinstance(records, list):
			kept = [r for r in (scrub(r) for r in records) if r is not None]
			return json.dumps(kept, ensure_ascii=False, indent=1), removed, redacted
	lines = []
	for line in content.splitlines():
		try:
			record = json.loads(line) if line.strip() else None
		except ValueError:
			record = None
		if record is None:
			new_line = redact_references(line, handles, emails)
			redacted += new_line != line
			lines.append(new_line)
			continue
		new = scrub(record)
		if new is not None:
			lines.append(line if new == record else json.dumps(new, ensure_ascii=False))
	return "\n".join(lines) + ("\n" if content.endswith("\n") else ""), removed, redacted
