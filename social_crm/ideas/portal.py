"""Who is who on the ideas portal, what they may see, and the listing query."""

import json
from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.sessions import get_csrf_token
from frappe.utils import cint

from social_crm import settings
from social_crm.engine.ideas.ranking import IDEA_STATUSES, SORTS, VOTING_STATUSES, idea_order
from social_crm.party import get_customer_of
from social_crm.permissions import is_unrestricted

PAGE_LENGTH = 20
MAX_QUERY_CHARS = 100


def get_portal_party(user: str | None = None) -> frappe._dict:
	"""The Contact and Customer behind a website user (empty values when there are none).

	A user belongs to a Customer through a Contact whose ``user`` (or email) is theirs
	and that links to the Customer, or through the Customer's Portal Users table.
	"""
	user = user or frappe.session.user
	party = frappe._dict(user=user, contact=None, customer=None)
	if not user or user == "Guest":
		return party
	party.contact = frappe.db.get_value("Contact", {"user": user}, "name") or frappe.db.get_value(
		"Contact Email", {"email_id": user, "parenttype": "Contact"}, "parent"
	)
	if party.contact:
		party.customer = get_customer_of("Contact", party.contact)
	if not party.customer:
		party.customer = frappe.db.get_value(
			"Portal User", {"user": user, "parenttype": "Customer"}, "parent"
		)
	return party


