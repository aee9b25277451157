"""What identifies a post on its platform, and which source may change a stored one."""

import pytest

from social_crm.engine.connectors.base import SourceConfig
from social_crm.engine.connectors.feeds import FeedConnector
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.handles import normalize_handle
from social_crm.engine.records import Post, edit_allowed, scope_host, scoped_post_id


def record(**kw):
	data = {"author": {"id": "a1", "handle": "anna"}, "text": "hello", "posted_at": "2024-05-01T10:00:00Z"}
	data.update(kw)
	return Post.from_dict(data)


@pytest.mark.parametrize(
	"platform, external_id, scope, expected",
	[
		("Discourse", "42", "forum.acme.example", "forum.acme.example:42"),
		("Discourse", "42", "https://Forum.Acme.example/latest", "forum.acme.example:42"),
		("Discourse", "forum.acme.example:42", None, "forum.acme.example:42"),  # the connector's form
		("Mastodon", "109", "chaos.social", "chaos.social:109"),
		("Mastodon", "https://chaos.social/users/a/statuses/109", "mastodon.social", None),  # global uri
		("RSS", "7", "https://blog.example/feed.xml", "blog.example:7"),
		("RSS", "urn:uuid:1234", "blog.example", "urn:uuid:1234"),
		("RSS", "7", None, "7"),
		("X", "1799", "x.com", "1799"),  # ids of centralised platforms are global already
	],
)
def test_bare_ids_get_their_server_or_feed(platform, external_id, scope, expected):
	assert scoped_post_id(platform, external_id, scope) == (expected or external_id)


def test_a_bare_discourse_id_without_its_forum_is_rejected():
	with pytest.raises(InvalidRecord) as info:
		record(platform="Discourse", id="42")
	assert info.value.field == "instance"
	assert record(platform="Discourse", id="42", instance="forum.acme.example").external_id == (
		"forum.acme.example:42"
	)


def test_two_forums_post_42_are_two_posts():
	a = record(platform="Discourse", id=42, instance="forum-a.example")
	b = record(platform="Discourse", id=42, instance="forum-b.example")
	assert a.external_id != b.external_id
	feed_a = record(platform="RSS", id="1", feed="https://a.example/rss")
	feed_b = record(platform="RSS", id="1", feed="https://b.example/rss")
	assert feed_a.external_id != feed_b.external_id


def test_webhook_and_connector_agree_on_a_feed_entry_id():
	connector = FeedConnector(SourceConfig(platform="RSS", name="feed", base_url="https://blog.example/feed"))
	assert (
		connector._entry_id("7")
		== record(platform="RSS", id="7", feed="https://blog.example/feed").external_id
	)


def test_scope_host_ignores_garbage():
	assert scope_host("https://user@Forum.Example:8443/x?y") == "forum.example:8443"
	assert scope_host("not a host!") == ""
	assert scope_host(None) == ""


def test_only_the_source_that_stored_a_mention_may_edit_it():
	assert edit_allowed("Forum A", "Forum A")
	assert not edit_allowed("Forum A", "Forum B")
	assert not edit_allowed("Forum A", None)  # the unsourced webhook cannot edit a polled post
	assert not edit_allowed(None, "Forum A")
	assert edit_allowed(None, "")  # unsourced webhook and imports share one origin


def test_discourse_handles_carry_the_forum():
	assert normalize_handle("Discourse", "Anna", instance="forum.acme.example") == "anna@forum.acme.example"
	assert normalize_handle("Discourse", "https://forum.acme.example/u/Anna") == "anna@forum.acme.example"
	assert normalize_handle("Discourse", "anna@forum.acme.example") == "anna@forum.acme.example"
	post = record(platform="Discourse", id=1, instance="forum.acme.example")
	assert post.author.handle == "anna@forum.acme.example"
