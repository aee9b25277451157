"""Discourse forums: ``/search.json`` (``order:latest``) per query term, or ``/posts.json`` (latest posts).

Post ids grow with time, so they are the sort key. ``/posts.json`` pages with
``before=<post id>``; search pages with ``page`` (pages only shift towards older items
when new posts arrive, so resuming a stored page number re-reads, never skips).
Post ids are local to a forum: a Post's id is ``<forum host>:<post id>``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import InvalidRecord
from ..records import Post, scoped_post_id
from .base import ConnectorError, ListResult, Mark, StreamConnector

LATEST = "latest"


class DiscourseConnector(StreamConnector):
	platform = "Discourse"

	@property
	def host(self) -> str:
		return (urlsplit(self.base_url).hostname or "").lower()

	def _headers(self) -> dict:
		# Public forums need no key; a key (with its username) reads private categories.
		key, user = self.config.credential("api_key"), self.config.credential("username")
		return {"Api-Key": key, "Api-Username": user or "system"} if key else {}

	def _get(self, path: str, params: dict | None = None) -> Any:
		if not self.host:
			raise ConnectorError("Discourse needs the forum URL, e.g. https://meta.discourse.org")
		data = self.http.get(f"{self.base_url}{path}", params=params, headers=self._headers()).json()
		if not isinstance(data, dict):
			raise ConnectorError(f"Discourse {path} did not return an object")
		return data

	def test_connection(self) -> str:
		about = self._get("/about.json").get("about") or {}
		return f"Connected to Discourse forum {about.get('title') or self.host!r}"

	def streams(self) -> list[str]:
		terms = [f"search:{t.strip()}" for t in self.config.query_terms if t.strip()]
		tags = [f"search:#{t.strip().lstrip('#')}" for t in self.config.hashtags if t.strip().lstrip("#")]
		return terms + tags or [LATEST]

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		if stream == LATEST:
			params = {"before": str(upper.key)} if upper else None
			posts = self._get("/posts.json", params).get("latest_posts")
			if not isinstance(posts, list):
				raise ConnectorError("Discourse /posts.json did not return latest_posts")
			return ListResult(posts, "more" if posts else None)

		term = stream.split(":", 1)[1]
		page = int(token) if token and token.isdigit() else 1
		data = self._get("/search.json", {"q": f"{term} order:latest", "page": page})
		posts = data.get("posts") or []
		topics = {t.get("id"): t for t in data.get("topics") or [] if isinstance(t, dict)}
		# Search posts carry only the topic id; attach the topic so to_post can build the URL.
		items = [dict(p, topic=topics.get(p.get("topic_id"))) if isinstance(p, dict) else p for p in posts]
		grouped = data.get("grouped_search_result") or {}
		more = bool(posts) and bool(grouped.get("more_full_page_results") or grouped.get("more_posts"))
		return ListResult(items, str(page + 1) if more else None)

	def item_key(self, item: Any) -> int:
		return int(item["id"])

	def item_id(self, item: Any) -> str:
		return str(int(item["id"]))

	def _absolute(self, url: Any) -> str:
		url = str(url or "")
		if url.startswith("//"):
			return "https:" + url
		if url.startswith("/"):
			return self.base_url + url
		return url

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("post must be an object")
		post_id = item.get("id")
		if not isinstance(post_id, int) or isinstance(post_id, bool):
			raise InvalidRecord("post id must be a number", "external_id")
		username = str(item.get("username") or "")
		if not username:
			raise InvalidRecord("post has no username", "author")
		topic = item.get("topic") if isinstance(item.get("topic"), dict) else {}
		topic_id = item.get("topic_id") or topic.get("id")
		slug = item.get("topic_slug") or topic.get("slug") or "-"
		if topic_id and item.get("post_number"):
			url = f"{self.base_url}/t/{quote(str(slug))}/{topic_id}/{item['post_number']}"
		else:
			url = f"{self.base_url}/p/{post_id}"
		avatar = str(item.get("avatar_template") or "").replace("{size}", "120")
		return self.build_post(
			item,
			external_id=scoped_post_id(self.platform, str(post_id), self.host),
			instance=self.host,
			url=url,
			author={
				"external_id": f"{username.lower()}@{self.host}",
				"handle": username,
				"display_name": item.get("name") or username,
				"profile_url": f"{self.base_url}/u/{quote(username)}",
				"avatar_url": self._absolute(avatar) if avatar else "",
			},
			title=item.get("topic_title") or topic.get("title") or "",
			# latest posts carry the rendered HTML ("cooked"); search results only a "blurb".
			text=item.get("cooked") or item.get("blurb") or "",
			posted_at=item.get("created_at"),
			likes=item.get("like_count"),
			replies=item.get("reply_count"),
		)
