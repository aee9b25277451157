"""Charts, reports and the alert job on the mention rollup, at growing table sizes.

Generates mentions with bulk SQL (``INSERT ... SELECT`` from MariaDB's sequence engine):
spread over 120 days, 3 platforms, 2 languages, 4 sentiment labels, 20 listening rules
(a quarter Competitor, a quarter Product, half Brand), each mention matching one rule and
every third a second one. Then it rebuilds the rollup (timed), and measures, as
Administrator (the rollup serves unrestricted users), over the last 30 days:
the workspace charts and the negative share card, the Sentiment Trend and Share of Voice
reports, the hourly alert series query and the alert job, plus the rollup cost of storing
one pipeline page (500 new mentions) and the database size.

Run with the bench's python on your own site (rows are prefixed "bench-ru-" and removed
at the end unless --keep; the rollup is rebuilt afterwards):

    /opt/frappe-bench/env/bin/python benchmarks/bench_rollup.py --site h14.localhost --sizes 200000,1000000
"""

import statistics
import subprocess
import sys
import time
from datetime import timedelta

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect

PREFIX = "bench-ru-"
RULES = 20
RUNS = 10
CHUNK = 100_000
DAYS = 120


def main():
	args = connect(__doc__)
	sizes = [int(s) for s in (_arg("--sizes") or "200000").split(",")]
	import frappe
	from frappe.utils import now_datetime

	from social_crm.engine.insight.alerts import query_range
	from social_crm.insight import dashboard, rollup
	from social_crm.insight.alerts import rule_series, run_alerts
	from social_crm.social_crm.report.sentiment_trend import sentiment_trend
	from social_crm.social_crm.report.share_of_voice import share_of_voice

	print("load before:", _uptime())
	cleanup(frappe)
	rules = [make_rule(frappe, i) for i in range(RULES)]
	frappe.db.commit()  # nosemgrep: benchmark data must be visible to the measured queries
	now = now_datetime().replace(microsecond=0)
	inserted = 0
	for size in sizes:
		started = time.perf_counter()
		generate(frappe, rules, inserted, size, now)
		inserted = size
		generated = time.perf_counter() - started
		frappe.db.sql("analyze table `tabMention`")
		frappe.db.sql("analyze table `tabMention Rule Match`")
		started = time.perf_counter()
		result = rollup.rebuild()
		frappe.db.commit()  # nosemgrep
		rebuilt = time.perf_counter() - started
		frappe.db.sql(f"analyze table {rollup.TABLE}")
		total = frappe.db.count("Mention")
		print(
			f"\n{total:,} mentions ({size:,} generated in {generated:.0f} s); rollup rebuilt in {rebuilt:.0f} s"
			f" ({result['mentions'] / rebuilt:,.0f} mentions/s), {result['rows']:,} rollup rows; load {_uptime()}"
		)
		for table in ("tabMention", "tabMention Rule Match", "tabSocial Mention Rollup"):
			data, index = frappe.db.sql(
				"""select data_length, index_length from information_schema.tables
				where table_schema = database() and table_name = %s""",
				table,
			)[0]
			print(f"  {table:<26} data {data / 2**20:8.1f} MB  indexes {index / 2**20:8.1f} MB")
		start, end = query_range(now)
		rows_30 = frappe.db.sql(
			f"select dimension, count(*) from {rollup.TABLE} where bucket >= %s group by dimension",
			now - timedelta(days=30),
		)
		print("  rollup rows in the last 30 days:", dict(rows_30))
		day_from, day_to = str((now - timedelta(days=29)).date()), str(now.date())
		filters = {"from_date": day_from, "to_date": day_to}
		cases = {
			"chart: sentiment trend, 30 days": lambda: dashboard.sentiment_trend(30),
			"chart: volume by platform, 30 days": lambda: dashboard.volume_by_platform(30),
			"chart: share of voice, 30 days": lambda: dashboard.share_of_voice(30),
			"card: negative share, 7 days": lambda: dashboard.negative_share(),
			"report: Sentiment Trend, 30 days daily": lambda: sentiment_trend.execute(filters),
			"report: Sentiment Trend, one rule": lambda: sentiment_trend.execute(
				{**filters, "listening_rule": rules[1][0]}
			),
			"report: Share of Voice, 30 days weekly": lambda: share_of_voice.execute(filters),
			"report: Share of Voice by rule, daily": lambda: share_of_voice.execute(
				{**filters, "group_by": "Listening Rule", "period": "Daily"}
			),
			"alert series query (9 days, all rules)": lambda: rule_series(start, end),
			"alert job (series + detect, 20 rules)": lambda: (run_alerts(now), frappe.db.rollback()),
			"rollup of one pipeline page (500 new)": lambda: page_cost(frappe, rollup, rules, now),
		}
		for label, fn in cases.items():
			timings = measure(fn)
			print(
				f"  {label:<42} median {statistics.median(timings):8.1f} ms"
				f"  p95 {sorted(timings)[int(0.95 * (len(timings) - 1))]:8.1f} ms  max {max(timings):8.1f} ms"
			)
	print("\nload after:", _uptime())
	if not args.keep:
		cleanup(frappe)
		rollup.rebuild()
		frappe.db.commit()  # nosemgrep: benchmark cleanup


