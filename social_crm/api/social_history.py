"""Compact social summary for Customer, Lead and Contact forms.

Counts per sentiment and the weekly trend come from one list of (week, sentiment, mentions)
rows of the party: the per-party weekly rollup (*Social Party Rollup*) for unrestricted users,
the permission-filtered mentions themselves for restricted ones (the rollup has no row-level
rule); the engine turns either into the summary (``engine.insight.rollup.summarize``).
"""

import frappe
from frappe import _

from social_crm.clock import utc_now
from social_crm.engine.analysis.sentiment import LABELS as SENTIMENTS
from social_crm.engine.insight.rollup import sql_week, summarize, trend_weeks
from social_crm.insight import rollup
from social_crm.overrides.party import mention_filters
from social_crm.party import PARTY_TYPES
from social_crm.permissions import social_data_query_conditions

TREND_WEEKS = 12


@frappe.whitelist()
def get_social_summary(party_type: str, party: str) -> dict:
	"""Counts per sentiment label, a weekly trend, and profile/idea counts for one party."""
	check_access(party_type, party)
	weeks = trend_weeks(utc_now().date(), TREND_WEEKS)  # weeks of posted_at, which is UTC
	summary = summarize(week_counts(party_type, party), weeks, SENTIMENTS)
	profile_filters = (
		{"customer": party} if party_type == "Customer" else {"party_type": party_type, "party": party}
	)
	return {
		"total": summary["total"],
		"counts": summary["counts"],
		"unanalyzed": summary["unanalyzed"],
		"profiles": readable_count("Social Profile", profile_filters),
		"ideas": readable_count("Idea", profile_filters),
		"trend": {
			"labels": [str(week) for week in weeks],
			"datasets": [
				{"name": _(label), "label": label, "values": summary["series"][label]} for label in SENTIMENTS
			],
		},
	}


def check_access(party_type: str, party: str) -> None:
	"""A known party the user may read, and read access to mentions; else a clear error."""
	if party_type not in PARTY_TYPES:
		frappe.throw(
			_("Party Type must be one of {0}").format(", ".join(PARTY_TYPES)), frappe.ValidationError
		)
	if not frappe.db.exists(party_type, party):
		frappe.throw(_("{0} {1} does not exist").format(_(party_type), party), frappe.DoesNotExistError)
	frappe.has_permission(party_type, "read", doc=party, throw=True)
	if not frappe.has_permission("Mention", "read"):
		frappe.throw(_("Not permitted to read social data"), frappe.PermissionError)


def week_counts(party_type: str, party: str) -> list[tuple]:
	"""(week, sentiment, mentions) of the party's whole history that the session user may read."""
	if rollup.serves():
		return rollup.party_counts(party_type, party)
	return raw_week_counts(party_type, party)


def raw_week_counts(party_type: str, party: str) -> list[tuple]:
	"""The same rows from the mentions, with the viewer's row rule (a Customer's summary counts
	its Contacts' mentions only where the viewer may read that Contact: permissions.py)."""
	filters = mention_filters(party_type, party)
	condition = social_data_query_conditions(doctype="Mention")
	where = " and ".join(f"`tabMention`.`{k}` = %({k})s" for k in filters) + (
		f" and {condition}" if condition else ""
	)
	return frappe.db.sql(
		f"""select {sql_week("posted_at")} as week, sentiment, count(*) from `tabMention`
		where {where} group by week, sentiment""",
		filters,
	)


def readable_count(doctype: str, filters: dict) -> int:
	"""Rows of ``doctype`` matching ``filters`` that the session user may read (0 without read)."""
	if not frappe.has_permission(doctype, "read"):
		return 0
	rows = frappe.get_list(doctype, filters=filters, fields=["count(*) as n"], limit_page_length=0)
	return int(rows[0].n) if rows else 0
