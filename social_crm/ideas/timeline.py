"""Ideas and idea votes in a party's timeline (hook: additional_timeline_content)."""

import frappe
from frappe import _
from frappe.utils import escape_html

from social_crm import settings
from social_crm.engine.text import truncate
from social_crm.party import PARTY_TYPES

SNIPPET_CHARS = 200
STATUS_COLORS = {
	"Open": "blue",
	"Under Review": "orange",
	"Planned": "purple",
	"In Progress": "yellow",
	"Implemented": "green",
	"Declined": "red",
	"Duplicate": "gray",
}


def party_filters(party_type: str, party: str) -> dict:
	# a Customer's history includes what its Contacts did (denormalized customer field)
	if party_type == "Customer":
		return {"customer": party}
	return {"party_type": party_type, "party": party}


def get_idea_timeline(doctype: str, docname: str) -> list[dict]:
	"""Timeline entries for the party's ideas and votes, newest first."""
	if doctype not in PARTY_TYPES or not frappe.has_permission("Idea", "read"):
		return []
	limit = settings.timeline_limit()
	filters = party_filters(doctype, docname)
	ideas = frappe.get_list(
		"Idea",
		filters=filters,
		fields=["name", "title", "description", "status", "vote_count", "creation", "source_mention"],
		order_by="creation desc",
		limit_page_length=limit,
	)
	votes = []
	if frappe.has_permission("Idea Vote", "read"):
		# permission-checked: a Customer's timeline lists its Contacts' votes only where the
		# viewer may read that Contact (row rule of Idea Vote, permissions.py)
		votes = frappe.get_list(
			"Idea Vote",
			filters=filters,
			fields=["name", "idea", "voter_user", "creation"],
			order_by="creation desc",
			limit_page_length=limit,
		)
	titles = {}
	if votes:
		readable = frappe.get_list(
			"Idea",
			filters={"name": ("in", list({v.idea for v in votes}))},
			fields=["name", "title", "status"],
			limit_page_length=0,
		)
		titles = {row.name: row for row in readable}
	entries = [idea_entry(idea) for idea in ideas]
	entries += [vote_entry(vote, titles[vote.idea]) for vote in votes if vote.idea in titles]
	return entries


def status_pill(status: str) -> str:
	color = STATUS_COLORS.get(status, "gray")
	return f'<span class="indicator-pill {color} ml-1">{escape_html(_(status))}</span>'


def idea_link(name: str, title: str) -> str:
	return f'<a href="/app/idea/{escape_html(name)}">{escape_html(title)}</a>'


def idea_entry(idea) -> dict:
	snippet = escape_html(truncate(idea.description or "", SNIPPET_CHARS)[0])
	via = _("from a social post") if idea.source_mention else _("on the portal")
	content = (
		'<div class="social-crm-idea">'
		f'<div class="text-muted small">{escape_html(_("Idea submitted {0}").format(via))}'
		f"{status_pill(idea.status)} · {escape_html(_('{0} votes').format(idea.vote_count or 0))}</div>"
		f'<div class="mt-1">{idea_link(idea.name, idea.title)}</div>'
		+ (f'<div class="text-muted">{snippet}</div>' if snippet else "")
		+ "</div>"
	)
	return {"icon": "star", "is_card": True, "creation": idea.creation, "content": content}


def vote_entry(vote, idea) -> dict:
	who = escape_html(vote.voter_user or "")
	content = (
		'<div class="social-crm-idea-vote">'
		f'<div class="text-muted small">{escape_html(_("Voted for an idea"))}{" · " + who if who else ""}'
		f"{status_pill(idea.status)}</div>"
		f'<div class="mt-1">{idea_link(idea.name, idea.title)}</div>'
		"</div>"
	)
	return {"icon": "heart", "is_card": True, "creation": vote.creation, "content": content}
