"""Replies from the CRM: Mastodon POST /api/v1/statuses, Bluesky createRecord with reply refs."""

import json

import pytest
import responses
from responses import matchers
from test_connectors_base import load

from social_crm.engine.connectors import AuthError, ConnectorError, SourceConfig, TransientError
from social_crm.engine.connectors.replies import ReplyTarget, send_reply, validate_reply_text
from social_crm.engine.errors import InvalidRecord

MASTODON = "https://mastodon.social"
BSKY = "https://bsky.social"


def mastodon_config(**credentials):
	return SourceConfig(platform="Mastodon", base_url=MASTODON, credentials=credentials or {"token": "tok"})


def bluesky_config():
	return SourceConfig(
		platform="Bluesky", credentials={"username": "crm-listener.bsky.social", "app_password": "app-pw"}
	)


def mastodon_status(**extra):
	status = dict(load("mastodon_tag_page1.json")[0])
	status.update(extra)
	return status


def new_status():
	return {
		"id": "112400000000000001",
		"uri": "https://mastodon.social/users/acme/statuses/112400000000000001",
		"url": "https://mastodon.social/@acme/112400000000000001",
		"in_reply_to_id": "112300000000000005",
		"content": "<p>@alice thanks!</p>",
	}


# --- Mastodon -------------------------------------------------------------------------------


@responses.activate
def test_mastodon_reply_uses_local_id_token_and_mentions_author():
	status = mastodon_status()
	responses.post(f"{MASTODON}/api/v1/statuses", json=new_status())
	target = ReplyTarget(external_id=status["uri"], author_handle="alice@mastodon.social", raw=status)

	sent = send_reply(mastodon_config(), target, "  Thanks, we are on it!  ")

	assert sent.external_id == new_status()["uri"]
	assert sent.url == new_status()["url"]
	request = responses.calls[0].request
	assert request.headers["Authorization"] == "Bearer tok"
	assert request.headers["Idempotency-Key"]
	body = dict(pair.split("=", 1) for pair in request.body.split("&"))
	assert body["in_reply_to_id"] == "112300000000000005"
	assert body["status"].startswith("%40alice%40mastodon.social+Thanks")


@responses.activate
def test_mastodon_reply_resolves_uri_when_payload_is_missing():
	uri = "https://other.example/users/bob/statuses/99"
	responses.get(
		f"{MASTODON}/api/v2/search",
		json={"accounts": [], "hashtags": [], "statuses": [{"id": "777", "uri": uri}]},
		match=[matchers.query_param_matcher({"q": uri, "type": "statuses", "resolve": "true", "limit": "1"})],
	)
	responses.post(f"{MASTODON}/api/v1/statuses", json=new_status())

	send_reply(mastodon_config(), ReplyTarget(external_id=uri), "@bob@other.example hello")

	body = responses.calls[1].request.body
	assert "in_reply_to_id=777" in body
	# the handle is already in the text: not prepended twice
	assert body.count("%40bob") == 1


@responses.activate
def test_mastodon_reply_errors():
	with pytest.raises(AuthError):
		send_reply(mastodon_config(token=""), ReplyTarget(external_id="x", raw=mastodon_status()), "hi")
	responses.get(f"{MASTODON}/api/v2/search", json={"statuses": []})
	with pytest.raises(ConnectorError, match="could not find"):
		send_reply(mastodon_config(), ReplyTarget(external_id="https://gone.example/1"), "hi")
	status = mastodon_status()
	responses.post(f"{MASTODON}/api/v1/statuses", status=503)
	with pytest.raises(TransientError):
		send_reply(mastodon_config(), ReplyTarget(external_id=status["uri"], raw=status), "hi")
	# a failed POST is not retried: it could publish twice
	assert len([c for c in responses.calls if c.request.method == "POST"]) == 1
	responses.post(f"{MASTODON}/api/v1/statuses", status=401, json={"error": "The access token is invalid"})
	with pytest.raises(AuthError):
		send_reply(mastodon_config(), ReplyTarget(external_id=status["uri"], raw=status), "hi")


