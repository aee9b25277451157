"""/ideas: browse, search, submit and vote for product ideas (portal)."""

from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.utils import cint

from social_crm.engine.ideas.ranking import IDEA_STATUSES, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS
from social_crm.ideas import portal

no_cache = 1


def get_context(context):
	if not portal.can_read():
		portal.redirect_to_login("/ideas")
	args = frappe.form_dict
	filters = {
		"query": (args.get("q") or "").strip()[: portal.MAX_QUERY_CHARS],
		"status": args.get("status") if args.get("status") in (*IDEA_STATUSES, "open") else "",
		"item": (args.get("item") or "")[:140],
		"sort": args.get("sort") if args.get("sort") in portal.SORTS else "top",
	}
	result = portal.list_ideas(page=cint(args.get("page")) or 1, **filters)
	context.update(result)
	context.filters = filters
	context.no_cache = 1
	context.title = _("Ideas")
	context.show_sidebar = frappe.session.user != "Guest"
	portal.set_page_context(context)
	context.statuses = [("open", _("Still open for votes"))] + [(s, _(s)) for s in IDEA_STATUSES]
	context.filter_items = portal.get_filter_items()
	context.submit_items = portal.get_submit_items() if context.can_participate else []
	query = {k if k != "query" else "q": v for k, v in filters.items() if v}
	context.previous_url = "/ideas?" + urlencode({**query, "page": result["page"] - 1})
	context.next_url = "/ideas?" + urlencode({**query, "page": result["page"] + 1})
	context.max_title = MAX_TITLE_CHARS
	context.max_description = MAX_DESCRIPTION_CHARS
