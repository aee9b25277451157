"""Instagram @mentions from Meta's ``mentions`` webhook into Mentions.

Instagram cannot list the captions and comments that @mention the account; Meta posts a
``mentions`` change (the media id, and the comment id for a comment) to
``/api/method/social_crm.api.meta.lead_ads_webhook``. Each change queues :func:`fetch_mention`,
which reads the caption or comment through the source's connector
(``mentioned_media`` / ``mentioned_comment``) and stores it through the same pipeline as a poll.
"""

from __future__ import annotations

import frappe

from social_crm.engine.connectors import ConnectorError, get_connector
from social_crm.engine.connectors.meta import MentionEvent, is_deleted_object
from social_crm.engine.errors import InvalidRecord
from social_crm.listening.pipeline import Ingestor, log_ingest_error
from social_crm.listening.sources import parse_options, source_config

JOB_TIMEOUT = 5 * 60


def instagram_sources() -> list[tuple[str, str]]:
	"""(source, ig user id) of the enabled Instagram sources."""
	rows = frappe.get_all(
		"Social Source", filters={"platform": "Instagram", "enabled": 1}, fields=["name", "options"]
	)
	sources = []
	for row in rows:
		try:
			user = str(parse_options(row.options).get("ig_user_id") or "").strip()
		except ValueError:
			continue
		if user:
			sources.append((row.name, user))
	return sources


def enqueue_mention(source: str, event: MentionEvent) -> None:
	item = event.comment_id or event.media_id
	frappe.enqueue(
		"social_crm.listening.instagram.fetch_mention",
		queue="short",
		timeout=JOB_TIMEOUT,
		job_id=f"social_crm:instagram_mention:{source}:{item}",
		deduplicate=True,
		source=source,
		media_id=event.media_id,
		comment_id=event.comment_id,
	)


def fetch_mention(source: str, media_id: str, comment_id: str = "") -> str:
	"""Job: read one @mention (caption or comment) and store it; returns the outcome."""
	doc = frappe.get_doc("Social Source", source)
	config = source_config(doc)
	connector = get_connector(config)
	event = MentionEvent(config.options.get("ig_user_id") or "", media_id, comment_id)
	try:
		post = connector.mentioned_post(event)
	except InvalidRecord as exc:
		log_ingest_error(
			{"media_id": media_id, "comment_id": comment_id},
			f"malformed Instagram mention: {exc}",
			source=source,
			origin="Webhook",
			platform="Instagram",
			payload_format="Platform",
			with_traceback=False,
		)
		return "rejected"
	except ConnectorError as exc:
		if is_deleted_object(exc):
			return "deleted"  # deleted (or made private) before we could read it
		raise
	result = Ingestor(source=source, origin="Webhook").ingest([post])[0]
	return result.status
