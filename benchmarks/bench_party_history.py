"""Server time of a Customer form's social parts (timeline entries + summary).

A customer with 5,000 mentions, in a Mention table of 20,000 and then 200,000 rows.
Run with the bench's python:

    /opt/frappe-bench/env/bin/python benchmarks/bench_party_history.py --site social.localhost

Rows are bulk-inserted with the prefix "bench-ph-" and removed at the end (unless --keep).
"""

import random
import statistics
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect, tree_leaf

PREFIX = "bench-ph-"
CUSTOMER_MENTIONS = 5_000
SIZES = (20_000, 200_000)
RUNS = 30


def main():
	args = connect(__doc__)
	import frappe
	from frappe.utils import now_datetime

	from social_crm.api.social_history import get_social_summary
	from social_crm.overrides.party import get_mention_timeline

	cleanup(frappe)
	customer = ensure_customer(frappe)
	others = [ensure_customer(frappe, f"Bench Other {i}") for i in range(20)]
	profile = make_profile(frappe, "Customer", customer, "main")
	other_profiles = [make_profile(frappe, "Customer", c, f"o{i}") for i, c in enumerate(others)]
	unlinked = [make_profile(frappe, None, None, f"u{i}") for i in range(50)]
	frappe.db.commit()  # nosemgrep: benchmark data must be visible to the measured queries

	rng = random.Random(7)
	now = now_datetime()
	inserted = 0
	results = []
	insert(frappe, profile, "Customer", customer, CUSTOMER_MENTIONS, rng, now, start=0)
	inserted += CUSTOMER_MENTIONS
	for size in SIZES:
		fill = size - inserted
		batch = 10_000
		while fill > 0:
			n = min(batch, fill)
			author = rng.choice(other_profiles + unlinked)
			party_type, party = frappe.db.get_value("Social Profile", author, ["party_type", "party"])
			insert(frappe, author, party_type, party, n, rng, now, start=inserted)
			inserted += n
			fill -= n
		frappe.db.commit()  # nosemgrep
		frappe.db.sql("analyze table `tabMention`")
		total = frappe.db.count("Mention")
		timings = measure(
			lambda: (get_mention_timeline("Customer", customer), get_social_summary("Customer", customer))
		)
		timeline_only = measure(lambda: get_mention_timeline("Customer", customer))
		summary_only = measure(lambda: get_social_summary("Customer", customer))
		results.append((total, timings, timeline_only, summary_only))
		print(
			f"{total:>8} mentions: form social parts median {statistics.median(timings):6.1f} ms, "
			f"p95 {percentile(timings, 95):6.1f} ms (timeline {statistics.median(timeline_only):5.1f} ms, "
			f"summary {statistics.median(summary_only):5.1f} ms)"
		)
	small, large = results[0][1], results[-1][1]
	print(f"ratio large/small median: {statistics.median(large) / statistics.median(small):.2f}")
	if not args.keep:
		cleanup(frappe)


def measure(fn, runs=RUNS):
	fn()  # warm caches (meta, settings)
	out = []
	for _ in range(runs):
		start = time.perf_counter()
		fn()
		out.append((time.perf_counter() - start) * 1000)
	return out


def percentile(values, p):
	values = sorted(values)
	return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def ensure_customer(frappe, name="Bench History Customer"):
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": tree_leaf(frappe, "Customer Group", "All Customer Groups"),
				"territory": tree_leaf(frappe, "Territory", "All Territories"),
			}
		).insert()
	return name


def make_profile(frappe, party_type, party, key):
	return (
		frappe.get_doc(
			{
				"doctype": "Social Profile",
				"platform": "Mastodon",
				"external_id": PREFIX + key,
				"handle": f"bench{key}@mastodon.social",
				"display_name": f"Bench {key}",
				"party_type": party_type,
				"party": party,
			}
		)
		.insert()
		.name
	)


def insert(frappe, author, party_type, party, count, rng, now, start):
	customer = party if party_type == "Customer" else None
	fields = [
		"name", "creation", "modified", "owner", "modified_by", "platform", "external_id", "author",
		"author_name", "text", "posted_at", "sentiment", "sentiment_score", "party_type", "party",
		"customer", "status",
	]  # fmt: skip
	rows = []
	for i in range(start, start + count):
		posted = now - timedelta(minutes=rng.randint(0, 60 * 24 * 120))
		sentiment = rng.choice(["Positive", "Neutral", "Negative"])
		rows.append(
			(
				f"{PREFIX}{i}", now, now, "Administrator", "Administrator", "Mastodon", f"{PREFIX}{i}", author,
				"Bench author", f"Bench post {i} about the brand and its products", posted, sentiment,
				0.5, party_type, party, customer, "Linked" if party else "New",
			)
		)  # fmt: skip
	frappe.db.bulk_insert("Mention", fields, rows, chunk_size=5_000)


def cleanup(frappe):
	frappe.db.delete("Mention", {"name": ("like", PREFIX + "%")})
	frappe.db.delete("Social Profile", {"external_id": ("like", PREFIX + "%")})
	frappe.db.commit()  # nosemgrep


if __name__ == "__main__":
	main()
