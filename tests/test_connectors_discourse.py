"""Discourse connector: latest posts paged with before=<id>, search.json order:latest paged by page."""

from datetime import datetime, timezone

import responses
from responses import matchers
from test_connectors_base import collect, cursor_state, load, make

BASE = "https://forum.acme.example"
LATEST = f"{BASE}/posts.json"
SEARCH = f"{BASE}/search.json"


def connector(**config):
	return make("Discourse", base_url=BASE, **config)[0]


def register_latest(rsps):
	rsps.get(LATEST, json=load("discourse_latest_page1.json"), match=[matchers.query_param_matcher({})])
	rsps.get(
		LATEST,
		json=load("discourse_latest_page2.json"),
		match=[matchers.query_param_matcher({"before": "1002"})],
	)
	rsps.get(LATEST, json={"latest_posts": []}, match=[matchers.query_param_matcher({"before": "1001"})])


@responses.activate
def test_latest_post_fields_are_mapped():
	register_latest(responses)
	post = collect(connector())[0].posts[0]
	assert post.platform == "Discourse"
	assert post.external_id == "forum.acme.example:1003"
	assert post.url == "https://forum.acme.example/t/acme-widget-broken/77/3"
	assert post.title == "Acme widget broken"
	assert post.text == "The Acme widget broke again.\nx"
	assert "alert" not in post.text
	assert post.author.external_id == "jane_doe@forum.acme.example"
	assert post.author.handle == "jane_doe@forum.acme.example"  # the forum is part of the identity
	assert post.author.display_name == "Jane Doe"
	assert post.author.profile_url == "https://forum.acme.example/u/Jane_Doe"
	assert (
		post.author.avatar_url
		== "https://forum.acme.example/user_avatar/forum.acme.example/Jane_Doe/120/12_2.png"
	)
	assert post.posted_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
	assert (post.likes, post.replies) == (4, 1)


@responses.activate
def test_latest_pages_with_before_and_rejects_malformed():
	register_latest(responses)
	pages = collect(connector())
	assert [[p.external_id for p in pg.posts] for pg in pages] == [
		["forum.acme.example:1003", "forum.acme.example:1002"],
		["forum.acme.example:1001"],
		[],
	]
	assert pages[1].rejected[0].reason.startswith("no usable id or date: ValueError")
	assert cursor_state(pages[-1])["streams"]["latest"]["since"]["k"] == 1003


@responses.activate
def test_second_poll_returns_only_newer_posts():
	register_latest(responses)
	cursor = collect(connector())[-1].cursor
	responses.reset()
	responses.get(LATEST, json=load("discourse_latest_newer.json"), match=[matchers.query_param_matcher({})])
	responses.get(
		LATEST,
		json=load("discourse_latest_older.json"),
		match=[matchers.query_param_matcher({"before": "1004"})],
	)
	pages = collect(connector(), cursor)
	assert [p.external_id for pg in pages for p in pg.posts] == [
		"forum.acme.example:1005",
		"forum.acme.example:1004",
	]
	assert cursor_state(pages[-1])["streams"]["latest"]["since"]["k"] == 1005


@responses.activate
def test_search_pages_and_uses_topic_for_url():
	responses.get(
		SEARCH,
		json=load("discourse_search_page1.json"),
		match=[matchers.query_param_matcher({"q": "acme order:latest", "page": "1"})],
	)
	responses.get(
		SEARCH,
		json=load("discourse_search_page2.json"),
		match=[matchers.query_param_matcher({"q": "acme order:latest", "page": "2"})],
	)
	pages = collect(connector(query_terms=["acme"]))
	posts = [p for pg in pages for p in pg.posts]
	assert [p.external_id for p in posts] == [
		"forum.acme.example:1003",
		"forum.acme.example:1002",
		"forum.acme.example:1001",
	]
	assert posts[0].text == "The Acme widget broke again."
	assert posts[0].url == "https://forum.acme.example/t/acme-widget-broken/77/3"
	assert posts[0].title == "Acme widget broken"
	assert cursor_state(pages[0])["streams"]["search:acme"]["gap"]["token"] == "2"


@responses.activate
def test_api_key_headers_and_test_connection():
	responses.get(
		f"{BASE}/about.json",
		json=load("discourse_about.json"),
		match=[matchers.header_matcher({"Api-Key": "k3y", "Api-Username": "crm-bot"})],
	)
	conn = connector(credentials={"api_key": "k3y", "username": "crm-bot"})
	assert conn.test_connection() == "Connected to Discourse forum 'Acme Community'"
