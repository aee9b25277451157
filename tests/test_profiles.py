"""normalize_profile: the stored form of a Social Profile (controller and bulk ingest share it)."""

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.profiles import (
	EXTERNAL_ID_INVALID,
	FOLLOWERS_NEGATIVE,
	PLATFORM_MISSING,
	URL_INVALID,
	compute_influence,
	normalize_profile,
)


def test_fields_are_normalized_as_stored():
	values = normalize_profile(
		{
			"platform": "Mastodon",
			"external_id": " 42 ",
			"handle": "@Alice",
			"profile_url": "https://Mastodon.Social/@Alice",
			"display_name": "<b>Alice</b>   <i>A.</i>",
			"bio": "<p>Coffee &amp; code</p>",
			"email": " Alice@Example.COM ",
			"followers": 999,
			"verified": 1,
		}
	)
	assert values["external_id"] == "42"
	assert values["handle"] == "alice@mastodon.social"  # the instance comes from the profile URL
	assert values["display_name"] == "Alice A."
	assert values["bio"] == "Coffee & code"
	assert values["email"] == "alice@example.com"
	assert (values["website"], values["avatar_url"]) == ("", "")
	assert values["influence_score"] == compute_influence(999, True)


def test_display_name_and_bio_are_cut_and_tags_cannot_survive():
	values = normalize_profile(
		{"platform": "Reddit", "external_id": "x", "display_name": "a" * 500 + " <3", "bio": "b" * 5000}
	)
	assert len(values["display_name"]) == 140
	assert len(values["bio"]) == 2000 and values["bio"].endswith("…")
	assert (
		"<"
		not in normalize_profile({"platform": "X", "external_id": "y", "display_name": "I <3 it"})[
			"display_name"
		]
	)


@pytest.mark.parametrize(
	("values", "code", "field"),
	[
		({"external_id": "1"}, PLATFORM_MISSING, "platform"),
		({"platform": "X"}, EXTERNAL_ID_INVALID, "external_id"),
		({"platform": "X", "external_id": "a" * 141}, EXTERNAL_ID_INVALID, "external_id"),
		({"platform": "X", "external_id": "a\x01b"}, EXTERNAL_ID_INVALID, "external_id"),
		({"platform": "X", "external_id": "1", "website": "javascript:alert(1)"}, URL_INVALID, "website"),
		({"platform": "X", "external_id": "1", "avatar_url": "ftp://host/a.png"}, URL_INVALID, "avatar_url"),
		({"platform": "X", "external_id": "1", "followers": -1}, FOLLOWERS_NEGATIVE, "followers"),
	],
)
def test_invalid_profiles_are_rejected_with_a_code(values, code, field):
	with pytest.raises(InvalidRecord) as caught:
		normalize_profile(values)
	assert (caught.value.code, caught.value.field) == (code, field)


def test_influence_is_log_scaled_and_bounded():
	assert compute_influence(0, False) == 0
	assert compute_influence(0, True) == 10
	assert compute_influence(100, False) < compute_influence(10_000, False)
	assert compute_influence(10**12, True) == 100
