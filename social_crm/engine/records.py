"""The normalized post record: the one shape every connector, webhook and import yields.

Connectors turn a platform's own payload into :class:`Post`; the Frappe layer stores
a Post as a Mention and its :class:`Author` as a Social Profile. ``Post.from_dict``
validates untrusted input (webhook / JSONL / CSV) and raises
:class:`~social_crm.engine.errors.InvalidRecord` with the offending field and a code.

Hostile input is rejected, never stored half-cleaned and never allowed to crash a batch:
absurd numbers (``1e999``, NaN, counts beyond a 32-bit column), dates outside 1990-2200 or
with impossible offsets, JSON nested deeper than :data:`MAX_JSON_DEPTH`, strings holding
bytes of an unknown encoding (lone surrogates), values of the wrong type. A Post that is
built has str fields without control characters, counts in ``0..MAX_COUNT`` and an aware
UTC date in range (``tests/test_records_fuzz.py`` checks these invariants).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from .errors import (
	REJECT_DATE,
	REJECT_ENCODING,
	REJECT_INVALID,
	REJECT_NUMBER,
	REJECT_TOO_DEEP,
	REJECT_TOO_LARGE,
	InvalidRecord,
)
from .handles import normalize_handle, normalize_platform
from .text import clean_display, html_to_text, truncate

MAX_TEXT_CHARS = 10_000  # stored text longer than this is cut (and flagged)
MAX_RAW_TEXT_CHARS = 200_000  # raw text/HTML longer than this is rejected outright
MAX_ID_CHARS = 140
MAX_URL_CHARS = 1_000
MAX_NAME_CHARS = 140
MAX_BIO_CHARS = 2_000
MAX_RECORD_BYTES = 1_000_000  # one serialized record
MAX_JSON_DEPTH = 64  # platform payloads nest a dozen levels; deeper is hostile
MAX_COUNT = 2**31 - 1  # likes, replies, followers: the Int columns are 32-bit; more is absurd
MAX_DATE_CHARS = 100
MIN_YEAR, MAX_YEAR = 1990, 2200

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Author:
	external_id: str
	handle: str = ""
	display_name: str = ""
	profile_url: str = ""
	avatar_url: str = ""
	bio: str = ""
	followers: int = 0
	verified: bool = False
	website: str = ""
	email: str = ""


@dataclass
class Post:
	platform: str
	external_id: str
	author: Author
	text: str
	posted_at: datetime  # timezone-aware, UTC
	url: str = ""
	title: str = ""
	language_hint: str = ""
	in_reply_to: str = ""
	likes: int = 0
	reposts: int = 0
	replies: int = 0
	source: str = ""
	truncated: bool = False
	raw: dict | None = field(default=None, repr=False)

	@property
	def posted_at_naive_utc(self) -> datetime:
		"""UTC datetime without tzinfo, as Frappe stores Datetime fields."""
		return self.posted_at.astimezone(timezone.utc).replace(tzinfo=None)

	def to_dict(self, include_raw: bool = False) -> dict[str, Any]:
		data = asdict(self)
		data["posted_at"] = self.posted_at.astimezone(timezone.utc).isoformat()
		if not include_raw:
			data.pop("raw", None)
		return data

	@classmethod
	def from_dict(cls, data: Any, default_platform: str | None = None) -> Post:
		"""Build a validated Post from an untrusted mapping (webhook, import)."""
		check_record_size(data)
		platform = normalize_platform(data.get("platform") or default_platform)
		if not platform:
			raise InvalidRecord(
				f"unknown or missing platform: {str(data.get('platform') or '')[:40]!r}", "platform"
			)
		external_id = clean_id(
			scoped_post_id(
				platform,
				clean_id(data.get("external_id") or data.get("id"), "external_id"),
				data.get("instance") or data.get("feed"),
			),
			"external_id",
		)

		author = build_author(platform, author_mapping(data), instance=data.get("instance"))

		raw_text = data.get("text")
		if raw_text is None:
			raw_text = data.get("html") or data.get("content") or ""
		if not isinstance(raw_text, str):
			raise InvalidRecord("text must be a string", "text")
		text, truncated = clean_text(raw_text)
		title = clean_display(clean_str(data.get("title"), "title", html=True), MAX_NAME_CHARS * 2)
		if not text and not title:
			raise InvalidRecord("text is empty", "text")

		return cls(
			platform=platform,
			external_id=external_id,
			author=author,
			text=text,
			title=title,
			posted_at=parse_datetime(data.get("posted_at") or data.get("created_at"), "posted_at"),
			url=clean_url(data.get("url"), "url"),
			language_hint=clean_language(data.get("language") or data.get("language_hint")),
			in_reply_to=clean_id(data.get("in_reply_to"), "in_reply_to", required=False),
			likes=clean_count(data.get("likes"), "likes"),
			reposts=clean_count(data.get("reposts"), "reposts"),
			replies=clean_count(data.get("replies"), "replies"),
			source=clean_str(data.get("source"), "source")[:MAX_NAME_CHARS],
			truncated=truncated,
			raw=data.get("raw") if isinstance(data.get("raw"), dict) else None,
		)


# Platforms whose bare post ids ("42") are unique only on one server or in one feed: a
# Discourse forum, a Mastodon instance (its local status ids), an RSS/Atom feed's guids.
SCOPED_POST_PLATFORMS = frozenset({"Discourse", "Mastodon", "RSS"})
# ... and those where a bare id cannot be stored without its scope (every forum counts from 1).
SCOPE_REQUIRED_PLATFORMS = frozenset({"Discourse"})


def scoped_post_id(platform: str, external_id: str, scope: Any = None) -> str:
	"""The id that identifies a post on its platform: a bare local id gets its server/feed host.

	``42`` from forum ``forum.example`` is ``forum.example:42`` (the form the Discourse and RSS
	connectors store); an id that is already global (a URI/URN, ``at://...``, or already
	``host:42``) is kept. A bare Discourse id without its forum is rejected: it would collide
	with every other forum's post of that number.
	"""
	if platform not in SCOPED_POST_PLATFORMS or ":" in external_id:
		return external_id
	host = scope_host(scope)
	if not host:
		if platform in SCOPE_REQUIRED_PLATFORMS:
			raise InvalidRecord(
				f"a {platform} post id is unique per server only: give its instance (host)", "instance"
			)
		return external_id
	return f"{host}:{external_id}"


def scope_host(scope: Any) -> str:
	"""The lower-case host of an instance or feed given as a host or a URL, or ""."""
	value = ("" if scope is None else str(scope)).strip().lower()
	if "://" in value:
		value = value.split("://", 1)[1]
	value = value.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
	return value if value and all(ch.isalnum() or ch in ".-:" for ch in value) else ""


def edit_allowed(stored_source: str | None, source: str | None) -> bool:
	"""May a post seen by ``source`` change the stored copy that ``stored_source`` wrote?

	Only the source that stored a mention may edit it (no source = the unsourced webhook and
	imports). Another source delivering the same post id is a duplicate: it cannot overwrite
	text, title, engagement or matches of a mention it did not store.
	"""
	return (stored_source or "") == (source or "")


def check_record_size(data: Any) -> None:
	"""Reject a record that is not a JSON object, nests too deep, cannot be serialized as UTF-8
	or is larger than ``MAX_RECORD_BYTES``."""
	if not isinstance(data, dict):
		raise InvalidRecord("record must be a JSON object")
	check_depth(data)
	try:
		size = len(json.dumps(data, default=str, ensure_ascii=False).encode("utf-8"))
	except UnicodeEncodeError:
		raise InvalidRecord(
			"record is not valid UTF-8 text (bytes in another encoding?)", code=REJECT_ENCODING
		)
	except (TypeError, ValueError, RecursionError):
		raise InvalidRecord("record is not serializable")
	if size > MAX_RECORD_BYTES:
		raise InvalidRecord(f"record is larger than {MAX_RECORD_BYTES} bytes", code=REJECT_TOO_LARGE)


def author_mapping(data: dict) -> dict:
	"""The record's author as a mapping: an ``author`` object, a bare handle, or flat
	``author_id`` / ``author_handle`` / ``author_name`` / ``author_url`` fields."""
	author_data = data.get("author")
	if isinstance(author_data, str):
		author_data = {"handle": author_data}
	if not isinstance(author_data, dict):
		author_data = {
			"external_id": data.get("author_id"),
			"handle": data.get("author_handle"),
			"display_name": data.get("author_name"),
			"profile_url": data.get("author_url"),
		}
	return author_data


def build_author(platform: str, data: dict, instance: str | None = None) -> Author:
	"""Validate and normalize an author mapping; external id falls back to the handle."""
	try:
		handle = normalize_handle(
			platform,
			clean_str(data.get("handle"), "author.handle"),
			instance=clean_str(instance, "instance") or None,
		)
	except ValueError:  # urlparse of a malformed profile URL given as handle ("http://[x")
		raise InvalidRecord("author.handle is not a valid handle or profile URL", "author.handle")
	external_id = clean_id(data.get("external_id") or data.get("id") or handle, "author.external_id")
	return Author(
		external_id=external_id,
		handle=handle[:MAX_NAME_CHARS],
		display_name=clean_display(
			clean_str(data.get("display_name") or data.get("name"), "author.display_name", html=True),
			MAX_NAME_CHARS,
		),
		profile_url=clean_url(data.get("profile_url") or data.get("url"), "author.profile_url"),
		avatar_url=clean_url(data.get("avatar_url"), "author.avatar_url"),
		bio=truncate(clean_str(data.get("bio"), "author.bio", html=True), MAX_BIO_CHARS)[0],
		followers=clean_count(data.get("followers"), "author.followers"),
		verified=bool(data.get("verified")),
		website=clean_url(data.get("website"), "author.website"),
		email=clean_str(data.get("email"), "author.email").strip().lower()[:MAX_NAME_CHARS],
	)


def clean_text(raw: str) -> tuple[str, bool]:
	if len(raw) > MAX_RAW_TEXT_CHARS:
		raise InvalidRecord(
			f"text is longer than {MAX_RAW_TEXT_CHARS} characters", "text", code=REJECT_TOO_LARGE
		)
	return truncate(clean_str(raw, "text", html=True), MAX_TEXT_CHARS)


def clean_str(value: Any, fieldname: str, html: bool = False) -> str:
	"""An untrusted scalar as text: no control characters; HTML to text when ``html``.

	Strings holding lone surrogates (bytes of an unknown encoding decoded with
	``surrogateescape``, or ``\\udc80`` escapes in JSON) are rejected: they cannot be stored
	and would be garbage. Lists, objects and non-finite numbers are rejected too.
	"""
	if value is None:
		return ""
	if isinstance(value, float) and not math.isfinite(value):
		raise InvalidRecord(f"{fieldname} must be text", fieldname)
	if isinstance(value, bool | int | float):
		value = str(value)
	elif not isinstance(value, str):
		raise InvalidRecord(f"{fieldname} must be text, not {type(value).__name__}", fieldname)
	if _SURROGATE.search(value):
		raise InvalidRecord(
			f"{fieldname} is not valid UTF-8 text (bytes in another encoding?)",
			fieldname,
			code=REJECT_ENCODING,
		)
	if len(value) > MAX_RAW_TEXT_CHARS:
		raise InvalidRecord(
			f"{fieldname} is longer than {MAX_RAW_TEXT_CHARS} characters", fieldname, code=REJECT_TOO_LARGE
		)
	if html:
		return html_to_text(value)
	return _CONTROL.sub("", value)


def check_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> None:
	"""Reject JSON-like data nested deeper than ``limit`` (iterative: deep input cannot overflow)."""
	stack = [(value, 1)]
	while stack:
		item, depth = stack.pop()
		if isinstance(item, dict):
			children = item.values()
		elif isinstance(item, list | tuple):
			children = item
		else:
			continue
		if depth > limit:
			raise InvalidRecord(f"record is nested deeper than {limit} levels", code=REJECT_TOO_DEEP)
		stack.extend((child, depth + 1) for child in children)


def load_json(text: str | bytes, limit: int | None = MAX_JSON_DEPTH) -> Any:
	"""``json.loads`` for untrusted input: typed rejections for broken, too-deep or non-UTF-8 JSON.

	``limit=None`` only refuses what the parser itself cannot nest (~1000 levels), leaving the
	depth check to :meth:`Post.from_dict` (which then reports the record's id).
	"""
	if isinstance(text, bytes):
		try:
			text = text.decode("utf-8-sig")
		except UnicodeDecodeError:
			raise InvalidRecord("JSON is not UTF-8 (bytes in another encoding?)", code=REJECT_ENCODING)
	try:
		data = json.loads(text)
	except RecursionError:
		raise InvalidRecord(
			f"JSON is nested deeper than {limit or MAX_JSON_DEPTH} levels", code=REJECT_TOO_DEEP
		)
	except ValueError as exc:
		raise InvalidRecord(f"not valid JSON: {getattr(exc, 'msg', exc)}")
	if limit is not None:
		check_depth(data, limit)
	return data


def clean_id(value: Any, fieldname: str, required: bool = True) -> str:
	if value is None or (isinstance(value, str) and not value.strip()):
		if required:
			raise InvalidRecord(f"{fieldname} is missing", fieldname)
		return ""
	if isinstance(value, bool) or not isinstance(value, str | int):
		raise InvalidRecord(f"{fieldname} must be a string or integer", fieldname)
	if isinstance(value, int) and abs(value) >= 10**MAX_ID_CHARS:
		raise InvalidRecord(f"{fieldname} is longer than {MAX_ID_CHARS} characters", fieldname)
	value = str(value).strip()
	if _SURROGATE.search(value):
		raise InvalidRecord(f"{fieldname} is not valid UTF-8 text", fieldname, code=REJECT_ENCODING)
	if len(value) > MAX_ID_CHARS:
		raise InvalidRecord(f"{fieldname} is longer than {MAX_ID_CHARS} characters", fieldname)
	if any(ch < " " for ch in value):
		raise InvalidRecord(f"{fieldname} contains control characters", fieldname)
	return value


def clean_url(value: Any, fieldname: str) -> str:
	if not value:
		return ""
	value = clean_str(value, fieldname).strip()
	if len(value) > MAX_URL_CHARS:
		raise InvalidRecord(f"{fieldname} is longer than {MAX_URL_CHARS} characters", fieldname)
	if not value.lower().startswith(("http://", "https://")):
		raise InvalidRecord(f"{fieldname} must be an http(s) URL", fieldname)
	if any(ch in value for ch in " <>\"'\n\r\t"):
		raise InvalidRecord(f"{fieldname} contains characters not allowed in a URL", fieldname)
	return value


def clean_count(value: Any, fieldname: str) -> int:
	"""A count (likes, replies, followers) as an int in ``0..MAX_COUNT``; anything else is rejected."""
	if value is None or value == "":
		return 0
	if isinstance(value, float) and not math.isfinite(value):
		raise InvalidRecord(f"{fieldname} must be a finite number", fieldname, code=REJECT_NUMBER)
	if isinstance(value, str) and len(value) > 30:
		raise InvalidRecord(f"{fieldname} is an absurdly large number", fieldname, code=REJECT_NUMBER)
	if not isinstance(value, str | int | float):
		raise InvalidRecord(f"{fieldname} must be a whole number", fieldname, code=REJECT_NUMBER)
	try:
		number = int(value)
	except (TypeError, ValueError, OverflowError):
		raise InvalidRecord(f"{fieldname} must be a whole number", fieldname, code=REJECT_NUMBER)
	if number < 0:
		raise InvalidRecord(f"{fieldname} must not be negative", fieldname, code=REJECT_NUMBER)
	if number > MAX_COUNT:
		raise InvalidRecord(
			f"{fieldname} is an absurdly large number (over {MAX_COUNT})", fieldname, code=REJECT_NUMBER
		)
	return number


def clean_language(value: Any) -> str:
	if not value or not isinstance(value, str):
		return ""
	value = value.strip().lower().replace("_", "-").split("-")[0]
	return value if value.isalpha() and 2 <= len(value) <= 3 else ""


def parse_datetime(value: Any, fieldname: str = "posted_at") -> datetime:
	"""Parse an ISO 8601 string, a unix timestamp or a datetime into an aware UTC datetime.

	Naive values are taken as UTC.
	"""
	if value is None or value == "":
		raise InvalidRecord(f"{fieldname} is missing", fieldname, code=REJECT_DATE)
	if isinstance(value, datetime):
		dt = value
	elif isinstance(value, int | float) and not isinstance(value, bool):
		try:
			dt = datetime.fromtimestamp(float(value), tz=timezone.utc)
		except (OverflowError, OSError, ValueError):
			raise InvalidRecord(f"{fieldname} is not a valid timestamp", fieldname, code=REJECT_DATE)
	elif isinstance(value, str):
		if len(value) > MAX_DATE_CHARS or _SURROGATE.search(value):
			raise InvalidRecord(f"{fieldname} is not a date-time", fieldname, code=REJECT_DATE)
		text = value.strip()
		if text.endswith(("Z", "z")):
			text = text[:-1] + "+00:00"
		try:
			dt = datetime.fromisoformat(text)
		except ValueError:
			dt = _parse_rfc2822(value)
			if dt is None:
				raise InvalidRecord(
					f"{fieldname} is not an ISO 8601 date-time: {value[:40]!r}", fieldname, code=REJECT_DATE
				)
	else:
		raise InvalidRecord(
			f"{fieldname} must be a date-time string or timestamp", fieldname, code=REJECT_DATE
		)
	try:
		if dt.tzinfo is None or dt.utcoffset() is None:
			dt = dt.replace(tzinfo=timezone.utc)
		# year 1 with +05:00 or year 9999 with -05:00 overflows here
		dt = dt.astimezone(timezone.utc)
	except (OverflowError, ValueError, TypeError):
		raise InvalidRecord(f"{fieldname} is out of range", fieldname, code=REJECT_DATE)
	if dt.year < MIN_YEAR or dt.year > MAX_YEAR:
		raise InvalidRecord(f"{fieldname} is out of range", fieldname, code=REJECT_DATE)
	return dt


def _parse_rfc2822(value: str) -> datetime | None:
	try:
		return parsedate_to_datetime(value)
	except (TypeError, ValueError, IndexError, OverflowError):
		return None
