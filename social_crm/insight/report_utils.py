"""Shared pieces of the Social CRM reports: date filters, periods, row-level conditions."""

from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import add_days, add_months, getdate

from social_crm.clock import utc_now
from social_crm.engine.analysis.sentiment import LABELS as SENTIMENTS
from social_crm.permissions import social_data_query_conditions

PERIODS = ("Daily", "Weekly", "Monthly")
MAX_REPORT_DAYS = 3 * 366


def date_range(filters: dict, default_days: int = 30) -> tuple[date, date]:
	"""(from_date, to_date) of the filters, defaulting to the last ``default_days`` days; validated."""
	# days are UTC days, as posted_at and the rollup's buckets are
	to_date = getdate(filters.get("to_date") or utc_now().date())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -(default_days - 1)))
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date"))
	if (to_date - from_date).days > MAX_REPORT_DAYS:
		frappe.throw(_("The date range can be at most {0} days").format(MAX_REPORT_DAYS))
	return from_date, to_date


def period_start(day: date, period: str) -> date:
	if period == "Weekly":
		return day - timedelta(days=day.weekday())
	if period == "Monthly":
		return day.replace(day=1)
	return day


def period_starts(from_date: date, to_date: date, period: str) -> list[date]:
	"""Every period start from the one holding ``from_date`` to the one holding ``to_date``."""
	if period not in PERIODS:
		frappe.throw(_("Period must be one of {0}").format(", ".join(_(p) for p in PERIODS)))
	starts, current = [], period_start(from_date, period)
	while current <= to_date:
		starts.append(current)
		current = (
			add_months(current, 1)
			if period == "Monthly"
			else current + timedelta(days=7 if period == "Weekly" else 1)
		)
	return starts


def period_label(start: date, period: str) -> str:
	if period == "Monthly":
		return start.strftime("%Y-%m")
	return str(start)


def sentiment_count(label: str, column: str = "sentiment") -> str:
	"""SQL aggregate: how many rows have sentiment ``label``; 0, never NULL.

	Unanalysed mentions (no sentiment: too short, consent withdrawn, not yet enriched) count
	for no label, so a group of only unanalysed mentions answers 0 instead of NULL.
	"""
	if label not in SENTIMENTS:
		raise ValueError(f"unknown sentiment {label!r}")
	return f"coalesce(sum(coalesce({column}, '') = '{label}'), 0)"


def rule_sentiment(mention: str = "`tabMention`", match: str = "rm") -> str:
	"""SQL of the engine's ``match_sentiment``: the sentiment of a mention towards one matched
	rule (a person's label, else the match's aspect sentiment, else the post's)."""
	return (
		f"coalesce(nullif({mention}.human_sentiment, ''), nullif({match}.sentiment, ''), {mention}.sentiment)"
	)


def group_rule_sentiment(mention: str = "`tabMention`", match: str = "rm") -> str:
	"""SQL aggregate of the engine's ``group_sentiment`` over one mention's matches in a group
	(an item, a kind, a competitor voice): theirs when they agree, else the post's."""
	# an unanalysed match counts as a sentiment of its own ('', as the engine's ``_text``): a
	# Neutral and an unanalysed match disagree, as they do in the rollup's keys
	towards = f"ifnull({rule_sentiment(mention, match)}, '')"
	return f"if(count(distinct {towards}) = 1, max({towards}), {mention}.sentiment)"


def mention_condition() -> str:
	"""`` and <row-level condition>`` on `tabMention` for the current user ('' when unrestricted)."""
	condition = social_data_query_conditions(doctype="Mention")
	return f" and {condition}" if condition else ""


def check_mention_report_permission():
	if not frappe.has_permission("Mention", "report"):
		frappe.throw(_("Not permitted to report on mentions"), frappe.PermissionError)
