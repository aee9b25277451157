"""Top Authors: which way the report counts its authors, chosen from cheap counts (issue 14).

The report (``social_crm/social_crm/report/top_authors``) has three exact ways to find its
rows for a user without a row condition on Mention, each cheap for other data:

* ``GROUPED`` — one grouped query over every mention of the range (a row lookup each):
  its cost grows with the range's mentions (the platform's, with a platform filter);
* ``PROFILES`` — the mentions of every profile that passes the author filters (linked,
  party type, minimum influence) counted through the ``(author, posted_at, ...)`` index:
  grows with those profiles;
* ``WALK`` — the profiles walked in influence order, the candidates' mentions counted until
  the report's rows are known: grows with the profiles probed, about ``needed`` / (share of
  the profiles that posted in the range);

and ``EMPTY`` at once when the range (platform) has no mention or no profile passes the
author filters. :func:`plan` compares their estimated costs; a wrong estimate costs time,
never exactness (every way gives the grouped query's rows).
"""

import math

EMPTY = "empty"
GROUPED = "grouped"
PROFILES = "profiles"
WALK = "walk"

# estimated cost per unit (microseconds), measured at 1M mentions (benchmarks/README.md, Top Authors)
MENTION_COST = 5.0  # the grouped query, per mention of the range (a row lookup, grouped per author)
PROBE_COST = 20.0  # the walk, per profile probed (index, its mentions counted, its fields)
PROFILE_COST = 20.0  # PROFILES, per profile that passes the author filters
SCAN_COST = 0.5  # the walk, per profile it passes over because the author filters leave it out
# the counts are bounded: the range's mentions are counted up to mentions_to_count() (an
# index range of at most MENTIONS_COUNTED entries), the profiles passing the author filters
# up to PROFILES_COUNTED; a count above its bound means "at least that many"
MENTIONS_COUNTED = 10_000
PROFILES_COUNTED = 2_000


def posted_share(mentions: int, profiles: int) -> float:
	"""The expected share of ``profiles`` profiles with at least one of ``mentions`` mentions
	if they were spread evenly over them (Poisson: 1 - e^(-mentions / profiles))."""
	return 1.0 - math.exp(-mentions / max(profiles, 1))


def walk_probes(needed: int, mentions: int, profiles: int, candidates: int) -> float:
	"""Profiles the walk is expected to probe to find ``needed`` authors among ``candidates``
	profiles (those passing the author filters) of ``profiles``: all of them when fewer are
	expected to have posted than are needed."""
	share = posted_share(mentions, profiles)
	if share * candidates < needed:
		return float(candidates)
	return needed / share


def _costs(needed: int, mentions: int, profiles: int, matching: int | None) -> dict[str, float]:
	"""{strategy: estimated cost} of PROFILES, GROUPED and WALK (in this order) for
	``mentions`` mentions in the range; PROFILES is unknown (inf) when they were too many to
	count. The walk passes over the profiles the author filters leave out (in influence order)."""
	known = matching is not None and matching <= PROFILES_COUNTED
	profiles = max(profiles, matching or 0, 1)
	candidates = matching if known else profiles
	probes = walk_probes(needed, mentions, profiles, candidates)
	passed_over = min(probes * profiles / candidates, profiles) - probes  # in influence order
	return {
		PROFILES: candidates * PROFILE_COST if known else math.inf,
		GROUPED: mentions * MENTION_COST,
		WALK: probes * PROBE_COST + passed_over * SCAN_COST,
	}


def _cheapest(costs: dict[str, float]) -> str:
	return min(costs, key=costs.get)  # on a tie the first: fewest queries


def _grouped_wins(needed: int, mentions: int, profiles: int, matching: int | None) -> bool:
	return _cheapest(_costs(needed, mentions, profiles, matching)) == GROUPED


def mentions_to_count(needed: int, profiles: int, matching: int | None = None) -> int:
	"""How far the range's mentions are worth counting: the most mentions at which grouping
	them can still be the cheapest way (grouping grows with them, the walk gets cheaper), at
	most ``MENTIONS_COUNTED`` and at least 1 (no mention at all: nobody to show). Beyond it
	the count stops: more mentions than that never choose GROUPED."""
	if matching == 0 or needed <= 0:
		return 1  # nobody to show whatever the mentions
	if _grouped_wins(needed, MENTIONS_COUNTED, profiles, matching):
		return MENTIONS_COUNTED
	low, high = 1, MENTIONS_COUNTED  # grouping wins at `low` (or low is 1), loses at `high`
	while high - low > 1:
		middle = (low + high) // 2
		if _grouped_wins(needed, middle, profiles, matching):
			low = middle
		else:
			high = middle
	return low


def plan(needed: int, mentions: int, profiles: int, matching: int | None = None) -> str:
	"""The cheapest way (``EMPTY``, ``GROUPED``, ``PROFILES`` or ``WALK``) to count the
	report's authors.

	``needed``: the report's limit; ``mentions``: the range's mentions (with the platform
	filter) counted up to :func:`mentions_to_count` (more: at least that many, too many to
	group); ``profiles``: the number of Social Profiles (an estimate will do); ``matching``:
	the profiles that pass the author filters counted up to ``PROFILES_COUNTED``, ``None``
	without such filters."""
	if mentions <= 0 or matching == 0 or needed <= 0:
		return EMPTY
	costs = _costs(needed, mentions, profiles, matching)
	if mentions > mentions_to_count(needed, profiles, matching):
		costs[GROUPED] = math.inf  # the walk's estimate takes the lower bound of the mentions
	return _cheapest(costs)
