"""Submitting ideas and casting votes for portal users (called by social_crm.api.ideas)."""

import frappe
from frappe import _
from frappe.utils import flt

from social_crm import errors, settings
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.ideas.ranking import (
	customer_weight,
	ensure_can_vote,
	validate_idea,
)
from social_crm.ideas.portal import ensure_participant, get_visible_idea
from social_crm.party import get_customer_of
from social_crm.revenue import billed_revenue as billed_revenue_by_customer


def throw_invalid(error: InvalidRecord, status: str | None = None) -> None:
	"""Turn an engine validation error into a clear, translated Frappe error (by its code)."""
	errors.throw(error, title=_("Please check your idea"), status=status)


def billed_revenue(customer: str | None) -> float:
	"""The system's figure of what ``customer`` was billed in the last 12 months (social_crm.revenue)."""
	return billed_revenue_by_customer([customer]).get(customer, 0.0) if customer else 0.0


def vote_weight(customer: str | None) -> float:
	"""1, or the customer's weight tier (engine ``customer_weight``: 1, 2 or 3) when the setting is on.

	Only the tier is stored on the vote: it tells the revenue's decade, never the amount.
	"""
	if not customer or not settings.weight_votes_by_customer_value():
		return 1.0
	return customer_weight(billed_revenue(customer))


def clean_idea_input(title, description) -> tuple[str, str]:
	try:
		return validate_idea(title, description)
	except InvalidRecord as error:
		throw_invalid(error)


def submit_idea(title: str, description: str = "", item: str | None = None) -> "frappe.Document":
	"""Create an Idea for the session user (after ``ensure_participant``)."""
	party = ensure_participant()
	title, description = clean_idea_input(title, description)
	if item and not frappe.db.get_value("Item", {"name": item, "disabled": 0}):
		frappe.throw(_("Item {0} does not exist").format(item), frappe.LinkValidationError)
	idea = frappe.get_doc(
		{
			"doctype": "Idea",
			"title": title,
			"description": description,
			"item": item or None,
			"status": "Open",
			"is_public": 1,
			"website_user": frappe.session.user,
			"party_type": "Contact" if party.contact else ("Customer" if party.customer else None),
			"party": party.contact or party.customer,
		}
	)
	# portal users have no DocPerm on Idea: the endpoint did its own checks above
	idea.insert(ignore_permissions=True)
	return idea


def cast_vote(idea_name: str) -> dict:
	"""One vote by the session user; refused when they already voted or voting is closed."""
	party = ensure_participant()
	idea = get_visible_idea(idea_name)
	try:
		ensure_can_vote(idea.status)
	except InvalidRecord as error:
		throw_invalid(error, idea.status)
	user = frappe.session.user
	if frappe.db.exists("Idea Vote", {"idea": idea.name, "voter": f"user:{user}"}):
		frappe.throw(_("You have already voted for this idea"), frappe.DuplicateEntryError)
	customer = party.customer or get_customer_of("Contact", party.contact)
	vote = frappe.get_doc(
		{
			"doctype": "Idea Vote",
			"idea": idea.name,
			"voter_user": user,
			"party_type": "Contact" if party.contact else ("Customer" if customer else None),
			"party": party.contact or customer,
			"weight": vote_weight(customer),
		}
	)
	try:
		vote.insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:
		# a concurrent request won the race; the unique (idea, voter) key kept one vote
		frappe.throw(_("You have already voted for this idea"), frappe.DuplicateEntryError)
	except frappe.UniqueValidationError:
		frappe.throw(_("You have already voted for this idea"), frappe.DuplicateEntryError)
	return vote_state(idea.name, voted=True)


def undo_vote(idea_name: str) -> dict:
	"""Withdraw the session user's vote while the idea still takes votes."""
	ensure_participant()
	idea = get_visible_idea(idea_name)
	try:
		ensure_can_vote(idea.status)
	except InvalidRecord as error:
		throw_invalid(error, idea.status)
	vote = frappe.db.get_value("Idea Vote", {"idea": idea.name, "voter": f"user:{frappe.session.user}"})
	if not vote:
		frappe.throw(_("You have not voted for this idea"), frappe.ValidationError)
	frappe.delete_doc("Idea Vote", vote, ignore_permissions=True)
	return vote_state(idea.name, voted=False)


def vote_state(idea_name: str, voted: bool) -> dict:
	count, weighted = frappe.db.get_value("Idea", idea_name, ["vote_count", "weighted_votes"])
	return {"idea": idea_name, "voted": voted, "vote_count": count, "weighted_votes": weighted}


def refresh_vote_weights() -> int:
	"""Recompute every vote's weight from current revenue (the 12-month window slides). Returns changes."""
	changed = 0
	weights: dict[str | None, float] = {}
	ideas = set()
	for vote in frappe.get_all("Idea Vote", fields=["name", "idea", "customer", "weight"]):
		if vote.customer not in weights:
			weights[vote.customer] = vote_weight(vote.customer)
		if flt(vote.weight, 3) != weights[vote.customer]:
			frappe.db.set_value(
				"Idea Vote", vote.name, "weight", weights[vote.customer], update_modified=False
			)
			ideas.add(vote.idea)
			changed += 1
	for idea in ideas:
		frappe.get_doc("Idea", idea).update_vote_count()
	return changed
