"""X API v2 connector: recent search and mentions paged by next_token, edits, x-rate-limit-* and the monthly cap."""

from datetime import datetime, timezone

import pytest
import responses
from responses import matchers
from test_connectors_base import NOW, collect, cursor_state, load, make

from social_crm.engine.connectors import AuthError, RateLimited
from social_crm.engine.connectors.replies import ReplyTarget

API = "https://api.x.com/2"
SEARCH = f"{API}/tweets/search/recent"
TOKEN = "b26v89c19zqg8o3fpzbkk2ul3lzwz5i9j2klxbhhfl"


def connector(**config):
	config.setdefault("query_terms", ["acme"])
	config.setdefault("credentials", {"token": "AAAAbearer"})
	return make("X", **config)[0]


def usage(rsps, name="x_usage.json"):
	rsps.get(
		f"{API}/usage/tweets",
		json=load(name),
		headers={
			"x-rate-limit-limit": "50",
			"x-rate-limit-remaining": "49",
			"x-rate-limit-reset": str(int(NOW) + 900),
		},
	)


def first_poll(rsps):
	usage(rsps)
	rsps.get(
		SEARCH,
		json=load("x_search_page1.json"),
		match=[
			matchers.query_param_matcher(
				{"query": "acme -is:retweet", "max_results": "40"}, strict_match=False
			)
		],
		headers={
			"x-rate-limit-limit": "450",
			"x-rate-limit-remaining": "448",
			"x-rate-limit-reset": str(int(NOW) + 900),
		},
	)
	rsps.get(
		SEARCH,
		json=load("x_search_page2.json"),
		match=[matchers.query_param_matcher({"next_token": TOKEN}, strict_match=False)],
	)


@responses.activate
def test_search_maps_posts_authors_and_edits():
	first_poll(responses)
	conn = connector()
	pages = collect(conn)
	edited, reply = pages[0].posts
	assert edited.external_id == "1790000000000000002"  # the original id: an edit updates, never duplicates
	assert edited.url == "https://x.com/AcmeFan/status/1790000000000000003"
	assert edited.author.external_id == "2244994945"
	assert edited.author.handle == "acmefan"
	assert edited.author.display_name == "Acme Fan"
	assert edited.author.followers == 1200
	assert edited.posted_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
	assert (edited.likes, edited.reposts, edited.replies) == (10, 2, 1)
	assert reply.in_reply_to == "1789999999999990000"
	assert reply.language_hint == "de"
	assert responses.calls[1].request.headers["Authorization"] == "Bearer AAAAbearer"
	assert "monthly posts 1520/10000" in conn.health_note()
	assert "requests left in window 448/450" in conn.health_note()


@responses.activate
def test_next_token_paging_rejects_post_without_author_and_cursor_stops_next_poll():
	first_poll(responses)
	pages = collect(connector())
	assert [len(p.posts) for p in pages] == [2, 1]
	assert pages[1].rejected[0].reason == "post has no author_id"
	assert cursor_state(pages[0])["streams"]["search:acme"]["gap"]["token"] == TOKEN
	assert cursor_state(pages[1])["streams"]["search:acme"]["since"]["k"] == 1790000000000000003
	responses.reset()
	usage(responses)
	responses.get(
		SEARCH,
		json=load("x_search_newer.json"),
		match=[matchers.query_param_matcher({"since_id": "1790000000000000003"}, strict_match=False)],
	)
	newer = collect(connector(), pages[-1].cursor)
	assert [p.external_id for pg in newer for p in pg.posts] == ["1790000000000000009"]


@responses.activate
def test_mentions_timeline_by_username():
	usage(responses)
	responses.get(f"{API}/users/by/username/acme", json=load("x_user.json"))
	responses.get(f"{API}/users/1111/mentions", json=load("x_mentions.json"))
	conn = connector(query_terms=[], options={"username": "@acme"})
	assert conn.streams() == ["mentions"]
	posts = [p for page in collect(conn) for p in page.posts]
	assert [p.text for p in posts] == ["@acme thanks for the quick help"]
	assert posts[0].author.handle == "critic_de"


@responses.activate
def test_429_waits_for_x_rate_limit_reset():
	usage(responses)
	responses.get(
		SEARCH,
		status=429,
		json=load("x_429.json"),
		headers={
			"x-rate-limit-limit": "450",
			"x-rate-limit-remaining": "0",
			"x-rate-limit-reset": str(int(NOW) + 600),
		},
	)
	with pytest.raises(RateLimited) as info:
		collect(connector())
	assert info.value.retry_after == pytest.approx(600)


@responses.activate
def test_monthly_cap_stops_before_searching_and_in_a_429():
	usage(responses, "x_usage_capped.json")
	with pytest.raises(RateLimited, match="monthly post cap") as info:
		collect(connector())
	assert info.value.retry_after == 24 * 3600
	assert [c.request.url.split("?")[0] for c in responses.calls] == [f"{API}/usage/tweets"]
	responses.reset()
	usage(responses)
	responses.get(
		SEARCH,
		status=429,
		json=load("x_usage_cap_429.json"),
		headers={"x-rate-limit-reset": str(int(NOW) + 5)},
	)
	with pytest.raises(RateLimited, match="monthly post cap"):
		collect(connector(), None)


@responses.activate
def test_bad_token_and_app_only_reply_are_auth_errors():
	responses.get(f"{API}/usage/tweets", status=401, json=load("x_unauthorized.json"))
	with pytest.raises(AuthError):
		connector().test_connection()
	responses.post(f"{API}/tweets", status=403, json=load("x_reply_forbidden.json"))
	with pytest.raises(AuthError, match="user-context token"):
		connector().reply(ReplyTarget("1790000000000000002", raw={"id": "1790000000000000003"}), "Thanks!")
	assert (
		responses.calls[-1].request.body
		== b'{"text": "Thanks!", "reply": {"in_reply_to_tweet_id": "1790000000000000003"}}'
	)


@responses.activate
def test_reply_with_user_token():
	responses.post(
		f"{API}/tweets", status=201, json={"data": {"id": "1790000000000000777", "text": "Thanks!"}}
	)
	sent = connector().reply(ReplyTarget("1790000000000000002"), "Thanks!")
	assert sent.external_id == "1790000000000000777"
