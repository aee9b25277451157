"""Mention status: the one function that decides the automatic statuses.

``New``, ``Linked`` and ``Needs Review`` follow the author: Linked while the mention has a
party, Needs Review while its unlinked author waits in the linking review queue, else New.
``Converted``, ``Responded`` and ``Ignored`` are set by people (or their actions) and are
never changed automatically. The Mention controller, the ingest pipeline and the bulk
writers of the linking jobs all call :func:`mention_status` / :func:`status_changes`; what a
person's action does to the status (a reply, marking it, closing its support case, making a
Lead of its author) is :func:`status_after`.
"""

from __future__ import annotations

NEW = "New"
LINKED = "Linked"
NEEDS_REVIEW = "Needs Review"
CONVERTED = "Converted"
RESPONDED = "Responded"
IGNORED = "Ignored"

MENTION_STATUSES = (NEW, LINKED, NEEDS_REVIEW, CONVERTED, RESPONDED, IGNORED)
AUTOMATIC_STATUSES = (NEW, LINKED, NEEDS_REVIEW)
WORK_STATUSES = (RESPONDED, IGNORED)  # what a person may mark a mention as

# What people do to a mention (see :func:`status_after`).
REPLIED = "replied"  # a reply was sent to the platform
MARKED_RESPONDED = "marked responded"
MARKED_IGNORED = "marked ignored"
CASE_CLOSED = "case closed"  # its support Issue was resolved or closed
CONVERTED_TO_LEAD = "converted to lead"  # a Lead was made from (or found for) its author
ACTIONS = (REPLIED, MARKED_RESPONDED, MARKED_IGNORED, CASE_CLOSED, CONVERTED_TO_LEAD)


def mention_status(current: str | None, has_party: bool, author_in_review: bool) -> str:
	"""The status a mention should have; ``current`` None or "" means a new mention."""
	current = current or NEW
	if current not in AUTOMATIC_STATUSES:
		return current  # worked by people: kept
	if has_party:
		return LINKED
	return NEEDS_REVIEW if author_in_review else NEW


def status_changes(has_party: bool, author_in_review: bool) -> dict[str, str]:
	"""``{old: new}`` for every automatic status that :func:`mention_status` would change
	(for writers that update many rows of one author in one statement)."""
	changes = {}
	for status in AUTOMATIC_STATUSES:
		new = mention_status(status, has_party, author_in_review)
		if new != status:
			changes[status] = new
	return changes


def status_after(current: str | None, action: str) -> str:
	"""The status a mention gets from a person's ``action`` (one of :data:`ACTIONS`).

	A reply or marking it Responded: Responded; marking it Ignored: Ignored. Its support case
	closing answers it (Responded) unless it was answered or ignored already. A Lead made from
	its author converts it only while its status is automatic (a worked mention keeps its own).
	"""
	current = current or NEW
	if action in (REPLIED, MARKED_RESPONDED):
		return RESPONDED
	if action == MARKED_IGNORED:
		return IGNORED
	if action == CASE_CLOSED:
		return current if current in WORK_STATUSES else RESPONDED
	if action == CONVERTED_TO_LEAD:
		return CONVERTED if current in AUTOMATIC_STATUSES else current
	raise ValueError(f"unknown mention action {action!r}; expected one of {', '.join(ACTIONS)}")
