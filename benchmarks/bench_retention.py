"""Applying a retention policy to 1,000,000 mentions on a real site.

Bulk-inserts N unlinked mentions (platform "Other", posted 200 days ago, every 10th with a
matched-rule child row) by 1,000 authors, then runs two policies the way the daily job does
(``run_policy(commit=True)``: keyset batches, one transaction per batch):

1. Anonymize unlinked "Other" mentions older than 90 days (the default policy's shape):
   every row's text is redacted with its author's names and handles, identity cleared.
2. Delete all "Other" mentions older than 90 days (the same rows, with their child rows).

Reports records/s and the longest single transaction (one batch, from its SELECT to its
COMMIT) and checks that each run handled exactly what the preview counted. Run with the
bench's python:

    /opt/frappe-bench/env/bin/python benchmarks/bench_retention.py --site privacy.localhost [--rows 1000000]

Rows are prefixed "bench-ret-" and removed at the end (unless --keep).
"""

import argparse
import sys
import time
from datetime import timedelta

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect

PREFIX = "bench-ret-"
PLATFORM = "Other"
AUTHORS = 1_000
INSERT_CHUNK = 10_000
POLICIES = ("Bench retention anonymize", "Bench retention delete")


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--rows", type=int, default=1_000_000)
	parser.add_argument("--batch", type=int, default=None, help="batch size (default: the setting)")
	own, _ = parser.parse_known_args()
	args = connect(__doc__)
	import frappe

	from social_crm.privacy.retention import preview, run_policy

	cleanup(frappe)
	started = time.perf_counter()
	insert_rows(frappe, own.rows)
	print(f"inserted {own.rows:,} mentions in {time.perf_counter() - started:.1f} s")

	results = []
	for name, values in (
		(POLICIES[0], {"action": "Anonymize", "linked": "No"}),
		(POLICIES[1], {"action": "Delete", "linked": "Any"}),
	):
		policy = frappe.get_doc(
			{
				"doctype": "Social Retention Policy",
				"policy_name": name,
				"target": "Mention",
				"keep_days": 90,
				"age_field": "posted_at",
				"platform": PLATFORM,
				"enabled": 0,  # only this script runs it
				**values,
			}
		).insert()
		frappe.db.commit()  # nosemgrep: benchmark setup
		t0 = time.perf_counter()
		expected = preview(policy)["count"]
		preview_seconds = time.perf_counter() - t0
		t0 = time.perf_counter()
		result = run_policy(policy.name, commit=True, size=own.batch)
		seconds = time.perf_counter() - t0
		rate = result["count"] / seconds if seconds else 0
		results.append((name, values["action"], expected, result, seconds, rate, preview_seconds))
		print(
			f"{values['action']:>9}: {result['count']:,} of {expected:,} previewed in {seconds:.1f} s = "
			f"{rate:,.0f} records/s; {result['batches']} batches; transaction (locked re-check + writes + "
			f"commit) longest {result['longest_transaction_seconds'] * 1000:.0f} ms, median "
			f"{result.get('median_transaction_seconds', 0) * 1000:.0f} ms, p95 "
			f"{result.get('p95_transaction_seconds', 0) * 1000:.0f} ms; whole batch (read + prepare + write) "
			f"longest {result['longest_batch_seconds'] * 1000:.0f} ms; preview {preview_seconds:.2f} s"
		)
		assert result["count"] == expected, "run handled a different number than the preview"
	children = frappe.db.count("Mention Rule Match", {"parent": ("like", PREFIX + "%")})
	print(f"child rows left after delete: {children}")
	if not args.keep:
		cleanup(frappe)


def insert_rows(frappe, total: int) -> None:
	from frappe.utils import now_datetime

	now = now_datetime()
	posted = now - timedelta(days=200)
	authors = []
	profile_fields = ["name", "creation", "modified", "owner", "modified_by", "platform", "external_id", "handle",
		"display_name", "first_seen", "last_seen"]  # fmt: skip
	profiles = []
	for i in range(AUTHORS):
		name = f"{PREFIX}p{i}"
		authors.append((name, f"Bench Person{i} Example", f"benchuser{i}"))
		profiles.append((name, now, now, "Administrator", "Administrator", PLATFORM, f"{PREFIX}p{i}",
			f"benchuser{i}", f"Bench Person{i} Example", posted, posted))  # fmt: skip
	frappe.db.bulk_insert("Social Profile", profile_fields, profiles, chunk_size=INSERT_CHUNK)
	mention_fields = ["name", "creation", "modified", "owner", "modified_by", "platform", "external_id", "author",
		"author_name", "author_handle", "text", "posted_at", "sentiment", "status", "url"]  # fmt: skip
	child_fields = ["name", "creation", "modified", "owner", "modified_by", "parent", "parenttype", "parentfield",
		"idx", "kind", "matched_terms"]  # fmt: skip
	for start in range(0, total, INSERT_CHUNK):
		rows, children = [], []
		for i in range(start, min(total, start + INSERT_CHUNK)):
			name, display, handle = authors[i % AUTHORS]
			mention = f"{PREFIX}{i:07d}"
			rows.append((mention, now, now, "Administrator", "Administrator", PLATFORM, mention, name, display,
				handle, f"@{handle} Bench Person{i % AUTHORS} wrote post {i} about the brand, see "
				f"https://example.com/{i} or mail bench{i}@example.com", posted + timedelta(seconds=i % 86400),
				"Neutral", "New", f"https://example.com/post/{i}"))  # fmt: skip
			if i % 10 == 0:
				children.append((f"{mention}-r", now, now, "Administrator", "Administrator", mention, "Mention",
					"matched_rules", 1, "Brand", "brand"))  # fmt: skip
		frappe.db.bulk_insert("Mention", mention_fields, rows, chunk_size=INSERT_CHUNK)
		frappe.db.bulk_insert("Mention Rule Match", child_fields, children, chunk_size=INSERT_CHUNK)
		frappe.db.commit()  # nosemgrep: benchmark data in committed chunks
	frappe.db.sql("analyze table `tabMention`")


def cleanup(frappe) -> None:
	for table in ("Mention Rule Match", "Mention"):
		column = "parent" if table == "Mention Rule Match" else "name"
		while True:
			frappe.db.sql(f"delete from `tab{table}` where `{column}` like %s limit 50000", PREFIX + "%")
			deleted = frappe.db._cursor.rowcount
			frappe.db.commit()  # nosemgrep: benchmark cleanup in chunks
			if not deleted:
				break
	frappe.db.delete("Social Profile", {"name": ("like", PREFIX + "%")})
	for name in POLICIES:
		frappe.db.delete("Social Privacy Log", {"policy": name})
		frappe.db.delete("Social Retention Policy", name)
	frappe.db.commit()  # nosemgrep


if __name__ == "__main__":
	main()
