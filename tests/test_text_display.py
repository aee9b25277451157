"""clean_display: remote names, handles and messages are never markup and hide nothing."""

import pytest

from social_crm.engine.handles import normalize_handle
from social_crm.engine.records import Post
from social_crm.engine.text import clean_display


@pytest.mark.parametrize(
	"raw, shown",
	[
		("<img src=x onerror=alert(1)>", "‹img src=x onerror=alert(1)›"),
		("evil\u202egnp.exe", "evilgnp.exe"),  # right-to-left override
		("\u2066admin\u2069 \u202aA\u202c", "admin A"),  # isolates and embeddings
		("b\u200br\u200ca\u200dn\u200ed\u200f", "brand"),  # zero-width space / joiners / marks
		("\ufeffbrand\u2060", "brand"),
		("multi\nline\ttext\x00\x1b[31m", "multi line text[31m"),
		("Tom &amp; Jerry", "Tom &amp; Jerry"),
		(None, ""),
	],
)
def test_clean_display(raw, shown):
	assert clean_display(raw) == shown
	assert clean_display(shown) == shown  # idempotent


def test_clean_display_cuts():
	assert clean_display("a\u200b" * 10, 3) == "aaa"


def test_handles_lose_invisible_characters_and_markup():
	assert normalize_handle("X", "@Br\u200band\u202e") == "brand"
	assert "<" not in normalize_handle("Reddit", "u/<script>x</script>")


def test_post_author_names_and_titles_are_display_clean():
	post = Post.from_dict(
		{
			"platform": "Discourse",
			"external_id": "forum.example.com:1",
			"text": "hello",
			"title": "Re\u202e: <b>offer</b>",
			"author": {
				"handle": "<svg onload=alert(1)>",
				"display_name": "<script>x</script>Mal\u200blory\u2067",
			},
			"posted_at": "2024-05-01T10:00:00Z",
		}
	)
	assert post.author.display_name == "Mallory"
	assert "<" not in post.author.handle and ">" not in post.author.handle
	assert post.title == "Re: offer"
