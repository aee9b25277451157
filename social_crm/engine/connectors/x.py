"""X (Twitter) API v2 with an app bearer token: recent search and an account's mentions timeline.

Streams: ``search:<term>`` (``GET /2/tweets/search/recent``, the last 7 days) per rule
term / hashtag, and ``mentions`` (``GET /2/users/:id/mentions``) when ``options.user_id``
or ``options.username`` names the company's account. Both list newest first; paging uses
``meta.next_token`` (search: ``next_token``, timelines: ``pagination_token``), the walk is
bounded below by ``since_id`` and above by ``until_id``. Authors come from
``includes.users`` (``expansions=author_id``).

An edited post gets a new id; ``edit_history_tweet_ids[0]`` (the original id) is the
Post's id, so an edit updates the stored mention instead of adding a second one.

Limits: 429 carries ``x-rate-limit-limit/-remaining/-reset`` (reset = unix time), which the
HttpClient honours; a 429 whose body says ``UsageCapExceeded`` is the plan's monthly post
cap and waits a day. ``GET /2/usage/tweets`` (project usage and cap) is read before each
poll, so a used-up cap stops the poll before it spends requests; both show in
:meth:`health_note`.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InvalidRecord
from ..records import Post
from .base import (
	AuthError,
	ConnectorError,
	HttpResponse,
	ListResult,
	Mark,
	RateLimited,
	SentReply,
	StreamConnector,
)

DEFAULT_BASE_URL = "https://api.x.com"
MAX_RESULTS = 100
MIN_RESULTS = 10  # recent search refuses max_results below 10 (mentions: 5)
CAP_RETRY_AFTER = 24 * 3600.0  # the monthly cap resets on the plan's cap_reset_day; check daily
TWEET_FIELDS = "id,text,author_id,created_at,conversation_id,in_reply_to_user_id,lang,public_metrics,edit_history_tweet_ids,referenced_tweets"
USER_FIELDS = "id,name,username,profile_image_url,description,url,public_metrics,verified"


class XConnector(StreamConnector):
	platform = "X"
	max_reply_chars = 280

	def __init__(self, config, http=None):
		super().__init__(config, http)
		self.rate: dict[str, str] = {}
		self.usage: dict[str, Any] = {}
		self._users: dict[str, dict] = {}
		self._user_id: str | None = None

	@property
	def base_url(self) -> str:
		return (self.config.base_url or DEFAULT_BASE_URL).rstrip("/")

	def _headers(self) -> dict:
		self.require("token")
		return {"Authorization": f"Bearer {self.config.credential('token')}"}

	def _get(self, path: str, params: dict | None = None) -> Any:
		try:
			response = self.http.get(f"{self.base_url}{path}", params=params, headers=self._headers())
		except RateLimited as exc:
			raise self._translate_limit(exc)
		self._note_rate(response)
		data = response.json()
		if not isinstance(data, dict):
			raise ConnectorError(f"X {path} did not return a JSON object")
		return data

	def _note_rate(self, response: HttpResponse) -> None:
		for name in ("limit", "remaining", "reset"):
			value = response.headers.get(f"x-rate-limit-{name}")
			if value is not None:
				self.rate[name] = str(value)

	@staticmethod
	def _translate_limit(exc: RateLimited) -> RateLimited:
		try:
			body = json.loads(exc.body or "{}")
		except ValueError:
			body = {}
		if isinstance(body, dict) and (
			body.get("title") == "UsageCapExceeded" or "usage-capped" in str(body.get("type") or "")
		):
			return RateLimited(
				f"X monthly post cap used up ({body.get('period') or 'Monthly'} {body.get('scope') or ''})".strip(),
				retry_after=CAP_RETRY_AFTER,
				body=exc.body,
			)
		return exc

	# --- health and connection ------------------------------------------------------------

	def check_usage(self) -> dict:
		"""Project usage of the month (``GET /2/usage/tweets``); RateLimited when the cap is used up."""
		data = self._get("/2/usage/tweets").get("data") or {}
		self.usage = {
			"usage": _int(data.get("project_usage")),
			"cap": _int(data.get("project_cap")),
			"reset_day": data.get("cap_reset_day"),
		}
		if self.usage["cap"] and self.usage["usage"] >= self.usage["cap"]:
			raise RateLimited(
				f"X monthly post cap used up ({self.usage['usage']}/{self.usage['cap']}, "
				f"resets on day {self.usage['reset_day']})",
				retry_after=CAP_RETRY_AFTER,
			)
		return self.usage

	def health_note(self) -> str:
		parts = []
		if self.usage.get("cap"):
			parts.append(f"monthly posts {self.usage['usage']}/{self.usage['cap']}")
		if self.rate.get("remaining") is not None and self.rate.get("limit"):
			parts.append(f"requests left in window {self.rate['remaining']}/{self.rate['limit']}")
		return "X: " + ", ".join(parts) if parts else ""

	def test_connection(self) -> str:
		usage = self.check_usage()
		message = "X API v2 reachable"
		if usage.get("cap"):
			message += f"; monthly posts used {usage['usage']} of {usage['cap']}"
		if self.config.options.get("user_id") or self.config.options.get("username"):
			message += f"; mentions of user {self.user_id()}"
		return message

	# --- streams --------------------------------------------------------------------------

	def user_id(self) -> str:
		if self._user_id:
			return self._user_id
		user_id = str(self.config.options.get("user_id") or "").strip()
		if not user_id:
			username = str(self.config.options.get("username") or "").strip().lstrip("@")
			data = self._get(f"/2/users/by/username/{username}").get("data") or {}
			user_id = str(data.get("id") or "")
			if not user_id:
				raise ConnectorError(f"X has no user @{username}")
		self._user_id = user_id
		return user_id

	def streams(self) -> list[str]:
		terms = [t.strip() for t in self.config.query_terms if t.strip()]
		terms += [f"#{t.strip().lstrip('#')}" for t in self.config.hashtags if t.strip().lstrip("#")]
		names = [f"search:{t}" for t in terms]
		if self.config.options.get("user_id") or self.config.options.get("username"):
			names.append("mentions")
		return names

	def fetch(self, cursor: str | None = None):
		if self.config.options.get("check_usage", True):
			self.check_usage()
		yield from super().fetch(cursor)

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		limit = max(MIN_RESULTS, min(MAX_RESULTS, self.config.page_size))
		params: dict[str, Any] = {
			"max_results": limit,
			"tweet.fields": TWEET_FIELDS,
			"expansions": "author_id",
			"user.fields": USER_FIELDS,
		}
		if lower:
			params["since_id"] = str(lower.key)
		if upper and not token:
			# until_id is exclusive; the walk skips ids it already saved at the boundary anyway
			params["until_id"] = str(upper.key + 1)
		if stream == "mentions":
			if token:
				params["pagination_token"] = token
			data = self._get(f"/2/users/{self.user_id()}/mentions", params)
		else:
			query = stream.split(":", 1)[1]
			if not self.config.options.get("include_reposts", False):
				query = f"{query} -is:retweet"
			params["query"] = query
			if token:
				params["next_token"] = token
			data = self._get("/2/tweets/search/recent", params)
		for user in (data.get("includes") or {}).get("users") or []:
			if isinstance(user, dict) and user.get("id"):
				self._users[str(user["id"])] = user
		items = data.get("data") or []
		if not isinstance(items, list):
			raise ConnectorError("X did not return a list of posts")
		meta = data.get("meta") or {}
		return ListResult(items, meta.get("next_token") if items else None)

	def item_key(self, item: Any) -> int:
		return int(str(item["id"]))

	def item_id(self, item: Any) -> str:
		return str(item["id"])

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict) or not item.get("id"):
			raise InvalidRecord("post must be an object with an id")
		author_id = str(item.get("author_id") or "")
		user = self._users.get(author_id) or {}
		if not author_id:
			raise InvalidRecord("post has no author_id", "author")
		username = user.get("username") or ""
		history = item.get("edit_history_tweet_ids") or []
		original_id = str(history[0]) if history else str(item["id"])
		metrics = item.get("public_metrics") or {}
		parent = next(
			(r.get("id") for r in item.get("referenced_tweets") or [] if r.get("type") == "replied_to"), None
		)
		user_metrics = user.get("public_metrics") or {}
		return self.build_post(
			item,
			external_id=original_id,
			url=f"https://x.com/{username or 'i/web'}/status/{item['id']}",
			author={
				"external_id": author_id,
				"handle": username,
				"display_name": user.get("name") or username,
				"profile_url": f"https://x.com/{username}" if username else "",
				"avatar_url": user.get("profile_image_url"),
				"bio": user.get("description"),
				"followers": user_metrics.get("followers_count"),
				"verified": user.get("verified"),
			},
			text=item.get("text") or "",
			posted_at=item.get("created_at"),
			language=item.get("lang") if item.get("lang") not in ("und", "qme", "zxx") else None,
			in_reply_to=parent,
			likes=metrics.get("like_count"),
			reposts=metrics.get("retweet_count"),
			replies=metrics.get("reply_count"),
		)

	def reply(self, target, text: str):
		"""Reply with ``POST /2/tweets``; needs a user-context token (an app-only bearer is refused)."""
		text = self.reply_text(text)
		raw = target.raw if isinstance(target.raw, dict) else {}
		post_id = str(raw.get("id") or target.external_id)
		try:
			response = self.http.post(
				f"{self.base_url}/2/tweets",
				json={"text": text, "reply": {"in_reply_to_tweet_id": post_id}},
				headers=self._headers(),
			)
		except AuthError as exc:
			raise AuthError(
				"X refused the reply: posting needs a user-context token (OAuth 2.0 with tweet.write)",
				exc.status,
				exc.body,
			)
		data = response.json().get("data") or {}
		if not data.get("id"):
			raise ConnectorError("X did not return the new post")
		return SentReply(
			external_id=str(data["id"]), url=f"https://x.com/i/web/status/{data['id']}", raw=data
		)


def _int(value: Any) -> int:
	try:
		return int(value)
	except (TypeError, ValueError):
		return 0
