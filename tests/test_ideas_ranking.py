from dataclasses import dataclass

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.ideas.ranking import (
	customer_weight,
	ensure_can_vote,
	idea_order,
	merge_votes,
	validate_idea,
)


def test_customer_weight():
	assert customer_weight(0) == 1.0
	assert customer_weight(None) == 1.0
	assert customer_weight(-5_000) == 1.0
	assert customer_weight(9_000) == pytest.approx(2.0)
	assert customer_weight(99_000) == pytest.approx(3.0)
	assert customer_weight(10_000_000) == 3.0
	assert customer_weight(1_000) == 1.0  # a tier: below 9 units is one vote
	assert customer_weight(900, unit=100, cap=5) == pytest.approx(2.0)
	with pytest.raises(InvalidRecord):
		customer_weight(10, unit=0)
	with pytest.raises(InvalidRecord):
		customer_weight(10, cap=0.5)


def test_customer_weight_is_a_tier_that_does_not_give_the_revenue_back():
	# the weight stored on a vote is one of a few whole tiers: the decade of the revenue
	assert {customer_weight(r) for r in range(0, 200_001, 250)} == {1.0, 2.0, 3.0}
	# boundaries by comparison, not by a float logarithm
	assert customer_weight(8_999.99) == 1.0
	assert customer_weight(9_000) == 2.0
	assert customer_weight(98_999.99) == 2.0
	assert customer_weight(99_000) == 3.0
	# very different revenues in one tier are indistinguishable from the weight
	assert customer_weight(9_500) == customer_weight(95_000)
	assert customer_weight(100_000) == customer_weight(50_000_000)
	assert customer_weight(float("inf")) == 3.0
	assert customer_weight(float("nan")) == 1.0
	assert customer_weight(5_000_000, unit=100, cap=5) == 5.0
	assert customer_weight(5_000_000, unit=100, cap=2.5) == 2.0


def _ordered(rows, sort, weighted):
	"""Rows sorted as a database applies ``idea_order`` (stable sorts, least significant first)."""
	for field, descending in reversed(idea_order(sort, weighted)):
		rows = sorted(rows, key=lambda row: row[field], reverse=descending)
	return [row["name"] for row in rows]


IDEAS = [
	{"name": "A", "vote_count": 3, "weighted_votes": 3.0, "creation": "2026-01-01"},
	{"name": "B", "vote_count": 2, "weighted_votes": 4.0, "creation": "2026-01-02"},
	{"name": "C", "vote_count": 2, "weighted_votes": 2.0, "creation": "2026-01-04"},
	{"name": "D", "vote_count": 0, "weighted_votes": 0.0, "creation": "2026-01-05"},
	{"name": "E", "vote_count": 2, "weighted_votes": 2.0, "creation": "2026-01-03"},
]


def test_top_orders_by_votes_then_weight_then_newest():
	assert idea_order("top", False) == (("vote_count", True), ("weighted_votes", True), ("creation", True))
	assert _ordered(IDEAS, "top", False) == ["A", "B", "C", "E", "D"]


def test_weighted_top_orders_by_customer_value_first():
	assert idea_order("top", True)[0] == ("weighted_votes", True)
	assert _ordered(IDEAS, "top", True) == ["B", "A", "C", "E", "D"]


def test_new_orders_newest_first_and_unknown_sorts_are_top():
	assert idea_order("new", True) == (("creation", True),)
	assert _ordered(IDEAS, "new", False) == ["D", "C", "E", "B", "A"]
	assert idea_order("bogus", False) == idea_order("top", False)


@dataclass
class Vote:
	voter: str
	name: str


def test_merge_votes_moves_new_voters_and_skips_existing():
	target = ["alice@example.com", {"voter": "bob@example.com"}]
	duplicate = [
		Vote("Bob@Example.com", "V1"),
		Vote("carol@example.com", "V2"),
		Vote("carol@example.com", "V3"),
		Vote("dan@example.com", "V4"),
	]
	moved, skipped = merge_votes(target, duplicate)
	assert [v.name for v in moved] == ["V2", "V4"]
	assert [v.name for v in skipped] == ["V1", "V3"]
	assert len(target) + len(moved) == 4  # alice, bob, carol, dan


def test_merge_votes_edge_cases():
	assert merge_votes([], []) == ([], [])
	assert merge_votes([], ["a", "A"]) == (["a"], ["A"])
	assert merge_votes([("a", 1)], [("b", 2), ("a", 3)]) == ([("b", 2)], [("a", 3)])


def test_validate_idea_cleans_html():
	title, description = validate_idea(
		"  <b>Oat milk</b>\n  for   everyone ",
		"<p>Please</p><script>alert(1)</script><p>soon &amp; cheap</p>",
	)
	assert title == "Oat milk for everyone"
	assert description == "Please\n\nsoon & cheap"
	assert validate_idea("Valid title", None) == ("Valid title", "")


@pytest.mark.parametrize(
	"title, description, field, message",
	[
		("", "", "title", "title is empty"),
		(None, "", "title", "title is empty"),
		("   ", "", "title", "title is empty"),
		("<script>alert('x')</script>", "", "title", "title is empty"),
		("Tea", "", "title", "too short"),
		("x" * 141, "", "title", "title is too long (141 characters, at most 140)"),
		("!!! ??? ...", "", "title", "letters or digits"),
		(42, "", "title", "must be text"),
		("Good title", ["x"], "description", "must be text"),
		("Good title", "y" * 5_001, "description", "description is too long"),
		("Good title", "<i>z</i>" * 10_000, "description", "far too long"),
	],
)
def test_validate_idea_errors(title, description, field, message):
	with pytest.raises(InvalidRecord) as err:
		validate_idea(title, description)
	assert err.value.field == field
	assert message in str(err.value)


def test_voting_only_on_open_ideas():
	for status in ("Open", "Under Review", "Planned", "In Progress"):
		ensure_can_vote(status)
	for status in ("Implemented", "Declined", "Duplicate"):
		with pytest.raises(InvalidRecord, match="voting is closed"):
			ensure_can_vote(status)
	with pytest.raises(InvalidRecord, match="unknown idea status"):
		ensure_can_vote("Archived")
