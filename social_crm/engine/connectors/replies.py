"""Replying to a post from the CRM, where the platform's API allows it (Mastodon, Bluesky, X,
Facebook and Instagram comments, LinkedIn page comments).

Reply support is declared on the connector (``Connector.max_reply_chars`` and
``Connector.reply``); this module answers for a platform name and sends through the
registry. ``send_reply(config, target, text)`` posts ``text`` as a reply to ``target`` with
the source's credentials and returns a :class:`SentReply` (the new post's id and URL).
Replies are not retried on server errors: a retried POST could publish twice
(Mastodon also gets an ``Idempotency-Key``).
"""

from __future__ import annotations

from ..errors import InvalidRecord
from .base import HttpClient, ReplyTarget, SentReply, SourceConfig
from .registry import CONNECTORS, get_connector

__all__ = [
	"MAX_REPLY_CHARS",
	"REPLY_PLATFORMS",
	"ReplyTarget",
	"SentReply",
	"send_reply",
	"validate_reply_text",
]

MAX_REPLY_CHARS = {
	platform: connector.max_reply_chars
	for platform, connector in CONNECTORS.items()
	if connector.max_reply_chars
}
REPLY_PLATFORMS = tuple(MAX_REPLY_CHARS)


def validate_reply_text(platform: str, text: str) -> str:
	"""Stripped reply text; InvalidRecord when empty, longer than the platform allows, or the
	platform takes no replies from the CRM."""
	connector = CONNECTORS.get(platform)
	if connector is None:
		raise InvalidRecord(
			f"{str(platform)[:40]} does not support replies from the CRM",
			"platform",
			code="reply.unsupported",
			platform=str(platform)[:40],
		)
	return connector.reply_text(text)


def send_reply(
	config: SourceConfig, target: ReplyTarget, text: str, http: HttpClient | None = None
) -> SentReply:
	"""Publish ``text`` as a reply to ``target`` through the source ``config``."""
	http = http or HttpClient(
		timeout=config.timeout, max_wait=config.max_wait, max_retries=0, guard=config.guard
	)
	return get_connector(config, http).reply(target, text)
