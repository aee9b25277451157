from datetime import datetime, timedelta, timezone

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy.requests import (
	LINK_VALID_HOURS,
	link_expiry,
	link_valid,
	manages_customer,
	normalize_request_type,
	owns_profile,
)

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)


def test_request_types():
	assert normalize_request_type("erasure") == "Erasure"
	assert normalize_request_type(" Access ") == "Access"
	with pytest.raises(InvalidRecord):
		normalize_request_type("delete everything")
	with pytest.raises(InvalidRecord):
		normalize_request_type(None)


def test_link_is_valid_until_it_expires():
	expires = link_expiry(NOW)
	assert link_valid(expires, NOW)
	assert link_valid(str(expires), NOW + timedelta(hours=LINK_VALID_HOURS) - timedelta(seconds=1))
	assert not link_valid(expires, NOW + timedelta(hours=LINK_VALID_HOURS))
	assert not link_valid("soon", NOW)
	assert not link_valid(None, NOW)


def test_link_cannot_be_stretched_beyond_its_window():
	assert not link_valid(link_expiry(NOW, hours=LINK_VALID_HOURS * 2), NOW)
	# naive datetimes are UTC (the server's clock)
	assert link_valid(link_expiry(NOW.replace(tzinfo=None)), NOW)


def test_who_owns_what():
	subjects = [("Contact", "Anna"), ("Lead", "L-1")]
	assert owns_profile("Contact", "Anna", subjects)
	assert not owns_profile("Contact", "Bob", subjects)
	assert not owns_profile("Customer", "Anna", subjects)
	assert not owns_profile(None, None, subjects)
	assert manages_customer("Individual")
	assert not manages_customer("Company")
	assert not manages_customer(None)
