"""Generated mention history for the insight tests, the browser test and benchmarks.

Rows go in with ``frappe.db.bulk_insert`` (the alert job and the reports only read the
database), so a test can build days of hourly history in well under a second; like the
pipeline's bulk insert, the rows are then counted into the rollup.
"""

from datetime import datetime

import frappe
from frappe.utils import now_datetime

from social_crm.insight import rollup


def make_rule(name: str, kind: str = "Brand", **kwargs) -> "frappe.Document":
	if frappe.db.exists("Listening Rule", name):
		return frappe.get_doc("Listening Rule", name)
	return frappe.get_doc(
		{"doctype": "Listening Rule", "rule_name": name, "kind": kind, "terms": name, "enabled": 1, **kwargs}
	).insert(ignore_permissions=True)


def insert_mentions(rows: list[dict]) -> list[str]:
	"""Insert mentions. Each row: posted_at (datetime), optional sentiment, platform, language,
	author, party_type/party/customer, status, rules (list of (rule name, kind)). Returns names."""
	now = now_datetime()
	mention_fields = [
		"name", "creation", "modified", "owner", "modified_by", "docstatus", "platform", "external_id",
		"text", "posted_at", "sentiment", "language", "author", "party_type", "party", "customer",
		"status", "rule_kind", "response_minutes", "first_response_at",
	]  # fmt: skip
	match_fields = [
		"name", "creation", "modified", "owner", "modified_by", "docstatus", "parent", "parenttype",
		"parentfield", "idx", "listening_rule", "kind",
	]  # fmt: skip
	mentions, matches, names = [], [], []
	for row in rows:
		name = frappe.generate_hash(length=12)
		names.append(name)
		rules = row.get("rules") or []
		mentions.append(
			(
				name, now, now, "Administrator", "Administrator", 0, row.get("platform", "Mastodon"),
				row.get("external_id") or f"gen-{name}", row.get("text", "Generated mention"),
				row["posted_at"], row.get("sentiment"), row.get("language"), row.get("author"),
				row.get("party_type"), row.get("party"), row.get("customer"),
				row.get("status", "New"), rules[0][1] if rules else None,
				row.get("response_minutes", 0), row.get("first_response_at"),
			)
		)  # fmt: skip
		for idx, (rule, kind) in enumerate(rules, start=1):
			matches.append(
				(frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", 0, name,
				 "Mention", "matched_rules", idx, rule, kind)
			)  # fmt: skip
	frappe.db.bulk_insert("Mention", mention_fields, mentions)
	if matches:
		frappe.db.bulk_insert("Mention Rule Match", match_fields, matches)
	rollup.inserted(names)
	return names


def hourly(start: datetime, hours: int, per_hour, rule: str, kind: str = "Brand", negative_every: int = 0):
	"""Rows for ``hours`` hours from ``start``: ``per_hour(i)`` mentions in hour i, spread over the hour;
	every ``negative_every``-th mention Negative (the rest Positive)."""
	from datetime import timedelta

	rows, n = [], 0
	for i in range(hours):
		count = per_hour(i)
		for j in range(count):
			n += 1
			negative = negative_every and n % negative_every == 0
			rows.append(
				{
					"posted_at": start + timedelta(hours=i, minutes=(j * 59) // max(count, 1)),
					"sentiment": "Negative" if negative else "Positive",
					"rules": [(rule, kind)],
				}
			)
	return rows


def ensure_outgoing_email_account() -> str:
	"""A default outgoing Email Account, so queued emails can be asserted (never sent in tests)."""
	existing = frappe.db.get_value("Email Account", {"default_outgoing": 1, "enable_outgoing": 1})
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test Social CRM Outgoing",
				"email_id": "social-crm-outgoing@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
