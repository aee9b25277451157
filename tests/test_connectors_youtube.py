"""YouTube connector: commentThreads.list by video, pageToken paging, quota errors as RateLimited."""

from datetime import datetime, timezone

import pytest
import responses
from responses import matchers
from test_connectors_base import collect, cursor_state, load, make

from social_crm.engine.connectors import AuthError, ConnectorError, RateLimited

URL = "https://www.googleapis.com/youtube/v3/commentThreads"
BASE = {
	"part": "snippet",
	"order": "time",
	"textFormat": "html",
	"maxResults": "40",
	"videoId": "dQw4w9WgXcQ",
	"key": "AIzaSyTEST",
}
TOKEN = "QURTSl9pMlQ3aXpaZ0FhQmJDYw=="


def connector(**config):
	config.setdefault("options", {"video_ids": ["dQw4w9WgXcQ"]})
	return make("YouTube", credentials={"api_key": "AIzaSyTEST"}, **config)[0]


def register_first_poll(rsps):
	rsps.get(URL, json=load("youtube_page1.json"), match=[matchers.query_param_matcher(BASE)])
	rsps.get(
		URL,
		json=load("youtube_page2.json"),
		match=[matchers.query_param_matcher({**BASE, "pageToken": TOKEN})],
	)


@responses.activate
def test_comment_thread_fields_are_mapped():
	register_first_poll(responses)
	post, old_style = collect(connector())[0].posts
	assert post.platform == "YouTube"
	assert post.external_id == "UgzAcme3AaBbCc4ABAg"
	assert post.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzAcme3AaBbCc4ABAg"
	assert post.author.external_id == "UCfan00000000000000000001"
	assert post.author.handle == "acmefan"
	assert post.author.display_name == "@AcmeFan"
	assert post.author.profile_url == "http://www.youtube.com/@AcmeFan"
	assert post.author.avatar_url.startswith("https://yt3.ggpht.com/")
	assert post.text == "Love the Acme demo!\nSee 0:42"
	assert post.posted_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
	assert (post.likes, post.replies) == (42, 3)
	assert old_style.author.handle == ""  # a legacy display name is not a handle
	assert old_style.author.external_id == "UCold00000000000000000002"
	assert old_style.author.profile_url == "http://www.youtube.com/channel/UCold00000000000000000002"


@responses.activate
def test_page_token_paging_and_malformed_thread():
	register_first_poll(responses)
	pages = collect(connector())
	assert [len(p.posts) for p in pages] == [2, 1]
	assert pages[1].rejected[0].reason == "author.external_id is missing"
	stream = "video:dQw4w9WgXcQ"
	assert cursor_state(pages[0])["streams"][stream]["gap"]["token"] == TOKEN
	assert cursor_state(pages[1])["streams"][stream]["since"]["k"] == "2024-05-01T10:00:00Z"


@responses.activate
def test_second_poll_stops_at_the_last_seen_comment():
	register_first_poll(responses)
	cursor = collect(connector())[-1].cursor
	responses.reset()
	responses.get(URL, json=load("youtube_newer.json"), match=[matchers.query_param_matcher(BASE)])
	responses.get(
		URL,
		json=load("youtube_page2.json"),
		match=[matchers.query_param_matcher({**BASE, "pageToken": "QURTSl9pMlQ3aXpaZ0FhQmJDZA=="})],
	)
	pages = collect(connector(), cursor)
	assert [p.external_id for pg in pages for p in pg.posts] == ["UgzAcme5AaBbCc4ABAg", "UgzAcme4AaBbCc4ABAg"]


@responses.activate
def test_channel_and_search_terms():
	responses.get(
		URL,
		json=load("youtube_page2.json"),
		match=[
			matchers.query_param_matcher(
				{"allThreadsRelatedToChannelId": "UC_acme", "searchTerms": "acme"}, strict_match=False
			)
		],
	)
	conn = connector(options={"channel_id": "UC_acme"}, query_terms=["acme"])
	assert conn.streams() == ["channel:UC_acme|acme"]
	assert len(collect(conn)[0].posts) == 1


@responses.activate
def test_quota_exceeded_is_rate_limited_not_auth():
	responses.get(URL, status=403, json=load("youtube_quota.json"))
	with pytest.raises(RateLimited) as info:
		collect(connector())
	assert info.value.retry_after == 3600


@responses.activate
def test_invalid_key_is_auth_error_and_disabled_comments_are_not():
	responses.get(URL, status=400, json=load("youtube_bad_key.json"))
	with pytest.raises(AuthError, match="API key"):
		connector().test_connection()
	responses.reset()
	responses.get(URL, status=403, json=load("youtube_comments_disabled.json"))
	with pytest.raises(ConnectorError, match="disabled comments") as info:
		collect(connector())
	assert not isinstance(info.value, AuthError)
