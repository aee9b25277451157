"""Identity resolution benchmark: accuracy of auto-links on a labelled set, and scoring time.

Run from the repository root::

    python benchmarks/bench_identity.py            # print the results
    python benchmarks/bench_identity.py --write    # also update benchmarks/README.md

Candidates are fetched the way the Frappe layer does it: equality lookups on handle,
email, domain and name key (an in-memory index stands in for the indexed fields), then
:func:`~social_crm.engine.identity.rank` decides. A link counts as correct only when it
names the labelled party itself (a Contact's Customer is not the Contact).
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from identity_dataset import Dataset, filler_parties, make_dataset

from social_crm.engine.identity import (
	AUTO_LINK_THRESHOLD,
	REVIEW_THRESHOLD,
	LookupKeys,
	PartyFacts,
	lookup_keys,
	party_lookup_keys,
	rank,
)

SECTION = "## Identity resolution (accuracy)"
README = ROOT / "benchmarks" / "README.md"
# Like a LIMIT on each indexed query: a very common name must not pull in thousands of rows.
MAX_CANDIDATES_PER_KEY = 25
PRECISION_GOAL = 0.98


class CandidateIndex:
	"""In-memory stand-in for the indexed fields the Frappe layer queries (equality only)."""

	def __init__(self, parties: list[PartyFacts]):
		self.parties = {party.key: party for party in parties}
		self.by_handle: dict[tuple[str, str], list] = defaultdict(list)
		self.by_email: dict[str, list] = defaultdict(list)
		self.by_domain: dict[str, list] = defaultdict(list)
		self.by_name_key: dict[str, list] = defaultdict(list)
		self.by_customer_name_key: dict[tuple[str, str], list] = defaultdict(list)
		for party in parties:
			keys = party_lookup_keys(party)
			for handle in keys.handles:
				self.by_handle[handle].append(party.key)
			for email in keys.emails:
				self.by_email[email].append(party.key)
			for domain in keys.domains:
				self.by_domain[domain].append(party.key)
			for key in keys.name_keys:
				self.by_name_key[key].append(party.key)
				if party.customer:
					self.by_customer_name_key[(party.customer, key)].append(party.key)

	def candidates(self, keys: LookupKeys) -> list[PartyFacts]:
		found: dict[tuple[str, str], None] = {}
		for bucket, values in (
			(self.by_handle, keys.handles),
			(self.by_email, keys.emails),
			(self.by_domain, keys.domains),
			(self.by_name_key, keys.name_keys),
		):
			for value in values:
				for key in bucket.get(value, ())[:MAX_CANDIDATES_PER_KEY]:
					found[key] = None
		# Contacts of the Customers found so far whose name key matches: a common name can
		# overflow the per-key limit above, this query (customer + name key) cannot.
		customers = [name for party_type, name in found if party_type == "Customer"]
		for customer in customers:
			for value in keys.name_keys:
				for key in self.by_customer_name_key.get((customer, value), ())[:MAX_CANDIDATES_PER_KEY]:
					found[key] = None
		# A Contact's Customer comes along, so both can be reported.
		for party_type, name in list(found):
			customer = self.parties[(party_type, name)].customer
			if customer and ("Customer", customer) in self.parties:
				found[("Customer", customer)] = None
		return [self.parties[key] for key in found]


def evaluate(dataset: Dataset, parties: list[PartyFacts] | None = None) -> dict:
	"""Run every labelled profile through lookup -> candidates -> rank and count the outcomes."""
	index = CandidateIndex(parties if parties is not None else dataset.parties)
	timings = []
	per_case: dict[str, Counter] = defaultdict(Counter)
	totals = Counter()
	pairs = 0
	for labelled in dataset.profiles:
		started = time.perf_counter()
		keys = lookup_keys(labelled.profile)
		candidates = index.candidates(keys)
		decision = rank(labelled.profile, candidates, AUTO_LINK_THRESHOLD, REVIEW_THRESHOLD)
		timings.append(time.perf_counter() - started)
		pairs += len(candidates)

		truth = labelled.truth
		counts = per_case[labelled.case]
		for counter in (counts, totals):
			counter["profiles"] += 1
			counter["with_owner"] += truth is not None
			counter[decision.action] += 1
			if decision.action == "link":
				counter["link_correct" if decision.best.key == truth else "link_wrong"] += 1
			if decision.action == "review" and truth in {c.key for c in decision.candidates}:
				counter["review_has_owner"] += 1
			if truth is not None and truth in {c.key for c in candidates}:
				counter["owner_fetched"] += 1
	return {"totals": totals, "per_case": per_case, "timings": timings, "pairs": pairs}


def at_scale(dataset: Dataset, sizes=(1_000, 100_000), repeats: int = 3) -> dict[int, dict]:
	"""Time per profile and accuracy with the site grown to ``size`` parties.

	The fillers are unrelated people and companies, but their names come from the same
	pools, so common names get many namesakes, as on a real site.
	"""
	results = {}
	for size in sizes:
		extra = max(0, size - len(dataset.parties))
		# Fillers first: the per-key limit then cuts the labelled parties, not the fillers (worst case).
		parties = filler_parties(extra) + dataset.parties
		index = CandidateIndex(parties)
		timings = []
		fetched = 0
		for _ in range(repeats):
			for labelled in dataset.profiles:
				started = time.perf_counter()
				candidates = index.candidates(lookup_keys(labelled.profile))
				rank(labelled.profile, candidates)
				timings.append(time.perf_counter() - started)
				fetched += len(candidates)
		summary = summarize(evaluate(dataset, parties))
		results[size] = {
			"parties": len(parties),
			"median_ms": _ms(statistics.median(timings)),
			"p95_ms": _ms(_p95(timings)),
			"candidates": round(fetched / len(timings), 1),
			"link_precision": summary["link_precision"],
			"link_recall": summary["link_recall"],
			"review_rate": summary["review_rate"],
		}
	return results


def _p95(values: list[float]) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _ms(seconds: float) -> float:
	return round(seconds * 1000, 3)


def _ratio(part: int, whole: int) -> float:
	return round(part / whole, 4) if whole else 0.0


def summarize(result: dict) -> dict:
	totals = result["totals"]
	links = totals["link"]
	return {
		"profiles": totals["profiles"],
		"with_owner": totals["with_owner"],
		"pairs_scored": result["pairs"],
		"links": links,
		"link_precision": _ratio(totals["link_correct"], links) if links else 1.0,
		"link_recall": _ratio(totals["link_correct"], totals["with_owner"]),
		"review_rate": _ratio(totals["review"], totals["profiles"]),
		"review_has_owner": _ratio(totals["review_has_owner"], totals["review"]),
		"none_rate": _ratio(totals["none"], totals["profiles"]),
		"owner_fetched": _ratio(totals["owner_fetched"], totals["with_owner"]),
		"median_ms": _ms(statistics.median(result["timings"])),
		"p95_ms": _ms(_p95(result["timings"])),
	}


def render(dataset: Dataset, summary: dict, result: dict, scale: dict[int, dict]) -> str:
	s = summary
	metrics = [
		(
			f"precision of auto-links (goal ≥ {PRECISION_GOAL})",
			f"**{s['link_precision']:.4f}** ({s['links']} links)",
		),
		("recall of auto-links (of profiles with an owner)", f"{s['link_recall']:.4f}"),
		("review-queue rate (of all profiles)", f"{s['review_rate']:.4f}"),
		("reviews that list the true owner", f"{s['review_has_owner']:.4f}"),
		("left unlinked (of all profiles)", f"{s['none_rate']:.4f}"),
		("true owner among the fetched candidates", f"{s['owner_fetched']:.4f}"),
		(
			"time per profile: lookup keys + fetch + rank, median / p95",
			f"{s['median_ms']} ms / {s['p95_ms']} ms",
		),
	]
	lines = [
		SECTION,
		"",
		"`python benchmarks/bench_identity.py --write` (engine only, no site). Labelled set from",
		f"`benchmarks/identity_dataset.py`, seed {dataset.seed}: {len(dataset.parties)} parties,",
		f"{s['profiles']} profiles ({s['with_owner']} with a true owner), {s['pairs_scored']} profile/party",
		"pairs scored. Candidates come from equality lookups only (handle, email, domain, name key,",
		f"Contacts by customer + name key; at most {MAX_CANDIDATES_PER_KEY} rows per key).",
		f"Thresholds: auto-link {AUTO_LINK_THRESHOLD}, review {REVIEW_THRESHOLD}.",
		"A link is correct only if it names the labelled party itself.",
		"",
		"The set is synthetic and written with the scorer in mind, so read precision as a",
		"regression guard, not a field measurement. `namesake_same_company` (two people of one",
		"name at one company, only one in the CRM) is wrong by construction: nothing tells them apart.",
		"",
		"| metric | value |",
		"| --- | --- |",
		*[f"| {label} | {value} |" for label, value in metrics],
		"",
		"Per case (link ✓ = linked to the true owner, link ✗ = linked to another party):",
		"",
		"| case | profiles | link ✓ | link ✗ | review | none |",
		"| --- | ---: | ---: | ---: | ---: | ---: |",
	]
	for case, counts in sorted(result["per_case"].items()):
		lines.append(
			f"| {case} | {counts['profiles']} | {counts['link_correct']} | {counts['link_wrong']} | "
			f"{counts['review']} | {counts['none']} |"
		)
	if scale:
		lines += [
			"",
			"The same profiles with the site grown by unrelated parties whose names come from the same",
			"pools (so common names get dozens of namesakes; fillers come first, so the per-key limit",
			"cuts labelled parties, the worst case). Time covers lookup keys, the in-memory fetch and",
			"rank; it grows with the candidates per profile, which the per-key limit bounds:",
			"",
			"| parties | candidates / profile | median | p95 | link precision | link recall | review rate |",
			"| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
		]
		for row in scale.values():
			lines.append(
				f"| {row['parties']:,} | {row['candidates']} | {row['median_ms']} ms | {row['p95_ms']} ms | "
				f"{row['link_precision']:.4f} | {row['link_recall']:.4f} | {row['review_rate']:.4f} |"
			)
		first, last = next(iter(scale.values())), list(scale.values())[-1]
		if len(scale) >= 2 and first["median_ms"]:
			ratio = last["median_ms"] / first["median_ms"]
			lines += [
				"",
				f"Median ratio {last['parties']:,} / {first['parties']:,} parties: {ratio:.2f} (engine only,",
				"in-memory fetch; the match job's database time is measured with the Frappe layer).",
			]
	lines += ["", f"Measured with Python {sys.version.split()[0]} on the development machine."]
	return "\n".join(lines) + "\n"


def write_section(text: str, path: pathlib.Path = README) -> None:
	"""Replace our section in the README (up to the next ``## `` heading) or append it; keep the rest."""
	existing = path.read_text() if path.exists() else "# Benchmarks\n"
	if SECTION in existing:
		start = existing.index(SECTION)
		next_heading = existing.find("\n## ", start + len(SECTION))
		end = len(existing) if next_heading == -1 else next_heading + 1
		updated = existing[:start] + text + ("\n" if next_heading != -1 else "") + existing[end:]
	else:
		updated = existing.rstrip("\n") + "\n\n" + text
	path.write_text(updated)


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--seed", type=int, default=42)
	parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
	parser.add_argument("--no-scale", action="store_true", help="skip the 1,000 / 100,000 parties timing")
	args = parser.parse_args(argv)

	dataset = make_dataset(args.seed)
	result = evaluate(dataset)
	summary = summarize(result)
	scale = {} if args.no_scale else at_scale(dataset)
	text = render(dataset, summary, result, scale)
	print(text)
	if args.write:
		write_section(text)
		print(f"updated {README.relative_to(ROOT)}")
	return 0 if summary["link_precision"] >= PRECISION_GOAL else 1


if __name__ == "__main__":
	sys.exit(main())
