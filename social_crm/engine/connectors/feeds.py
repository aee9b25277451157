"""RSS 2.0 and Atom feeds, fetched with conditional GET (ETag / If-Modified-Since).

A feed is one document, not a paged API. The cursor keeps the validators of the last
fully processed response and the ids of the entries already yielded; 304 Not Modified
yields no page at all. XML is parsed by :mod:`.safe_xml`, which refuses DOCTYPE and
entity declarations.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from ..errors import REJECT_ENCODING, REJECT_MALFORMED, InvalidRecord
from ..records import MAX_ID_CHARS, Post, parse_datetime, scoped_post_id
from .base import Connector, ConnectorError, Page
from .safe_xml import decode_xml, parse_xml

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_SEEN_IDS = 300  # feeds rarely list more; keeps the cursor well inside a Small Text field
REPLACEMENT = "\ufffd"


class FeedConnector(Connector):
	platform = "RSS"

	@property
	def feed_url(self) -> str:
		url = (self.config.base_url or "").strip()
		if not url.lower().startswith(("http://", "https://")):
			raise ConnectorError("RSS source needs the feed URL (http or https)")
		return url

	@property
	def host(self) -> str:
		return (urlsplit(self.feed_url).hostname or "").lower()

	def test_connection(self) -> str:
		response = self.http.get(self.feed_url)
		meta, entries = self.parse(response.content)
		return f"Feed {meta.get('title') or self.host!r} ({meta['format']}) with {len(entries)} entries"

	def fetch(self, cursor: str | None = None) -> Iterator[Page]:
		state = _load_state(cursor)
		headers = {}
		if state.get("etag"):
			headers["If-None-Match"] = state["etag"]
		if state.get("last_modified"):
			headers["If-Modified-Since"] = state["last_modified"]
		response = self.http.get(self.feed_url, headers=headers)
		if response.status_code == 304:
			return  # not modified: nothing new, the stored cursor stays as it is
		_meta, entries = self.parse(response.content)

		seen = list(state.get("seen") or [])
		seen_set = set(seen)
		new = [e for e in entries if e["id"] not in seen_set]
		limit = max(1, self.config.page_size) * max(1, self.config.max_pages)
		first_poll = cursor is None or not state
		batch = new[:limit]
		left_over = len(new) > len(batch) and not first_poll
		current_ids = [e["id"] for e in entries]
		size = max(1, self.config.page_size)
		chunks = [batch[i : i + size] for i in range(0, len(batch), size)] or [[]]
		for number, chunk in enumerate(chunks, 1):
			seen.extend(e["id"] for e in chunk)
			if number < len(chunks):
				# Not done with this response yet: keep the old validators so a failure re-reads it.
				next_state = dict(state, seen=seen[-MAX_SEEN_IDS:])
			elif left_over:
				# Entries remain for the next poll; without validators it will not get a 304.
				next_state = {"seen": seen[-MAX_SEEN_IDS:]}
			else:
				# On the first poll older entries beyond the limit count as seen, like other sources.
				next_state = {
					"etag": response.headers.get("ETag") or "",
					"last_modified": response.headers.get("Last-Modified") or "",
					"seen": list(dict.fromkeys(current_ids + seen))[:MAX_SEEN_IDS],
				}
			posts, rejected = self.convert(chunk)
			yield Page(posts, rejected, json.dumps(next_state, separators=(",", ":")))

	def parse(self, content: bytes) -> tuple[dict, list[dict]]:
		"""Parse a feed document into (feed metadata, entries as dicts), newest first as published.

		A document in another encoding is transcoded (Shift_JIS, Big5 ... when declared); when
		bytes had to be replaced, ``meta["repaired"]`` is set and :meth:`to_post` rejects the
		entries that hold replaced bytes. An entry that cannot be read (e.g. XHTML nested too
		deeply) becomes ``{"id": ..., "broken": reason}`` and is rejected alone.
		"""
		content, repaired = decode_xml(content) if isinstance(content, bytes) else (content, False)
		root = parse_xml(content)
		if root.tag == "rss":
			channel = root.find("channel")
			if channel is None:
				raise ConnectorError("RSS document has no channel")
			meta = {
				"format": "rss",
				"title": _text(channel.find("title")),
				"link": _text(channel.find("link")),
				"language": _text(channel.find("language")),
				"updated": _text(channel.find("lastBuildDate")) or _text(channel.find("pubDate")),
			}
			meta["repaired"] = repaired
			entries = [self._entry(self._rss_entry, item, meta) for item in channel.findall("item")]
		elif root.tag == f"{ATOM}feed":
			meta = {
				"format": "atom",
				"title": _text(root.find(f"{ATOM}title")),
				"link": _atom_link(root),
				"language": root.get(XML_LANG, ""),
				"updated": _text(root.find(f"{ATOM}updated")),
			}
			meta["repaired"] = repaired
			entries = [self._entry(self._atom_entry, entry, meta) for entry in root.findall(f"{ATOM}entry")]
		else:
			raise ConnectorError("document is neither an RSS 2.0 nor an Atom feed")
		return meta, entries

	def _entry(self, build, element: ET.Element, meta: dict) -> dict:
		try:
			return build(element, meta)
		except (RecursionError, ValueError, TypeError) as exc:
			guid = element.find("guid") if element.find("guid") is not None else element.find(f"{ATOM}id")
			try:
				entry_id = self._entry_id(_text(guid))
			except (RecursionError, ValueError):
				entry_id = ""
			return {"id": entry_id, "broken": f"{type(exc).__name__}: {exc}"[:300], "feed": meta}

	def _rss_entry(self, item: ET.Element, meta: dict) -> dict:
		name, email = _rss_author(_text(item.find("author")))
		link = _text(item.find("link"))
		return {
			"format": "rss",
			"id": self._entry_id(_text(item.find("guid")) or link or _text(item.find("title"))),
			"link": link,
			"title": _text(item.find("title")),
			"content": _text(item.find(f"{CONTENT}encoded")) or _text(item.find("description")),
			"published": _text(item.find("pubDate")) or _text(item.find(f"{DC}date")),
			"author_name": _text(item.find(f"{DC}creator")) or name,
			"author_email": email,
			"author_uri": "",
			"categories": [_text(c) for c in item.findall("category") if _text(c)],
			"feed": meta,
		}

	def _atom_entry(self, entry: ET.Element, meta: dict) -> dict:
		author = entry.find(f"{ATOM}author")
		content = entry.find(f"{ATOM}content")
		if content is None:
			content = entry.find(f"{ATOM}summary")
		link = _atom_link(entry)
		return {
			"format": "atom",
			"id": self._entry_id(_text(entry.find(f"{ATOM}id")) or link),
			"link": link,
			"title": _text(entry.find(f"{ATOM}title")),
			"content": _atom_content(content),
			"published": _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated")),
			"author_name": _text(author.find(f"{ATOM}name")) if author is not None else "",
			"author_email": _text(author.find(f"{ATOM}email")) if author is not None else "",
			"author_uri": _text(author.find(f"{ATOM}uri")) if author is not None else "",
			"language": entry.get(XML_LANG, ""),
			"categories": [c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term")],
			"feed": meta,
		}

	def _entry_id(self, raw_id: str) -> str:
		raw_id = raw_id.strip()
		if not raw_id:
			return ""
		# guids like "42" are only unique within one feed; URLs / URNs are global.
		value = scoped_post_id(self.platform, raw_id, self.host)
		if len(value) > MAX_ID_CHARS:
			value = "sha256:" + hashlib.sha256(value.encode()).hexdigest()
		return value

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("feed entry must be a mapping")
		if item.get("broken"):
			raise InvalidRecord(f"feed entry could not be read: {item['broken']}", code=REJECT_MALFORMED)
		if not item.get("id"):
			raise InvalidRecord("feed entry has no guid/id or link", "external_id")
		feed = item.get("feed") or {}
		if feed.get("repaired") and any(
			REPLACEMENT in str(item.get(key) or "")
			for key in ("id", "title", "content", "author_name", "author_email", "author_uri", "link")
		):
			raise InvalidRecord(
				"feed entry holds bytes that are not valid in the feed's encoding", code=REJECT_ENCODING
			)
		published = item.get("published") or feed.get("updated")
		# An undated entry is dated when we first saw it rather than dropped.
		posted_at = parse_datetime(published) if published else datetime.now(timezone.utc)
		name = item.get("author_name") or ""
		email = item.get("author_email") or ""
		author_key = (email or name).strip().lower()
		link = item.get("link") or ""
		return self.build_post(
			{k: v for k, v in item.items() if k != "feed"},
			external_id=item["id"],
			url=link if link.lower().startswith(("http://", "https://")) else "",
			author={
				"external_id": f"{self.host}:{author_key}" if author_key else self.host,
				"display_name": name or feed.get("title") or self.host,
				"profile_url": item.get("author_uri") or feed.get("link") or "",
				"email": email,
			},
			title=item.get("title") or "",
			text=item.get("content") or "",
			posted_at=posted_at,
			language=item.get("language") or feed.get("language"),
		)


def _load_state(cursor: str | None) -> dict:
	if not cursor:
		return {}
	try:
		state = json.loads(cursor)
	except (TypeError, ValueError):
		return {}
	return state if isinstance(state, dict) else {}


def _text(element: ET.Element | None) -> str:
	if element is None:
		return ""
	return "".join(element.itertext()).strip()


def _atom_link(element: ET.Element) -> str:
	for link in element.findall(f"{ATOM}link"):
		if link.get("rel", "alternate") == "alternate" and link.get("href"):
			return link.get("href", "").strip()
	return ""


def _atom_content(content: ET.Element | None) -> str:
	if content is None:
		return ""
	if content.get("type") == "xhtml":
		# Inline XHTML: serialize the markup; html_to_text turns it into plain text later.
		return "".join(ET.tostring(child, encoding="unicode") for child in content)
	return content.text or ""


def _rss_author(value: str) -> tuple[str, str]:
	"""RSS <author> is "email (Name)"; return (name, email)."""
	if not value:
		return "", ""
	name, email = parseaddr(value)
	if "@" not in email:
		return value, ""
	if not name and "(" in value and value.endswith(")"):
		name = value[value.index("(") + 1 : -1]
	return name.strip(), email.strip().lower()
