"""HttpClient (retries, 429, rate headers, timeouts), the cursor walk, and resilience of every connector.

Also holds the helpers the other ``test_connectors_*`` files import.
"""

import json
import pathlib
from email.utils import formatdate

import pytest
import requests
import responses
from responses import matchers

from social_crm.engine.connectors import (
	AuthError,
	ConnectorError,
	HttpClient,
	RateLimited,
	SourceConfig,
	TransientError,
	get_connector,
)
from social_crm.engine.connectors.base import ListResult, Mark, StreamConnector, load_cursor, parse_wait
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.records import Author, Post, parse_datetime

# the payload fixtures live inside the app, where its Frappe tests read them too
DATA = pathlib.Path(__file__).resolve().parents[1] / "social_crm" / "tests" / "data" / "connectors"
NOW = 1_714_600_000.0  # 2024-05-01T21:46:40Z


def load(name: str):
	return json.loads((DATA / name).read_text())


def raw(name: str) -> bytes:
	return (DATA / name).read_bytes()


class FakeClock:
	"""Records sleeps instead of sleeping; time moves on by the slept amount."""

	def __init__(self, now: float = NOW):
		self.now = now
		self.sleeps: list[float] = []

	def time(self) -> float:
		return self.now

	def sleep(self, seconds: float) -> None:
		self.sleeps.append(seconds)
		self.now += seconds


def make(platform: str, clock: FakeClock | None = None, **config):
	"""A connector whose HttpClient sleeps on a FakeClock; returns (connector, clock)."""
	clock = clock or FakeClock()
	http = HttpClient(sleep=clock.sleep, clock=clock.time, max_wait=config.pop("max_wait", 30.0))
	return get_connector(SourceConfig(platform=platform, **config), http), clock


def collect(connector, cursor=None):
	return list(connector.fetch(cursor))


def cursor_state(page) -> dict:
	return json.loads(page.cursor)


# --- HttpClient ------------------------------------------------------------------------------

URL = "https://api.example.test/items"


def client(**kwargs):
	clock = FakeClock()
	return HttpClient(sleep=clock.sleep, clock=clock.time, **kwargs), clock


@responses.activate
def test_sends_user_agent_and_timeout():
	responses.get(URL, json={"ok": True})
	http, _ = client(timeout=7)
	assert http.get(URL).json() == {"ok": True}
	request = responses.calls[0].request
	assert "SocialCRM" in request.headers["User-Agent"]
	assert request.req_kwargs["timeout"] == 7


@responses.activate
def test_retry_after_http_date_is_honoured():
	http, clock = client()
	responses.get(URL, status=429, headers={"Retry-After": formatdate(NOW + 12, usegmt=True)})
	responses.get(URL, json={"ok": 1})
	assert http.get(URL).json() == {"ok": 1}
	assert clock.sleeps == [12]


