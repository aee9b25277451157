"""Meta Graph API: Facebook Page feed/comments, Instagram tags/comments, errors, Lead Ads parsing and signatures."""

import hashlib
import hmac
import json

import pytest
import responses
from responses import matchers
from test_connectors_base import collect, cursor_state, load, make

from social_crm.engine.connectors import AuthError, RateLimited
from social_crm.engine.connectors.meta import (
	GraphClient,
	LeadAdsClient,
	lead_events,
	parse_lead,
	verify_signature,
)
from social_crm.engine.connectors.replies import ReplyTarget

GRAPH = "https://graph.facebook.com/v21.0"
PAGE = "104123456789012"
IG = "17841400000000001"


def facebook(**config):
	config.setdefault("options", {"page_id": PAGE, "recent_posts": 1})
	config.setdefault("credentials", {"token": "EAAGpage", "app_secret": "s3cret"})
	config.setdefault("page_size", 2)
	return make("Facebook", **config)[0]


def register_facebook(rsps):
	rsps.get(f"{GRAPH}/{PAGE}/posts", json=load("fb_posts.json"))
	rsps.get(
		f"{GRAPH}/{PAGE}/feed",
		json=load("fb_feed.json"),
		headers={"X-App-Usage": '{"call_count":28,"total_time":25,"total_cputime":25}'},
	)
	rsps.get(f"{GRAPH}/{PAGE}/tagged", json=load("fb_tagged.json"))
	comments = f"{GRAPH}/{PAGE}_900001/comments"
	rsps.get(
		comments,
		json=load("fb_comments_page2.json"),
		match=[matchers.query_param_matcher({"after": "NzAwMAZDZD"}, strict_match=False)],
	)
	rsps.get(comments, json=load("fb_comments_page1.json"))


@responses.activate
def test_facebook_visitor_posts_and_comments_with_paging():
	register_facebook(responses)
	conn = facebook()
	pages = collect(conn)
	posts = [p for page in pages for p in page.posts]
	assert [p.external_id for p in posts] == [f"{PAGE}_900010", "900001_7001", "900001_6999"]
	visitor, comment, reply = posts
	assert visitor.author.external_id == "5551234567"
	assert visitor.author.display_name == "Erika Mustermann"
	assert comment.likes == 3 and comment.replies == 1
	assert reply.in_reply_to == "900001_6990"
	# the comment without "from" (author removed) is rejected with a reason, the Page's own post skipped
	rejected = [r for page in pages for r in page.rejected]
	assert [r.reason for r in rejected] == ["Meta did not say who wrote this (no 'from')"]
	state = cursor_state(pages[-1])["streams"]
	assert set(state) == {"feed", "tagged", f"comments:{PAGE}_900001"}
	sent = responses.calls[1].request
	proof = hmac.new(b"s3cret", b"EAAGpage", hashlib.sha256).hexdigest()
	assert f"appsecret_proof={proof}" in sent.url
	assert conn.health_note() == "Meta: app usage 28%"


@responses.activate
def test_expired_token_throttling_and_deleted_post():
	responses.get(f"{GRAPH}/{PAGE}/posts", status=400, json=load("fb_error_expired.json"))
	with pytest.raises(AuthError, match="expired"):
		collect(facebook())
	responses.reset()
	responses.get(f"{GRAPH}/{PAGE}/posts", json=load("fb_posts.json"))
	responses.get(f"{GRAPH}/{PAGE}/feed", status=403, json=load("fb_error_throttled.json"))
	with pytest.raises(RateLimited) as info:
		collect(facebook())
	assert info.value.retry_after == 900
	responses.reset()
	responses.get(f"{GRAPH}/{PAGE}/posts", json=load("fb_posts.json"))
	responses.get(f"{GRAPH}/{PAGE}/feed", json=load("fb_tagged.json"))
	responses.get(f"{GRAPH}/{PAGE}/tagged", json=load("fb_tagged.json"))
	responses.get(f"{GRAPH}/{PAGE}_900001/comments", status=400, json=load("fb_error_deleted.json"))
	assert [p for page in collect(facebook()) for p in page.posts] == []


