"""Ideas portal: similar-idea lookups, the listing page and a vote, at 2,000 and 20,000 ideas.

Run with the bench's python (bulk-inserts ideas named "BENCH-IDEA-…" and removes them
afterwards unless --keep):

    /opt/frappe-bench/env/bin/python benchmarks/bench_ideas.py --site ideas.localhost
"""

import pickle
import random
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect

PREFIX = "BENCH-IDEA-"
SIZES = (2_000, 20_000)
RUNS = 30
FLAVOURS = (
	"vanilla chocolate strawberry pistachio hazelnut mango lemon caramel coffee mint cherry coconut "
	"raspberry banana cinnamon almond peanut matcha blueberry apricot"
).split()
PRODUCTS = "ice cream|sorbet|frozen yoghurt|milkshake|waffle cone|popsicle|sundae|gelato|cake|cookie".split(
	"|"
)
TWISTS = (
	"with oat milk|sugar free|vegan|in a family pack|with crunchy pieces|low fat|in a glass jar|"
	"for kids|with real fruit|in a paper cup|without gluten|extra creamy"
).split("|")
WORDS = (
	"please make taste summer winter shop customers family children healthy would love buy every week "
	"store flavour packaging price size fresh natural organic local"
).split()
QUERIES = (
	"Vanilla ice cream with oat milk",
	"Sugar free mango sorbet for kids",
	"A cinnamon waffle cone without gluten",
	"Recyclable cups for the milkshakes",
)


def timed(fn, runs=RUNS):
	times = []
	for _ in range(runs):
		start = time.perf_counter()
		fn()
		times.append((time.perf_counter() - start) * 1000)
	times.sort()
	return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
	args = connect(__doc__)
	import frappe

	from social_crm.ideas import portal, similar, voting

	cleanup(frappe)
	rng = random.Random(11)
	inserted = 0
	rows = []
	try:
		for size in SIZES:
			insert(frappe, rng, inserted, size - inserted)
			inserted = size
			frappe.db.commit()  # nosemgrep: benchmark data must be visible to the measured queries

			similar.invalidate()
			start = time.perf_counter()
			similar.get_index()  # first lookup after a change: build + store in Redis
			build_ms = (time.perf_counter() - start) * 1000
			pickled_mb = len(pickle.dumps(similar._process_cache[frappe.local.site][1])) / 1e6
			similar._process_cache.clear()
			frappe.local.cache = {}
			start = time.perf_counter()
			similar.get_index()  # another worker's first lookup: unpickle from Redis
			load_ms = (time.perf_counter() - start) * 1000

			def lookup():
				for query in QUERIES:
					similar.suggest(query)

			lookup_med, lookup_p95 = timed(lookup, 10)

			def listing():
				portal.list_ideas(sort="top")
				portal.list_ideas(query="oat milk", status="open")

			list_med, list_p95 = timed(listing)

			target = frappe.db.get_value("Idea", {"name": ("like", PREFIX + "%")})
			frappe.set_user("Administrator")

			def vote_and_undo():
				voting.cast_vote(target)
				voting.undo_vote(target)

			vote_med, _ = timed(vote_and_undo, 20)
			frappe.db.rollback()
			rows.append(
				(
					size,
					build_ms,
					load_ms,
					pickled_mb,
					lookup_med / 4,
					lookup_p95 / 4,
					list_med / 2,
					list_p95 / 2,
					vote_med / 2,
				)
			)
			print(rows[-1], flush=True)
	finally:
		if not args.keep:
			cleanup(frappe)
			similar.invalidate()
			frappe.db.commit()  # nosemgrep: benchmark clean-up

	print(
		"| ideas in table | index build | index load (other worker) | index size | lookup median "
		"| lookup p95 | listing median | listing p95 | vote (or undo) |"
	)
	print("|---|---|---|---|---|---|---|---|---|")
	for size, build, load, mb, lm, lp, pm, pp, vm in rows:
		print(
			f"| {size:,} | {build:,.0f} ms | {load:,.0f} ms | {mb:.1f} MB | {lm:.1f} ms | {lp:.1f} ms | {pm:.1f} ms | {pp:.1f} ms | {vm:.1f} ms |"
		)


def insert(frappe, rng, start, count):
	from frappe.utils import add_to_date, now_datetime

	now = now_datetime()
	fields = [
		"name",
		"title",
		"description",
		"status",
		"is_public",
		"vote_count",
		"weighted_votes",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
	]
	batch = []
	for i in range(start, start + count):
		title = f"{rng.choice(FLAVOURS).title()} {rng.choice(PRODUCTS)} {rng.choice(TWISTS)}"
		description = " ".join(rng.choice(WORDS + FLAVOURS) for _ in range(rng.randint(8, 30)))
		created = add_to_date(now, minutes=-rng.randint(0, 60 * 24 * 365))
		votes = rng.randint(0, 200)
		batch.append(
			(
				f"{PREFIX}{i:06d}",
				title,
				description,
				rng.choice(("Open", "Open", "Under Review", "Planned")),
				1,
				votes,
				float(votes),
				created,
				created,
				"Administrator",
				"Administrator",
				0,
			)
		)
		if len(batch) >= 5_000:
			frappe.db.bulk_insert("Idea", fields, batch)
			batch = []
	if batch:
		frappe.db.bulk_insert("Idea", fields, batch)


def cleanup(frappe):
	frappe.db.sql("delete from `tabIdea Vote` where idea like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabIdea` where name like %s", PREFIX + "%")
	frappe.db.commit()  # nosemgrep: benchmark clean-up


if __name__ == "__main__":
	main()
