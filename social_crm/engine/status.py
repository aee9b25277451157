"""Mention status: the one function that decides the automatic statuses.

``New``, ``Linked`` and ``Needs Review`` follow the author: Linked while the mention has a
party, Needs Review while its unlinked author waits in the linking review queue, else New.
``Converted``, ``Responded`` and ``Ignored`` are set by people (or their actions) and are
never changed automatically. The Mention controller, the ingest pipeline and the bulk
writers of the linking jobs all call :func:`mention_status` / :func:`status_changes`.
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
