"""Mastodon connector: status mapping, hashtag timeline paging by Link/max_id, since_id polls, search."""

import json
from datetime import datetime, timezone

import pytest
import responses
from responses import matchers
from test_connectors_base import collect, cursor_state, load, make

from social_crm.engine.connectors import TransientError

BASE = "https://mastodon.social"
TAG_URL = f"{BASE}/api/v1/timelines/tag/acme"


def link_next(max_id):
	return {"Link": f'<{TAG_URL}?max_id={max_id}>; rel="next", <{TAG_URL}?min_id=1>; rel="prev"'}


def params(**values):
	return [matchers.query_param_matcher(values, strict_match=False)]


def register_first_poll(rsps):
	rsps.get(
		TAG_URL,
		json=load("mastodon_tag_page1.json"),
		headers=link_next("112300000000000003"),
		match=[matchers.query_param_matcher({"limit": "40"})],
	)
	rsps.get(
		TAG_URL,
		json=load("mastodon_tag_page2.json"),
		headers=link_next("112300000000000000"),
		match=params(max_id="112300000000000003"),
	)
	rsps.get(TAG_URL, json=[], match=params(max_id="112300000000000000"))


def connector(**config):
	return make("Mastodon", base_url=BASE, hashtags=["#acme"], **config)[0]


@responses.activate
def test_status_fields_are_mapped():
	register_first_poll(responses)
	posts = collect(connector(name="Brand watch"))[0].posts
	first, reply, with_cw = posts
	assert first.platform == "Mastodon"
	assert first.external_id == "https://mastodon.social/users/alice/statuses/112300000000000005"
	assert first.url == "https://mastodon.social/@alice/112300000000000005"
	assert first.author.external_id == first.author.handle == "alice@mastodon.social"
	assert first.author.display_name == "Alice Example"
	assert first.author.profile_url == "https://mastodon.social/@alice"
	assert first.author.avatar_url.endswith("/original/avatar.png")
	assert first.author.bio == "Coffee & code"
	assert first.author.followers == 321
	assert first.posted_at == datetime(2024, 5, 1, 10, 15, 30, tzinfo=timezone.utc)
	assert first.language_hint == "de"
	assert (first.likes, first.reposts, first.replies) == (11, 5, 2)
	assert first.source == "Brand watch"
	assert first.raw["id"] == "112300000000000005"
	# HTML is reduced to text; the script's content is gone.
	assert first.text == "Wir lieben #acme & Co!\n\nZweiter Absatz"
	assert "alert" not in first.text and "<" not in first.text
	# A remote account keeps its own instance in the handle.
	assert reply.author.handle == "bob@fosstodon.org"
	assert reply.in_reply_to == "112300000000000001"
	assert with_cw.title == "customer service"


@responses.activate
def test_pages_follow_link_header_and_cursor_is_stored_per_page():
	register_first_poll(responses)
	pages = collect(connector())
	assert [len(p.posts) for p in pages] == [3, 2, 0]
	# While the walk is open the cursor records what was saved (top/below), not "done".
	mid = cursor_state(pages[0])["streams"]["tag:acme"]
	assert mid["since"] is None
	assert mid["gap"]["top"]["k"] == 112300000000000005
	assert mid["gap"]["below"]["k"] == 112300000000000003
	assert mid["gap"]["token"] == "112300000000000003"
	final = cursor_state(pages[-1])["streams"]["tag:acme"]
	assert final == {
		"since": {"k": 112300000000000005, "ids": ["112300000000000005"], "last": "112300000000000005"},
		"gap": None,
	}


@responses.activate
def test_malformed_status_is_rejected_and_the_rest_kept():
	register_first_poll(responses)
	page = collect(connector())[1]
	assert [p.external_id.rsplit("/", 1)[-1] for p in page.posts] == [
		"112300000000000002",
		"112300000000000001",
	]
	assert len(page.rejected) == 1
	assert page.rejected[0].reason == "status has no account"
	assert page.rejected[0].item["id"] == "112300000000000000"


@responses.activate
def test_second_poll_asks_since_the_cursor_and_returns_only_newer():
	register_first_poll(responses)
	cursor = collect(connector())[-1].cursor
	responses.reset()
	responses.get(TAG_URL, json=load("mastodon_tag_newer.json"), match=params(since_id="112300000000000005"))
	responses.get(TAG_URL, json=[], match=params(since_id="112300000000000005", max_id="112300000000000006"))
	pages = collect(connector(), cursor)
	assert [p.external_id.rsplit("/", 1)[-1] for pg in pages for p in pg.posts] == [
		"112300000000000007",
		"112300000000000006",
	]
	assert cursor_state(pages[-1])["streams"]["tag:acme"]["since"]["k"] == 112300000000000007


@responses.activate
def test_failure_after_first_page_resumes_from_the_stored_cursor():
	responses.get(TAG_URL, json=load("mastodon_tag_page1.json"), headers=link_next("112300000000000003"))
	responses.get(TAG_URL, status=500, match=params(max_id="112300000000000003"))
	conn = connector()
	stored = None
	with pytest.raises(TransientError):
		for page in conn.fetch(None):
			stored = page.cursor
	assert json.loads(stored)["streams"]["tag:acme"]["gap"]["below"]["k"] == 112300000000000003
	responses.reset()
	register_first_poll(responses)
	responses.get(TAG_URL, json=[], match=params(since_id="112300000000000005"))
	pages = collect(conn, stored)
	got = [p.external_id.rsplit("/", 1)[-1] for pg in pages for p in pg.posts]
	assert got == ["112300000000000002", "112300000000000001"]


@responses.activate
def test_search_stream_uses_v2_search_with_token():
	responses.get(
		f"{BASE}/api/v2/search",
		json=load("mastodon_search.json"),
		match=[
			matchers.query_param_matcher(
				{"q": "acme kettle", "type": "statuses", "resolve": "false", "limit": "40"}
			),
			matchers.header_matcher({"Authorization": "Bearer tok123"}),
		],
	)
	conn = make("Mastodon", base_url=BASE, query_terms=["acme kettle"], credentials={"token": "tok123"})[0]
	pages = collect(conn)
	assert len(pages) == 1 and len(pages[0].posts) == 2
	assert cursor_state(pages[0])["streams"]["search:acme kettle"]["since"]["k"] == 112300000000000005


@responses.activate
def test_test_connection_names_the_instance():
	responses.get(f"{BASE}/api/v2/instance", json=load("mastodon_instance.json"))
	assert connector().test_connection() == "Connected to Mastodon (Mastodon 4.2.8)"
