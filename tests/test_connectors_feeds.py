"""RSS / Atom connector: entry mapping, conditional GET (ETag, 304), seen ids, XML entity attacks refused."""

import json
from datetime import datetime, timezone

import pytest
import responses
from responses import matchers
from test_connectors_base import collect, make, raw

from social_crm.engine.connectors import ConnectorError
from social_crm.engine.connectors.safe_xml import UnsafeXML

FEED = "https://blog.example.org/feed.xml"
ATOM = "https://acme.example.com/releases.atom"
ETAG = '"5f2b-61a3c"'
MODIFIED = "Wed, 01 May 2024 10:00:00 GMT"


def connector(url=FEED, **config):
	return make("RSS", base_url=url, **config)[0]


def serve(rsps, name, url=FEED, **kwargs):
	rsps.get(url, body=raw(name), content_type="application/rss+xml; charset=utf-8", **kwargs)


@responses.activate
def test_rss_items_are_mapped_and_sanitized():
	serve(responses, "rss_feed.xml")
	page = collect(connector(name="Blog"))[0]
	kettle, hotline = page.posts
	assert kettle.platform == "RSS"
	assert kettle.external_id == kettle.url == "https://blog.example.org/2024/05/acme-kettle"
	assert kettle.title == "Acme Kettle im Test"
	assert kettle.text == "Der Acme Kettle überzeugt.\n\nFazit & Preis"  # content:encoded, script dropped
	assert kettle.posted_at == datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
	assert kettle.language_hint == "de"
	assert kettle.author.display_name == "Erika Mustermann"
	assert kettle.author.external_id == "blog.example.org:erika mustermann"
	assert kettle.source == "Blog"
	# A guid that is not a URL is made unique per feed; the author's email is kept.
	assert hotline.external_id == "blog.example.org:post-41"
	assert hotline.text == "The hotline answered in 2 minutes."
	assert hotline.author.display_name == "Max Power"
	assert hotline.author.email == "max@example.org"
	assert page.rejected[0].reason == "feed entry has no guid/id or link"


@responses.activate
def test_atom_entries_are_mapped():
	serve(responses, "atom_feed.xml", url=ATOM)
	first, second = collect(connector(ATOM))[0].posts
	assert first.external_id == "tag:acme.example.com,2024:release-1.4"
	assert first.url == "https://acme.example.com/releases/1.4"
	assert first.title == "Acme 1.4 released"
	assert first.text == "Faster sync."
	assert first.posted_at == datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
	assert first.author.display_name == "Release Bot"
	assert first.author.profile_url == "https://acme.example.com/team/bot"
	assert first.author.email == "bot@acme.example.com"
	assert first.language_hint == "en"
	assert second.text == "Bug fixes everywhere."  # inline XHTML content
	assert second.language_hint == "de"
	assert second.posted_at == datetime(2024, 4, 20, 9, 0, tzinfo=timezone.utc)


@responses.activate
def test_conditional_get_304_yields_nothing():
	serve(responses, "rss_feed.xml", headers={"ETag": ETAG, "Last-Modified": MODIFIED})
	cursor = collect(connector())[-1].cursor
	assert json.loads(cursor)["etag"] == ETAG
	responses.reset()
	responses.get(
		FEED,
		status=304,
		match=[matchers.header_matcher({"If-None-Match": ETAG, "If-Modified-Since": MODIFIED})],
	)
	assert collect(connector(), cursor) == []


@responses.activate
def test_changed_feed_yields_only_new_entries():
	serve(responses, "rss_feed.xml", headers={"ETag": ETAG})
	cursor = collect(connector())[-1].cursor
	responses.reset()
	serve(responses, "rss_feed_updated.xml", headers={"ETag": '"new"'})
	pages = collect(connector(), cursor)
	assert [p.title for pg in pages for p in pg.posts] == ["Acme 2.0 angekündigt"]
	assert json.loads(pages[-1].cursor)["etag"] == '"new"'


@responses.activate
def test_validators_are_kept_until_the_last_page_is_yielded():
	serve(responses, "rss_feed_updated.xml", headers={"ETag": ETAG})
	pages = collect(connector(page_size=1))
	assert [len(p.posts) for p in pages] == [1, 1, 1]
	first_state = json.loads(pages[0].cursor)
	assert "etag" not in first_state  # a failure after page 1 must re-read the feed, not get a 304
	assert first_state["seen"] == ["https://blog.example.org/2024/05/acme-2"]
	assert json.loads(pages[-1].cursor)["etag"] == ETAG


@pytest.mark.parametrize("name", ["rss_billion_laughs.xml", "rss_xxe.xml"])
@responses.activate
def test_feeds_declaring_entities_are_refused(name):
	serve(responses, name)
	with pytest.raises(UnsafeXML, match="DOCTYPE"):
		collect(connector())


@responses.activate
def test_html_page_instead_of_feed_is_an_error():
	responses.get(FEED, body="<html><body>Moved</body></html>", content_type="text/html")
	with pytest.raises(ConnectorError, match=r"neither an RSS 2\.0 nor an Atom feed"):
		collect(connector())


@responses.activate
def test_test_connection_describes_the_feed():
	serve(responses, "atom_feed.xml", url=ATOM)
	assert connector(ATOM).test_connection() == "Feed 'Acme Release Notes' (atom) with 2 entries"
