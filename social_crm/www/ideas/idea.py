"""/ideas/<name>: one idea with its status, reason and vote button (route rule in hooks)."""

import frappe
from frappe import _
from frappe.utils import escape_html

from social_crm import settings
from social_crm.ideas import portal

no_cache = 1


def get_context(context):
	name = (frappe.form_dict.get("name") or "")[:140]
	if not portal.can_read():
		portal.redirect_to_login(f"/ideas/{name}")
	try:
		context.idea = portal.get_visible_idea(name)
	except frappe.DoesNotExistError:
		frappe.clear_messages()
		raise frappe.PageDoesNotExistError from None
	context.no_cache = 1
	# the breadcrumbs print `title` unescaped: never hand them user text as is
	context.title = escape_html(context.idea.title)
	context.weighted = settings.weight_votes_by_customer_value()
	context.show_sidebar = frappe.session.user != "Guest"
	context.parents = [{"route": "/ideas", "title": _("Ideas")}]
	portal.set_page_context(context)
	if context.idea.duplicate_of:
		context.duplicate_title = frappe.db.get_value("Idea", context.idea.duplicate_of, "title")