def test_reply_text_is_validated():
	with pytest.raises(InvalidRecord):
		validate_reply_text("Mastodon", "   ")
	with pytest.raises(InvalidRecord):
		validate_reply_text("Bluesky", "x" * 301)
	with pytest.raises(InvalidRecord):
		validate_reply_text("Reddit", "hello")
	assert validate_reply_text("Bluesky", " ok ") == "ok"
	with pytest.raises(ConnectorError):
		send_reply(SourceConfig(platform="Reddit"), ReplyTarget(external_id="t3_x"), "hello")


# --- Bluesky --------------------------------------------------------------------------------


def register_session():
	responses.post(
		f"{BSKY}/xrpc/com.atproto.server.createSession",
		json=load("bluesky_session.json"),
		match=[
			matchers.json_params_matcher({"identifier": "crm-listener.bsky.social", "password": "app-pw"})
		],
	)


def created_record(rkey="3kzzzzreply1"):
	return {
		"uri": f"at://did:plc:crmcrmcrmcrmcrmcrmcrmcrm/app.bsky.feed.post/{rkey}",
		"cid": "bafyreinewreply",
		"commit": {"cid": "bafyreicommit", "rev": "3kzzzzrev"},
		"validationStatus": "valid",
	}


@responses.activate
def test_bluesky_reply_to_top_level_post_uses_it_as_root_and_parent():
	post = load("bluesky_search_page1.json")["posts"][0]
	register_session()
	responses.post(f"{BSKY}/xrpc/com.atproto.repo.createRecord", json=created_record())

	sent = send_reply(bluesky_config(), ReplyTarget(external_id=post["uri"], raw=post), "Thank you!")

	assert sent.external_id == created_record()["uri"]
	assert sent.url == "https://bsky.app/profile/crm-listener.bsky.social/post/3kzzzzreply1"
	request = responses.calls[1].request
	assert request.headers["Authorization"] == "Bearer " + load("bluesky_session.json")["accessJwt"]
	body = json.loads(request.body)
	assert body["repo"] == "did:plc:crmcrmcrmcrmcrmcrmcrmcrm"
	assert body["collection"] == "app.bsky.feed.post"
	record = body["record"]
	assert record["$type"] == "app.bsky.feed.post" and record["text"] == "Thank you!"
	assert record["createdAt"].endswith("Z")
	ref = {"uri": post["uri"], "cid": post["cid"]}
	assert record["reply"] == {"root": ref, "parent": ref}


@responses.activate
def test_bluesky_reply_in_thread_keeps_root_and_fetches_missing_cid():
	post = load("bluesky_search_page1.json")["posts"][1]
	register_session()
	responses.get(
		f"{BSKY}/xrpc/app.bsky.feed.getPosts",
		json={"posts": [post]},
		match=[matchers.query_param_matcher({"uris": post["uri"]})],
	)
	responses.post(f"{BSKY}/xrpc/com.atproto.repo.createRecord", json=created_record())

	send_reply(bluesky_config(), ReplyTarget(external_id=post["uri"]), "Sorry about that")

	record = json.loads(responses.calls[2].request.body)["record"]
	assert record["reply"]["parent"] == {"uri": post["uri"], "cid": post["cid"]}
	assert record["reply"]["root"] == post["record"]["reply"]["root"]


@responses.activate
def test_bluesky_reply_errors():
	with pytest.raises(AuthError):
		send_reply(SourceConfig(platform="Bluesky"), ReplyTarget(external_id="at://x"), "hi")
	register_session()
	responses.get(f"{BSKY}/xrpc/app.bsky.feed.getPosts", json={"posts": []})
	with pytest.raises(ConnectorError, match="could not find"):
		send_reply(bluesky_config(), ReplyTarget(external_id="at://did:plc:x/app.bsky.feed.post/1"), "hi")
	with pytest.raises(InvalidRecord):
		send_reply(bluesky_config(), ReplyTarget(external_id="at://x"), "x" * 301)
