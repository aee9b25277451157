"""Hostile records: each bad value is one typed rejection (InvalidRecord with a code), never a crash."""

import json

import pytest
import requests
from test_connectors_base import load, make, raw

from social_crm.engine.connectors import ConnectorError
from social_crm.engine.connectors.base import HttpResponse
from social_crm.engine.connectors.safe_xml import decode_xml
from social_crm.engine.errors import (
	REJECT_DATE,
	REJECT_ENCODING,
	REJECT_INVALID,
	REJECT_MALFORMED,
	REJECT_NUMBER,
	REJECT_TOO_DEEP,
	InvalidRecord,
)
from social_crm.engine.records import (
	MAX_COUNT,
	MAX_JSON_DEPTH,
	Post,
	check_depth,
	clean_count,
	load_json,
	parse_datetime,
)


def record(**extra) -> dict:
	return {
		"platform": "Mastodon",
		"external_id": "h-1",
		"text": "a post",
		"posted_at": "2026-11-20T10:00:00Z",
		"author": {"handle": "h@example.social"},
		**extra,
	}


def rejected(data: dict) -> InvalidRecord:
	with pytest.raises(InvalidRecord) as info:
		Post.from_dict(data)
	return info.value


@pytest.mark.parametrize(
	"value",
	[
		float("inf"),
		float("-inf"),
		float("nan"),
		"1e999",
		"NaN",
		-1,
		MAX_COUNT + 1,
		10**30,
		"9" * 5000,
		[1],
		{},
	],
)
def test_absurd_counts_are_rejected_with_the_number_code(value):
	error = rejected(record(likes=value))
	assert (error.code, error.field) == (REJECT_NUMBER, "likes")
	assert rejected(record(author={"handle": "h", "followers": value})).code == REJECT_NUMBER


def test_sane_counts_pass():
	assert [clean_count(v, "likes") for v in (None, "", 0, "12", 7.0, MAX_COUNT)] == [
		0,
		0,
		0,
		12,
		7,
		MAX_COUNT,
	]


def test_json_with_1e999_and_nan_is_one_rejection_not_a_crash():
	data = json.loads(
		'{"platform": "Mastodon", "external_id": "x", "text": "t", "author": "a", "posted_at": 1e999}'
	)
	assert rejected(data).code == REJECT_DATE
	data = json.loads(
		'{"platform": "Mastodon", "external_id": "x", "text": "t", "author": "a", "posted_at": "2026-01-01", "replies": NaN}'
	)
	assert rejected(data).code == REJECT_NUMBER


@pytest.mark.parametrize(
	"value",
	[
		"0000-01-01T00:00:00Z",
		"0001-01-01T00:00:00+05:00",  # overflows when moved to UTC
		"9999-12-31T23:59:59-05:00",  # likewise
		"2300-01-01T00:00:00Z",
		"1969-12-31T23:59:59Z",
		-86400,  # negative epoch
		-62135596800,
		10**20,
		float("nan"),
		float("inf"),
		"2024-01-01T00:00:00+99:00",  # tz garbage
		"2024-02-30T10:00:00Z",
		"Mon, 01 Jan 0001 00:00:00 +2400",
		"x" * 500,
		[2024, 1, 1],
	],
)
def test_out_of_range_or_garbage_dates_are_rejected_with_the_date_code(value):
	with pytest.raises(InvalidRecord) as info:
		parse_datetime(value)
	assert info.value.code == REJECT_DATE
	assert rejected(record(posted_at=value)).code == REJECT_DATE


def test_deep_json_is_rejected_iteratively():
	deep: object = 1
	for _ in range(100_000):  # far beyond the recursion limit: the check must not recurse
		deep = [deep]
	with pytest.raises(InvalidRecord) as info:
		check_depth(deep)
	assert info.value.code == REJECT_TOO_DEEP
	assert rejected(record(raw={"a": deep})).code == REJECT_TOO_DEEP
	shallow: object = 1
	for _ in range(MAX_JSON_DEPTH - 2):
		shallow = {"a": shallow}
	assert Post.from_dict(record(raw=shallow)).raw == shallow


def test_load_json_types_every_failure():
	assert load_json('{"a": [1, 2]}') == {"a": [1, 2]}
	codes = {}
	for name, text in {
		"deep": "[" * 100_000 + "]" * 100_000,
		"nested": json.dumps(json.loads("[" * 80 + "]" * 80)),
		"broken": "{not json",
		"sjis": b'{"text": "' + "日本語".encode("shift_jis") + b'"}',
	}.items():
		with pytest.raises(InvalidRecord) as info:
			load_json(text)
		codes[name] = info.value.code
	assert codes == {
		"deep": REJECT_TOO_DEEP,
		"nested": REJECT_TOO_DEEP,
		"broken": REJECT_INVALID,
		"sjis": REJECT_ENCODING,
	}


