"""Hacker News through the Algolia HN Search API (``search_by_date``, stories and comments).

Paging is keyset-style on ``created_at_i``: every request asks for page 0 with
``numericFilters=created_at_i>=<cursor>,created_at_i<=<oldest seen>``, which stays correct
while new items arrive (page numbers would shift).
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidRecord
from ..records import Post
from .base import ConnectorError, ListResult, Mark, StreamConnector

DEFAULT_BASE_URL = "https://hn.algolia.com/api/v1"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
USER_URL = "https://news.ycombinator.com/user?id={}"
MAX_LIMIT = 1000


class HackerNewsConnector(StreamConnector):
	platform = "Hacker News"

	@property
	def base_url(self) -> str:
		return (self.config.base_url or DEFAULT_BASE_URL).rstrip("/")

	def _search(self, params: dict) -> dict:
		data = self.http.get(f"{self.base_url}/search_by_date", params=params).json()
		if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
			raise ConnectorError("HN search did not return hits")
		return data

	def test_connection(self) -> str:
		term = (self.streams() or ["*"])[0]
		data = self._search({"query": term, "tags": "(story,comment)", "hitsPerPage": 1})
		return f"Hacker News search reachable ({data.get('nbHits', 0)} items match {term!r})"

	def streams(self) -> list[str]:
		return [t.strip() for t in self.config.query_terms if t.strip()]

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		filters = []
		if lower:
			filters.append(f"created_at_i>={int(lower.key)}")
		if upper:
			filters.append(f"created_at_i<={int(upper.key)}")
		params: dict[str, Any] = {
			"query": stream,
			"tags": "(story,comment)",
			"hitsPerPage": max(1, min(MAX_LIMIT, self.config.page_size)),
			"page": 0,
		}
		if filters:
			params["numericFilters"] = ",".join(filters)
		data = self._search(params)
		hits = data["hits"]
		more = hits and int(data.get("nbPages") or 0) > int(data.get("page") or 0) + 1
		return ListResult(hits, "more" if more else None)

	def item_key(self, item: Any) -> int:
		return int(item["created_at_i"])

	def item_id(self, item: Any) -> str:
		return str(item["objectID"])

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("hit must be an object")
		object_id = str(item.get("objectID") or "")
		if not object_id.isdigit():
			raise InvalidRecord("objectID must be an HN item number", "external_id")
		author = str(item.get("author") or "")
		tags = item.get("_tags") if isinstance(item.get("_tags"), list) else []
		is_comment = "comment" in tags or item.get("comment_text") is not None
		text = item.get("comment_text") if is_comment else (item.get("story_text") or item.get("url") or "")
		title = item.get("title") or (
			"" if not is_comment else f"Re: {item.get('story_title') or ''}".strip()
		)
		return self.build_post(
			item,
			external_id=object_id,
			url=ITEM_URL.format(object_id),
			author={
				"external_id": author,
				"handle": author,
				"profile_url": USER_URL.format(author) if author else "",
			},
			title=title if title != "Re:" else "",
			text=text or "",
			posted_at=item.get("created_at_i") or item.get("created_at"),
			in_reply_to=item.get("parent_id") if is_comment else None,
			likes=item.get("points"),
			replies=item.get("num_comments"),
		)
