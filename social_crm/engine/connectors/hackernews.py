"""Hacker News through the Algolia HN Search API (``search_by_date``, stories and comments).

A walk pages with ``page`` inside one query whose bounds are fixed when the walk starts:
``numericFilters=created_at_i>=<cursor>`` and, when a stored walk resumes or Algolia's
1000-hit limit is reached, ``created_at_i<=<oldest item seen>``.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InvalidRecord
from ..records import Post
from .base import ConnectorError, ListResult, Mark, StreamConnector

DEFAULT_BASE_URL = "https://hn.algolia.com/api/v1"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
USER_URL = "https://news.ycombinator.com/user?id={}"
MAX_LIMIT = 1000
MAX_HITS = 1000  # Algolia's paginationLimitedTo for HN search


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
		# The token fixes the upper bound for one walk and counts pages within it, so many
		# items in the same second never stall the walk; new items only shift pages (re-read).
		state = _load_token(token) or {"until": int(upper.key) if upper else None, "page": 0}
		filters = []
		if lower:
			filters.append(f"created_at_i>={int(lower.key)}")
		if state["until"] is not None:
			filters.append(f"created_at_i<={state['until']}")
		per_page = max(1, min(MAX_LIMIT, self.config.page_size))
		params: dict[str, Any] = {"query": stream, "tags": "(story,comment)", "hitsPerPage": per_page}
		params["page"] = state["page"]
		if filters:
			params["numericFilters"] = ",".join(filters)
		data = self._search(params)
		hits = data["hits"]
		if not hits or int(data.get("nbPages") or 0) <= state["page"] + 1:
			return ListResult(hits, None)
		if (state["page"] + 2) * per_page > MAX_HITS:
			# Algolia serves at most 1000 hits per query: start a new query below this page.
			oldest = min(int(h["created_at_i"]) for h in hits if isinstance(h, dict) and "created_at_i" in h)
			return ListResult(hits, json.dumps({"until": oldest, "page": 0}))
		return ListResult(hits, json.dumps({"until": state["until"], "page": state["page"] + 1}))

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


def _load_token(token: str | None) -> dict | None:
	if not token:
		return None
	try:
		state = json.loads(token)
	except ValueError:
		return None
	if not isinstance(state, dict) or not isinstance(state.get("page"), int):
		return None
	until = state.get("until")
	return {"until": until if isinstance(until, int) else None, "page": max(0, state["page"])}
