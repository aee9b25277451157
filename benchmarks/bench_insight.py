"""Server time of the insight queries: the hourly alert job, the workspace charts and the
Sentiment Trend / Share of Voice reports, with 20,000 and then 200,000 mentions spread over
120 days and 20 listening rules (each mention matches one or two rules).

Run with the bench's python:

    /opt/frappe-bench/env/bin/python benchmarks/bench_insight.py --site insight.localhost

Rows are bulk-inserted with the prefix "bench-in-" and removed at the end (unless --keep);
the mention rollup the charts, reports and alert job read is rebuilt after each insert.
"""

import random
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect

PREFIX = "bench-in-"
SIZES = (20_000, 200_000)
RULES = 20
RUNS = 10


def main():
	args = connect(__doc__)
	import frappe
	from frappe.utils import now_datetime

	from social_crm.engine.insight.alerts import query_range
	from social_crm.insight import dashboard, rollup
	from social_crm.insight.alerts import rule_series, run_alerts
	from social_crm.social_crm.report.sentiment_trend import sentiment_trend
	from social_crm.social_crm.report.share_of_voice import share_of_voice

	cleanup(frappe)
	rules = [make_rule(frappe, i) for i in range(RULES)]
	frappe.db.commit()  # nosemgrep: benchmark data must be visible to the measured queries
	rng = random.Random(11)
	now = now_datetime()
	inserted = 0
	for size in SIZES:
		insert(frappe, rules, size - inserted, rng, now, start=inserted)
		inserted = size
		rollup.rebuild()  # bulk rows bypass the writers that keep the rollup
		frappe.db.commit()  # nosemgrep
		frappe.db.sql("analyze table `tabMention`")
		frappe.db.sql("analyze table `tabMention Rule Match`")
		total = frappe.db.count("Mention")
		start, end = query_range(now)
		filters = {"from_date": str((now - timedelta(days=29)).date()), "to_date": str(now.date())}
		cases = {
			"alert series query (9 days, all rules)": lambda: rule_series(start, end),
			"alert job (series + detect, 20 rules)": lambda: (run_alerts(now), frappe.db.rollback()),
			"chart: sentiment trend 30 days": lambda: dashboard.sentiment_trend(30),
			"chart: share of voice 30 days": lambda: dashboard.share_of_voice(30),
			"report: Sentiment Trend 30 days": lambda: sentiment_trend.execute(filters),
			"report: Share of Voice 30 days weekly": lambda: share_of_voice.execute(filters),
		}
		print(f"{total} mentions in the table")
		for label, fn in cases.items():
			timings = measure(fn)
			print(f"  {label:<42} median {statistics.median(timings):7.1f} ms  max {max(timings):7.1f} ms")
	if not args.keep:
		cleanup(frappe)
		rollup.rebuild()
		frappe.db.commit()  # nosemgrep: benchmark cleanup


def measure(fn, runs=RUNS):
	fn()
	out = []
	for _ in range(runs):
		start = time.perf_counter()
		fn()
		out.append((time.perf_counter() - start) * 1000)
	return out


def make_rule(frappe, i):
	name = f"{PREFIX}rule-{i}"
	if not frappe.db.exists("Listening Rule", name):
		kind = "Competitor" if i % 4 == 0 else ("Product" if i % 4 == 1 else "Brand")
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": name, "kind": kind, "terms": name, "enabled": 1}
		).insert()
	return name, frappe.db.get_value("Listening Rule", name, "kind")


def insert(frappe, rules, count, rng, now, start):
	mention_fields = [
		"name", "creation", "modified", "owner", "modified_by", "platform", "external_id", "text",
		"posted_at", "sentiment", "language", "status",
	]  # fmt: skip
	match_fields = [
		"name", "creation", "modified", "owner", "modified_by", "parent", "parenttype", "parentfield",
		"idx", "listening_rule", "kind",
	]  # fmt: skip
	mentions, matches = [], []
	for i in range(start, start + count):
		name = f"{PREFIX}{i}"
		posted = now - timedelta(minutes=rng.randint(0, 60 * 24 * 120))
		sentiment = rng.choice(["Positive", "Neutral", "Negative", "Positive"])
		mentions.append(
			(name, now, now, "Administrator", "Administrator", rng.choice(["Mastodon", "Bluesky", "Reddit"]),
			 name, f"Bench post {i}", posted, sentiment, rng.choice(["en", "de"]), "New")
		)  # fmt: skip
		for idx, (rule, kind) in enumerate(rng.sample(rules, rng.choice([1, 1, 2])), start=1):
			matches.append(
				(f"{name}-{idx}", now, now, "Administrator", "Administrator", name, "Mention",
				 "matched_rules", idx, rule, kind)
			)  # fmt: skip
	frappe.db.bulk_insert("Mention", mention_fields, mentions, chunk_size=5_000)
	frappe.db.bulk_insert("Mention Rule Match", match_fields, matches, chunk_size=5_000)


def cleanup(frappe):
	frappe.db.sql("delete from `tabMention Rule Match` where parent like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabMention` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabSocial Alert` where listening_rule like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabListening Rule` where name like %s", PREFIX + "%")
	frappe.db.commit()  # nosemgrep: benchmark cleanup


if __name__ == "__main__":
	main()
