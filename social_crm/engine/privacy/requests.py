"""Requests of a data subject themselves: who they are on the portal, and the signed email link.

Plain Python. The Frappe layer (``social_crm.privacy.requests``) reads the parties, signs and
checks the link with the site's secret and stores the request a manager approves.

- A website user manages the social data of their Contacts, the Leads with their email and the
  Customers they are a portal user of or their Contact belongs to, when the Customer is an
  Individual (a company's profiles are the company's, not one employee's).
- They may act on a Social Profile only when it is linked to one of those parties.
- The email link for people without a website user carries the email, the request type and an
  expiry (seconds since the epoch); it is valid until then, and never longer than
  ``LINK_VALID_HOURS`` ahead (a clock or a forged far expiry cannot stretch it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from ..errors import InvalidRecord

ACCESS = "Access"
ERASURE = "Erasure"
REQUEST_TYPES = (ACCESS, ERASURE)
LINK_VALID_HOURS = 24
INDIVIDUAL = "Individual"


def normalize_request_type(value) -> str:
	for choice in REQUEST_TYPES:
		if str(value or "").strip().casefold() == choice.casefold():
			return choice
	raise InvalidRecord(f"unknown request type {value!r}", "request_type")


def manages_customer(customer_type: str | None) -> bool:
	"""A portal user manages a Customer's social data only when the Customer is a person."""
	return customer_type == INDIVIDUAL


def owns_profile(party_type: str | None, party: str | None, subjects: Iterable[tuple[str, str]]) -> bool:
	"""True when a profile linked to (party_type, party) belongs to one of the user's ``subjects``."""
	return bool(party_type and party) and (party_type, party) in set(subjects)


def _epoch(now: datetime) -> int:
	if now.tzinfo is None:
		now = now.replace(tzinfo=timezone.utc)
	return int(now.timestamp())


def link_expiry(now: datetime, hours: int = LINK_VALID_HOURS) -> int:
	"""The expiry to put into a new link (seconds since the epoch)."""
	return _epoch(now) + int(hours) * 3600


def link_valid(expires, now: datetime, hours: int = LINK_VALID_HOURS) -> bool:
	"""True while a link with this ``expires`` value may be used."""
	try:
		expires = int(str(expires))
	except (TypeError, ValueError):
		return False
	current = _epoch(now)
	return current < expires <= current + int(hours) * 3600
