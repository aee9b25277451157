"""Replying to a post from the CRM, where the platform's API allows it (Mastodon, Bluesky, X,
Facebook and Instagram comments, LinkedIn page comments).

``send_reply(config, target, text)`` posts ``text`` as a reply to ``target`` with the
source's credentials and returns a :class:`SentReply` (the new post's id and URL).
Replies are not retried on server errors: a retried POST could publish twice
(Mastodon also gets an ``Idempotency-Key``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidRecord
from .base import ConnectorError, HttpClient, SourceConfig

MAX_REPLY_CHARS = {
	"Mastodon": 500,
	"Bluesky": 300,
	"X": 280,
	"Facebook": 8000,
	"Instagram": 2200,
	"LinkedIn": 1250,
}
REPLY_PLATFORMS = tuple(MAX_REPLY_CHARS)


@dataclass(frozen=True)
class ReplyTarget:
	"""The post to answer: its stored id, and what the platform payload told us about it."""

	external_id: str
	author_handle: str = ""
	raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SentReply:
	external_id: str
	url: str
	raw: dict[str, Any] = field(default_factory=dict)


def validate_reply_text(platform: str, text: str) -> str:
	"""Stripped reply text; InvalidRecord when empty or longer than the platform allows."""
	text = (text or "").strip()
	if not text:
		raise InvalidRecord("reply text is empty", "text")
	limit = MAX_REPLY_CHARS.get(platform)
	if limit is None:
		raise InvalidRecord(f"{platform} does not support replies from the CRM", "platform")
	if len(text) > limit:
		raise InvalidRecord(f"a {platform} reply can have at most {limit} characters", "text")
	return text


def send_reply(
	config: SourceConfig, target: ReplyTarget, text: str, http: HttpClient | None = None
) -> SentReply:
	"""Publish ``text`` as a reply to ``target`` through the source ``config``."""
	from .registry import get_connector

	http = http or HttpClient(
		timeout=config.timeout, max_wait=config.max_wait, max_retries=0, guard=config.guard
	)
	connector = get_connector(config, http)
	if not hasattr(connector, "reply"):
		raise ConnectorError(f"{config.platform} does not support replies from the CRM")
	return connector.reply(target, text)
