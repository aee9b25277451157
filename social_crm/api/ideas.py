"""Ideas endpoints: portal (submit, browse, vote) and desk (workflow, merge, from mention).

Portal users (Website Users) have no DocPerm on Idea or Idea Vote. The portal
endpoints check who is asking (``social_crm.ideas.portal``) and then write with
``ignore_permissions``; the desk endpoints use the caller's own permissions.
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from social_crm import permissions
from social_crm.ideas import portal, similar, voting, workflow

# per IP address and endpoint
SUBMIT_LIMIT, SUBMIT_WINDOW = 10, 60 * 60
VOTE_LIMIT, VOTE_WINDOW = 60, 10 * 60
SUGGEST_LIMIT, SUGGEST_WINDOW = 120, 60


@frappe.whitelist(allow_guest=True, methods=["GET"])
def get_ideas(
	query: str | None = None,
	status: str | None = None,
	item: str | None = None,
	sort: str | None = None,
	page: int = 1,
) -> dict:
	"""A page of ideas the caller may read (guests only when Social CRM Settings allow it)."""
	return portal.list_ideas(query=query, status=status, item=item, sort=sort, page=page)


@frappe.whitelist(allow_guest=True, methods=["GET"])
def get_idea(name: str) -> dict:
	return portal.get_visible_idea(name)


@frappe.whitelist(methods=["GET", "POST"])
@rate_limit(limit=SUGGEST_LIMIT, seconds=SUGGEST_WINDOW)
def similar_ideas(title: str | None = None, description: str | None = None) -> list[dict]:
	"""Open public ideas like the one being typed (for "vote instead of duplicating")."""
	portal.ensure_can_read()
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in to submit ideas"), frappe.PermissionError)
	title, description = (title or "")[:1000], (description or "")[:5000]
	return similar.suggest(title, description)


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=SUBMIT_LIMIT, seconds=SUBMIT_WINDOW, methods=["POST"])
def submit_idea(
	title: str, description: str | None = None, item: str | None = None, confirm_new: bool = False
) -> dict:
	"""Create an idea, unless similar open ideas exist and the caller has not confirmed yet.

	Returns ``{"created": False, "similar": [...]}`` to show the similar ideas first, or
	``{"created": True, "idea": name, "route": "/ideas/<name>"}``.
	"""
	portal.ensure_participant()
	clean_title, clean_description = voting.clean_idea_input(title, description)
	if not frappe.utils.cint(confirm_new):
		matches = similar.suggest(clean_title, clean_description)
		if matches:
			return {"created": False, "similar": matches}
	idea = voting.submit_idea(clean_title, clean_description, item)
	return {"created": True, "idea": idea.name, "title": idea.title, "route": f"/ideas/{idea.name}"}


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=VOTE_LIMIT, seconds=VOTE_WINDOW, methods=["POST"])
def vote(idea: str) -> dict:
	"""Vote once for an idea that still takes votes."""
	return voting.cast_vote(idea)


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=VOTE_LIMIT, seconds=VOTE_WINDOW, methods=["POST"])
def undo_vote(idea: str) -> dict:
	"""Withdraw one's vote while the idea still takes votes."""
	return voting.undo_vote(idea)


# Desk


@frappe.whitelist(methods=["POST"])
def set_status(name: str, status: str, reason: str | None = None, duplicate_of: str | None = None) -> dict:
	"""Workflow button on the Idea form."""
	result = workflow.set_status(name, status, reason, duplicate_of)
	return result if isinstance(result, dict) else {"name": result.name, "status": result.status}


@frappe.whitelist()
def get_next_statuses(status: str) -> list[str]:
	return workflow.next_statuses(status)


@frappe.whitelist(methods=["POST"])
def merge_idea(duplicate: str, target: str, reason: str | None = None) -> dict:
	"""Merge ``duplicate`` into ``target``: votes move, each voter counted once."""
	return workflow.merge_ideas(duplicate, target, reason)


@frappe.whitelist(methods=["POST"])
def create_idea_from_mention(mention: str) -> str:
	"""Form button on Mention: a new Idea keeping the mention and its author."""
	return workflow.idea_from_mention(mention).name


@frappe.whitelist()
def similar_to_idea(name: str) -> list[dict]:
	"""Desk: open public ideas similar to this one (merge candidates)."""
	doc = frappe.get_doc("Idea", name)
	doc.check_permission("read")
	return similar.suggest(doc.title, doc.description or "", limit=10, exclude=[name])


@frappe.whitelist(methods=["POST"])
def refresh_vote_weights() -> int:
	"""Recompute vote weights from current revenue (managers)."""
	permissions.ensure_privacy_officer(_("Only a Social CRM Manager or System Manager may do this"))
	return voting.refresh_vote_weights()