def _arg(name):
	if name in sys.argv:
		return sys.argv[sys.argv.index(name) + 1]
	return None


def _uptime():
	return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def measure(fn, runs=RUNS):
	"""Milliseconds per run (a function returning seconds times itself)."""
	fn()
	out = []
	for _ in range(runs):
		start = time.perf_counter()
		own = fn()
		elapsed = time.perf_counter() - start
		out.append((own if isinstance(own, float) else elapsed) * 1000)
	return out


def make_rule(frappe, i):
	name = f"{PREFIX}rule-{i}"
	kind = ("Competitor", "Product", "Brand", "Brand")[i % 4]
	if not frappe.db.exists("Listening Rule", name):
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": name, "kind": kind, "terms": name, "enabled": 1}
		).insert()
	return name, kind


def generate(frappe, rules, first, last, now):
	"""Mentions first+1..last and their rule matches, 100,000 per statement, committed per chunk."""
	names = ", ".join(frappe.db.escape(rule) for rule, _kind in rules)
	kinds = ", ".join(frappe.db.escape(kind) for _rule, kind in rules)
	for low in range(first + 1, last + 1, CHUNK):
		high = min(low + CHUNK - 1, last)
		seq = f"seq_{low}_to_{high}"
		frappe.db.sql(
			f"""insert into `tabMention` (name, creation, modified, owner, modified_by, docstatus, platform,
				external_id, text, posted_at, sentiment, language, status, rule_kind)
			select concat('{PREFIX}', seq), %(now)s, %(now)s, 'Administrator', 'Administrator', 0,
				elt(1 + seq %% 3, 'Mastodon', 'Bluesky', 'Reddit'), concat('{PREFIX}', seq),
				concat('Bench post ', seq),
				%(now)s - interval floor(rand(seq) * {DAYS * 24 * 3600}) second,
				elt(1 + floor(rand(seq * 7) * 4), 'Positive', 'Neutral', 'Negative', 'Positive'),
				elt(1 + seq %% 2, 'en', 'de'), 'New', elt(1 + seq %% {len(rules)}, {kinds})
			from {seq}""",
			{"now": now},
		)
		frappe.db.sql(
			f"""insert into `tabMention Rule Match` (name, creation, modified, owner, modified_by, docstatus,
				parent, parenttype, parentfield, idx, listening_rule, kind)
			select concat('{PREFIX}', seq, '-1'), %(now)s, %(now)s, 'Administrator', 'Administrator', 0,
				concat('{PREFIX}', seq), 'Mention', 'matched_rules', 1,
				elt(1 + seq %% {len(rules)}, {names}), elt(1 + seq %% {len(rules)}, {kinds})
			from {seq}
			union all
			select concat('{PREFIX}', seq, '-2'), %(now)s, %(now)s, 'Administrator', 'Administrator', 0,
				concat('{PREFIX}', seq), 'Mention', 'matched_rules', 2,
				elt(1 + (seq * 7 + 3) %% {len(rules)}, {names}), elt(1 + (seq * 7 + 3) %% {len(rules)}, {kinds})
			from {seq} where seq %% 3 = 0""",
			{"now": now},
		)
		frappe.db.commit()  # nosemgrep: one chunk per transaction


def page_cost(frappe, rollup, rules, now):
	"""Insert 500 mentions of the last hour (not timed), then time their rollup delta; roll back."""
	batch = frappe.generate_hash(length=6)
	frappe.db.sql(
		f"""insert into `tabMention` (name, creation, modified, owner, modified_by, platform, external_id,
			text, posted_at, sentiment, language, status, rule_kind)
		select concat('{PREFIX}p{batch}-', seq), %(now)s, %(now)s, 'Administrator', 'Administrator',
			elt(1 + seq %% 3, 'Mastodon', 'Bluesky', 'Reddit'), concat('{PREFIX}p{batch}-', seq), 'page',
			%(now)s - interval seq second, null, elt(1 + seq %% 2, 'en', 'de'), 'New', 'Brand'
		from seq_1_to_500""",
		{"now": now},
	)
	names = [f"{PREFIX}p{batch}-{i}" for i in range(1, 501)]
	start = time.perf_counter()
	rollup.inserted(names)
	elapsed = time.perf_counter() - start
	frappe.db.rollback()
	return elapsed


def cleanup(frappe):
	for table, column in (("tabMention Rule Match", "parent"), ("tabMention", "name")):
		while frappe.db.sql(f"delete from `{table}` where {column} like %s limit 50000", PREFIX + "%") or (
			frappe.db.sql(f"select 1 from `{table}` where {column} like %s limit 1", PREFIX + "%")
		):
			frappe.db.commit()  # nosemgrep: benchmark cleanup in chunks
	frappe.db.sql("delete from `tabSocial Alert` where listening_rule like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabListening Rule` where name like %s", PREFIX + "%")
	frappe.db.commit()  # nosemgrep: benchmark cleanup


if __name__ == "__main__":
	main()
