"""Bluesky connector: session with app password, searchPosts paging by cursor, since on the next poll."""

import json
from datetime import datetime, timezone

import pytest
import responses
from responses import matchers
from test_connectors_base import BSKY_CREDS, collect, cursor_state, load, make

from social_crm.engine.connectors import AuthError

SESSION_URL = "https://bsky.social/xrpc/com.atproto.server.createSession"
SEARCH_URL = "https://bsky.social/xrpc/app.bsky.feed.searchPosts"
JWT = load("bluesky_session.json")["accessJwt"]


def connector():
	return make("Bluesky", query_terms=["acme"], credentials=dict(BSKY_CREDS))[0]


def register_first_poll(rsps):
	rsps.post(
		SESSION_URL,
		json=load("bluesky_session.json"),
		match=[
			matchers.json_params_matcher(
				{"identifier": "crm-listener.bsky.social", "password": "abcd-efgh-ijkl-mnop"}
			)
		],
	)
	auth = matchers.header_matcher({"Authorization": f"Bearer {JWT}"})
	rsps.get(
		SEARCH_URL,
		json=load("bluesky_search_page1.json"),
		match=[matchers.query_param_matcher({"q": "acme", "sort": "latest", "limit": "40"}), auth],
	)
	rsps.get(
		SEARCH_URL,
		json=load("bluesky_search_page2.json"),
		match=[
			matchers.query_param_matcher({"q": "acme", "sort": "latest", "limit": "40", "cursor": "25"}),
			auth,
		],
	)


@responses.activate
def test_post_view_fields_are_mapped():
	register_first_poll(responses)
	first, reply = collect(connector())[0].posts
	assert first.platform == "Bluesky"
	assert first.external_id == "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3ksyvqz2ab22c"
	assert first.url == "https://bsky.app/profile/Jay.bsky.team/post/3ksyvqz2ab22c"
	assert first.author.external_id == "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
	assert first.author.handle == "jay.bsky.team"
	assert first.author.display_name == "Jay 🦋"
	assert first.author.profile_url == "https://bsky.app/profile/Jay.bsky.team"
	assert first.author.avatar_url.startswith("https://cdn.bsky.app/img/avatar/")
	assert first.posted_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
	assert first.language_hint == "en"
	assert (first.likes, first.reposts, first.replies) == (20, 4, 3)
	assert first.text == "acme really nailed it"  # markup and script content removed
	assert reply.in_reply_to == "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3ksyaaaaaa22c"
	assert reply.language_hint == "de"


@responses.activate
def test_paging_by_cursor_rejects_malformed_and_stores_since():
	register_first_poll(responses)
	pages = collect(connector())
	assert [len(p.posts) for p in pages] == [2, 1]
	assert [r.reason for r in pages[1].rejected] == ["text is empty"]
	assert cursor_state(pages[0])["streams"]["acme"]["gap"]["token"] == json.dumps(
		{"until": None, "cursor": "25"}
	)
	since = cursor_state(pages[-1])["streams"]["acme"]["since"]
	assert since["k"] == "2024-05-01T10:00:00.000000Z"


@responses.activate
def test_second_poll_searches_since_the_cursor():
	register_first_poll(responses)
	cursor = collect(connector())[-1].cursor
	responses.reset()
	responses.post(SESSION_URL, json=load("bluesky_session.json"))
	responses.get(
		SEARCH_URL,
		json=load("bluesky_search_newer.json"),
		match=[matchers.query_param_matcher({"since": "2024-05-01T10:00:00.000000Z"}, strict_match=False)],
	)
	pages = collect(connector(), cursor)
	assert [p.text for pg in pages for p in pg.posts] == ["acme again", "acme support answered"]


@responses.activate
def test_expired_token_creates_a_new_session_once():
	responses.post(SESSION_URL, json=load("bluesky_session.json"))
	responses.get(SEARCH_URL, status=400, json={"error": "ExpiredToken", "message": "Token has expired"})
	responses.get(SEARCH_URL, json=load("bluesky_search_newer.json"))
	conn = connector()
	conn.config.max_pages = 1
	assert len(collect(conn)[0].posts) == 2
	assert len([c for c in responses.calls if c.request.url == SESSION_URL]) == 2


@responses.activate
def test_wrong_app_password_is_an_auth_error_with_a_hint():
	responses.post(
		SESSION_URL,
		status=401,
		json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
	)
	with pytest.raises(AuthError, match="app password"):
		connector().test_connection()


@responses.activate
def test_test_connection_reports_the_handle():
	responses.post(SESSION_URL, json=load("bluesky_session.json"))
	assert connector().test_connection() == "Signed in to Bluesky as @crm-listener.bsky.social"
