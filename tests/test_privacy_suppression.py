import hashlib
import hmac

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy.anonymize import anonymize_profile_fields, is_anonymized
from social_crm.engine.privacy.suppression import (
	anonymized_id,
	handle_key,
	keys_for_post,
	keys_for_profile,
	post_key,
	profile_key,
	suppressed_by,
	suppression_key,
)
from social_crm.engine.records import Post


def test_key_is_hmac_sha256_of_kind_platform_and_id():
	expected = hmac.new(b"secret", b"profile\x1fmastodon\x1f109876", hashlib.sha256).hexdigest()
	assert suppression_key("Mastodon", "109876", "secret") == expected
	assert suppression_key(" mastodon ", 109876, "secret") == expected
	assert len(expected) == 64 and "109876" not in expected


def test_keys_differ_by_secret_kind_platform_and_id_case():
	base = profile_key("Reddit", "t2_abc", "s")
	assert base != profile_key("Reddit", "t2_abc", "other")
	assert base != post_key("Reddit", "t2_abc", "s")
	assert base != profile_key("Hacker News", "t2_abc", "s")
	assert base != profile_key("Reddit", "T2_ABC", "s")  # ids can be case-sensitive
	assert profile_key("twitter", "1", "s") == profile_key("X", "1", "s")


def test_handle_keys_are_normalized():
	assert handle_key("Mastodon", "@Alice@Mastodon.Social") == handle_key("mastodon", "alice@mastodon.social")
	assert handle_key("Reddit", "/u/Bob") == handle_key("Reddit", "bob")


@pytest.mark.parametrize(
	"platform, external_id, kind",
	[
		("Myspace", "1", "profile"),
		("X", "", "profile"),
		("X", "  ", "post"),
		("X", True, "post"),
		("X", 1.5, "post"),
		("X", "1", "user"),
	],
)
def test_bad_input(platform, external_id, kind):
	with pytest.raises(InvalidRecord):
		suppression_key(platform, external_id, "s", kind)


def _post():
	return Post.from_dict(
		{
			"platform": "Mastodon",
			"id": "555",
			"instance": "mastodon.social",
			"author": {"id": "42", "handle": "Alice"},
			"text": "hello",
			"posted_at": "2024-05-01T10:00:00Z",
		}
	)


def test_incoming_post_is_suppressed_by_profile_handle_or_post():
	post = _post()
	keys = keys_for_post(post, "s")
	assert post.external_id == "mastodon.social:555"  # a local status id is unique per instance only
	assert keys == {
		"post": post_key("Mastodon", "mastodon.social:555", "s"),
		"profile": profile_key("Mastodon", "42", "s"),
		"handle": handle_key("Mastodon", "alice@mastodon.social", "s"),
	}
	assert suppressed_by(post, set(), "s") is None
	assert suppressed_by(post, {profile_key("Mastodon", "42", "s")}, "s") == "profile"
	assert suppressed_by(post, {handle_key("Mastodon", "@alice@mastodon.social", "s")}, "s") == "handle"
	assert suppressed_by(post, {post_key("Mastodon", "mastodon.social:555", "s")}, "s") == "post"
	assert suppressed_by(post, {profile_key("Mastodon", "42", "other secret")}, "s") is None


def test_a_post_whose_row_or_author_was_anonymized_is_suppressed():
	post = _post()
	mention_id = anonymized_id(post_key("Mastodon", "mastodon.social:555", "s"))
	profile = {"platform": "Mastodon", "external_id": "42", "handle": "alice"}
	profile_id = anonymize_profile_fields(profile, "s")["external_id"]
	assert profile_id == anonymized_id(profile_key("Mastodon", "42", "s"))
	assert is_anonymized({"external_id": profile_id}) and is_anonymized({"external_id": mention_id})
	assert suppressed_by(post, set(), "s", {mention_id}) == "post"
	assert suppressed_by(post, set(), "s", {profile_id}) == "profile"
	assert suppressed_by(post, set(), "s", {anonymized_id(profile_key("Mastodon", "43", "s"))}) is None
	assert suppressed_by(post, set(), "other secret", {mention_id, profile_id}) is None


def test_erasing_a_profile_stores_keys_that_match_later_posts():
	stored = set(keys_for_profile("mastodon", "42", "@alice@mastodon.social", "s").values())
	assert suppressed_by(_post(), stored, "s") == "profile"
	assert set(keys_for_profile("X", "7", "", "s")) == {"profile"}
