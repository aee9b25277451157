"""One home for time: instants are compared in UTC.

Post times (``Mention.posted_at``, profile first/last seen) are stored as naive UTC. Every
duration (first-response time) and every window (alerts, retention ages, trends) is
computed between naive UTC datetimes; site-local values (``now_datetime()``, ``creation``)
are converted once, in :mod:`social_crm.clock`, before they meet a UTC one.
"""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
	"""The current instant as a naive UTC datetime (the storage form of ``posted_at``)."""
	return datetime.now(timezone.utc).replace(tzinfo=None)


def as_naive_utc(value: datetime) -> datetime:
	"""An aware datetime in naive UTC; a naive one is taken to be UTC already."""
	if value.tzinfo is None:
		return value
	return value.astimezone(timezone.utc).replace(tzinfo=None)


def minutes_between(start: datetime, end: datetime) -> float:
	"""Whole-minute-rounded (2 decimals) minutes from ``start`` to ``end``, both naive UTC; never negative."""
	seconds = (as_naive_utc(end) - as_naive_utc(start)).total_seconds()
	return round(max(seconds, 0) / 60, 2)
