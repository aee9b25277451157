"""Hacker News (Algolia) connector: hit mapping, paging within one query, created_at_i bound on later polls."""

from datetime import datetime, timezone

import responses
from responses import matchers
from test_connectors_base import collect, cursor_state, load, make

URL = "https://hn.algolia.com/api/v1/search_by_date"
BASE = {"query": "acme", "tags": "(story,comment)", "hitsPerPage": "40"}


def connector():
	return make("Hacker News", query_terms=["acme"])[0]


def register_first_poll(rsps):
	rsps.get(URL, json=load("hn_page1.json"), match=[matchers.query_param_matcher({**BASE, "page": "0"})])
	rsps.get(URL, json=load("hn_page2.json"), match=[matchers.query_param_matcher({**BASE, "page": "1"})])


@responses.activate
def test_comment_and_story_fields_are_mapped():
	register_first_poll(responses)
	comment, story = collect(connector())[0].posts
	assert comment.platform == "Hacker News"
	assert comment.external_id == "40210004"
	assert comment.url == "https://news.ycombinator.com/item?id=40210004"
	assert comment.author.external_id == comment.author.handle == "pg_fan"
	assert comment.author.profile_url == "https://news.ycombinator.com/user?id=pg_fan"
	assert (
		comment.text == "I switched to Acme last year.\nTheir API is great, see https://acme.example.com/docs"
	)
	assert comment.title == "Re: Acme launches v2"
	assert comment.in_reply_to == "40210002"
	assert comment.posted_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
	assert story.title == "Show HN: Acme CLI"
	assert story.text == "We built Acme CLI.\nFeedback welcome"
	assert (story.likes, story.replies, story.in_reply_to) == (57, 12, "")


@responses.activate
def test_pages_and_malformed_hit():
	register_first_poll(responses)
	pages = collect(connector())
	assert [[p.external_id for p in pg.posts] for pg in pages] == [["40210004", "40210003"], ["40200002"]]
	assert pages[1].rejected[0].reason.startswith("no usable id or date")
	assert cursor_state(pages[-1])["streams"]["acme"]["since"]["k"] == 1714557600


@responses.activate
def test_second_poll_filters_by_created_at():
	register_first_poll(responses)
	cursor = collect(connector())[-1].cursor
	responses.reset()
	responses.get(
		URL,
		json=load("hn_newer.json"),
		match=[
			matchers.query_param_matcher({**BASE, "page": "0", "numericFilters": "created_at_i>=1714557600"})
		],
	)
	pages = collect(connector(), cursor)
	assert [p.external_id for pg in pages for p in pg.posts] == ["40300006", "40300005"]
	assert cursor_state(pages[-1])["streams"]["acme"]["since"]["k"] == 1714644000


@responses.activate
def test_test_connection_reports_matches():
	responses.get(URL, json=load("hn_newer.json"))
	assert connector().test_connection() == "Hacker News search reachable (2 items match 'acme')"
