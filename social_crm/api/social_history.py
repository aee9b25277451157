"""Compact social summary for Customer, Lead and Contact forms."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from social_crm.clock import utc_now
from social_crm.engine.analysis.sentiment import LABELS as SENTIMENTS
from social_crm.overrides.party import mention_filters
from social_crm.party import PARTY_TYPES
from social_crm.permissions import social_data_query_conditions

TREND_WEEKS = 12


@frappe.whitelist()
def get_social_summary(party_type: str, party: str) -> dict:
	"""Counts per sentiment label, a weekly trend, and profile/idea counts for one party."""
	if party_type not in PARTY_TYPES:
		frappe.throw(
			_("Party Type must be one of {0}").format(", ".join(PARTY_TYPES)), frappe.ValidationError
		)
	if not frappe.db.exists(party_type, party):
		frappe.throw(_("{0} {1} does not exist").format(_(party_type), party), frappe.DoesNotExistError)
	frappe.has_permission(party_type, "read", doc=party, throw=True)
	if not frappe.has_permission("Mention", "read"):
		frappe.throw(_("Not permitted to read social data"), frappe.PermissionError)

	filters = mention_filters(party_type, party)
	# the viewer's row rule on Mention: a Customer's summary counts its Contacts' mentions
	# only where the viewer may read that Contact (permissions.py)
	condition = social_data_query_conditions(doctype="Mention")
	where = " and ".join(f"`tabMention`.`{k}` = %({k})s" for k in filters) + (
		f" and {condition}" if condition else ""
	)

	counts = {label: 0 for label in SENTIMENTS}
	unanalyzed = 0
	for sentiment, count in frappe.db.sql(
		f"select sentiment, count(*) from `tabMention` where {where} group by sentiment", filters
	):
		if sentiment in counts:
			counts[sentiment] = count
		else:
			unanalyzed += count

	# weekly buckets (Monday start) for the last TREND_WEEKS weeks
	today = utc_now().date()  # weeks of posted_at, which is UTC
	start = add_days(today, -today.weekday() - 7 * (TREND_WEEKS - 1))
	rows = frappe.db.sql(
		f"""
		select date_sub(date(posted_at), interval weekday(posted_at) day) as week, sentiment, count(*)
		from `tabMention`
		where {where} and posted_at >= %(start)s
		group by week, sentiment
		""",
		{**filters, "start": start},
	)
	weeks = [add_days(start, 7 * i) for i in range(TREND_WEEKS)]
	series = {label: [0] * TREND_WEEKS for label in SENTIMENTS}
	index = {week: i for i, week in enumerate(weeks)}
	for week, sentiment, count in rows:
		i = index.get(getdate(week))
		if i is not None and sentiment in series:
			series[sentiment][i] = count

	profile_filters = (
		{"customer": party} if party_type == "Customer" else {"party_type": party_type, "party": party}
	)
	return {
		"total": sum(counts.values()) + unanalyzed,
		"counts": counts,
		"unanalyzed": unanalyzed,
		"profiles": readable_count("Social Profile", profile_filters),
		"ideas": readable_count("Idea", profile_filters),
		"trend": {
			"labels": [str(week) for week in weeks],
			"datasets": [{"name": _(label), "label": label, "values": series[label]} for label in SENTIMENTS],
		},
	}


def readable_count(doctype: str, filters: dict) -> int:
	"""Rows of ``doctype`` matching ``filters`` that the session user may read (0 without read)."""
	if not frappe.has_permission(doctype, "read"):
		return 0
	rows = frappe.get_list(doctype, filters=filters, fields=["count(*) as n"], limit_page_length=0)
	return int(rows[0].n) if rows else 0
