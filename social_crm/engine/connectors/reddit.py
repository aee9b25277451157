"""Reddit: OAuth client-credentials token, then ``/search?sort=new`` paged with ``after`` fullnames.

Reddit sends ``x-ratelimit-remaining`` / ``x-ratelimit-reset`` (seconds) on every OAuth
response; :class:`HttpClient` waits for the reset when the budget is used up, or raises
``RateLimited`` when that is longer than ``max_wait``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..errors import InvalidRecord
from ..records import Post
from .base import AuthError, ConnectorError, ListResult, Mark, StreamConnector

TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
API_URL = "https://oauth.reddit.com"
MAX_LIMIT = 100


class RedditConnector(StreamConnector):
	platform = "Reddit"

	def __init__(self, config, http=None):
		super().__init__(config, http)
		self._token: str | None = None

	@property
	def base_url(self) -> str:
		return (self.config.base_url or API_URL).rstrip("/")

	def authenticate(self) -> dict:
		"""Get an application-only OAuth token (client credentials grant)."""
		self.require("client_id", "client_secret")
		try:
			data = self.http.post(
				self.config.options.get("token_url") or TOKEN_URL,
				auth=(self.config.credential("client_id"), self.config.credential("client_secret")),
				data={"grant_type": "client_credentials"},
			).json()
		except AuthError as exc:
			raise AuthError(
				"Reddit refused the client id / secret (a 'script' or 'web' app is needed)", exc.status
			)
		if not isinstance(data, dict) or not data.get("access_token"):
			raise AuthError(
				f"Reddit did not issue a token: {data.get('error') if isinstance(data, dict) else ''}"
			)
		self._token = data["access_token"]
		return data

	def test_connection(self) -> str:
		data = self.authenticate()
		return f"Reddit API token obtained (scope {data.get('scope', '?')})"

	def streams(self) -> list[str]:
		return [t.strip() for t in self.config.query_terms if t.strip()]

	def _get(self, url: str, params: dict) -> Any:
		if not self._token:
			self.authenticate()
		for attempt in range(2):
			try:
				return self.http.get(
					url, params=params, headers={"Authorization": f"bearer {self._token}"}
				).json()
			except AuthError:
				if attempt:
					raise
				self.authenticate()  # tokens expire after a day; renew once
		raise AssertionError("unreachable")

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		subreddit = str(self.config.options.get("subreddit") or "").strip().removeprefix("r/").strip("/")
		path = f"/r/{quote(subreddit)}/search" if subreddit else "/search"
		params: dict[str, Any] = {
			"q": stream,
			"sort": "new",
			"type": "link",
			"limit": max(1, min(MAX_LIMIT, self.config.page_size)),
			"raw_json": 1,  # HTML fields without the legacy &lt;-escaping
		}
		if subreddit:
			params["restrict_sr"] = 1
		after = token or (upper.last if upper else None)
		if after:
			params["after"] = after
		listing = self._get(f"{self.base_url}{path}", params)
		data = listing.get("data") if isinstance(listing, dict) else None
		if not isinstance(data, dict) or not isinstance(data.get("children"), list):
			raise ConnectorError("Reddit search did not return a Listing")
		children = data["children"]
		return ListResult(children, data.get("after") if children else None)

	def item_key(self, item: Any) -> int:
		return int(float(item["data"]["created_utc"]))

	def item_id(self, item: Any) -> str:
		return str(item["data"]["name"])

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
			raise InvalidRecord("listing child has no data")
		data = item["data"]
		author = str(data.get("author") or "")
		if not author or author == "[deleted]":
			raise InvalidRecord("post author is deleted or missing", "author")
		text = (
			data.get("selftext_html")
			or data.get("selftext")
			or data.get("body_html")
			or data.get("body")
			or ""
		)
		if not text and data.get("url") and not data.get("is_self"):
			text = data["url"]  # a link post: the link is what was shared
		permalink = str(data.get("permalink") or "")
		return self.build_post(
			item,
			external_id=data.get("name"),
			url=f"https://www.reddit.com{permalink}" if permalink.startswith("/") else None,
			author={
				"external_id": data.get("author_fullname") or author,
				"handle": author,
				"profile_url": f"https://www.reddit.com/user/{quote(author)}",
			},
			title=data.get("title") or "",
			text=text,
			posted_at=data.get("created_utc"),
			in_reply_to=data.get("parent_id"),
			likes=max(0, int(data.get("ups") or 0)),
			replies=data.get("num_comments"),
		)