@pytest.mark.parametrize("field", ["text", "title", "source"])
def test_bytes_of_another_encoding_are_rejected_not_stored(field):
	# "日本語" in Shift_JIS read as UTF-8 with surrogateescape, as the import reads unknown bytes
	garbled = "Orbitex " + "日本語".encode("shift_jis").decode("utf-8", errors="surrogateescape")
	assert rejected(record(**{field: garbled})).code == REJECT_ENCODING
	assert rejected(record(author={"handle": "h", "display_name": garbled})).code == REJECT_ENCODING
	assert rejected(record(raw={"note": garbled})).code == REJECT_ENCODING


def test_control_characters_and_wrong_types_never_reach_a_post():
	post = Post.from_dict(
		record(title="A\x00title\x07", source="src\x00", author={"handle": "h\x00x", "email": "a\x00@b.c"})
	)
	assert "\x00" not in post.title + post.source + post.author.handle + post.author.email
	assert rejected(record(title={"html": "<b>x</b>"})).field == "title"
	assert rejected(record(author={"handle": ["a"]})).field == "author.handle"
	assert rejected(record(author={"handle": "http://[::1"})).field == "author.handle"


def test_mastodon_page_with_hostile_statuses_keeps_the_good_ones():
	connector = make("Mastodon", base_url="https://mastodon.social", hashtags=["#acme"])[0]
	items = json.loads(raw("mastodon_tag_hostile.json"))
	posts, rejected_items = connector.convert(items)
	assert [p.external_id.rsplit("/", 1)[-1] for p in posts] == ["112400000000000010", "112400000000000001"]
	reasons = [r.reason for r in rejected_items]
	assert len(reasons) == 8
	assert any("favourites" in r or "likes" in r for r in reasons)
	assert any("nested deeper" in r for r in reasons)
	assert any("UTF-8" in r for r in reasons)


def test_normalize_turns_any_connector_crash_into_a_typed_rejection():
	connector = make("Mastodon", base_url="https://mastodon.social", hashtags=["#acme"])[0]
	status = load("mastodon_tag_page1.json")[0]
	status["account"] = ["not", "an", "object"]
	with pytest.raises(InvalidRecord) as info:
		connector.normalize(status)
	assert info.value.code in (REJECT_MALFORMED, REJECT_INVALID)


def test_deep_json_response_is_a_connector_error_not_a_recursion_error():
	response = HttpResponse(
		200, requests.structures.CaseInsensitiveDict(), b"[" * 100_000 + b"]" * 100_000, "https://x.test/a"
	)
	with pytest.raises(ConnectorError):
		response.json()


def test_shift_jis_feed_is_transcoded_and_stored():
	connector = make("RSS", base_url="https://blog.example.jp/feed.xml")[0]
	meta, entries = connector.parse(raw("rss_shift_jis.xml"))
	assert meta["title"] == "アクメ ブログ" and not meta["repaired"]
	posts, bad = connector.convert(entries)
	assert not bad
	assert [p.title for p in posts] == ["Acme の電気ケトルを試しました", "Acme サポート"]
	assert posts[0].text == "Acme のケトルはとても静かです。"


def test_big5_bytes_in_one_item_of_a_utf8_feed_cost_only_that_item():
	connector = make("RSS", base_url="https://blog.example.org/feed.xml")[0]
	meta, entries = connector.parse(raw("rss_big5_item.xml"))
	assert meta["repaired"]
	posts, bad = connector.convert(entries)
	assert [p.title for p in posts] == ["Acme kettle review", "Acme support"]
	assert len(bad) == 1 and "encoding" in bad[0].reason
	assert all("\ufffd" not in p.text for p in posts)


def test_decode_xml_refuses_unknown_encodings_and_keeps_utf16():
	with pytest.raises(ConnectorError):
		decode_xml(b'<?xml version="1.0" encoding="x-klingon"?><rss/>')
	with pytest.raises(ConnectorError):
		decode_xml(b'<?xml version="1.0" encoding="base64"?><rss/>')
	utf16 = '<?xml version="1.0" encoding="UTF-16"?><rss/>'.encode("utf-16")
	assert decode_xml(utf16) == (utf16, False)
	big5 = '<?xml version="1.0" encoding="Big5"?><rss><channel><title>中文</title></channel></rss>'.encode(
		"big5"
	)
	data, repaired = decode_xml(big5)
	assert not repaired and "中文".encode() in data and b'encoding="UTF-8"' in data
