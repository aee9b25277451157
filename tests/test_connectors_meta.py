"""Meta Graph API: Facebook Page feed/comments, Instagram tags/comments/hashtags/@mentions, errors, Lead Ads parsing and signatures."""

import hashlib
import hmac
import json

import pytest
import responses
from responses import matchers
from test_connectors_base import collect, cursor_state, load, make

from social_crm.engine.connectors import AuthError, ConnectorError, RateLimited
from social_crm.engine.connectors.meta import (
	IG_MEDIA_FIELDS,
	GraphClient,
	LeadAdsClient,
	is_deleted_object,
	lead_events,
	mention_events,
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


# --- Instagram hashtag search and @mentions ----------------------------------------------------

TAG_ID = "17843857450040591"
HASHTAG_AFTER = "QVFIUkZA5Tlh3bTdNUmMyNDd5dzFuWWZAJTktfUkM1N2VVVHZAmRHZAv"


def instagram(clock=None, **options):
	options = {"ig_user_id": IG, "recent_posts": 1, "hashtag_search": True, **options}
	return make(
		"Instagram",
		clock=clock,
		options=options,
		hashtags=["acmekaffee"],
		credentials={"token": "IGQtoken"},
		page_size=2,
	)


def register_instagram_base(rsps):
	rsps.get(f"{GRAPH}/{IG}/media", json={"data": [], "paging": {"cursors": {}}})
	rsps.get(f"{GRAPH}/{IG}/tags", json={"data": [], "paging": {"cursors": {}}})


@responses.activate
def test_instagram_hashtag_search_pages_recent_media_and_keeps_the_id():
	register_instagram_base(responses)
	responses.get(f"{GRAPH}/{IG}/recently_searched_hashtags", json=load("ig_recently_searched_hashtags.json"))
	search = responses.get(
		f"{GRAPH}/ig_hashtag_search",
		json=load("ig_hashtag_search.json"),
		match=[matchers.query_param_matcher({"user_id": IG, "q": "acmekaffee"}, strict_match=False)],
	)
	recent = f"{GRAPH}/{TAG_ID}/recent_media"
	responses.get(
		recent,
		json=load("ig_hashtag_recent_page2.json"),
		match=[matchers.query_param_matcher({"after": HASHTAG_AFTER}, strict_match=False)],
	)
	responses.get(
		recent,
		json=load("ig_hashtag_recent_page1.json"),
		headers={
			"X-Business-Use-Case-Usage": json.dumps(
				{IG: [{"type": "instagram", "call_count": 41, "total_cputime": 5, "total_time": 9}]}
			)
		},
	)
	conn, clock = instagram()
	pages = collect(conn)
	posts = [p for page in pages for p in page.posts]
	assert [p.external_id for p in posts] == ["17880997618081620", "17880997618081599"]
	first = posts[0]
	# hashtag media carry no username: one placeholder author, nothing to link it by
	assert first.author.external_id == "instagram:undisclosed"
	assert first.author.handle == "" and first.author.profile_url == ""
	assert first.url == "https://www.instagram.com/p/C7hash1/" and first.likes == 12
	# the video without a caption is rejected with a reason, not stored empty
	assert [r.reason for page in pages for r in page.rejected] == ["hashtag media without a caption"]
	sent = [c.request.url for c in responses.calls if "/recent_media" in c.request.url]
	assert all(f"user_id={IG}" in url and "username" not in url for url in sent)
	assert len(sent) == 2
	state = cursor_state(pages[-1])
	assert state["hashtags"] == {"acmekaffee": {"id": TAG_ID, "since": int(clock.now)}}
	assert f"hashtag:acmekaffee:{TAG_ID}" in state["streams"]
	assert conn.health_note() == "Meta: business usage 41%; Instagram hashtags 3/30 in 7 days"

	# the next poll knows the hashtag's id: no second search, no new place in the budget
	conn2, _ = instagram(clock=clock)
	collect(conn2, pages[-1].cursor)
	assert search.call_count == 1


@responses.activate
def test_instagram_hashtag_budget_of_30_per_7_days_is_honoured():
	register_instagram_base(responses)
	responses.get(
		f"{GRAPH}/{IG}/recently_searched_hashtags", json={"data": [{"id": str(i)} for i in range(30)]}
	)
	search = responses.get(f"{GRAPH}/ig_hashtag_search", json=load("ig_hashtag_search.json"))
	conn, _ = instagram()
	assert [p for page in collect(conn) for p in page.posts] == []
	assert search.call_count == 0  # a 31st hashtag is never queried
	assert "Instagram hashtags 30/30 in 7 days (weekly limit reached, not searched: #acmekaffee)" in (
		conn.health_note()
	)

	# our own log counts too: a lower budget leaves places for other tools on the account
	responses.reset()
	register_instagram_base(responses)
	responses.get(f"{GRAPH}/{IG}/recently_searched_hashtags", json={"data": []})
	conn, clock = instagram(hashtag_budget=1)
	old = {"hashtags": {"kaffee": {"id": "1", "since": int(clock.now) - 3600}}, "streams": {}, "v": 1}
	responses.get(f"{GRAPH}/1/recent_media", json={"data": [], "paging": {}})
	conn.config.hashtags = ["kaffee", "acmekaffee"]
	collect(conn, json.dumps(old))
	assert conn.hashtags_skipped == ["acmekaffee"]
	# a hashtag dropped from the rules keeps its place until its window ends, then is forgotten
	conn.config.hashtags = []
	assert list(json.loads(collect(conn, json.dumps(old))[-1].cursor)["hashtags"]) == ["kaffee"]
	clock.now += 7 * 86400
	assert "hashtags" not in json.loads(collect(conn, json.dumps(old))[-1].cursor)

	# after 7 days a hashtag's window is over: it may start a new one
	responses.reset()
	register_instagram_base(responses)
	responses.get(f"{GRAPH}/{IG}/recently_searched_hashtags", json={"data": []})
	responses.get(f"{GRAPH}/1/recent_media", json={"data": [], "paging": {}})
	conn, clock = instagram(hashtag_budget=1)
	conn.config.hashtags = ["kaffee"]
	expired = {
		"hashtags": {"kaffee": {"id": "1", "since": int(clock.now) - 8 * 86400}},
		"streams": {},
		"v": 1,
	}
	pages = collect(conn, json.dumps(expired))
	assert cursor_state(pages[-1])["hashtags"]["kaffee"]["since"] == int(clock.now)


@responses.activate
def test_instagram_hashtag_top_media_refused_hashtags_and_throttling():
	register_instagram_base(responses)
	responses.get(f"{GRAPH}/{IG}/recently_searched_hashtags", json={"data": []})
	responses.get(
		f"{GRAPH}/ig_hashtag_search",
		status=400,
		json=load("ig_error_hashtag_sensitive.json"),
		match=[matchers.query_param_matcher({"q": "verboten"}, strict_match=False)],
	)
	responses.get(f"{GRAPH}/ig_hashtag_search", json=load("ig_hashtag_search.json"))
	responses.get(f"{GRAPH}/{TAG_ID}/recent_media", json=load("ig_hashtag_recent_page2.json"))
	responses.get(f"{GRAPH}/{TAG_ID}/top_media", json=load("ig_hashtag_top.json"))
	conn, _ = instagram(hashtag_top_media=True)
	conn.config.hashtags = ["#Verboten", "acmekaffee"]
	posts = [p for page in collect(conn) for p in page.posts]
	# top media are read too, one page sorted newest first
	assert [p.external_id for p in posts] == ["17880997618081599", "17880997618081620", "17880997618081001"]
	assert "refused: #verboten" in conn.health_note()
	assert "Instagram hashtags 1/30" in conn.health_note()

	responses.reset()
	register_instagram_base(responses)
	responses.get(f"{GRAPH}/{IG}/recently_searched_hashtags", json={"data": []})
	responses.get(f"{GRAPH}/ig_hashtag_search", status=403, json=load("fb_error_throttled.json"))
	with pytest.raises(RateLimited):
		collect(instagram()[0])
	responses.reset()
	responses.get(f"{GRAPH}/{IG}/media", status=400, json=load("fb_error_expired.json"))
	with pytest.raises(AuthError, match="expired"):
		collect(instagram()[0])


@responses.activate
def test_hashtag_search_is_off_unless_enabled():
	register_instagram_base(responses)
	conn, _ = instagram(hashtag_search=False)
	collect(conn)
	assert not [c for c in responses.calls if "hashtag" in c.request.url]
	assert conn.health_note() == ""


@responses.activate
def test_instagram_mentions_webhook_reads_caption_and_comment_mentions():
	caption, comment = mention_events(load("ig_mentions_webhook.json"))
	assert (caption.ig_user_id, caption.media_id, caption.comment_id) == (IG, "17920238422030506", "")
	assert comment.comment_id == "17873440459141021"
	assert mention_events(load("meta_leadgen_webhook.json")) == []
	assert lead_events(load("ig_mentions_webhook.json")) == []

	responses.get(
		f"{GRAPH}/{IG}",
		json=load("ig_mentioned_media.json"),
		match=[
			matchers.query_param_matcher(
				{"fields": "mentioned_media.media_id(17920238422030506){" + IG_MEDIA_FIELDS + "}"},
				strict_match=False,
			)
		],
	)
	responses.get(f"{GRAPH}/{IG}", json=load("ig_mentioned_comment.json"))
	conn, _ = instagram()
	post = conn.mentioned_post(caption)
	assert (post.external_id, post.author.handle) == ("17920238422030506", "barista.bea")
	assert post.text == "acme challenge? Wer macht mit" and post.url == "https://www.instagram.com/p/C7ment/"
	reply = conn.mentioned_post(comment)
	assert reply.external_id == "17873440459141021"
	assert reply.author.external_id == "instagram:undisclosed"  # mentioned comments have no username
	assert reply.in_reply_to == "17920238422030999"

	# the mentioned media was deleted before we read it
	responses.reset()
	responses.get(f"{GRAPH}/{IG}", status=400, json=load("ig_error_deleted_media.json"))
	with pytest.raises(ConnectorError) as info:
		conn.mentioned_post(caption)
	assert is_deleted_object(info.value)


@responses.activate
def test_instagram_replies_to_mentions_through_the_mentions_edge_and_not_to_hashtag_media():
	conn, _ = instagram()
	responses.post(f"{GRAPH}/{IG}/mentions", json={"id": "17846319838228163"})
	caption = ReplyTarget(
		"17920238422030506",
		raw={**load("ig_mentioned_media.json")["mentioned_media"], "_mentioned_media": True},
	)
	assert conn.reply(caption, "Danke!").external_id == "17846319838228163"
	body = responses.calls[-1].request.body
	assert "media_id=17920238422030506" in body and "comment_id" not in body
	comment = ReplyTarget(
		"17873440459141021",
		raw={**load("ig_mentioned_comment.json")["mentioned_comment"], "_mentioned_comment": True},
	)
	conn.reply(comment, "Ja, gibt es!")
	body = responses.calls[-1].request.body
	assert "media_id=17920238422030999" in body and "comment_id=17873440459141021" in body
	with pytest.raises(ConnectorError, match="hashtag"):
		conn.reply(ReplyTarget("17880997618081620", raw={"_hashtag": "acmekaffee"}), "Hallo")
	assert len(responses.calls) == 2


@responses.activate
def test_instagram_reply_without_a_stored_payload_asks_graph_what_was_mentioned():
	conn, _ = instagram()
	error = load("ig_error_deleted_media.json")
	responses.get(
		f"{GRAPH}/{IG}",
		status=400,
		json=error,
		match=[
			matchers.query_param_matcher(
				{"fields": "mentioned_comment.comment_id(17920238422030506){id,media{id}}"},
				strict_match=False,
			)
		],
	)
	responses.get(f"{GRAPH}/{IG}", json={"mentioned_media": {"id": "17920238422030506"}, "id": IG})
	responses.post(f"{GRAPH}/{IG}/mentions", json={"id": "17846319838228164"})
	assert conn.reply(ReplyTarget("17920238422030506"), "Danke!").external_id == "17846319838228164"
	# an ordinary comment on the account's own media: neither lookup knows it, /replies answers
	responses.reset()
	responses.get(f"{GRAPH}/{IG}", status=400, json=error)
	responses.post(f"{GRAPH}/17950000000000002/replies", json={"id": "17950000000000009"})
	assert conn.reply(ReplyTarget("17950000000000002"), "Gern!").external_id == "17950000000000009"
