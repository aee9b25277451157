from dataclasses import dataclass

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.ideas.ranking import (
	RankedIdea,
	customer_weight,
	ensure_can_vote,
	merge_votes,
	rank_ideas,
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


VOTES = [
	("A", "u1@example.com", None),
	("A", "u2@example.com", None),
	("A", "u3@example.com", None),
	("A", "U1@Example.com ", None),  # same voter again
	("B", "buyer@big.example", "BIG"),
	("B", "u4@example.com", None),
	("C", "x@small.example", "SMALL"),
	("C", "y@small.example", "SMALL"),
]
REVENUE = {"BIG": 99_000, "SMALL": 0}


def test_rank_by_votes_counts_each_voter_once():
	ranked = rank_ideas(VOTES, ideas=["D"])
	assert ranked == [
		RankedIdea("A", 1, 3, 3.0),
		RankedIdea("B", 2, 2, 2.0),
		RankedIdea("C", 2, 2, 2.0),
		RankedIdea("D", 4, 0, 0.0),
	]


def test_rank_by_customer_value():
	ranked = rank_ideas(VOTES, REVENUE, weighted=True)
	assert [(r.idea, r.rank, r.votes, r.weighted) for r in ranked] == [
		("B", 1, 2, 4.0),
		("A", 2, 3, 3.0),
		("C", 3, 2, 2.0),
	]


def test_unweighted_ties_break_on_weight_then_id():
	ranked = rank_ideas([("Z", "a", "BIG"), ("Y", "b", None), ("X", "c", None)], REVENUE)
	assert [(r.idea, r.rank) for r in ranked] == [("Z", 1), ("X", 2), ("Y", 2)]


def test_two_tuple_votes_and_empty_voters():
	ranked = rank_ideas([("A", "v"), ("A", ""), ("A", None), ("B", "v")])
	assert [(r.idea, r.votes) for r in ranked] == [("A", 1), ("B", 1)]


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
