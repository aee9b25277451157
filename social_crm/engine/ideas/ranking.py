"""Idea ordering, vote weights, vote merging and validation of submitted ideas.

Customer-value weighting. A vote by a customer counts a whole number of votes, its
*tier*::

    weight = min(cap, 1 + floor(log10(1 + revenue / unit)))

where ``revenue`` is what the customer was billed in the last 12 months (submitted
Sales Invoices, company currency) and ``unit`` a revenue step (default 1,000). Votes of
prospects, portal users without a customer and customers with no revenue count 1, so
the weighted ranking never counts anyone as less than a plain vote. Each tenfold of
revenue adds one vote (1 below 9 units, 2 from 9 units, 3 from 99 units, e.g. 99,000),
so one large account cannot outvote a crowd of small ones; the cap (default 3) bounds
any single voter at three votes. Credit notes that make revenue negative count as no
revenue. The weight is stored on the vote and shown to people who may not read
invoices: being a tier, it tells the revenue's decade, never an amount that could be
worked back from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import InvalidRecord
from ..text import html_to_text, normalize_whitespace

DEFAULT_UNIT = 1_000.0
DEFAULT_CAP = 3.0

MIN_TITLE_CHARS = 5
MAX_TITLE_CHARS = 140
MAX_DESCRIPTION_CHARS = 5_000
MAX_RAW_CHARS = 50_000  # raw input (HTML included) beyond this is rejected before parsing

IDEA_STATUSES = ("Open", "Under Review", "Planned", "In Progress", "Implemented", "Declined", "Duplicate")
VOTING_STATUSES = ("Open", "Under Review", "Planned", "In Progress")


def customer_weight(revenue: float | None, unit: float = DEFAULT_UNIT, cap: float = DEFAULT_CAP) -> float:
	"""Vote weight tier for a customer billed ``revenue`` in the last 12 months (see the module doc)."""
	if unit <= 0:
		raise InvalidRecord("revenue unit must be positive", "unit")
	if cap < 1:
		raise InvalidRecord("weight cap must be at least 1", "cap")
	revenue = float(revenue or 0.0)
	if math.isnan(revenue) or revenue <= 0:
		return 1.0
	if math.isinf(revenue):
		return float(math.floor(cap))
	# whole decades of (1 + revenue / unit), counted by comparison: no float log at a boundary
	steps = 1.0 + revenue / unit
	tier = 1
	while tier < cap and steps >= 10.0**tier:
		tier += 1
	return float(min(tier, math.floor(cap)))


SORTS = ("top", "new")


def idea_order(sort: str, weighted: bool) -> tuple[tuple[str, bool], ...]:
	"""How a list of ideas is ordered: ``(field, descending)`` pairs, most significant first.

	"top" (the default for an unknown ``sort``): by the stored vote count, or by the weighted
	votes when ``weighted``, the other measure breaking ties, then newest first; "new":
	newest first. The portal turns these into its SQL ``order by`` (the fields are indexed
	columns of Idea, so a page is read without sorting every idea in Python).
	"""
	if sort == "new":
		return (("creation", True),)
	measures = ("weighted_votes", "vote_count") if weighted else ("vote_count", "weighted_votes")
	return (*((field, True) for field in measures), ("creation", True))


def merge_votes(target_votes: Iterable[Any], duplicate_votes: Iterable[Any]) -> tuple[list[Any], list[Any]]:
	"""Split the duplicate idea's votes into (moved, skipped_as_duplicate_voter).

	A vote moves to the target unless its voter already voted there (or appears twice
	among the duplicate's votes): every voter is counted once. Votes are voter ids or
	rows with a ``voter`` key/attribute; voter ids compare case-insensitively (emails).
	"""
	voters = {_voter_key(_voter_of(vote)) for vote in target_votes}
	moved, skipped = [], []
	for vote in duplicate_votes:
		voter = _voter_key(_voter_of(vote))
		if not voter or voter in voters:
			skipped.append(vote)
		else:
			voters.add(voter)
			moved.append(vote)
	return moved, skipped


def _voter_of(vote: Any) -> Any:
	if isinstance(vote, str):
		return vote
	if isinstance(vote, Mapping):
		return vote.get("voter")
	if isinstance(vote, tuple | list):
		return vote[0] if vote else None
	return getattr(vote, "voter", None)


def _voter_key(voter: Any) -> str:
	return str(voter or "").strip().casefold()


def validate_idea(title: Any, description: Any = "") -> tuple[str, str]:
	"""Return (title, description) as safe plain text, or raise InvalidRecord naming the field.

	HTML is reduced to text (script and style content dropped). The title must have
	5 to 140 characters and contain a letter or digit; the description is optional and
	at most 5,000 characters. Input is rejected, not cut, so nobody loses text unseen.
	"""
	if title is not None and not isinstance(title, str):
		raise InvalidRecord("title must be text", "title")
	if description is not None and not isinstance(description, str):
		raise InvalidRecord("description must be text", "description")
	for name, value in (("title", title or ""), ("description", description or "")):
		if len(value) > MAX_RAW_CHARS:
			raise InvalidRecord(
				f"{name} is far too long (over {MAX_RAW_CHARS} characters)",
				name,
				code="idea.far_too_long",
			)

	clean_title = normalize_whitespace(html_to_text(title).replace("\n", " "))
	if not clean_title:
		raise InvalidRecord("title is empty", "title", code="idea.title_empty")
	if len(clean_title) < MIN_TITLE_CHARS:
		raise InvalidRecord(
			f"title is too short (at least {MIN_TITLE_CHARS} characters)",
			"title",
			code="idea.title_too_short",
			min=MIN_TITLE_CHARS,
		)
	if len(clean_title) > MAX_TITLE_CHARS:
		raise InvalidRecord(
			f"title is too long ({len(clean_title)} characters, at most {MAX_TITLE_CHARS})",
			"title",
			code="idea.title_too_long",
			max=MAX_TITLE_CHARS,
		)
	if not any(ch.isalnum() for ch in clean_title):
		raise InvalidRecord("title must contain letters or digits", "title", code="idea.title_no_letters")

	clean_description = html_to_text(description)
	if len(clean_description) > MAX_DESCRIPTION_CHARS:
		raise InvalidRecord(
			f"description is too long ({len(clean_description)} characters, at most {MAX_DESCRIPTION_CHARS})",
			"description",
			code="idea.description_too_long",
			max=MAX_DESCRIPTION_CHARS,
		)
	return clean_title, clean_description


def ensure_can_vote(status: str) -> None:
	"""Raise InvalidRecord when an idea in ``status`` no longer takes votes."""
	if status not in IDEA_STATUSES:
		raise InvalidRecord(f"unknown idea status {str(status)[:40]!r}", "status")
	if status not in VOTING_STATUSES:
		raise InvalidRecord(
			f"voting is closed: this idea is {status.lower()}",
			"status",
			code="idea.voting_closed",
			status=status,
		)
