"""Mastodon: status search (``/api/v2/search``) and hashtag timelines (``/api/v1/timelines/tag``).

Paging walks down with ``max_id`` (taken from the ``Link: rel="next"`` header when the
server sends one); ``since_id`` bounds a timeline walk at the stored cursor. Status ids
are local to the instance, so they are only used for paging; a Post's id is the status
``uri`` (its ActivityPub id), the same on every instance.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ..errors import InvalidRecord
from ..handles import normalize_handle
from ..records import Post
from .base import ConnectorError, ListResult, Mark, SentReply, StreamConnector

MAX_LIMIT = 40  # the API caps limit at 40


class MastodonConnector(StreamConnector):
	platform = "Mastodon"
	max_reply_chars = 500

	@property
	def instance(self) -> str:
		return (urlsplit(self.base_url).hostname or "").lower()

	def _headers(self) -> dict:
		token = self.config.credential("token")
		return {"Authorization": f"Bearer {token}"} if token else {}

	def test_connection(self) -> str:
		if not self.instance:
			raise ConnectorError("Mastodon needs the instance URL, e.g. https://mastodon.social")
		info = self.http.get(f"{self.base_url}/api/v2/instance", headers=self._headers()).json()
		title = info.get("title") or info.get("domain") or self.instance
		message = f"Connected to {title} (Mastodon {info.get('version', '?')})"
		if self.config.credential("token"):
			account = self.http.get(
				f"{self.base_url}/api/v1/accounts/verify_credentials", headers=self._headers()
			).json()
			message += f" as @{account.get('acct')}"
		elif self.config.query_terms:
			message += "; without an access token most instances return no status search results"
		return message

	def streams(self) -> list[str]:
		tags = [f"tag:{t.strip().lstrip('#')}" for t in self.config.hashtags if t.strip().lstrip("#")]
		terms = [f"search:{t.strip()}" for t in self.config.query_terms if t.strip()]
		return tags + terms

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		kind, value = stream.split(":", 1)
		limit = max(1, min(MAX_LIMIT, self.config.page_size))
		params: dict[str, Any] = {"limit": limit}
		max_id = token or (str(upper.key) if upper else None)
		if max_id:
			params["max_id"] = max_id
		if kind == "tag":
			if lower:
				params["since_id"] = str(lower.key)
			response = self.http.get(
				f"{self.base_url}/api/v1/timelines/tag/{quote(value, safe='')}",
				params=params,
				headers=self._headers(),
			)
			items = response.json()
			if not isinstance(items, list):
				raise ConnectorError("Mastodon tag timeline did not return a list")
			return ListResult(items, self._next_max_id(items, response.links))
		params.update({"q": value, "type": "statuses", "resolve": "false"})
		data = self.http.get(f"{self.base_url}/api/v2/search", params=params, headers=self._headers()).json()
		items = data.get("statuses") if isinstance(data, dict) else None
		if not isinstance(items, list):
			raise ConnectorError("Mastodon search did not return statuses")
		# Search sends no Link header: a full page means there may be more below its last id.
		next_token = str(items[-1].get("id")) if len(items) >= limit and isinstance(items[-1], dict) else None
		return ListResult(items, next_token)

	@staticmethod
	def _next_max_id(items: list, links: dict[str, str]) -> str | None:
		if not items:
			return None
		if "next" in links:
			values = parse_qs(urlsplit(links["next"]).query).get("max_id")
			if values:
				return values[0]
		if links:
			return None  # the server pages with Link headers and sent no "next": end of timeline
		last = items[-1]
		return str(last.get("id")) if isinstance(last, dict) and last.get("id") else None

	def item_key(self, item: Any) -> Any:
		value = str(item["id"])
		# Mastodon ids are numeric snowflakes; other servers (Pleroma) use sortable strings.
		return int(value) if value.isdigit() else value

	def item_id(self, item: Any) -> str:
		return str(item["id"])

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("status must be an object")
		status = item.get("reblog") if isinstance(item.get("reblog"), dict) else item
		account = status.get("account")
		if not isinstance(account, dict):
			raise InvalidRecord("status has no account", "author")
		handle = normalize_handle(
			self.platform, account.get("acct") or account.get("username"), self.instance
		)
		if not handle:
			raise InvalidRecord("account has no acct", "author.handle")
		return self.build_post(
			item,
			external_id=status.get("uri") or status.get("url"),
			url=status.get("url") or status.get("uri"),
			instance=self.instance,
			author={
				"external_id": handle,
				"handle": handle,
				"display_name": account.get("display_name") or account.get("username"),
				"profile_url": account.get("url"),
				"avatar_url": account.get("avatar"),
				"bio": account.get("note"),
				"followers": account.get("followers_count"),
			},
			text=status.get("content") or "",
			title=status.get("spoiler_text") or "",
			posted_at=status.get("created_at"),
			language=status.get("language"),
			# Only the parent's instance-local id is in the payload; kept for threading on this source.
			in_reply_to=status.get("in_reply_to_id"),
			likes=status.get("favourites_count"),
			reposts=status.get("reblogs_count"),
			replies=status.get("replies_count"),
		)

	def reply(self, target, text: str):
		"""Post ``text`` as a public reply to ``target`` (``POST /api/v1/statuses``).

		``target.raw["id"]`` is the status id on this source's instance when the source
		fetched it; otherwise the status URI is resolved through search first. The
		author's handle is prepended so they are notified.
		"""
		text = self.reply_text(text)
		self.require("token")
		status_id = self._local_status_id(target)
		handle = (target.author_handle or "").lstrip("@")
		if handle and f"@{handle}".lower() not in text.lower():
			text = self.reply_text(f"@{handle} {text}")
		idempotency = hashlib.sha256(f"{status_id}\n{text}".encode()).hexdigest()
		status = self.http.post(
			f"{self.base_url}/api/v1/statuses",
			data={"status": text, "in_reply_to_id": status_id, "visibility": "public"},
			headers={**self._headers(), "Idempotency-Key": idempotency},
		).json()
		if not isinstance(status, dict) or not status.get("id"):
			raise ConnectorError("Mastodon did not return the new status")
		return SentReply(
			external_id=str(status.get("uri") or status["id"]), url=str(status.get("url") or ""), raw=status
		)

	def _local_status_id(self, target) -> str:
		raw = target.raw if isinstance(target.raw, dict) else {}
		status = raw.get("reblog") if isinstance(raw.get("reblog"), dict) else raw
		if status.get("id") and (status.get("uri") or "") == target.external_id:
			return str(status["id"])
		data = self.http.get(
			f"{self.base_url}/api/v2/search",
			params={"q": target.external_id, "type": "statuses", "resolve": "true", "limit": 1},
			headers=self._headers(),
		).json()
		statuses = data.get("statuses") if isinstance(data, dict) else None
		if not statuses or not isinstance(statuses[0], dict) or not statuses[0].get("id"):
			raise ConnectorError(f"Mastodon could not find the status {target.external_id} to reply to")
		return str(statuses[0]["id"])
