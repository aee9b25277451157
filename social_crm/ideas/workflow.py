"""Desk actions on ideas: status workflow, merging duplicates, ideas from mentions."""

import frappe
from frappe import _

from social_crm.engine.ideas.ranking import IDEA_STATUSES, VOTING_STATUSES, merge_votes
from social_crm.engine.text import truncate
from social_crm.social_crm.doctype.idea_vote.idea_vote import lock_idea

# Open → Under Review → Planned → In Progress → Implemented, or Declined / Duplicate (with a reason)
FORWARD = ("Open", "Under Review", "Planned", "In Progress", "Implemented")
NEEDS_REASON = ("Declined", "Duplicate")


def next_statuses(status: str) -> list[str]:
	"""Statuses an idea in ``status`` may move to with the workflow buttons."""
	if status in FORWARD[:-1]:
		step = FORWARD[FORWARD.index(status) + 1]
		return [step, "Declined", "Duplicate"]
	# closed ideas can be reopened
	return ["Open"] if status in IDEA_STATUSES else []


def set_status(name: str, status: str, reason: str | None = None, duplicate_of: str | None = None):
	"""Move an idea along the workflow (notifications go out from the Idea's on_update)."""
	if status == "Duplicate" and duplicate_of:
		return merge_ideas(name, duplicate_of, reason)
	idea = frappe.get_doc("Idea", name)
	idea.check_permission("write")
	if status not in next_statuses(idea.status):
		frappe.throw(
			_("An idea that is {0} cannot become {1}").format(_(idea.status), _(status)),
			title=_("Not allowed"),
		)
	if status in NEEDS_REASON and not (reason or "").strip():
		frappe.throw(_("Please give a reason when an idea is {0}").format(_(status)))
	idea.status = status
	if reason is not None:
		idea.status_reason = reason.strip()
	idea.save()
	return idea


def merge_ideas(duplicate: str, target: str, reason: str | None = None):
	"""Mark ``duplicate`` as a Duplicate of ``target`` and move its votes there, each voter once."""
	if duplicate == target:
		frappe.throw(_("An idea cannot duplicate itself"))
	# Both ideas' row locks, in a fixed order, before any vote moves: a vote cast meanwhile
	# waits (it takes the same lock) instead of being left behind or deadlocking the merge.
	for name in sorted((duplicate, target)):
		lock_idea(name)
	dup = frappe.get_doc("Idea", duplicate)
	dup.check_permission("write")
	target_doc = frappe.get_doc("Idea", target)
	target_doc.check_permission("write")
	if target_doc.status not in VOTING_STATUSES:
		frappe.throw(
			_("Merge into an idea that still takes votes; {0} is {1}").format(target, _(target_doc.status)),
			title=_("Cannot merge"),
		)
	if dup.status == "Duplicate":
		frappe.throw(_("{0} is already a duplicate of {1}").format(duplicate, dup.duplicate_of))

	# status first: the duplicate's voters are told where their vote went
	dup.status = "Duplicate"
	dup.duplicate_of = target
	dup.status_reason = (reason or "").strip() or _("Merged into {0}: {1}").format(target, target_doc.title)
	dup.flags.merged_into = target
	dup.save()

	fields = ["name", "voter"]
	# locking reads: the votes committed up to now, not this transaction's older snapshot
	moved, skipped = merge_votes(
		frappe.db.get_values("Idea Vote", {"idea": target}, fields, as_dict=True, for_update=True),
		frappe.db.get_values(
			"Idea Vote", {"idea": duplicate}, fields, as_dict=True, order_by="creation asc", for_update=True
		),
	)
	for vote in moved:
		frappe.db.set_value("Idea Vote", vote.name, "idea", target, update_modified=False)
	for vote in skipped:
		frappe.delete_doc("Idea Vote", vote.name, ignore_permissions=True, delete_permanently=True)
	dup.update_vote_count()
	target_doc.update_vote_count()
	target_doc.add_comment(
		"Info",
		_("Merged {0} into this idea: {1} votes moved, {2} voters had already voted here").format(
			duplicate, len(moved), len(skipped)
		),
	)
	return {"duplicate": duplicate, "target": target, "moved": len(moved), "skipped": len(skipped)}


def idea_from_mention(mention: str):
	"""A new Idea from a Mention: keeps the mention, its author's profile and party."""
	doc = frappe.get_doc("Mention", mention)
	doc.check_permission("read")
	frappe.has_permission("Idea", "create", throw=True)
	existing = frappe.db.get_value("Idea", {"source_mention": mention})
	if existing:
		frappe.throw(
			_("Idea {0} was already created from this mention").format(existing), frappe.DuplicateEntryError
		)
	text = (doc.get("text") or doc.get("title") or "").strip()
	title = (doc.get("title") or "").strip() or truncate(" ".join(text.split()), 120)[0]
	if len(title) < 5:
		title = _("Idea from {0}").format(doc.get("author_name") or doc.get("author_handle") or mention)
	idea = frappe.get_doc(
		{
			"doctype": "Idea",
			"title": truncate(title, 140)[0],
			"description": truncate(text, 5000)[0],
			"status": "Open",
			"is_public": 0,  # a social post becomes public only when the team publishes it
			"source_mention": mention,
			"submitted_by_profile": doc.get("author"),
			"party_type": doc.get("party_type"),
			"party": doc.get("party"),
		}
	)
	idea.insert()
	return idea
