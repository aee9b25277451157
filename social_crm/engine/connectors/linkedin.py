"""LinkedIn organization pages through the Community Management API (versioned ``/rest`` endpoints).

Credentials: ``token`` (a member's OAuth 2.0 access token with ``r_organization_social``,
from an admin of the page; valid 60 days), and optionally ``client_id`` / ``client_secret``
so Test Connection can read the token's expiry through token introspection. Target:
``options.organization_id``; ``options.api_version`` sets the ``LinkedIn-Version`` header.

Streams: ``comments:<post urn>`` (``GET /rest/socialActions/{urn}/comments``) for the page's
newest posts (``GET /rest/posts?q=author``), and ``mentions``
(``GET /rest/organizationalEntityNotifications?q=criteria`` with ``SHARE_MENTION``), whose
posts are read with ``GET /rest/posts/{urn}``. Lists page with ``start``/``count``. Deleted
posts answer 404 and are skipped; edited comments keep their id (``lastModified`` moves).
Members' names are not readable with this API, so authors are their person URNs.

Replies (``POST /rest/socialActions/{urn}/comments`` as the organization) need
``w_organization_social``; an answer to a comment is a nested comment under it.

LinkedIn sends no rate-limit headers; a 429 without ``Retry-After`` means the daily limit,
which resets at midnight UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from ..errors import InvalidRecord
from ..records import Post
from .base import ConnectorError, ListResult, Mark, RateLimited, SentReply, StreamConnector

DEFAULT_BASE_URL = "https://api.linkedin.com"
INTROSPECT_URL = "https://www.linkedin.com/oauth/v2/introspectToken"
DEFAULT_VERSION = "202411"
MAX_COUNT = 100
MENTION_WINDOW_MS = 7 * 24 * 3600 * 1000  # first poll: mentions of the last week


def urn(value: str) -> str:
	return quote(value, safe="")


class LinkedInConnector(StreamConnector):
	platform = "LinkedIn"
	max_reply_chars = 1250

	def __init__(self, config, http=None):
		super().__init__(config, http)
		self.token_expires_at: int | None = None
		self._posts: dict[str, dict] = {}

	@property
	def base_url(self) -> str:
		return (self.config.base_url or DEFAULT_BASE_URL).rstrip("/")

	@property
	def organization(self) -> str:
		org = str(self.config.options.get("organization_id") or "").strip()
		if not org:
			raise ConnectorError("LinkedIn sources need options.organization_id")
		return org if org.startswith("urn:li:") else f"urn:li:organization:{org}"

	def _headers(self) -> dict:
		self.require("token")
		return {
			"Authorization": f"Bearer {self.config.credential('token')}",
			"LinkedIn-Version": str(self.config.options.get("api_version") or DEFAULT_VERSION),
			"X-Restli-Protocol-Version": "2.0.0",
		}

	def _get(self, path_and_query: str) -> dict:
		try:
			data = self.http.get(f"{self.base_url}{path_and_query}", headers=self._headers()).json()
		except RateLimited as exc:
			raise self._daily_limit(exc)
		if not isinstance(data, dict):
			raise ConnectorError("LinkedIn did not return a JSON object")
		return data

	def _daily_limit(self, exc: RateLimited) -> RateLimited:
		if exc.retry_after > self.http.max_backoff:
			return exc  # the server said how long
		now = datetime.fromtimestamp(self.http.clock(), timezone.utc)
		midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
		return RateLimited(
			"LinkedIn daily API limit reached; it resets at midnight UTC",
			retry_after=(midnight - now).total_seconds(),
			body=exc.body,
		)

	def token_info(self) -> dict:
		"""Token introspection (needs the app's client id and secret): ``expires_at`` in unix seconds."""
		response = self.http.post(
			INTROSPECT_URL
			if not self.config.options.get("introspect_url")
			else self.config.options["introspect_url"],
			data={
				"client_id": self.config.credential("client_id"),
				"client_secret": self.config.credential("client_secret"),
				"token": self.config.credential("token"),
			},
		).json()
		if not isinstance(response, dict) or not response.get("active"):
			raise ConnectorError("LinkedIn says the access token is not active (expired or revoked)")
		self.token_expires_at = int(response.get("expires_at") or 0) or None
		return response

	def test_connection(self) -> str:
		org_id = self.organization.rsplit(":", 1)[1]
		info = self._get(f"/rest/organizations/{org_id}")
		message = f"Connected to the LinkedIn page {info.get('localizedName') or org_id}"
		if self.config.credential("client_id") and self.config.credential("client_secret"):
			self.token_info()
			if self.token_expires_at:
				expires = datetime.fromtimestamp(self.token_expires_at, timezone.utc)
				message += f"; token expires {expires:%Y-%m-%d %H:%M} UTC"
		return message

	def health_note(self) -> str:
		if not self.token_expires_at:
			return ""
		days = (self.token_expires_at - self.http.clock()) / 86400
		return f"LinkedIn token expires in {days:.0f} day(s)"

	def streams(self) -> list[str]:
		count = max(1, min(50, int(self.config.options.get("recent_posts") or 10)))
		data = self._get(
			f"/rest/posts?q=author&author={urn(self.organization)}&count={count}&sortBy=LAST_MODIFIED"
		)
		posts = [str(p["id"]) for p in data.get("elements") or [] if isinstance(p, dict) and p.get("id")]
		return ["mentions"] + [f"comments:{p}" for p in posts]

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		count = max(1, min(MAX_COUNT, self.config.page_size))
		start = int(token or 0)
		if stream == "mentions":
			end = int(self.http.clock() * 1000)
			begin = int(lower.key) if lower else end - MENTION_WINDOW_MS
			data = self._get(
				"/rest/organizationalEntityNotifications?q=criteria&actions=List(SHARE_MENTION)"
				f"&organizationalEntity={urn(self.organization)}&timeRange=(start:{begin},end:{end})"
				f"&start={start}&count={count}"
			)
			items = [self._with_post(n) for n in data.get("elements") or [] if isinstance(n, dict)]
			items = [i for i in items if i is not None]
			total = len(data.get("elements") or [])
		else:
			post = stream.split(":", 1)[1]
			data = self._get(f"/rest/socialActions/{urn(post)}/comments?start={start}&count={count}")
			elements = [c for c in data.get("elements") or [] if isinstance(c, dict)]
			total = len(elements)
			# Comments written as the page itself are our own answers, not mentions.
			items = [c for c in elements if str(c.get("actor") or "") != self.organization]
		paging = data.get("paging") or {}
		more = total >= count and (paging.get("total") is None or start + count < int(paging["total"]))
		return ListResult(items, str(start + count) if more else None)

	def _with_post(self, notification: dict) -> dict | None:
		post_urn = str(notification.get("sourcePost") or "")
		if not post_urn:
			return None
		try:
			post = self._get(f"/rest/posts/{urn(post_urn)}")
		except ConnectorError as exc:
			if exc.status in (404, 410):
				return None  # deleted since it mentioned us
			raise
		if post.get("lifecycleState") not in (None, "PUBLISHED"):
			return None
		return {**notification, "post": post}

	def item_key(self, item: Any) -> int:
		if "post" in item:
			return int(item["lastModifiedAt"])
		return int(item["created"]["time"])

	def item_id(self, item: Any) -> str:
		return str(item.get("commentUrn") or item.get("$URN") or item["id"])

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("LinkedIn element must be an object")
		if "post" in item:
			post = item["post"]
			author = str(post.get("author") or "")
			return self.build_post(
				item,
				external_id=post.get("id") or item.get("sourcePost"),
				url=f"https://www.linkedin.com/feed/update/{post.get('id') or item.get('sourcePost')}/",
				author={"external_id": author},
				text=post.get("commentary") or "",
				posted_at=_ms(post.get("createdAt") or item.get("lastModifiedAt")),
			)
		actor = str(item.get("actor") or (item.get("created") or {}).get("actor") or "")
		if not actor:
			raise InvalidRecord("comment has no actor", "author")
		message = item.get("message") if isinstance(item.get("message"), dict) else {}
		parent = item.get("parentComment") or item.get("object")
		return self.build_post(
			item,
			external_id=self.item_id(item),
			url=f"https://www.linkedin.com/feed/update/{item.get('object')}/" if item.get("object") else None,
			author={"external_id": actor},
			text=message.get("text") or "",
			posted_at=_ms((item.get("created") or {}).get("time")),
			in_reply_to=parent,
			likes=(item.get("likesSummary") or {}).get("totalLikes"),
			replies=(item.get("commentsSummary") or {}).get("aggregatedTotalComments"),
		)

	def reply(self, target, text: str):
		"""Comment as the organization: under the comment that was stored, or on the post that mentioned us."""
		text = self.reply_text(text)
		raw = target.raw if isinstance(target.raw, dict) else {}
		body: dict[str, Any] = {"actor": self.organization, "message": {"text": text}}
		if raw.get("commentUrn") or raw.get("object"):
			parent = str(raw.get("commentUrn") or target.external_id)
			body.update({"object": str(raw.get("object") or ""), "parentComment": parent})
		else:
			parent = str((raw.get("post") or {}).get("id") or target.external_id)
			body["object"] = parent
		response = self.http.post(
			f"{self.base_url}/rest/socialActions/{urn(parent)}/comments", json=body, headers=self._headers()
		)
		data = response.json() if response.content else {}
		new_id = (
			(data or {}).get("commentUrn") or (data or {}).get("$URN") or response.headers.get("x-restli-id")
		)
		if not new_id:
			raise ConnectorError("LinkedIn did not return the new comment")
		return SentReply(external_id=str(new_id), url="", raw=data if isinstance(data, dict) else {})


def _ms(value: Any) -> str | None:
	try:
		return datetime.fromtimestamp(int(value) / 1000, timezone.utc).isoformat()
	except (TypeError, ValueError):
		return None