def can_read(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user != "Guest" or settings.allow_guest_idea_view()


def ensure_can_read() -> None:
	if not can_read():
		frappe.throw(_("Please log in to see ideas"), frappe.PermissionError)


def ensure_participant() -> frappe._dict:
	"""The portal party of the session user, or a clear error when they may not submit or vote."""
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in to submit or vote for ideas"), frappe.PermissionError)
	party = get_portal_party()
	if not party.customer and not is_unrestricted():
		frappe.throw(
			_("Only customers can submit and vote for ideas. Your account is not linked to a customer yet."),
			frappe.PermissionError,
		)
	return party


def visible_condition(idea, user: str):
	"""Public ideas, plus a logged-in user's own ideas."""
	condition = idea.is_public == 1
	if user != "Guest":
		condition = condition | (idea.website_user == user)
	return condition


# what the portal shows of an idea (a listing row; one idea adds is_public)
LIST_FIELDS = (
	"name",
	"title",
	"description",
	"status",
	"status_reason",
	"duplicate_of",
	"item",
	"vote_count",
	"weighted_votes",
	"website_user",
	"creation",
)


def get_visible_idea(name: str) -> dict:
	"""One idea the session user may read on the portal, or DoesNotExistError (no leak of hidden ones)."""
	ensure_can_read()
	idea = frappe.db.get_value(
		"Idea",
		name,
		[*LIST_FIELDS, "is_public"],
		as_dict=True,
	)
	user = frappe.session.user
	if not idea or not (idea.is_public or (user != "Guest" and idea.website_user == user)):
		frappe.throw(_("Idea {0} not found").format(name), frappe.DoesNotExistError)
	decorate([idea], user)
	return idea


def list_ideas(
	query: str | None = None,
	status: str | None = None,
	item: str | None = None,
	sort: str | None = None,
	page: int = 1,
	page_length: int = PAGE_LENGTH,
) -> dict:
	"""One page of ideas the session user may see, newest or best first (engine ``idea_order``)."""
	ensure_can_read()
	user = frappe.session.user
	page = max(1, cint(page))
	page_length = min(max(1, cint(page_length)), 100)
	sort = sort if sort in SORTS else "top"
	weighted = settings.weight_votes_by_customer_value()
	idea = frappe.qb.DocType("Idea")
	q = (
		frappe.qb.from_(idea)
		.select(*(idea[field] for field in LIST_FIELDS))
		.where(list_condition(idea, user, query, status, item))
	)
	for field, descending in idea_order(sort, weighted):
		q = q.orderby(idea[field], order=frappe.qb.desc if descending else frappe.qb.asc)
	rows = q.limit(page_length + 1).offset((page - 1) * page_length).run(as_dict=True)
	has_next = len(rows) > page_length
	rows = rows[:page_length]
	decorate(rows, user)
	return {
		"ideas": rows,
		"page": page,
		"has_next": has_next,
		"has_previous": page > 1,
		"sort": sort,
		"weighted": weighted,
	}


def list_condition(idea, user: str, query: str | None, status: str | None, item: str | None):
	"""The listing's where: visible to ``user``, the status filter ("open": still voting; none:
	all but duplicates), the item, and the search text in title or description."""
	condition = visible_condition(idea, user)
	if status == "open":
		condition &= idea.status.isin(VOTING_STATUSES)
	elif status in IDEA_STATUSES:
		condition &= idea.status == status
	else:
		condition &= idea.status != "Duplicate"
	if item:
		condition &= idea.item == item
	query = (query or "").strip()[:MAX_QUERY_CHARS]
	if query:
		pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
		condition &= idea.title.like(pattern) | idea.description.like(pattern)
	return condition


def decorate(rows: list[dict], user: str) -> None:
	"""Add item names, whether the user voted, and whether the idea still takes votes."""
	items = {row.item for row in rows if row.get("item")}
	item_names = (
		dict(
			frappe.get_all(
				"Item", filters={"name": ("in", list(items))}, fields=["name", "item_name"], as_list=True
			)
		)
		if items
		else {}
	)
	voted = set()
	if user != "Guest" and rows:
		voted = set(
			frappe.get_all(
				"Idea Vote",
				filters={"idea": ("in", [row.name for row in rows]), "voter": f"user:{user}"},
				pluck="idea",
			)
		)
	for row in rows:
		row.item_name = item_names.get(row.item) or row.item
		row.voted = row.name in voted
		row.open = row.status in VOTING_STATUSES
		row.mine = user != "Guest" and row.get("website_user") == user
		row.pop("website_user", None)


def get_filter_items() -> list[dict]:
	"""Items that public ideas are about (for the filter)."""
	items = frappe.get_all(
		"Idea", filters={"item": ("is", "set"), "is_public": 1}, distinct=True, pluck="item"
	)
	if not items:
		return []
	return frappe.get_all(
		"Item", filters={"name": ("in", items)}, fields=["name", "item_name"], order_by="item_name asc"
	)


def get_submit_items(limit: int = 200) -> list[dict]:
	"""Items a customer may attach an idea to: enabled sales items."""
	return frappe.get_all(
		"Item",
		filters={"disabled": 0, "is_sales_item": 1},
		fields=["name", "item_name"],
		order_by="item_name asc",
		limit=limit,
	)


def redirect_to_login(path: str):
	frappe.local.flags.redirect_location = "/login?" + urlencode({"redirect-to": path})
	raise frappe.Redirect


def set_page_context(context):
	"""Who the visitor is, and the translated strings the page script needs."""
	user = frappe.session.user
	party = get_portal_party(user)
	context.is_guest = user == "Guest"
	if not context.is_guest and getattr(frappe.local, "session_obj", None):
		# a session gets its CSRF token lazily; without one Frappe would not check POSTs from this page
		get_csrf_token()
	context.can_participate = not context.is_guest and bool(party.customer or is_unrestricted(user))
	context.i18n_json = json.dumps(
		{
			"vote": _("Vote"),
			"voted": _("Voted · Undo"),
			"votes": _("votes"),
			"closed": _("Voting closed"),
			"error": _("Something went wrong. Please try again."),
			"rate_limited": _("Too many requests. Please wait a little and try again."),
			"similar_title": _("Similar ideas already exist. Vote for one of them instead?"),
			"submit_anyway": _("My idea is different: submit it"),
			"submitted": _("Thank you! Your idea was submitted."),
			"voted_ok": _("Your vote was counted."),
			"unvoted_ok": _("Your vote was withdrawn."),
		}
	)
