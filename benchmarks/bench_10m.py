"""Flat at 10 million mentions: insight reads, alert job, Customer form and retention.

Generates N mentions (default 10,000,000) with bulk SQL on the database server (MariaDB's
SEQUENCE engine, ``INSERT ... SELECT ... FROM seq_A_to_B`` in chunks), their rule match
child rows (every mention one match, every third a second one, 20 listening rules), N / 50
Social Profiles as authors, and rebuilds both rollups. Mentions are spread evenly over the
last 120 days in the order of their names (as ingest stores them); a fifth are on platform
"Other" (the retention slice: the Other ones older than 90 days, 5 % of the table). One
Customer has 5,000 mentions of its own and 1,000 through a Contact at every size (so the
Customer form measures the same work at 200k and at 10M); 20 % of the rest are linked to
2,000 other customers and 4,000 contacts.

    /opt/frappe-bench/env/bin/python benchmarks/bench_10m.py --site h14b.localhost --rows 10000000 \
        --phase generate,rebuild,measure,retention,size

Phases: ``generate`` (empties the Mention tables first!), ``measure`` (each chart, report,
the alert job and the Customer form: median of 10 runs), ``retention`` (Anonymize, then
Delete the slice with ``run_policy(commit=True)``), ``size`` (information_schema data +
index length per million mentions), ``reslice`` (puts the retention slice back as generated, to
measure ``retention`` again), ``reset`` (empties the generated rows). Run it only on
a site of its own: ``generate`` and ``reset`` TRUNCATE Mention and Mention Rule Match.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect, ensure_uom, tree_leaf

PREFIX = "b10m-"
RULES = 20
CHUNK = 250_000
SPAN_DAYS = 120
RUNS = 10
CASES = ""
SINCE_DAYS = 32  # rollup rebuild window (0: everything)
CUSTOMER = "Bench 10M Customer"
POLICIES = ("Bench 10M anonymize", "Bench 10M delete")
KINDS = ("Competitor", "Product", "Brand", "Brand")  # rule i has KINDS[i % 4]
ASSIGNEES = ("Administrator", "agent-1@bench.example", "agent-2@bench.example", "agent-3@bench.example")
# followers log-uniform between 1 and 1,000,000 (influence_score as the engine computes it)
FOLLOWERS = "floor(pow(10, ((seq * 7919) % 6000) / 1000))"


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--rows", type=int, default=10_000_000)
	parser.add_argument("--phase", default="generate,rebuild,measure,retention,size")
	parser.add_argument("--cases", default="", help="measure only the cases whose label contains this")
	parser.add_argument("--out", default=None, help="append the results as JSON lines to this file")
	own, _ = parser.parse_known_args()
	global CASES
	CASES = own.cases
	connect(__doc__)
	import frappe

	results = {"rows": own.rows}
	for phase in own.phase.split(","):
		started = time.perf_counter()
		results[phase] = PHASES[phase](frappe, own.rows)
		results[phase + "_seconds"] = round(time.perf_counter() - started, 1)
		print(json.dumps({phase: results[phase], "seconds": results[phase + "_seconds"]}, default=str))
		sys.stdout.flush()
		if own.out:
			with open(own.out, "a") as out:
				out.write(json.dumps({"rows": own.rows, phase: results[phase]}, default=str) + "\n")


def run(frappe, sql: str, values: dict):
	"""frappe.db.sql with parameters: the SQL's modulo operators (``a % b``) escaped for pymysql."""
	return frappe.db.sql(sql.replace(" % ", " %% "), values)


# --- generate ------------------------------------------------------------------------------------


def ensure_parties(frappe):
	if not frappe.db.exists("Customer", CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": CUSTOMER,
				"customer_group": tree_leaf(frappe, "Customer Group", "All Customer Groups"),
				"territory": tree_leaf(frappe, "Territory", "All Territories"),
			}
		).insert()
	contact = frappe.db.get_value("Contact", {"first_name": "Bench10M"})
	if not contact:
		doc = frappe.get_doc({"doctype": "Contact", "first_name": "Bench10M", "last_name": "Person"})
		doc.append("links", {"link_doctype": "Customer", "link_name": CUSTOMER})
		contact = doc.insert().name
	return contact


