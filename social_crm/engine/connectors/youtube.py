"""YouTube comments: Data API v3 ``commentThreads.list`` by video or by channel, optional ``searchTerms``.

Targets come from ``options``: ``video_ids`` (list) and/or ``channel_id`` (read with
``allThreadsRelatedToChannelId``). Threads are listed newest first (``order=time``) and
paged with ``pageToken``. Quota errors arrive as HTTP 403 with reason ``quotaExceeded`` /
``rateLimitExceeded``: they become ``RateLimited``, not ``AuthError``.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InvalidRecord
from ..records import Post, parse_datetime
from .base import AuthError, ConnectorError, ListResult, Mark, RateLimited, StreamConnector

DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
MAX_LIMIT = 100
KEY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
QUOTA_RETRY_AFTER = 3600.0  # the daily quota resets at midnight Pacific time; check again hourly


class YouTubeConnector(StreamConnector):
	platform = "YouTube"

	@property
	def base_url(self) -> str:
		return (self.config.base_url or DEFAULT_BASE_URL).rstrip("/")

	def _targets(self) -> list[str]:
		videos = self.config.options.get("video_ids") or []
		if isinstance(videos, str):
			videos = [v for v in videos.replace(",", " ").split() if v]
		targets = [f"video:{v.strip()}" for v in videos if str(v).strip()]
		channel = str(self.config.options.get("channel_id") or "").strip()
		if channel:
			targets.append(f"channel:{channel}")
		return targets

	def streams(self) -> list[str]:
		terms = [t.strip() for t in self.config.query_terms if t.strip()]
		targets = self._targets()
		if not terms:
			return targets
		return [f"{target}|{term}" for target in targets for term in terms]

	def test_connection(self) -> str:
		self.require("api_key")
		streams = self.streams()
		if not streams:
			raise ConnectorError("YouTube needs video_ids or a channel_id to read comments from")
		result = self._list(streams[0], token=None, limit=1)
		return f"YouTube Data API reachable ({len(result.items)} comment thread(s) on the first target)"

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		return self._list(stream, token, max(1, min(MAX_LIMIT, self.config.page_size)))

	def _list(self, stream: str, token: str | None, limit: int) -> ListResult:
		self.require("api_key")
		target, _, term = stream.partition("|")
		kind, _, value = target.partition(":")
		params: dict[str, Any] = {
			"part": "snippet",
			"order": "time",
			"textFormat": "html",
			"maxResults": limit,
			"key": self.config.credential("api_key"),
		}
		params["videoId" if kind == "video" else "allThreadsRelatedToChannelId"] = value
		if term:
			params["searchTerms"] = term
		if token:
			params["pageToken"] = token
		try:
			data = self.http.get(f"{self.base_url}/commentThreads", params=params).json()
		except ConnectorError as exc:
			raise self._translate(exc)
		if not isinstance(data, dict) or not isinstance(data.get("items"), list):
			raise ConnectorError("YouTube commentThreads.list did not return items")
		items = data["items"]
		return ListResult(items, data.get("nextPageToken") if items else None)

	@staticmethod
	def _translate(exc: ConnectorError) -> ConnectorError:
		if isinstance(exc, RateLimited) or exc.status not in (400, 403):
			return exc
		try:
			error = json.loads(exc.body or "{}").get("error") or {}
		except (ValueError, AttributeError):
			error = {}
		reasons = {e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)}
		reasons |= {d.get("reason") for d in error.get("details") or [] if isinstance(d, dict)}
		message = str(error.get("message") or "")[:200]
		if reasons & QUOTA_REASONS:
			return RateLimited("YouTube API quota exceeded", retry_after=QUOTA_RETRY_AFTER, status=exc.status)
		if reasons & RATE_REASONS:
			return RateLimited("YouTube API rate limit exceeded", retry_after=60, status=exc.status)
		if "API_KEY_INVALID" in reasons or "keyInvalid" in reasons or "API key not valid" in message:
			return AuthError("YouTube rejected the API key", exc.status, exc.body)
		if isinstance(exc, AuthError) and reasons & {"commentsDisabled", "forbidden"}:
			return ConnectorError(
				f"YouTube refused the comments: {message or ', '.join(sorted(reasons))}", exc.status
			)
		return exc

	def item_key(self, item: Any) -> str:
		snippet = item["snippet"]["topLevelComment"]["snippet"]
		return parse_datetime(snippet["publishedAt"]).strftime(KEY_FORMAT)

	def item_id(self, item: Any) -> str:
		return str(item["id"])

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict) or not isinstance(item.get("snippet"), dict):
			raise InvalidRecord("comment thread has no snippet")
		top = item["snippet"].get("topLevelComment")
		if not isinstance(top, dict) or not isinstance(top.get("snippet"), dict):
			raise InvalidRecord("comment thread has no topLevelComment", "text")
		comment = top["snippet"]
		video_id = comment.get("videoId") or item["snippet"].get("videoId")
		comment_id = top.get("id") or item.get("id")
		channel = comment.get("authorChannelId")
		channel_id = channel.get("value") if isinstance(channel, dict) else None
		name = str(comment.get("authorDisplayName") or "")
		return self.build_post(
			item,
			external_id=comment_id,
			url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}" if video_id else None,
			author={
				"external_id": channel_id,
				# Display names are "@handle" since YouTube handles were introduced.
				"handle": name if name.startswith("@") else "",
				"display_name": name,
				"profile_url": comment.get("authorChannelUrl"),
				"avatar_url": comment.get("authorProfileImageUrl"),
			},
			text=comment.get("textDisplay") or comment.get("textOriginal") or "",
			posted_at=comment.get("publishedAt"),
			likes=comment.get("likeCount"),
			replies=item["snippet"].get("totalReplyCount"),
		)
