"""Working a mention: Responded / Ignored, first-response time, replies to the platform."""

import json

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from social_crm import errors
from social_crm.clock import minutes_between, site_to_utc
from social_crm.display import display_html
from social_crm.engine.connectors import ConnectorError, SourceConfig
from social_crm.engine.connectors.replies import REPLY_PLATFORMS, ReplyTarget, send_reply, validate_reply_text
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.status import (
	MARKED_IGNORED,
	MARKED_RESPONDED,
	REPLIED,
	RESPONDED,
	WORK_STATUSES,
	status_after,
)
from social_crm.listening.sources import source_config

MARKS = {RESPONDED: MARKED_RESPONDED}  # else MARKED_IGNORED


def record_first_response(doc) -> None:
	"""Mention.validate: stamp the first response once, when the mention first becomes Responded."""
	before = doc.get_doc_before_save() if not doc.is_new() else None
	if before and before.first_response_at:
		# set once: later edits never move the first response
		doc.first_response_at = before.first_response_at
		doc.response_minutes = before.response_minutes
		return
	if doc.status == RESPONDED and not doc.first_response_at:
		doc.first_response_at = now_datetime()
	if doc.first_response_at and doc.posted_at:
		# first_response_at is site time (as every desk stamp), posted_at is UTC
		doc.response_minutes = minutes_between(
			get_datetime(doc.posted_at), site_to_utc(doc.first_response_at)
		)


def set_work_status(mention: str, status: str) -> "frappe.Document":
	"""Mark one mention Responded or Ignored (needs write permission on it)."""
	if status not in WORK_STATUSES:
		frappe.throw(_("Status must be one of {0}").format(", ".join(_(s) for s in WORK_STATUSES)))
	doc = frappe.get_doc("Mention", mention)
	doc.check_permission("write")
	new = status_after(doc.status, MARKS.get(status, MARKED_IGNORED))
	if doc.status != new:
		doc.status = new
		doc.save()
	return doc


def reply_config(source: str) -> SourceConfig:
	"""Engine config of the mention's Social Source, with the credentials a reply needs.

	Mastodon's access token is the source's API Key (as for polling); an App Password is
	accepted as well.
	"""
	src = frappe.get_doc("Social Source", source)
	config = source_config(src)
	if src.platform == "Mastodon" and not config.credential("token") and config.credential("app_password"):
		config.credentials["token"] = config.credential("app_password")
	return config


def reply_to_mention(mention: str, text: str) -> "frappe.Document":
	"""Publish a reply through the mention's source, store it on the mention, mark it Responded."""
	doc = frappe.get_doc("Mention", mention)
	doc.check_permission("write")
	if doc.platform not in REPLY_PLATFORMS:
		frappe.throw(_("Replies can be sent to {0} mentions only").format(", ".join(REPLY_PLATFORMS)))
	if not doc.source:
		frappe.throw(_("This mention has no Social Source to reply with"))
	if doc.anonymized:
		frappe.throw(_("This mention was anonymized and cannot be answered"))
	raw = doc.raw_payload
	if isinstance(raw, str):
		try:
			raw = json.loads(raw)
		except ValueError:
			raw = {}
	target = ReplyTarget(
		external_id=doc.external_id,
		author_handle=doc.author_handle or "",
		raw=raw if isinstance(raw, dict) else {},
	)
	try:
		text = validate_reply_text(doc.platform, text)
		sent = send_reply(reply_config(doc.source), target, text)
	except InvalidRecord as exc:
		errors.throw(exc, title=_("Invalid Reply"), fallback=_("The reply cannot be sent: {0}"))
	except ConnectorError as exc:
		frappe.log_error(
			title=_("Social CRM: reply failed"), reference_doctype="Mention", reference_name=doc.name
		)
		frappe.throw(
			_("{0} did not accept the reply: {1}").format(doc.platform, display_html(str(exc))),
			title=_("Reply Failed"),
		)

	doc.append(
		"sent_replies",
		{
			"text": text.strip(),
			"reply_url": sent.url,
			"external_id": sent.external_id[:140],
			"sent_by": frappe.session.user,
			"sent_at": now_datetime(),
		},
	)
	doc.status = status_after(doc.status, REPLIED)
	doc.save()
	doc.add_comment(
		"Info",
		_("Replied on {0}: {1}").format(doc.platform, frappe.utils.escape_html(sent.url or sent.external_id)),
	)
	return doc
