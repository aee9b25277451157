"""Social history on Customer, Lead and Contact: timeline entries and clean-up on delete."""

import frappe
from frappe import _
from frappe.utils import escape_html, format_datetime

from social_crm import settings
from social_crm.engine.text import truncate
from social_crm.insight import rollup
from social_crm.party import PARTY_TYPES, set_party_on_mentions

SENTIMENT_COLORS = {"Positive": "green", "Neutral": "gray", "Negative": "red"}
SNIPPET_CHARS = 280


def mention_filters(party_type: str, party: str) -> dict:
	"""Customers roll up the mentions of their Contacts (via the denormalized customer field)."""
	if party_type == "Customer":
		return {"customer": party}
	return {"party_type": party_type, "party": party}


def get_mention_timeline(doctype: str, docname: str) -> list[dict]:
	"""Timeline entries for a party's newest mentions (hook: additional_timeline_content)."""
	if doctype not in PARTY_TYPES or not frappe.has_permission("Mention", "read"):
		return []
	limit = settings.timeline_limit()
	mentions = frappe.get_list(
		"Mention",
		filters=mention_filters(doctype, docname),
		fields=[
			"name",
			"platform",
			"url",
			"author",
			"author_name",
			"author_handle",
			"text",
			"title",
			"posted_at",
			"sentiment",
		],
		order_by="posted_at desc",
		limit_page_length=min(limit, 500),
	)
	return [timeline_entry(m) for m in mentions]


def timeline_entry(mention) -> dict:
	author = escape_html(mention.author_name or mention.author_handle or _("Unknown author"))
	author_link = (
		f'<a href="/app/social-profile/{escape_html(mention.author)}">{author}</a>'
		if mention.author
		else author
	)
	snippet = escape_html(truncate(mention.text or mention.title or "", SNIPPET_CHARS)[0]).replace(
		"\n", "<br>"
	)
	badge = ""
	if mention.sentiment:
		color = SENTIMENT_COLORS.get(mention.sentiment, "gray")
		badge = f'<span class="indicator-pill {color} ml-1">{escape_html(_(mention.sentiment))}</span>'
	post_link = ""
	if mention.url and mention.url.startswith(("https://", "http://")):
		post_link = (
			f' · <a href="{escape_html(mention.url)}" target="_blank" rel="noopener noreferrer nofollow">'
			f"{escape_html(_('View post'))}</a>"
		)
	content = (
		f'<div class="social-crm-mention">'
		f'<div class="text-muted small">{escape_html(_(mention.platform))} · {author_link}{badge} · '
		f'<a href="/app/mention/{escape_html(mention.name)}">{escape_html(format_datetime(mention.posted_at))}</a>'
		f"{post_link}</div>"
		f'<div class="mt-1">{snippet}</div>'
		f"</div>"
	)
	return {"icon": "message", "is_card": True, "creation": mention.posted_at, "content": content}


def unlink_social_data(doc, method=None):
	"""A deleted party leaves its profiles unlinked (and their mentions with them), not dangling."""
	for profile in frappe.get_all(
		"Social Profile", filters={"party_type": doc.doctype, "party": doc.name}, pluck="name"
	):
		frappe.db.set_value(
			"Social Profile",
			profile,
			{"party_type": None, "party": None, "party_name": None, "customer": None, "link_confidence": 0},
		)
		set_party_on_mentions(profile, None, None, None)
	if doc.doctype == "Customer":
		frappe.db.set_value("Social Profile", {"customer": doc.name}, "customer", None)
		# a Customer's rows of the per-party rollup go with it (its Contacts' mentions included)
		for names in _mention_batches({"customer": doc.name}):
			parties_before = rollup.party_snapshot(names)
			frappe.db.sql("update `tabMention` set customer = NULL where name in %(names)s", {"names": names})
			rollup.party_changed(parties_before)


def _mention_batches(filters: dict, size: int = 1000):
	"""Names of the mentions matching ``filters``, a batch at a time (the caller changes them)."""
	while names := frappe.get_all("Mention", filters=filters, pluck="name", limit=size, order_by="name"):
		yield names
