"""What Customer, Lead and Contact share: their events, timeline and Social connections.

Each party doctype has its module (``customer.py``, ``lead.py``, ``contact.py``), named by
``hooks.py`` for every event; the module runs the shared steps below and its own in one
explicit order. Shared:

- ``sync_keys``: on every save the party's lookup keys are recomputed; keys that are new
  (a handle, an email, a website, a name) queue a re-match of the unlinked profiles that share them;
- ``on_trash``: the profiles it is about to lose are queued for a re-match (after commit, when
  the party is gone), its keys removed, then its profiles unlinked (``linking/unlink.py``);
- ``before_rename`` / ``after_rename``: keys and party fields follow the new name; profiles moved
  by a merge are marked "Merge";
- ``get_timeline``: the party's newest mentions (below) and ideas and votes (``ideas/timeline.py``);
- ``add_social_group``: the Social connections group.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, format_datetime

from social_crm import settings
from social_crm.engine.text import truncate
from social_crm.ideas.timeline import get_idea_timeline
from social_crm.insight import rollup
from social_crm.linking import keys, unlink
from social_crm.linking.jobs import enqueue_match
from social_crm.party import PARTY_TYPES, get_party_title

SOCIAL_DOCTYPES = ["Social Profile", "Mention", "Idea"]

SENTIMENT_COLORS = {"Positive": "green", "Neutral": "gray", "Negative": "red"}
SNIPPET_CHARS = 280


def mention_filters(party_type: str, party: str) -> dict:
	"""Customers roll up the mentions of their Contacts (via the denormalized customer field)."""
	if party_type == "Customer":
		return {"customer": party}
	return {"party_type": party_type, "party": party}


# -- events ----------------------------------------------------------------------------------------


def sync_keys(doc) -> str | None:
	"""Recompute the party's lookup keys and queue re-matches for new ones; returns its Customer."""
	rows, customer = keys.desired_party_rows(doc.doctype, doc.name)
	# keys typed in by a user without the social roles wait for review before they link anyone
	added = keys.sync_keys(doc.doctype, doc.name, rows, customer, pending_review=keys.edit_needs_review())
	if added:
		for profile in keys.find_profiles_for_rows(added):
			enqueue_match(profile)
	return customer


def on_trash(doc) -> None:
	"""The party's profiles are matched again once it is gone, its keys removed, its profiles unlinked."""
	profiles = frappe.get_all(
		keys.PROFILE, filters={"party_type": doc.doctype, "party": doc.name}, pluck="name"
	)
	for profile in profiles:
		enqueue_match(profile)  # runs after commit, when the party is gone
	keys.delete_keys(doc.doctype, doc.name)
	for profile in profiles:
		# not a person's decision: the match job may link the profile to another party; inline,
		# since Frappe refuses the deletion while a mention still links to the party
		unlink.unlink_profile(profile, by_person=False, inline=True)


def before_rename(doc, old: str) -> None:
	stash = frappe.flags.setdefault("social_crm_renaming", {})
	stash[(doc.doctype, old)] = frappe.get_all(
		keys.PROFILE, filters={"party_type": doc.doctype, "party": old}, pluck="name"
	)


def after_rename(doc, old: str, new: str, merge: bool) -> None:
	"""Frappe already rewrote Social Profile/Mention party fields (Dynamic Links); finish the job."""
	doctype = doc.doctype
	moved = (frappe.flags.get("social_crm_renaming") or {}).pop((doctype, old), [])
	# Frappe renames Dynamic Links only for doctypes in its cached map of values in use, which raw
	# updates (our mention backfill) do not refresh: make sure, it is idempotent and indexed.
	for table, type_field, name_field in (
		("Social Profile", "party_type", "party"),
		("Social Profile", "previous_party_type", "previous_party"),
		("Mention", "party_type", "party"),
	):
		frappe.db.sql(
			f"update `tab{table}` set `{name_field}` = %s where `{type_field}` = %s and `{name_field}` = %s",
			(new, doctype, old),
		)
	keys.delete_keys(doctype, old)
	keys.sync_party(doctype, new)
	title = get_party_title(doctype, new)
	for profile in frappe.get_all(keys.PROFILE, filters={"party_type": doctype, "party": new}, pluck="name"):
		values = {"party_name": title}
		if merge and profile in moved:
			# a merge is a person's decision: jobs leave these links alone
			values["link_method"] = "Merge"
		frappe.db.set_value(keys.PROFILE, profile, values, update_modified=False)
	# the per-party weekly rollup is keyed by the party's name: recount both names
	rollup.recount_parties([(doctype, old), (doctype, new)])


def clear_customer_on_mentions(customer: str) -> None:
	"""A deleted Customer's roll-up leaves its (Contacts') mentions, with their per-party rollup rows."""
	while names := frappe.get_all(
		"Mention", filters={"customer": customer}, pluck="name", limit=1000, order_by="name"
	):
		parties_before = rollup.party_snapshot(names)
		frappe.db.sql("update `tabMention` set customer = NULL where name in %(names)s", {"names": names})
		rollup.party_changed(parties_before)


# -- timeline and connections ----------------------------------------------------------------------


def get_timeline(doctype: str, docname: str) -> list[dict]:
	"""The party's social timeline (hook: additional_timeline_content): mentions, ideas and votes."""
	return get_mention_timeline(doctype, docname) + get_idea_timeline(doctype, docname)


def add_social_group(data, party_type: str, fieldname: str):
	"""The Social connections group (hook: override_doctype_dashboards, through each party's module)."""
	data = data or {}
	data.setdefault("transactions", [])
	if not any(group.get("label") == _("Social") for group in data["transactions"]):
		data["transactions"].append({"label": _("Social"), "items": list(SOCIAL_DOCTYPES)})
	non_standard = data.setdefault("non_standard_fieldnames", {})
	for doctype in SOCIAL_DOCTYPES:
		non_standard[doctype] = fieldname
	if fieldname == "party":
		# party is a Dynamic Link: count only rows whose party_type is this doctype
		data.setdefault("dynamic_links", {})["party"] = [party_type, "party_type"]
	return data


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