def ensure_rules(frappe) -> list[tuple[str, str]]:
	rules = []
	for i in range(RULES):
		name = f"{PREFIX}rule-{i}"
		if not frappe.db.exists("Listening Rule", name):
			frappe.get_doc(
				{
					"doctype": "Listening Rule",
					"rule_name": name,
					"kind": KINDS[i % 4],
					"terms": name,
					"enabled": 1,
				}
			).insert()
		rules.append((name, KINDS[i % 4]))
	return rules


def generate(frappe, rows: int) -> dict:
	from frappe.utils import now_datetime

	reset(frappe, rows)
	contact = ensure_parties(frappe)
	ensure_rules(frappe)
	frappe.db.commit()  # nosemgrep: benchmark setup
	now = now_datetime().replace(microsecond=0)
	start = now - timedelta(days=SPAN_DAYS)
	profiles = max(rows // 50, 100)
	timings = {}
	t0 = time.perf_counter()
	for a in range(1, profiles + 1, CHUNK):
		b = min(profiles, a + CHUNK - 1)
		run(
			frappe,
			f"""insert into `tabSocial Profile` (name, creation, modified, owner, modified_by, platform,
				external_id, handle, display_name, first_seen, last_seen, match_status, followers, influence_score)
			select concat('{PREFIX}p', seq), %(now)s, %(now)s, 'Administrator', 'Administrator', 'Mastodon',
				concat('{PREFIX}p', seq), concat('user', seq, '@bench.social'), concat('Bench Person ', seq),
				%(start)s, %(now)s, '', {FOLLOWERS}, round(least(90, 15 * log10(1 + {FOLLOWERS})), 2)
			from seq_{a}_to_{b}""",
			{"now": now, "start": start},
		)
		frappe.db.commit()  # nosemgrep: bulk generation in committed chunks
	timings["profiles"] = round(time.perf_counter() - t0, 1)
	t0 = time.perf_counter()
	values = {"now": now, "start": start, "customer": CUSTOMER, "contact": contact}
	for a in range(1, rows + 1, CHUNK):
		b = min(rows, a + CHUNK - 1)
		insert_mentions(frappe, rows, a, b, values)
		frappe.db.commit()  # nosemgrep: bulk generation in committed chunks
		if (b // CHUNK) % 4 == 0 or b == rows:
			print(f"  {b:,} mentions, {time.perf_counter() - t0:.0f} s", flush=True)
	timings["mentions"] = round(time.perf_counter() - t0, 1)
	return timings


def insert_mentions(frappe, rows: int, a: int, b: int, values: dict, where: str = "") -> None:
	"""INSERT the generated mentions seq ``a``..``b`` of ``rows`` and their rule matches (``where``:
	a further condition on ``seq``; the matches go first, so a condition on the mention's absence
	holds for both). ``values``: now, start (of the 120 days), customer, contact."""
	span = SPAN_DAYS * 86400
	profiles = max(rows // 50, 100)
	own_mod, contact_mod = max(rows // 5000, 2), max(rows // 1000, 4)
	kind = f"elt(1 + (seq % {RULES}) % 4, {', '.join(repr(k) for k in KINDS)})"
	kind2 = f"elt(1 + ((seq * 7 + 3) % {RULES}) % 4, {', '.join(repr(k) for k in KINDS)})"
	party_type = (
		f"case when seq % {own_mod} = 1 then 'Customer' when seq % {contact_mod} = 3 then 'Contact'"
		" when seq % 10 = 7 then 'Customer' when seq % 10 = 8 then 'Contact' end"
	)
	party = (
		f"case when seq % {own_mod} = 1 then %(customer)s when seq % {contact_mod} = 3 then %(contact)s"
		f" when seq % 10 = 7 then concat('{PREFIX}cust-', (seq div 10) % 2000)"
		f" when seq % 10 = 8 then concat('{PREFIX}contact-', (seq div 10) % 4000) end"
	)
	customer = (
		f"case when seq % {own_mod} = 1 or seq % {contact_mod} = 3 then %(customer)s"
		f" when seq % 10 = 7 then concat('{PREFIX}cust-', (seq div 10) % 2000)"
		f" when seq % 10 = 8 then concat('{PREFIX}cust-', ((seq div 10) % 4000) % 2000) end"
	)
	# every 4th mention assigned to one of ASSIGNEES; of those every 2nd answered after 0-719
	# minutes, every 10th ignored (the Response Times report's inputs)
	posted_at = f"(%(start)s + interval floor((seq - 1) * {span} / {rows}) second)"
	assigned_to = f"if(seq % 4 = 0, elt(1 + (seq div 4) % {len(ASSIGNEES)}, {', '.join(repr(u) for u in ASSIGNEES)}), null)"
	answered = "seq % 8 = 0"
	response_minutes = f"if({answered}, (seq div 8) % 720, 0)"
	first_response_at = f"if({answered}, {posted_at} + interval ((seq div 8) % 720) minute, null)"
	status = (
		f"case when {answered} then 'Responded' when seq % 40 = 4 then 'Ignored'"
		f" when {party_type} is null then 'New' else 'Linked' end"
	)
	where = f" where {where}" if where else ""
	for idx, rule, rule_kind, condition in (
		(1, f"seq % {RULES}", kind, ""),
		(2, f"(seq * 7 + 3) % {RULES}", kind2, "seq % 3 = 0"),
	):
		conditions = " and ".join(c for c in (where.removeprefix(" where "), condition) if c)
		run(
			frappe,
			f"""insert into `tabMention Rule Match` (name, creation, modified, owner, modified_by, parent,
				parenttype, parentfield, idx, listening_rule, kind, matched_terms)
			select concat('{PREFIX}', lpad(seq, 9, '0'), '-{idx}'), %(now)s, %(now)s, 'Administrator',
				'Administrator', concat('{PREFIX}', lpad(seq, 9, '0')), 'Mention', 'matched_rules', {idx},
				concat('{PREFIX}rule-', {rule}), {rule_kind}, 'bench'
			from seq_{a}_to_{b}{" where " + conditions if conditions else ""}""",
			values,
		)
	run(
		frappe,
		f"""insert into `tabMention` (name, creation, modified, owner, modified_by, platform, external_id,
			author, author_handle, author_name, posted_at, text, language, sentiment, sentiment_score,
			enriched_on, rule_kind, party_type, party, customer, status, anonymized, likes,
			assigned_to, first_response_at, response_minutes)
		select concat('{PREFIX}', lpad(seq, 9, '0')), %(now)s, %(now)s, 'Administrator', 'Administrator',
			elt(1 + seq % 5, 'Other', 'Mastodon', 'Bluesky', 'Reddit', 'Mastodon'), concat('{PREFIX}', seq),
			concat('{PREFIX}p', 1 + seq % {profiles}), concat('user', 1 + seq % {profiles}, '@bench.social'),
			concat('Bench Person ', 1 + seq % {profiles}), {posted_at},
			concat('Bench post ', seq, ' about the brand and its products, see https://example.com/', seq),
			elt(1 + (seq div 7) % 4, 'en', 'de', 'en', 'fr'),
			elt(1 + (seq * 7 + seq div 11) % 5, 'Positive', 'Neutral', 'Negative', 'Positive', NULL),
			0.5, %(now)s, {kind}, {party_type}, {party}, {customer},
			{status}, 0, seq % 17, {assigned_to}, {first_response_at}, {response_minutes}
		from seq_{a}_to_{b}{where}""",
		values,
	)


def rebuild(frappe, rows: int) -> dict:
	"""Rebuild both rollups from the generated rows (bulk SQL bypasses the writers).

	The hourly/daily rollup is rebuilt for the last ``SINCE_DAYS`` days (what the measured
	charts, reports and alert job read); on this shared 2-core machine a whole rebuild of 10M
	mentions took longer than the session had. The per-party rows are rebuilt whole."""
	from frappe.utils import add_days, nowdate

	from social_crm.insight import rollup

	ensure_items(frappe)  # the Item rows of the rollup count through the Product rules' Items
	t0 = time.perf_counter()
	result = rollup.rebuild(since=add_days(nowdate(), -SINCE_DAYS) if SINCE_DAYS else None)
	frappe.db.commit()  # nosemgrep: rebuild result
	result["seconds"] = round(time.perf_counter() - t0, 1)
	for table in ("Mention", "Mention Rule Match", "Social Mention Rollup", "Social Party Rollup"):
		if frappe.db.table_exists(table):
			frappe.db.sql(f"analyze table `tab{table}`")
	return result


def reslice(frappe, rows: int) -> dict:
	"""Put the retention slice back as generated (the retention phase anonymizes, then deletes it),
	so retention can be measured again without generating every row anew. Anonymized slice rows
	left by an interrupted run are deleted first (``store.delete_mentions``); the rollups follow
	through the writers' own path (``rollup.inserted``)."""
	from social_crm.insight import rollup
	from social_crm.privacy import store

	first = frappe.db.get_value("Mention", f"{PREFIX}{1:09d}", "posted_at")  # seq 1: the generated start
	values = {"start": first, "now": first + timedelta(days=SPAN_DAYS), "customer": CUSTOMER}
	values["contact"] = ensure_parties(frappe)
	last = rows * (SPAN_DAYS - 89) // SPAN_DAYS  # 31 days: the slice (> 90 days old) and a day more
	top = f"{PREFIX}{last:09d}"
	t0 = time.perf_counter()
	left = frappe.db.sql_list(
		"select name from `tabMention` where name like %s and name <= %s and platform = 'Other' and anonymized = 1",
		(PREFIX + "%", top),
	)
	for start in range(0, len(left), 5000):
		store.delete_mentions(left[start : start + 5000])
		frappe.db.commit()  # nosemgrep: benchmark setup in chunks
	present = set(
		frappe.db.sql_list(
			"select name from `tabMention` where name like %s and name <= %s and platform = 'Other'",
			(PREFIX + "%", top),
		)
	)
	missing = [n for n in (f"{PREFIX}{seq:09d}" for seq in range(5, last + 1, 5)) if n not in present]
	absent = f"seq % 5 = 0 and not exists (select 1 from `tabMention` x where x.name = concat('{PREFIX}', lpad(seq, 9, '0')))"
	for a in range(1, last + 1, CHUNK):
		insert_mentions(frappe, rows, a, min(last, a + CHUNK - 1), values, where=absent)
		frappe.db.commit()  # nosemgrep: bulk generation in committed chunks
	for start in range(0, len(missing), 5000):
		rollup.inserted(missing[start : start + 5000])
		frappe.db.commit()  # nosemgrep: rollup of the re-inserted rows in chunks
	return {"deleted": len(left), "inserted": len(missing), "seconds": round(time.perf_counter() - t0, 1)}


def reset(frappe, rows: int = 0) -> dict:
	frappe.db.sql("truncate table `tabMention Rule Match`")
	frappe.db.sql("truncate table `tabMention`")
	while True:
		frappe.db.sql(f"delete from `tabSocial Profile` where name like '{PREFIX}p%%' limit 50000")
		deleted = frappe.db._cursor.rowcount
		frappe.db.commit()  # nosemgrep: cleanup in chunks
		if not deleted:
			break
	for name in POLICIES:
		frappe.db.delete("Social Privacy Log", {"policy": name})
		frappe.db.delete("Social Retention Policy", name)
	frappe.db.sql("delete from `tabSocial Alert` where listening_rule like %s", PREFIX + "%")
	from social_crm.insight import rollup

	rollup.rebuild()  # the mentions are gone: so are their rollup rows
	frappe.db.commit()  # nosemgrep
	return {"reset": True}


# --- measure -------------------------------------------------------------------------------------


def timed(fn, runs=RUNS) -> dict:
	"""Median of ``runs`` timed calls after a warm one; a call over 2 s is timed twice only."""
	start = time.perf_counter()
	fn()  # warm (meta, settings)
	first = (time.perf_counter() - start) * 1000
	out = []
	for _ in range(runs if first < 2000 else 1):
		start = time.perf_counter()
		fn()
		out.append((time.perf_counter() - start) * 1000)
	return {"median_ms": round(statistics.median(out), 1), "max_ms": round(max(out), 1), "runs": len(out)}


def ensure_items(frappe) -> None:
	"""The Product rules name an Item each (the Mentions by Item report counts through them)."""
	group, uom = tree_leaf(frappe, "Item Group", "All Item Groups"), ensure_uom(frappe)
	for i in range(1, RULES, 4):  # KINDS[i % 4] == "Product"
		code = f"{PREFIX}item-{i}"
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": code,
					"item_group": group,
					"stock_uom": uom,
				}
			).insert()
		frappe.db.set_value("Listening Rule", f"{PREFIX}rule-{i}", "item", code, update_modified=False)
	frappe.db.commit()  # nosemgrep: benchmark setup


def top_authors_cases(execute, filters: dict, now) -> dict:
	"""The Top Authors report for the default range and for each filter that once fell back
	to reading every mention of the range (benchmarks/README.md, Top Authors)."""
	day = {"from_date": str(now.date()), "to_date": str(now.date())}
	old = str((now - timedelta(days=400)).date())
	cases = {
		"30 days": {},
		"90 days": {"from_date": str((now - timedelta(days=89)).date())},
		"30 days, limit 1000": {"limit": 1000},
		"one day": day,
		"one day, limit 1000": {**day, "limit": 1000},
		"one day, one platform": {**day, "platform": "Reddit"},
		"30 days, platform without mentions": {"platform": "Hacker News"},
		"30 days, one platform": {"platform": "Reddit"},
		"30 days, linked": {"linked": "Linked"},
		"30 days, not linked": {"linked": "Not Linked"},
		"30 days, party type Lead": {"party_type": "Lead"},
		"30 days, min influence 80": {"min_influence": 80},
		"a day without mentions": {"from_date": old, "to_date": old},
	}
	return {
		f"report: Top Authors {label}": (lambda more=more: execute({**filters, **more}))
		for label, more in cases.items()
	}


def measure(frappe, rows: int) -> dict:
	from frappe.utils import now_datetime

	from social_crm.api.social_history import get_social_summary
	from social_crm.engine.insight.alerts import query_range
	from social_crm.insight import dashboard
	from social_crm.insight.alerts import rule_series, run_alerts
	from social_crm.overrides.party import get_mention_timeline
	from social_crm.social_crm.report.mentions_by_item import mentions_by_item
	from social_crm.social_crm.report.response_times import response_times
	from social_crm.social_crm.report.sentiment_trend import sentiment_trend
	from social_crm.social_crm.report.share_of_voice import share_of_voice
	from social_crm.social_crm.report.top_authors import top_authors

	frappe.set_user("Administrator")
	now = now_datetime()
	start, end = query_range(now)
	filters = frappe._dict(from_date=str((now - timedelta(days=29)).date()), to_date=str(now.date()))
	contact = ensure_parties(frappe)
	ensure_items(frappe)
	cases = {
		"chart: sentiment trend 30 days": lambda: dashboard.sentiment_trend(30),
		"chart: volume by platform 30 days": lambda: dashboard.volume_by_platform(30),
		"chart: share of voice 30 days": lambda: dashboard.share_of_voice(30),
		"card: negative share": lambda: dashboard.negative_share(),
		"report: Sentiment Trend 30 days": lambda: sentiment_trend.execute(filters),
		"report: Share of Voice 30 days": lambda: share_of_voice.execute(filters),
		**top_authors_cases(top_authors.execute, filters, now),
		"report: Mentions by Item 30 days": lambda: mentions_by_item.execute(filters),
		"report: Mentions by Item 30 days, one platform": lambda: mentions_by_item.execute(
			{**filters, "platform": "Mastodon"}
		),
		"report: Response Times 30 days": lambda: response_times.execute(filters),
		"alert series query (9 days, all rules)": lambda: rule_series(start, end),
		"alert job (series + detect, 20 rules)": lambda: (run_alerts(now), frappe.db.rollback()),
		"Customer form: timeline": lambda: get_mention_timeline("Customer", CUSTOMER),
		"Customer form: summary": lambda: get_social_summary("Customer", CUSTOMER),
		"Customer form: timeline + summary": lambda: (
			get_mention_timeline("Customer", CUSTOMER),
			get_social_summary("Customer", CUSTOMER),
		),
		"Contact form: timeline + summary": lambda: (
			get_mention_timeline("Contact", contact),
			get_social_summary("Contact", contact),
		),
	}
	out = {"mentions": frappe.db.count("Mention")}
	for label, fn in cases.items():
		if CASES and CASES not in label:
			continue
		out[label] = timed(fn)
		print(f"  {label:<42} {out[label]}", flush=True)
	summary = get_social_summary("Customer", CUSTOMER)
	out["customer total"] = summary["total"]
	return out


# --- retention -----------------------------------------------------------------------------------


def retention(frappe, rows: int) -> dict:
	from social_crm.privacy.retention import preview, run_policy

	out = {}
	for name, values in (
		(POLICIES[0], {"action": "Anonymize", "linked": "Any"}),
		(POLICIES[1], {"action": "Delete", "linked": "Any"}),
	):
		if frappe.db.exists("Social Retention Policy", name):
			frappe.delete_doc("Social Retention Policy", name, force=True)
		policy = frappe.get_doc(
			{
				"doctype": "Social Retention Policy",
				"policy_name": name,
				"target": "Mention",
				"keep_days": 90,
				"age_field": "posted_at",
				"platform": "Other",
				"enabled": 0,
				"applies_to_all": 0,
				**values,
			}
		).insert()
		frappe.db.commit()  # nosemgrep: benchmark setup
		t0 = time.perf_counter()
		expected = preview(policy)["count"]
		preview_s = time.perf_counter() - t0
		t0 = time.perf_counter()
		result = run_policy(policy.name, commit=True)
		seconds = time.perf_counter() - t0
		out[values["action"]] = {
			"previewed": expected,
			"handled": result["count"],
			"seconds": round(seconds, 1),
			"rows_per_s": round(result["count"] / seconds) if seconds else 0,
			"batches": result.get("batches"),
			"longest_transaction_ms": round(result["longest_transaction_seconds"] * 1000),
			"median_transaction_ms": round(result.get("median_transaction_seconds", 0) * 1000),
			"p95_transaction_ms": round(result.get("p95_transaction_seconds", 0) * 1000),
			"longest_batch_ms": round(result["longest_batch_seconds"] * 1000),
			"preview_s": round(preview_s, 2),
		}
		print(f"  {values['action']}: {out[values['action']]}", flush=True)
	return out


# --- size ----------------------------------------------------------------------------------------


def size(frappe, rows: int) -> dict:
	mentions = frappe.db.count("Mention") or 1
	out = {"mentions": mentions}
	total = 0
	for table in (
		"Mention",
		"Mention Rule Match",
		"Social Profile",
		"Social Mention Rollup",
		"Social Party Rollup",
	):
		if not frappe.db.table_exists(table):
			continue
		frappe.db.sql(f"analyze table `tab{table}`")
		data, index, count = frappe.db.sql(
			"""select data_length, index_length, table_rows from information_schema.tables
			where table_schema = database() and table_name = %s""",
			f"tab{table}",
		)[0]
		total += data + index
		out[table] = {
			"rows_estimate": int(count),
			"data_mb": round(data / 2**20, 1),
			"index_mb": round(index / 2**20, 1),
			"mb_per_million_mentions": round((data + index) / 2**20 / (mentions / 1e6), 1),
		}
	out["total_mb_per_million_mentions"] = round(total / 2**20 / (mentions / 1e6), 1)
	return out


PHASES = {
	"generate": generate,
	"rebuild": rebuild,
	"measure": measure,
	"retention": retention,
	"reslice": reslice,
	"size": size,
	"reset": reset,
}


if __name__ == "__main__":
	main()