@responses.activate
def test_429_without_retry_after_uses_rate_reset_header():
	http, clock = client()
	responses.get(URL, status=429, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4"})
	responses.get(URL, json={})
	http.get(URL)
	assert clock.sleeps == [4]


@responses.activate
def test_repeated_429_gives_up_with_rate_limited():
	http, clock = client(max_retries=2)
	responses.get(URL, status=429, headers={"Retry-After": "1"})
	with pytest.raises(RateLimited) as info:
		http.get(URL)
	assert info.value.retry_after == 1
	assert clock.sleeps == [1, 1]
	assert len(responses.calls) == 3


@responses.activate
def test_exhausted_budget_waits_for_reset_before_next_request():
	http, clock = client()
	responses.get(URL, json={}, headers={"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "5"})
	http.get(URL)
	assert clock.sleeps == []
	http.get(URL)
	assert clock.sleeps == [5]


@responses.activate
def test_exhausted_budget_with_long_reset_raises_without_requesting():
	http, clock = client(max_wait=30)
	responses.get(URL, json={}, headers={"ratelimit-remaining": "0", "ratelimit-reset": str(int(NOW + 600))})
	http.get(URL)
	with pytest.raises(RateLimited) as info:
		http.get(URL)
	assert info.value.retry_after == pytest.approx(600)
	assert len(responses.calls) == 1
	assert clock.sleeps == []


@responses.activate
def test_server_errors_back_off_exponentially_then_give_up():
	http, clock = client(max_retries=3)
	responses.get(URL, status=502)
	with pytest.raises(TransientError) as info:
		http.get(URL)
	assert info.value.status == 502
	assert clock.sleeps == [1, 2, 4]
	assert len(responses.calls) == 4


@responses.activate
def test_read_timeout_then_success():
	http, clock = client()
	responses.get(URL, body=requests.exceptions.ReadTimeout("slow"))
	responses.get(URL, json={"ok": 2})
	assert http.get(URL).json() == {"ok": 2}
	assert clock.sleeps == [1]


@responses.activate
def test_client_error_is_not_retried_and_hides_query_string():
	http, clock = client()
	responses.get(URL, status=400, json={"error": "bad"})
	with pytest.raises(ConnectorError) as info:
		http.get(URL, params={"key": "SECRET-KEY"})
	assert not isinstance(info.value, TransientError | AuthError)
	assert info.value.status == 400
	assert "SECRET-KEY" not in str(info.value)
	assert clock.sleeps == []


@responses.activate
def test_oversized_response_is_refused():
	http, _ = client(max_bytes=1000)
	responses.get(URL, body=b"x" * 5000)
	with pytest.raises(ConnectorError, match="larger than"):
		http.get(URL)


@responses.activate
def test_invalid_json_is_a_connector_error():
	http, _ = client()
	responses.get(URL, body="<html>maintenance</html>")
	with pytest.raises(ConnectorError, match="did not return JSON"):
		http.get(URL).json()


def test_parse_wait_forms():
	assert parse_wait("17", NOW) == 17
	assert parse_wait(str(int(NOW + 30)), NOW) == 30
	assert parse_wait("2024-05-01T21:47:40Z", NOW) == 60  # Mastodon sends ISO 8601
	assert parse_wait("soon", NOW) is None


# --- the cursor walk ---------------------------------------------------------------------------


class ListConnector(StreamConnector):
	"""An in-memory newest-first listing paged like HN: an offset within a query fixed at walk start."""

	platform = "Webhook"

	def __init__(self, items, page_size=2, max_pages=10, fail_on_call=None):
		super().__init__(SourceConfig(platform="Webhook", page_size=page_size, max_pages=max_pages))
		self.items = items
		self.calls = 0
		self.fail_on_call = fail_on_call

	def streams(self):
		return ["all"]

	def list_items(self, stream, upper, lower, token):
		self.calls += 1
		if self.fail_on_call == self.calls:
			raise TransientError("boom")
		state = json.loads(token) if token else {"u": upper.key if upper else None, "o": 0}
		rows = sorted(self.items, key=lambda i: (i["k"], i.get("id", "")), reverse=True)
		rows = [r for r in rows if (state["u"] is None or r["k"] <= state["u"])]
		rows = [r for r in rows if not lower or r["k"] >= lower.key]
		size, offset = self.config.page_size, state["o"]
		more = len(rows) > offset + size
		return ListResult(
			rows[offset : offset + size], json.dumps(dict(state, o=offset + size)) if more else None
		)

	def item_key(self, item):
		return item["k"]

	def item_id(self, item):
		return item["id"]

	def to_post(self, item):
		if item.get("bad"):
			raise InvalidRecord("bad item", "text")
		return Post(
			platform="Webhook",
			external_id=item["id"],
			author=Author(external_id="a"),
			text=item["id"],
			posted_at=parse_datetime(item["k"] + 1_700_000_000),
		)


def ids(pages):
	return [p.external_id for page in pages for p in page.posts]


def test_first_poll_reads_at_most_max_pages_then_only_newer_items():
	items = [{"id": f"i{n}", "k": n} for n in range(1, 11)]
	connector = ListConnector(items, page_size=2, max_pages=2)
	pages = collect(connector)
	assert connector.calls == 2
	assert ids(pages) == ["i10", "i9", "i8", "i7"]
	assert load_cursor(pages[-1].cursor)["streams"]["all"]["since"]["k"] == 10

	connector.items = [*items, {"id": "i11", "k": 11}, {"id": "i12", "k": 12}]
	again = collect(connector, pages[-1].cursor)
	assert ids(again) == ["i12", "i11"]


def test_failure_mid_walk_resumes_without_loss_or_duplicates():
	items = [{"id": f"i{n}", "k": n} for n in range(1, 6)]
	connector = ListConnector(items, page_size=2, max_pages=10)
	first = collect(connector)
	cursor = first[-1].cursor
	# 7 new items arrive; the poll dies on its second request, after one page was saved.
	connector.items = items + [{"id": f"i{n}", "k": n} for n in range(6, 13)]
	connector.calls, connector.fail_on_call = 0, 2
	saved = []
	with pytest.raises(TransientError):
		for page in connector.fetch(cursor):
			saved += [p.external_id for p in page.posts]
			cursor = page.cursor
	assert saved == ["i12", "i11"]
	# New items keep arriving; the next poll closes the gap first, then reads the newest.
	connector.items.append({"id": "i13", "k": 13})
	connector.fail_on_call = None
	rest = collect(connector, cursor)
	assert sorted(saved + ids(rest), key=lambda s: int(s[1:])) == [f"i{n}" for n in range(6, 14)]
	assert len(set(ids(rest))) == len(ids(rest))
	assert collect(connector, rest[-1].cursor)[-1].posts == []


def test_items_sharing_a_key_are_neither_lost_nor_repeated():
	items = [{"id": "a", "k": 5}, {"id": "b", "k": 5}, {"id": "c", "k": 4}]
	connector = ListConnector(items, page_size=2)
	first = collect(connector)
	assert sorted(ids(first)) == ["a", "b", "c"]
	connector.items = [*items, {"id": "d", "k": 5}, {"id": "e", "k": 6}]
	assert sorted(ids(collect(connector, first[-1].cursor))) == ["d", "e"]


def test_malformed_items_are_rejected_and_do_not_stop_the_walk():
	items = [{"id": "i3", "k": 3}, {"id": "i2", "k": 2, "bad": True}, {"k": 1}]
	pages = collect(ListConnector(items, page_size=3))
	assert ids(pages) == ["i3"]
	reasons = [r.reason for page in pages for r in page.rejected]
	assert len(reasons) == 2
	assert "bad item" in reasons
	assert any(r.startswith("no usable id or date") for r in reasons)


def test_unreadable_cursor_starts_afresh():
	connector = ListConnector([{"id": "i1", "k": 1}])
	assert ids(collect(connector, "not json")) == ["i1"]
	assert Mark.load({"nope": 1}) is None


# --- every connector: 429, 5xx, timeouts, 401 ------------------------------------------------

BSKY_CREDS = {"username": "crm-listener.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
REDDIT_CREDS = {"client_id": "p-jcoLKBynTLew", "client_secret": "gko_LXELoV07ZBNUXrvWZfzE3aI"}

PLATFORMS = {
	"Mastodon": {
		"config": {"base_url": "https://mastodon.social", "hashtags": ["acme"]},
		"url": "https://mastodon.social/api/v1/timelines/tag/acme",
		"body": "mastodon_tag_newer.json",
	},
	"Bluesky": {
		"config": {"query_terms": ["acme"], "credentials": BSKY_CREDS},
		"url": "https://bsky.social/xrpc/app.bsky.feed.searchPosts",
		"body": "bluesky_search_newer.json",
		"auth": ("https://bsky.social/xrpc/com.atproto.server.createSession", "bluesky_session.json"),
	},
	"Reddit": {
		"config": {"query_terms": ["acme"], "credentials": REDDIT_CREDS},
		"url": "https://oauth.reddit.com/search",
		"body": "reddit_search_page2.json",
		"auth": ("https://www.reddit.com/api/v1/access_token", "reddit_token.json"),
	},
	"Hacker News": {
		"config": {"query_terms": ["acme"]},
		"url": "https://hn.algolia.com/api/v1/search_by_date",
		"body": "hn_newer.json",
	},
	"Discourse": {
		"config": {"base_url": "https://forum.acme.example"},
		"url": "https://forum.acme.example/posts.json",
		"body": "discourse_latest_page1.json",
	},
	"YouTube": {
		"config": {"credentials": {"api_key": "AIzaSyTEST"}, "options": {"video_ids": ["dQw4w9WgXcQ"]}},
		"url": "https://www.googleapis.com/youtube/v3/commentThreads",
		"body": "youtube_newer.json",
	},
	"X": {
		"config": {
			"query_terms": ["acme"],
			"credentials": {"token": "AAAA"},
			"options": {"check_usage": False},
		},
		"url": "https://api.x.com/2/tweets/search/recent",
		"body": "x_search_newer.json",
	},
	"RSS": {
		"config": {"base_url": "https://blog.example.org/feed.xml"},
		"url": "https://blog.example.org/feed.xml",
		"body": "rss_feed.xml",
	},
}


def setup_platform(rsps, platform):
	spec = PLATFORMS[platform]
	if "auth" in spec:
		rsps.post(spec["auth"][0], json=load(spec["auth"][1]))
	connector, clock = make(platform, max_pages=1, **json.loads(json.dumps(spec["config"])))
	return connector, clock, spec


def ok_response(rsps, spec):
	if spec["body"].endswith(".xml"):
		rsps.get(spec["url"], body=raw(spec["body"]), content_type="application/rss+xml")
	else:
		rsps.get(spec["url"], json=load(spec["body"]))


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_429_with_retry_after_is_retried(platform):
	with responses.RequestsMock() as rsps:
		connector, clock, spec = setup_platform(rsps, platform)
		rsps.get(spec["url"], status=429, headers={"Retry-After": "3"})
		ok_response(rsps, spec)
		pages = collect(connector)
	assert clock.sleeps == [3]
	assert sum(len(p.posts) for p in pages) >= 1


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_429_longer_than_max_wait_raises_rate_limited(platform):
	with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
		connector, clock, spec = setup_platform(rsps, platform)
		rsps.get(spec["url"], status=429, headers={"Retry-After": "120"})
		with pytest.raises(RateLimited) as info:
			collect(connector)
	assert info.value.retry_after == 120
	assert clock.sleeps == []


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_server_error_then_success(platform):
	with responses.RequestsMock() as rsps:
		connector, clock, spec = setup_platform(rsps, platform)
		rsps.get(spec["url"], status=503)
		ok_response(rsps, spec)
		pages = collect(connector)
	assert clock.sleeps == [1]
	assert pages and pages[0].posts


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_timeouts_are_retried_then_reported(platform):
	with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
		connector, clock, spec = setup_platform(rsps, platform)
		rsps.get(spec["url"], body=requests.exceptions.ConnectTimeout("connect timed out"))
		with pytest.raises(TransientError, match="ConnectTimeout"):
			collect(connector)
	assert clock.sleeps == [1, 2, 4]


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_timeout_then_success(platform):
	with responses.RequestsMock() as rsps:
		connector, clock, spec = setup_platform(rsps, platform)
		rsps.get(spec["url"], body=requests.exceptions.ConnectTimeout("connect timed out"))
		ok_response(rsps, spec)
		assert collect(connector)[0].posts
	assert clock.sleeps == [1]


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_401_is_an_auth_error(platform):
	with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
		connector, _, spec = setup_platform(rsps, platform)
		rsps.get(spec["url"], status=401, json={"error": "unauthorized"})
		with pytest.raises(AuthError):
			collect(connector)


@pytest.mark.parametrize(
	"platform,config",
	[
		("Bluesky", {"query_terms": ["acme"]}),
		("Reddit", {"query_terms": ["acme"], "credentials": {"client_id": "x"}}),
		("YouTube", {"options": {"video_ids": ["v"]}}),
	],
)
def test_missing_credentials_are_reported_clearly(platform, config):
	connector, _ = make(platform, **config)
	with pytest.raises(AuthError, match="needs these credentials"):
		connector.test_connection()


def test_registry_knows_every_listed_platform_and_refuses_others():
	for name in (
		"Mastodon",
		"Bluesky",
		"Reddit",
		"Hacker News",
		"Discourse",
		"RSS",
		"YouTube",
		"Facebook",
		"Instagram",
		"X",
		"LinkedIn",
	):
		assert get_connector(SourceConfig(platform=name)).platform == name
	assert get_connector(SourceConfig(platform="hn")).platform == "Hacker News"
	assert get_connector(SourceConfig(platform="twitter")).platform == "X"
	with pytest.raises(ConnectorError, match="no connector"):
		get_connector(SourceConfig(platform="Webhook"))


def test_query_matchers_are_available():
	# guards the responses version the platform tests rely on
	assert matchers.query_param_matcher({"a": "1"}, strict_match=False)
