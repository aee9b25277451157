"""LinkedIn Community Management API: page post comments (start/count paging), mentions, 404s, 429, token expiry."""

import json

import pytest
import responses
from responses import matchers
from test_connectors_base import NOW, collect, load, make

from social_crm.engine.connectors import AuthError, RateLimited

API = "https://api.linkedin.com/rest"
ORG = "urn%3Ali%3Aorganization%3A2414183"
POST = "urn%3Ali%3Ashare%3A7190000000000000001"


def connector(**config):
	config.setdefault("options", {"organization_id": "2414183", "recent_posts": 1})
	config.setdefault("credentials", {"token": "AQVtoken", "client_id": "78abc123", "client_secret": "shh"})
	config.setdefault("page_size", 2)
	return make("LinkedIn", **config)[0]


def register(rsps):
	rsps.get(
		f"{API}/posts",
		json=load("linkedin_posts.json"),
		match=[
			matchers.query_param_matcher(
				{"q": "author", "author": "urn:li:organization:2414183"}, strict_match=False
			)
		],
	)
	rsps.get(f"{API}/organizationalEntityNotifications", json=load("linkedin_notifications.json"))
	rsps.get(f"{API}/posts/urn%3Ali%3Ashare%3A7190000000000000500", json=load("linkedin_mention_post.json"))
	rsps.get(
		f"{API}/posts/urn%3Ali%3Ashare%3A7190000000000000600",
		status=404,
		json=load("linkedin_not_found.json"),
	)
	comments = f"{API}/socialActions/{POST}/comments"
	rsps.get(
		comments,
		json=load("linkedin_comments_page1.json"),
		match=[matchers.query_param_matcher({"start": "0", "count": "2"})],
	)
	rsps.get(
		comments,
		json=load("linkedin_comments_page2.json"),
		match=[matchers.query_param_matcher({"start": "2", "count": "2"})],
	)


@responses.activate
def test_mentions_and_comments_are_read_and_paged():
	register(responses)
	pages = collect(connector())
	posts = [p for page in pages for p in page.posts]
	mention, edited, question = posts
	assert mention.external_id == "urn:li:share:7190000000000000500"
	assert mention.author.external_id == "urn:li:person:Q1w2E3r4"
	assert "Proud to work with" in mention.text
	assert edited.external_id == "urn:li:comment:(urn:li:activity:7190000000000000000,7190000000000000102)"
	assert edited.text == "Sieht super aus! (bearbeitet)"
	assert edited.likes == 2
	assert question.author.external_id == "urn:li:person:Z9y8X7w6"
	# the page's own comment is not a mention; the deleted post (404) is skipped
	assert all(p.author.external_id != "urn:li:organization:2414183" for p in posts)
	headers = responses.calls[0].request.headers
	assert headers["LinkedIn-Version"] == "202411" and headers["X-Restli-Protocol-Version"] == "2.0.0"
	notif = next(c.request.url for c in responses.calls if "Notifications" in c.request.url)
	assert "actions=List(SHARE_MENTION)" in notif and f"organizationalEntity={ORG}" in notif


@responses.activate
def test_daily_limit_429_waits_until_midnight_utc():
	responses.get(f"{API}/posts", status=429, json=load("linkedin_429.json"))
	with pytest.raises(RateLimited, match="midnight UTC") as info:
		collect(connector())
	# NOW is 2024-05-01T21:46:40Z (plus the backoff sleeps): midnight is about 2 h 13 min away
	assert 7000 < info.value.retry_after < 8000


@responses.activate
def test_connection_shows_token_expiry_and_refuses_bad_token():
	responses.get(f"{API}/organizations/2414183", json=load("linkedin_organization.json"))
	responses.post("https://www.linkedin.com/oauth/v2/introspectToken", json=load("linkedin_introspect.json"))
	conn = connector()
	message = conn.test_connection()
	assert "Acme GmbH" in message and "token expires 2024-06-29" in message
	assert conn.token_expires_at == 1719684000
	assert conn.health_note() == f"LinkedIn token expires in {(1719684000 - NOW) / 86400:.0f} day(s)"
	responses.reset()
	responses.get(
		f"{API}/organizations/2414183",
		status=401,
		json={
			"status": 401,
			"serviceErrorCode": 65600,
			"code": "INVALID_ACCESS_TOKEN",
			"message": "Invalid access token",
		},
	)
	with pytest.raises(AuthError):
		connector().test_connection()


@responses.activate
def test_reply_is_a_nested_comment_as_the_organization():
	parent = "urn:li:comment:(urn:li:activity:7190000000000000000,7190000000000000100)"
	responses.post(
		f"{API}/socialActions/urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A7190000000000000000%2C7190000000000000100%29/comments",
		status=201,
		json={"commentUrn": "urn:li:comment:(urn:li:activity:7190000000000000000,7190000000000000999)"},
	)
	from social_crm.engine.connectors.replies import ReplyTarget

	raw = load("linkedin_comments_page2.json")["elements"][0]
	sent = connector().reply(ReplyTarget(parent, raw=raw), "Next week!")
	assert sent.external_id.endswith("7190000000000000999)")
	body = json.loads(responses.calls[0].request.body)
	assert body == {
		"actor": "urn:li:organization:2414183",
		"message": {"text": "Next week!"},
		"object": "urn:li:activity:7190000000000000000",
		"parentComment": parent,
	}