@responses.activate
def test_test_connection_reports_token_expiry():
	responses.get(f"{GRAPH}/{PAGE}", json=load("fb_page.json"))
	responses.get(f"{GRAPH}/debug_token", json=load("fb_debug_token.json"))
	conn = facebook()
	assert "Acme GmbH" in conn.test_connection()
	assert conn.token_expires_at == 1719792000


@responses.activate
def test_instagram_tags_and_comments_and_reply():
	responses.get(f"{GRAPH}/{IG}/media", json=load("ig_media.json"))
	responses.get(f"{GRAPH}/{IG}/tags", json=load("ig_tags.json"))
	responses.get(f"{GRAPH}/17900000000000001/comments", json=load("ig_comments.json"))
	conn = make("Instagram", options={"ig_user_id": IG}, credentials={"token": "IGQtoken"})[0]
	pages = collect(conn)
	posts = [p for page in pages for p in page.posts]
	tag, comment = posts
	assert tag.author.handle == "kaffee.liebe" and tag.text == "Morning with @acme coffee"
	assert tag.url == "https://www.instagram.com/p/C6abc/"
	assert comment.author.external_id == "17840000000000077"
	assert comment.in_reply_to == "17900000000000001"
	assert [r.field for page in pages for r in page.rejected] == ["author"]
	responses.post(f"{GRAPH}/17950000000000002/replies", json={"id": "17950000000000003"})
	sent = conn.reply(ReplyTarget("17950000000000002"), "Im Shop in Köln!")
	assert sent.external_id == "17950000000000003"
	assert "message=Im+Shop" in responses.calls[-1].request.body


def test_signature_is_hmac_sha256_of_the_raw_body():
	body = json.dumps(load("meta_leadgen_webhook.json")).encode()
	good = "sha256=" + hmac.new(b"appsecret", body, hashlib.sha256).hexdigest()
	assert verify_signature(body, good, "appsecret")
	assert not verify_signature(body + b" ", good, "appsecret")
	assert not verify_signature(body, good, "other")
	assert not verify_signature(body, None, "appsecret")
	assert not verify_signature(body, good.replace("sha256=", "sha1="), "appsecret")


def test_webhook_events_and_lead_answers():
	(event,) = lead_events(load("meta_leadgen_webhook.json"))
	assert (event.leadgen_id, event.page_id, event.form_id, event.ad_id) == (
		"987654321098765",
		PAGE,
		"1234567890123",
		"23850000000000001",
	)
	assert lead_events({"object": "instagram", "entry": []}) == []
	lead = parse_lead(load("meta_lead.json"))
	assert (lead.first_name, lead.last_name, lead.email, lead.phone) == (
		"Erika",
		"Mustermann",
		"erika@example.de",
		"+4915112345678",
	)
	assert lead.company == "Musterfirma GmbH"
	assert lead.campaign_name == "Frühling 2024" and lead.ad_name == "Spring Latte – DE"
	assert lead.answers == {"wie_viele_mitarbeiter?": "10-50"}


@responses.activate
def test_backfill_lists_leads_of_every_form_since_a_time():
	responses.get(f"{GRAPH}/{PAGE}/leadgen_forms", json=load("meta_leadgen_forms.json"))
	responses.get(f"{GRAPH}/1234567890123/leads", json=load("meta_form_leads.json"))
	client = LeadAdsClient(GraphClient(make("Facebook")[0].http, "EAAGpage"), PAGE)
	leads = list(client.leads_since(1714550000))
	assert [lead.email for lead in leads] == ["jonas@example.org"]
	sent = responses.calls[-1].request.url
	assert "time_created" in sent and "GREATER_THAN" in sent and "1714550000" in sent
