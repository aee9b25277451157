"""Bluesky: ``app.bsky.feed.searchPosts`` (sort=latest) after ``com.atproto.server.createSession``.

Search needs a session: the handle and an app password (never the account password)
are exchanged for an access JWT. Pages of one walk follow the API ``cursor``; ``since``
(inclusive, on the post's sort time) bounds the walk at the stored cursor.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import InvalidRecord
from ..records import Post, parse_datetime
from .base import AuthError, ConnectorError, ListResult, Mark, SentReply, StreamConnector

DEFAULT_BASE_URL = "https://bsky.social"
MAX_LIMIT = 100
KEY_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so keys compare as strings


class BlueskyConnector(StreamConnector):
	platform = "Bluesky"
	max_reply_chars = 300

	def __init__(self, config, http=None):
		super().__init__(config, http)
		self._access_jwt: str | None = None

	@property
	def base_url(self) -> str:
		return (self.config.base_url or DEFAULT_BASE_URL).rstrip("/")

	def login(self) -> dict:
		"""Create a session with the handle and app password; return the session payload."""
		self.require("username", "app_password")
		try:
			session = self.http.post(
				f"{self.base_url}/xrpc/com.atproto.server.createSession",
				json={
					"identifier": self.config.credential("username"),
					"password": self.config.credential("app_password"),
				},
			).json()
		except AuthError as exc:
			raise AuthError(
				"Bluesky refused the handle or app password (create an app password under Settings > App passwords)",
				exc.status,
				exc.body,
			)
		if not isinstance(session, dict) or not session.get("accessJwt"):
			raise AuthError("Bluesky did not return an access token")
		self._access_jwt = session["accessJwt"]
		return session

	def test_connection(self) -> str:
		session = self.login()
		return f"Signed in to Bluesky as @{session.get('handle')}"

	def streams(self) -> list[str]:
		tags = [f"#{t.strip().lstrip('#')}" for t in self.config.hashtags if t.strip().lstrip("#")]
		return [t.strip() for t in self.config.query_terms if t.strip()] + tags

	def _search(self, params: dict) -> dict:
		if not self._access_jwt:
			self.login()
		url = f"{self.base_url}/xrpc/app.bsky.feed.searchPosts"
		for attempt in range(2):
			try:
				return self.http.get(
					url, params=params, headers={"Authorization": f"Bearer {self._access_jwt}"}
				).json()
			except ConnectorError as exc:
				# Access JWTs live for minutes; an expired one is renewed once by a new session.
				expired = exc.status == 401 or (exc.status == 400 and "ExpiredToken" in (exc.body or ""))
				if not expired or attempt:
					raise
				self.login()
		raise AssertionError("unreachable")

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		# The token keeps the walk's "until" bound together with the API cursor, so every page
		# of one walk runs the same query.
		state = _load_token(token)
		if state is None:
			until = None
			if upper:
				# "until" is exclusive: one millisecond past the oldest post seen, so posts
				# sharing its time are listed again; the walk drops the ones already saved.
				until = (parse_datetime(upper.key, "until") + timedelta(milliseconds=1)).strftime(KEY_FORMAT)
			state = {"until": until, "cursor": None}
		params: dict[str, Any] = {
			"q": stream,
			"sort": "latest",
			"limit": max(1, min(MAX_LIMIT, self.config.page_size)),
		}
		if lower:
			params["since"] = lower.key
		if state["until"]:
			params["until"] = state["until"]
		if state["cursor"]:
			params["cursor"] = state["cursor"]
		data = self._search(params)
		posts = data.get("posts") if isinstance(data, dict) else None
		if not isinstance(posts, list):
			raise ConnectorError("Bluesky searchPosts did not return posts")
		cursor = data.get("cursor")
		if not posts or not isinstance(cursor, str) or not cursor:
			return ListResult(posts, None)
		return ListResult(posts, json.dumps({"until": state["until"], "cursor": cursor}))

	def item_key(self, item: Any) -> str:
		record = item.get("record") or {}
		times = [parse_datetime(v) for v in (record.get("createdAt"), item.get("indexedAt")) if v]
		if not times:
			raise InvalidRecord("post has no createdAt / indexedAt", "posted_at")
		# Search sorts by "sortAt": the earlier of creation and indexing time.
		return min(times).strftime(KEY_FORMAT)

	def item_id(self, item: Any) -> str:
		return str(item["uri"])

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("post must be an object")
		record = item.get("record")
		author = item.get("author")
		if not isinstance(record, dict) or not isinstance(author, dict):
			raise InvalidRecord("post has no record or author", "record")
		uri = str(item.get("uri") or "")
		if not uri.startswith("at://") or "/app.bsky.feed.post/" not in uri:
			raise InvalidRecord("post uri is not an at:// post uri", "external_id")
		rkey = uri.rsplit("/", 1)[-1]
		handle = author.get("handle") or ""
		profile = f"https://bsky.app/profile/{handle or author.get('did')}"
		reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
		parent = reply.get("parent") if isinstance(reply.get("parent"), dict) else {}
		langs = record.get("langs") if isinstance(record.get("langs"), list) else []
		return self.build_post(
			item,
			external_id=uri,
			url=f"{profile}/post/{rkey}",
			author={
				"external_id": author.get("did"),
				"handle": handle,
				"display_name": author.get("displayName"),
				"profile_url": profile,
				"avatar_url": author.get("avatar"),
			},
			text=record.get("text") or "",
			posted_at=record.get("createdAt") or item.get("indexedAt"),
			language=langs[0] if langs else "",
			in_reply_to=parent.get("uri"),
			likes=item.get("likeCount"),
			reposts=item.get("repostCount"),
			replies=item.get("replyCount"),
		)

	def reply(self, target, text: str):
		"""Post ``text`` as a reply to ``target`` (``com.atproto.repo.createRecord``).

		A reply needs strong refs (uri + cid) to its parent and to the thread's root; they
		come from the stored payload or, when missing, from ``app.bsky.feed.getPosts``.
		"""
		text = self.reply_text(text)
		session = self.login()
		parent = self._post_view(target)
		parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
		record = parent.get("record") if isinstance(parent.get("record"), dict) else {}
		thread = record.get("reply") if isinstance(record.get("reply"), dict) else {}
		root = thread.get("root") if isinstance(thread.get("root"), dict) else {}
		root_ref = (
			{"uri": root["uri"], "cid": root["cid"]} if root.get("uri") and root.get("cid") else parent_ref
		)
		created = self.http.post(
			f"{self.base_url}/xrpc/com.atproto.repo.createRecord",
			json={
				"repo": session.get("did"),
				"collection": "app.bsky.feed.post",
				"record": {
					"$type": "app.bsky.feed.post",
					"text": text,
					"createdAt": datetime.now(timezone.utc).strftime(KEY_FORMAT),
					"reply": {"root": root_ref, "parent": parent_ref},
				},
			},
			headers={"Authorization": f"Bearer {self._access_jwt}"},
		).json()
		uri = created.get("uri") if isinstance(created, dict) else None
		if not uri:
			raise ConnectorError("Bluesky did not return the new post")
		handle = session.get("handle") or session.get("did")
		return SentReply(
			external_id=uri,
			url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
			raw=created,
		)

	def _post_view(self, target) -> dict:
		raw = target.raw if isinstance(target.raw, dict) else {}
		if raw.get("uri") == target.external_id and raw.get("cid"):
			return raw
		data = self.http.get(
			f"{self.base_url}/xrpc/app.bsky.feed.getPosts",
			params={"uris": target.external_id},
			headers={"Authorization": f"Bearer {self._access_jwt}"},
		).json()
		posts = data.get("posts") if isinstance(data, dict) else None
		if not posts or not isinstance(posts[0], dict) or not posts[0].get("cid"):
			raise ConnectorError(f"Bluesky could not find the post {target.external_id} to reply to")
		return posts[0]


def _load_token(token: str | None) -> dict | None:
	if not token:
		return None
	try:
		state = json.loads(token)
	except ValueError:
		return None
	if not isinstance(state, dict):
		return None
	return {"until": state.get("until") or None, "cursor": state.get("cursor") or None}
