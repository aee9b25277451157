"""Site clock ↔ UTC: the one conversion the Frappe layer uses (rules in :mod:`social_crm.engine.clock`).

Frappe's ``now_datetime()`` and ``creation`` / ``modified`` are in the site's time zone
(System Settings); ``Mention.posted_at`` is UTC. Compare them only through these helpers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytz

import frappe
from frappe.utils import get_datetime, get_system_timezone

from social_crm.engine.clock import as_naive_utc, minutes_between, utc_now

__all__ = ["minutes_between", "site_to_utc", "utc_now", "utc_to_site", "utc_range_of_days"]


def _site_zone():
	try:
		return pytz.timezone(get_system_timezone())
	except pytz.UnknownTimeZoneError:
		return pytz.UTC


def site_to_utc(value) -> datetime | None:
	"""A naive site-local datetime (or its string) as naive UTC."""
	if not value:
		return None
	value = get_datetime(value)
	if value.tzinfo is not None:
		return as_naive_utc(value)
	return as_naive_utc(_site_zone().localize(value))


def utc_to_site(value) -> datetime | None:
	"""A naive UTC datetime as naive site-local time (what Frappe shows and stores in creation)."""
	if not value:
		return None
	value = get_datetime(value)
	if value.tzinfo is None:
		value = pytz.UTC.localize(value)
	return value.astimezone(_site_zone()).replace(tzinfo=None)


def utc_range_of_days(from_date: date, to_date: date) -> tuple[datetime, datetime]:
	"""[start, end) in naive UTC of the site-local days ``from_date`` .. ``to_date``."""
	start = site_to_utc(datetime.combine(from_date, time.min))
	end = site_to_utc(datetime.combine(to_date + timedelta(days=1), time.min))
	return start, end


def reset_cache() -> None:
	"""Forget the request's cached System Settings (after a test changes the time zone)."""
	frappe.clear_document_cache("System Settings", "System Settings")
	frappe.local.system_settings = None
