"""Reddit connector: client-credentials token, search sort=new with after fullnames, rate headers."""

from datetime import datetime, timezone

import pytest
import responses
from responses import matchers
from test_connectors_base import REDDIT_CREDS, collect, cursor_state, load, make

from social_crm.engine.connectors import AuthError, RateLimited

TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
SEARCH_URL = "https://oauth.reddit.com/search"
TOKEN = load("reddit_token.json")["access_token"]


def connector(**config):
	return make("Reddit", query_terms=["acme"], credentials=dict(REDDIT_CREDS), **config)


def token(rsps):
	rsps.post(
		TOKEN_URL,
		json=load("reddit_token.json"),
		match=[
			matchers.urlencoded_params_matcher({"grant_type": "client_credentials"}),
			matchers.header_matcher(
				{"Authorization": "Basic cC1qY29MS0J5blRMZXc6Z2tvX0xYRUxvVjA3WkJOVVhydldaZnpFM2FJ"}
			),
		],
	)


def register_first_poll(rsps):
	token(rsps)
	base = {"q": "acme", "sort": "new", "type": "link", "limit": "40", "raw_json": "1"}
	auth = matchers.header_matcher({"Authorization": f"bearer {TOKEN}"})
	rsps.get(
		SEARCH_URL, json=load("reddit_search_page1.json"), match=[matchers.query_param_matcher(base), auth]
	)
	rsps.get(
		SEARCH_URL,
		json=load("reddit_search_page2.json"),
		match=[matchers.query_param_matcher({**base, "after": "t3_1cfx003"}), auth],
	)


@responses.activate
def test_listing_fields_are_mapped():
	register_first_poll(responses)
	self_post, link_post = collect(connector(name="Reddit brand")[0])[0].posts
	assert self_post.platform == "Reddit"
	assert self_post.external_id == "t3_1cfx004"
	assert (
		self_post.url == "https://www.reddit.com/r/BuyItForLife/comments/1cfx004/acme_kettle_after_5_years/"
	)
	assert self_post.title == "Acme kettle after 5 years"
	assert self_post.text == "Still works great."  # selftext_html without markup or script
	assert self_post.author.external_id == "t2_acme_f9x"
	assert self_post.author.handle == "acme_fan"
	assert self_post.author.profile_url == "https://www.reddit.com/user/acme_fan"
	assert self_post.posted_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
	assert (self_post.likes, self_post.replies) == (120, 45)
	assert link_post.text == "https://example.com/review"


@responses.activate
def test_paging_by_after_and_deleted_author_rejected():
	register_first_poll(responses)
	pages = collect(connector()[0])
	assert [len(p.posts) for p in pages] == [2, 1]
	assert pages[1].rejected[0].reason == "post author is deleted or missing"
	assert cursor_state(pages[0])["streams"]["acme"]["gap"]["token"] == "t3_1cfx003"
	assert cursor_state(pages[1])["streams"]["acme"]["since"]["k"] == 1714557600


@responses.activate
def test_second_poll_stops_at_the_cursor():
	register_first_poll(responses)
	cursor = collect(connector()[0])[-1].cursor
	responses.reset()
	token(responses)
	responses.get(
		SEARCH_URL,
		json=load("reddit_search_newer.json"),
		match=[matchers.query_param_matcher({"q": "acme"}, strict_match=False)],
	)
	# The page after t3_1cfx004 reaches an item older than the cursor: the walk stops there.
	responses.get(
		SEARCH_URL,
		json=load("reddit_search_page1.json"),
		match=[matchers.query_param_matcher({"after": "t3_1cfx004"}, strict_match=False)],
	)
	pages = collect(connector()[0], cursor)
	assert [p.external_id for pg in pages for p in pg.posts] == ["t3_1cgy006", "t3_1cgy005"]
	assert [c.request.url.count("after=") for c in responses.calls[1:]] == [0, 1]


@responses.activate
def test_used_up_budget_waits_for_reset_or_reschedules():
	token(responses)
	headers = {"x-ratelimit-remaining": "0.0", "x-ratelimit-used": "100", "x-ratelimit-reset": "12"}
	responses.get(SEARCH_URL, json=load("reddit_search_page1.json"), headers=headers)
	responses.get(SEARCH_URL, json=load("reddit_search_page2.json"))
	conn, clock = connector()
	assert len(collect(conn)) == 2
	assert clock.sleeps == [12]

	responses.reset()
	token(responses)
	responses.get(
		SEARCH_URL, json=load("reddit_search_page1.json"), headers={**headers, "x-ratelimit-reset": "400"}
	)
	conn, clock = connector()
	pages = conn.fetch(None)
	assert len(next(pages).posts) == 2
	with pytest.raises(RateLimited) as info:
		next(pages)
	assert info.value.retry_after == 400
	assert clock.sleeps == []


@responses.activate
def test_bad_client_secret_is_an_auth_error():
	responses.post(TOKEN_URL, status=401, json={"message": "Unauthorized", "error": 401})
	with pytest.raises(AuthError, match="client id / secret"):
		connector()[0].test_connection()


@responses.activate
def test_subreddit_option_restricts_search():
	token(responses)
	responses.get(
		"https://oauth.reddit.com/r/BuyItForLife/search",
		json=load("reddit_search_page2.json"),
		match=[matchers.query_param_matcher({"restrict_sr": "1"}, strict_match=False)],
	)
	conn = connector(options={"subreddit": "r/BuyItForLife"})[0]
	assert [p.external_id for p in collect(conn)[0].posts] == ["t3_1cfx002"]
