"""Top Authors: the choice of how to count the authors from cheap counts (engine rules)."""

import math

from social_crm.engine.insight.top_authors import (
	EMPTY,
	GROUPED,
	MENTION_COST,
	MENTIONS_COUNTED,
	PROBE_COST,
	PROFILES,
	PROFILES_COUNTED,
	WALK,
	mentions_to_count,
	plan,
	posted_share,
	walk_probes,
)

PROFILES_1M = 20_000  # bench_10m.py: rows / 50 profiles


def test_nothing_to_show_needs_no_query():
	assert plan(100, 0, PROFILES_1M) == EMPTY  # no mention in the range (platform)
	assert plan(100, 0, PROFILES_1M, matching=5) == EMPTY
	assert plan(100, 5_000, PROFILES_1M, matching=0) == EMPTY  # nobody passes the filters
	assert plan(1000, MENTIONS_COUNTED + 1, PROFILES_1M, matching=0) == EMPTY
	assert mentions_to_count(100, PROFILES_1M, matching=0) == 1  # one entry tells "none" from "some"


def test_posted_share_is_the_poisson_share():
	assert posted_share(0, 100) == 0
	assert math.isclose(posted_share(100, 100), 1 - math.exp(-1))
	assert posted_share(10**6, 100) == 1
	assert posted_share(5, 0) == posted_share(5, 1)  # no profiles counted: no division by zero


def test_walk_probes_all_candidates_when_too_few_posted():
	# half the profiles posted: 100 authors take about 200 probes
	share = posted_share(13_863, 20_000)
	assert math.isclose(walk_probes(100, 13_863, 20_000, 20_000), 100 / share)
	# 50 candidates, about 25 of them posted: the walk probes every one for 100 authors
	assert walk_probes(100, 13_863, 20_000, 50) == 50


def test_a_day_of_a_rare_platform_is_grouped():
	# 1M: one day on one platform is ~1,400 mentions; walking for 1,000 authors would probe ~15,000
	assert plan(1000, 1_434, PROFILES_1M) == GROUPED
	assert plan(100, 1_434, PROFILES_1M) == GROUPED
	assert plan(1, 30, PROFILES_1M) == GROUPED  # a handful of mentions


def test_a_busy_range_is_walked():
	# the default 30 days: more mentions than were counted; most walks end in their first batch
	counted = mentions_to_count(100, PROFILES_1M)
	assert plan(100, counted + 1, PROFILES_1M) == WALK
	# 1M, one whole day (~8,000 mentions, a third of the profiles posted) for the first 100
	assert plan(100, 8_000, PROFILES_1M) == WALK
	# 10M: one day of one platform (~17,000 mentions of 200,000 profiles), the first 1,000
	assert plan(1000, 17_000, 200_000) == WALK


def test_few_matching_profiles_are_counted_directly():
	# linked profiles: 300 of them; the range is busy: count their mentions, no walk
	assert plan(100, MENTIONS_COUNTED + 1, PROFILES_1M, matching=300) == PROFILES
	assert plan(1000, MENTIONS_COUNTED + 1, PROFILES_1M, matching=PROFILES_COUNTED) == PROFILES
	# too many to have been counted: they are walked
	assert plan(100, MENTIONS_COUNTED + 1, PROFILES_1M, matching=PROFILES_COUNTED + 1) == WALK
	# a few mentions are cheaper to group than 2,000 profiles to count
	assert plan(100, 50, PROFILES_1M, matching=PROFILES_COUNTED) == GROUPED


def test_the_cheapest_estimate_wins():
	for needed in (1, 10, 100, 1000):
		for profiles in (10, 1_000, 20_000, 200_000, 2_000_000):
			for mentions in (1, 10, 500, 5_000, 9_999, 10_000):
				chosen = plan(needed, mentions, profiles)
				walk_cost = walk_probes(needed, mentions, profiles, profiles) * PROBE_COST
				grouped_cost = mentions * MENTION_COST
				assert chosen == (GROUPED if grouped_cost <= walk_cost else WALK)
				# counted as far as it matters: beyond the bound grouping would not win
				assert (chosen == GROUPED) == (mentions <= mentions_to_count(needed, profiles))


def test_mentions_are_counted_as_far_as_grouping_can_win():
	cases = ((100, PROFILES_1M, None), (1000, 200_000, None), (10, 500, 40), (100, PROFILES_1M, 1))
	for needed, profiles, matching in cases:
		cap = mentions_to_count(needed, profiles, matching)
		assert 1 <= cap <= MENTIONS_COUNTED
		assert plan(needed, cap, profiles, matching) == GROUPED
		if cap < MENTIONS_COUNTED:
			# one more (exact) mention and the walk or the profiles are cheaper already
			assert plan(needed, cap + 1, profiles, matching) in (WALK, PROFILES)
	# the first 100 of 20,000 profiles: grouping pays up to a few thousand mentions only
	assert 1_000 < mentions_to_count(100, PROFILES_1M) < 5_000
	# for 1,000 authors grouping stays cheaper up to the bound
	assert mentions_to_count(1000, PROFILES_1M) == MENTIONS_COUNTED
	# one candidate profile: counting it is cheaper than grouping more than a few mentions
	assert mentions_to_count(100, PROFILES_1M, matching=1) < 10
