"""Meta Graph API: Facebook Page comments and visitor posts, Instagram comments, tags, @mentions
and hashtag search, Lead Ads.

Credentials: ``token`` is a Page access token (or a system user's token with the Page
assigned); ``app_secret`` (optional for polling) adds ``appsecret_proof`` to each request
and is the key of the webhook's ``X-Hub-Signature-256``. Targets in ``options``:
``page_id`` (Facebook), ``ig_user_id`` (the Instagram professional account), ``recent_posts``
(how many of the newest posts/media have their comments read, default 10); Instagram also
``hashtag_search`` (read the rules' #hashtags, needs the *Instagram Public Content Access*
feature), ``hashtag_top_media`` (also each hashtag's ``top_media``) and ``hashtag_budget``
(unique hashtags this source may use per 7 days, at most Meta's 30).

Graph lists are ``{"data": [...], "paging": {"cursors": {"before", "after"}, "next"}}``;
a page's ``after`` cursor is the continuation token while ``paging.next`` is present.
Errors are ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`` with
HTTP 400/403: codes 4, 17, 32, 613 and 80001-80014 are throttling (RateLimited), 190 is an
invalid or expired token, 10/200-299 missing permissions (AuthError), 100/33 a deleted object
(its stream is read as empty). ``X-App-Usage`` / ``X-Business-Use-Case-Usage`` (percentages
of the budget) are noted for the source's health.

Deleted comments and posts disappear from the lists; comments Meta removed the author of
(``from`` missing) are rejected with a reason.

Instagram hashtag search: ``GET /ig_hashtag_search?user_id=&q=`` gives the hashtag's id (static
and global), ``GET /{hashtag-id}/recent_media`` (media of the last 24 hours, newest first) and
``/top_media`` the media, with ``user_id``. An account may query 30 unique hashtags in a rolling
7 days (``/{ig-user-id}/recently_searched_hashtags`` lists them); the connector keeps its own
log in the cursor, never starts a 31st and says so in :meth:`health_note`. Hashtag media carry
no ``username`` (Meta does not disclose it): they become posts of one placeholder author,
:data:`UNDISCLOSED_AUTHOR`, which has nothing to link by.

Instagram @mentions in other accounts' captions and comments cannot be listed; Meta sends a
``mentions`` webhook (``{"object": "instagram", "entry": [{"id": <ig-user-id>, "changes":
[{"field": "mentions", "value": {"media_id", "comment_id"?}}]}]}``) and the item is read with
``GET /{ig-user-id}?fields=mentioned_media.media_id(<id>){...}`` or
``mentioned_comment.comment_id(<id>){...}`` (:func:`mention_events`,
:meth:`InstagramConnector.mentioned_post`). A mentioned comment has no username either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidRecord
from ..records import Post, parse_datetime
from .base import (
	AuthError,
	ConnectorError,
	HttpClient,
	HttpResponse,
	ListResult,
	Mark,
	Page,
	RateLimited,
	SentReply,
	StreamConnector,
	dump_cursor,
	load_cursor,
)

DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0"
KEY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_LIMIT = 100
THROTTLE_CODES = {4, 17, 32, 613} | set(range(80001, 80015))
PERMISSION_CODES = {10} | set(range(200, 300))
THROTTLE_RETRY_AFTER = 900.0  # Meta: usage falls back within an hour; try again after 15 minutes
FB_COMMENT_FIELDS = "id,message,created_time,from{id,name},permalink_url,like_count,comment_count,parent{id}"
FB_POST_FIELDS = "id,message,created_time,updated_time,from{id,name},permalink_url"
IG_COMMENT_FIELDS = "id,text,timestamp,username,like_count,from{id,username},parent_id,media{id,permalink}"
IG_MEDIA_FIELDS = "id,caption,timestamp,permalink,username,like_count,comments_count,media_type"
# Hashtag media: Meta refuses ``username`` on them.
IG_HASHTAG_MEDIA_FIELDS = "id,caption,media_type,permalink,timestamp,like_count,comments_count"
IG_MENTIONED_COMMENT_FIELDS = "id,text,timestamp,like_count,media{id,permalink}"
IG_HASHTAG_LIMIT = 30  # unique hashtags per account in a rolling 7 days (Meta's limit)
IG_HASHTAG_WINDOW = 7 * 24 * 3600
IG_HASHTAG_PAGE_MAX = 50  # recent_media / top_media return at most 50 per page
# Hashtag media and mentioned comments come without their author: one placeholder profile holds
# them. It has no handle, URL or email, and its bracketed name gives no name key, so nothing links it.
UNDISCLOSED_AUTHOR = {
	"external_id": "instagram:undisclosed",
	"display_name": "(Instagram: author not disclosed)",
}
LEAD_FIELDS = "id,created_time,field_data,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,form_id,platform,is_organic"


def graph_error(exc: ConnectorError) -> ConnectorError:
	"""Turn a Graph API error response into RateLimited / AuthError / ConnectorError."""
	if isinstance(exc, RateLimited):
		return exc
	try:
		error = json.loads(exc.body or "{}").get("error") or {}
	except (ValueError, AttributeError):
		error = {}
	if not isinstance(error, dict) or not error:
		return exc
	code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
	message = str(error.get("message") or "")[:200]
	if code in THROTTLE_CODES:
		return RateLimited(
			f"Meta rate limit (code {code}): {message}", THROTTLE_RETRY_AFTER, exc.status, exc.body
		)
	if code == 190:
		reason = "expired" if subcode == 463 else "invalid"
		return AuthError(f"Meta access token is {reason}: {message}", exc.status, exc.body)
	if code in PERMISSION_CODES:
		return AuthError(f"Meta permission missing: {message}", exc.status, exc.body)
	return ConnectorError(f"Meta Graph API error {code}/{subcode}: {message}", exc.status, exc.body)


def is_deleted_object(exc: ConnectorError) -> bool:
	try:
		error = json.loads(exc.body or "{}").get("error") or {}
	except (ValueError, AttributeError):
		return False
	return _int(error.get("code")) == 100 and _int(error.get("error_subcode")) == 33


class GraphClient:
	"""Graph API requests through the connector's HttpClient, with ``appsecret_proof`` and error mapping."""

	def __init__(self, http: HttpClient, token: str, app_secret: str = "", base_url: str = ""):
		self.http = http
		self.token = token
		self.app_secret = app_secret
		self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
		self.usage: dict[str, Any] = {}

	def params(self, extra: dict | None = None) -> dict:
		params = {"access_token": self.token, **(extra or {})}
		if self.app_secret:
			params["appsecret_proof"] = hmac.new(
				self.app_secret.encode(), self.token.encode(), hashlib.sha256
			).hexdigest()
		return params

	def get(self, path: str, params: dict | None = None) -> dict:
		return self._call("GET", path, params)

	def post(self, path: str, data: dict) -> dict:
		return self._call("POST", path, None, data)

	def _call(self, method: str, path: str, params: dict | None, data: dict | None = None) -> dict:
		if not self.token:
			raise AuthError("Meta needs an access token")
		url = f"{self.base_url}/{path.lstrip('/')}"
		try:
			if method == "GET":
				response = self.http.get(url, params=self.params(params))
			else:
				response = self.http.post(url, params=self.params(), data=data)
		except ConnectorError as exc:
			raise graph_error(exc)
		self._note_usage(response)
		body = response.json()
		if not isinstance(body, dict):
			raise ConnectorError(f"Meta {path.split('?')[0]} did not return a JSON object")
		return body

	def _note_usage(self, response: HttpResponse) -> None:
		for header in ("X-App-Usage", "X-Business-Use-Case-Usage"):
			value = response.headers.get(header)
			if not value:
				continue
			try:
				data = json.loads(value)
			except ValueError:
				continue
			if header == "X-App-Usage" and isinstance(data, dict):
				self.usage["app"] = max(
					_int(data.get(k)) for k in ("call_count", "total_time", "total_cputime")
				)
			elif isinstance(data, dict):
				for entries in data.values():
					for entry in entries if isinstance(entries, list) else []:
						if isinstance(entry, dict):
							used = max(
								_int(entry.get(k)) for k in ("call_count", "total_time", "total_cputime")
							)
							self.usage["business"] = max(self.usage.get("business", 0), used)

	def note(self) -> str:
		parts = [f"{name} usage {value}%" for name, value in sorted(self.usage.items())]
		return "Meta: " + ", ".join(parts) if parts else ""

	def debug_token(self) -> dict:
		"""``GET /debug_token`` for the token itself: validity, scopes, ``expires_at`` (0 = never)."""
		return self.get("debug_token", {"input_token": self.token}).get("data") or {}


class MetaConnector(StreamConnector):
	"""What Facebook and Instagram sources share: the Graph client, paging, token checks."""

	def __init__(self, config, http=None):
		super().__init__(config, http)
		self.graph = GraphClient(
			self.http, config.credential("token"), config.credential("app_secret"), config.base_url
		)
		self.token_expires_at: int | None = None

	def option(self, key: str) -> str:
		return str(self.config.options.get(key) or "").strip()

	def recent_count(self) -> int:
		return max(1, min(50, int(self.config.options.get("recent_posts") or 10)))

	def health_note(self) -> str:
		return self.graph.note()

	def check_token(self) -> str:
		info = self.graph.debug_token()
		if info and info.get("is_valid") is False:
			raise AuthError("Meta says the access token is not valid")
		expires = _int(info.get("expires_at"))
		self.token_expires_at = expires or None
		return "never expires" if not expires else f"expires at {expires}"

	def list_page(self, path: str, params: dict, token: str | None, limit: int | None = None) -> ListResult:
		params = {**params, "limit": limit or max(1, min(MAX_LIMIT, self.config.page_size))}
		if token:
			params["after"] = token
		try:
			data = self.graph.get(path, params)
		except ConnectorError as exc:
			if is_deleted_object(exc):
				return ListResult([], None)  # the post was deleted: nothing more to read there
			raise
		items = data.get("data")
		if not isinstance(items, list):
			raise ConnectorError(f"Meta {path} did not return a data list")
		paging = data.get("paging") or {}
		after = (paging.get("cursors") or {}).get("after")
		return ListResult(items, after if items and paging.get("next") and after else None)

	def item_id(self, item: Any) -> str:
		return str(item["id"])

	def reply(self, target, text: str):
		text = self.reply_text(text)
		edge = "replies" if self.platform == "Instagram" else "comments"
		data = self.graph.post(f"{target.external_id}/{edge}", {"message": text})
		if not data.get("id"):
			raise ConnectorError("Meta did not return the new comment")
		return SentReply(external_id=str(data["id"]), url="", raw=data)


class FacebookConnector(MetaConnector):
	"""Streams: ``feed`` (visitor posts on the Page), ``tagged`` (posts that tag the Page) and
	``comments:<post id>`` for the Page's newest posts."""

	platform = "Facebook"
	max_reply_chars = 8000

	def page_id(self) -> str:
		page = self.option("page_id")
		if not page:
			raise ConnectorError("Facebook sources need options.page_id")
		return page

	def test_connection(self) -> str:
		page = self.graph.get(self.page_id(), {"fields": "id,name"})
		return (
			f"Connected to the Facebook Page {page.get('name') or page.get('id')}; token {self.check_token()}"
		)

	def streams(self) -> list[str]:
		page = self.page_id()
		posts = self.graph.get(f"{page}/posts", {"fields": "id,created_time", "limit": self.recent_count()})
		ids = [str(p["id"]) for p in posts.get("data") or [] if isinstance(p, dict) and p.get("id")]
		return ["feed", "tagged"] + [f"comments:{i}" for i in ids]

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		page = self.page_id()
		if stream in ("feed", "tagged"):
			result = self.list_page(f"{page}/{stream}", {"fields": FB_POST_FIELDS}, token)
			# The Page's own posts are not mentions; their comments are read separately.
			items = [i for i in result.items if str((i.get("from") or {}).get("id") or "") != page]
			return ListResult(items, result.next_token)
		post_id = stream.split(":", 1)[1]
		params = {"fields": FB_COMMENT_FIELDS, "order": "reverse_chronological", "filter": "stream"}
		return self.list_page(f"{post_id}/comments", params, token)

	def item_key(self, item: Any) -> str:
		return parse_datetime(item["created_time"]).strftime(KEY_FORMAT)

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("Graph item must be an object")
		author = item.get("from")
		if not isinstance(author, dict) or not author.get("id"):
			raise InvalidRecord("Meta did not say who wrote this (no 'from')", "author")
		parent = (item.get("parent") or {}).get("id") if isinstance(item.get("parent"), dict) else None
		return self.build_post(
			item,
			external_id=item.get("id"),
			url=item.get("permalink_url"),
			author={"external_id": author.get("id"), "display_name": author.get("name")},
			text=item.get("message") or "",
			posted_at=item.get("created_time"),
			in_reply_to=parent,
			likes=item.get("like_count"),
			replies=item.get("comment_count"),
		)


class InstagramConnector(MetaConnector):
	"""Streams: ``tags`` (media the account is tagged in), ``comments:<media id>`` for the account's
	newest media and, with ``hashtag_search``, ``hashtag:<name>:<hashtag id>`` (recent media) and
	``hashtag_top:<name>:<hashtag id>`` (top media) per #hashtag of the rules.

	The cursor also keeps the hashtag log ``{"hashtags": {name: {"id", "since"}}}``: the id (static,
	so it is searched once) and when the hashtag's current 7-day window began.
	"""

	platform = "Instagram"
	max_reply_chars = 2200

	def __init__(self, config, http=None):
		super().__init__(config, http)
		self.hashtag_log: dict[str, dict] = {}
		self.hashtags_skipped: list[str] = []
		self.hashtags_refused: list[str] = []
		self.hashtags_in_window: int | None = None  # None until this poll resolved its hashtags

	def ig_user_id(self) -> str:
		user = self.option("ig_user_id")
		if not user:
			raise ConnectorError("Instagram sources need options.ig_user_id (the professional account id)")
		return user

	def test_connection(self) -> str:
		user = self.graph.get(self.ig_user_id(), {"fields": "id,username"})
		return f"Connected to the Instagram account @{user.get('username') or user.get('id')}; token {self.check_token()}"

	def fetch(self, cursor: str | None = None) -> Iterator[Page]:
		state = load_cursor(cursor)
		log = state.get("hashtags")
		self.hashtag_log = {
			str(k): v for k, v in (log.items() if isinstance(log, dict) else []) if isinstance(v, dict)
		}
		for page in super().fetch(cursor):
			# the hashtag log travels with every page's cursor, so a stored cursor always has it
			data = json.loads(page.cursor)
			if self.hashtag_log:
				data["hashtags"] = self.hashtag_log
			page.cursor = dump_cursor(data)
			yield page

	def streams(self) -> list[str]:
		user = self.ig_user_id()
		media = self.graph.get(f"{user}/media", {"fields": "id,timestamp", "limit": self.recent_count()})
		ids = [str(m["id"]) for m in media.get("data") or [] if isinstance(m, dict) and m.get("id")]
		return ["tags"] + [f"comments:{i}" for i in ids] + self.hashtag_streams()

	# --- hashtag search ---------------------------------------------------------------------

	def hashtag_budget(self) -> int:
		try:
			budget = int(self.config.options.get("hashtag_budget") or IG_HASHTAG_LIMIT)
		except (TypeError, ValueError):
			budget = IG_HASHTAG_LIMIT
		return max(0, min(IG_HASHTAG_LIMIT, budget))

	def hashtag_names(self) -> list[str]:
		names = []
		for tag in self.config.hashtags:
			name = str(tag).strip().lstrip("#").lower()
			if name and name not in names:
				names.append(name)
		return names

	def hashtag_streams(self) -> list[str]:
		"""Resolve the rules' hashtags to ids within the 7-day budget; hashtags over it are skipped."""
		if not self.config.options.get("hashtag_search"):
			return []
		now = self.http.clock()
		budget = self.hashtag_budget()
		in_window = {
			name
			for name, entry in self.hashtag_log.items()
			if now - _float(entry.get("since")) < IG_HASHTAG_WINDOW
		}
		platform_used: int | None = None
		streams = []
		for name in self.hashtag_names():
			entry = self.hashtag_log.get(name) or {}
			if name not in in_window:
				# a new 7-day window starts for this hashtag: it takes one of the budget's places
				if platform_used is None:
					platform_used = self._recently_searched_count()
				if max(len(in_window), platform_used) >= budget:
					self.hashtags_skipped.append(name)
					continue
				if not entry.get("id"):
					try:
						entry = {"id": self._search_hashtag(name)}
					except RateLimited:
						raise
					except ConnectorError as exc:
						# sensitive hashtags get a generic error; a missing feature a permission error
						self.hashtags_refused.append(f"{name} ({str(exc)[:80]})")
						continue
				entry = {"id": str(entry["id"]), "since": int(now)}
				self.hashtag_log[name] = entry
				in_window.add(name)
				platform_used += 1
			streams.append(f"hashtag:{name}:{entry['id']}")
			if self.config.options.get("hashtag_top_media"):
				streams.append(f"hashtag_top:{name}:{entry['id']}")
		self.hashtags_in_window = max(len(in_window), platform_used or 0)
		# forget hashtags that left the rules once their window is over (the ids are cheap to find again)
		wanted = set(self.hashtag_names())
		self.hashtag_log = {n: e for n, e in self.hashtag_log.items() if n in wanted or n in in_window}
		return streams

	def _search_hashtag(self, name: str) -> str:
		data = self.graph.get("ig_hashtag_search", {"user_id": self.ig_user_id(), "q": name})
		found = [h for h in data.get("data") or [] if isinstance(h, dict) and h.get("id")]
		if not found:
			raise ConnectorError(f"Instagram knows no hashtag #{name}")
		return str(found[0]["id"])

	def _recently_searched_count(self) -> int:
		"""How many unique hashtags the account queried in the last 7 days (any app, Meta's count)."""
		data = self.graph.get(f"{self.ig_user_id()}/recently_searched_hashtags", {"limit": IG_HASHTAG_LIMIT})
		return len([h for h in data.get("data") or [] if isinstance(h, dict)])

	def health_note(self) -> str:
		parts = [self.graph.note()]
		if self.config.options.get("hashtag_search") and self.hashtags_in_window is not None:
			note = f"Instagram hashtags {self.hashtags_in_window}/{self.hashtag_budget()} in 7 days"
			if self.hashtags_skipped:
				note += " (weekly limit reached, not searched: #" + ", #".join(self.hashtags_skipped) + ")"
			if self.hashtags_refused:
				note += "; refused: #" + ", #".join(self.hashtags_refused)
			parts.append(note)
		return "; ".join(p for p in parts if p)

	# --- listings ---------------------------------------------------------------------------

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		if stream == "tags":
			return self.list_page(f"{self.ig_user_id()}/tags", {"fields": IG_MEDIA_FIELDS}, token)
		kind, _, rest = stream.partition(":")
		if kind in ("hashtag", "hashtag_top"):
			name, _, hashtag_id = rest.rpartition(":")
			edge = "recent_media" if kind == "hashtag" else "top_media"
			params = {
				"user_id": self.ig_user_id(),
				"fields": IG_HASHTAG_MEDIA_FIELDS,
				"limit": max(1, min(IG_HASHTAG_PAGE_MAX, self.config.page_size)),
			}
			if kind == "hashtag_top":
				# top media are ordered by popularity, not time: one page of up to 50, sorted newest
				# first so the walk's cursor logic holds
				params["limit"] = IG_HASHTAG_PAGE_MAX
			result = self.list_page(f"{hashtag_id}/{edge}", params, token, limit=params["limit"])
			# marked so to_post knows the author is not disclosed (and which hashtag found it)
			items = [{**i, "_hashtag": name} for i in result.items if isinstance(i, dict)]
			if kind == "hashtag_top":
				items.sort(key=lambda i: str(i.get("timestamp") or ""), reverse=True)
				return ListResult(items, None)
			return ListResult(items, result.next_token)
		return self.list_page(f"{rest}/comments", {"fields": IG_COMMENT_FIELDS}, token)

	def item_key(self, item: Any) -> str:
		return parse_datetime(item["timestamp"]).strftime(KEY_FORMAT)

	def to_post(self, item: Any) -> Post:
		if not isinstance(item, dict):
			raise InvalidRecord("Graph item must be an object")
		author = item.get("from") if isinstance(item.get("from"), dict) else {}
		username = author.get("username") or item.get("username")
		is_comment = "caption" not in item and "media_type" not in item
		media = item.get("media") if isinstance(item.get("media"), dict) else {}
		if username:
			who = {
				"external_id": author.get("id") or username,
				"handle": username,
				"display_name": username,
				"profile_url": f"https://www.instagram.com/{username}/",
			}
		elif item.get("_hashtag") or item.get("_mentioned_comment"):
			who = dict(UNDISCLOSED_AUTHOR)  # Meta does not disclose who posted hashtag media
		else:
			raise InvalidRecord("Instagram did not say who wrote this (no username)", "author")
		text = (item.get("text") if is_comment else item.get("caption")) or ""
		if not text.strip() and item.get("_hashtag"):
			raise InvalidRecord("hashtag media without a caption", "text")
		return self.build_post(
			item,
			external_id=item.get("id"),
			url=item.get("permalink") or media.get("permalink"),
			author=who,
			text=text,
			posted_at=item.get("timestamp"),
			in_reply_to=item.get("parent_id") or media.get("id"),
			likes=item.get("like_count"),
			replies=item.get("comments_count"),
		)

	# --- @mentions (webhook) ----------------------------------------------------------------

	def mentioned_post(self, event: MentionEvent) -> Post:
		"""Read the caption or comment an Instagram ``mentions`` webhook pointed at, as a Post."""
		user = self.ig_user_id()
		if event.comment_id:
			field_name = "mentioned_comment"
			fields = f"mentioned_comment.comment_id({event.comment_id}){{{IG_MENTIONED_COMMENT_FIELDS}}}"
		else:
			field_name = "mentioned_media"
			fields = f"mentioned_media.media_id({event.media_id}){{{IG_MEDIA_FIELDS}}}"
		data = self.graph.get(user, {"fields": fields})
		item = data.get(field_name)
		if not isinstance(item, dict) or not item.get("id"):
			raise InvalidRecord(f"Instagram returned no {field_name}", field_name)
		if event.comment_id:
			item = {**item, "_mentioned_comment": True}
			if not isinstance(item.get("media"), dict) and event.media_id:
				item["media"] = {"id": event.media_id}
		else:
			item = {**item, "_mentioned_media": True}
		return self.to_post(item)

	def _mention_kind(self, item_id: str) -> dict:
		"""``{"_mentioned_comment": True, "media": {...}}``, ``{"_mentioned_media": True}`` or {}."""
		user = self.ig_user_id()
		for field_name, selector, fields in (
			("mentioned_comment", "comment_id", "id,media{id}"),
			("mentioned_media", "media_id", "id"),
		):
			try:
				data = self.graph.get(user, {"fields": f"{field_name}.{selector}({item_id}){{{fields}}}"})
			except RateLimited:
				raise
			except ConnectorError:
				continue  # not this kind of mention
			item = data.get(field_name)
			if isinstance(item, dict) and item.get("id"):
				return {**item, f"_{field_name}": True}
		return {}

	def reply(self, target, text: str):
		"""Comments answer on ``/{comment}/replies``; @mentions only through ``POST /{ig-user-id}/mentions``
		(what the webhook reported: the media, and the comment for a comment mention); hashtag
		media cannot be commented on through the API. The kind is read from the stored payload or,
		when the site keeps no payloads, asked from the Graph API."""
		raw = target.raw if isinstance(target.raw, dict) else {}
		if not raw:
			raw = self._mention_kind(target.external_id)
		if raw.get("_hashtag"):
			raise ConnectorError("Instagram does not allow comments on media found by hashtag search")
		if not (raw.get("_mentioned_media") or raw.get("_mentioned_comment")):
			return super().reply(target, text)
		text = self.reply_text(text)
		media = raw.get("media") if isinstance(raw.get("media"), dict) else {}
		data = {"message": text}
		if raw.get("_mentioned_comment"):
			data.update(media_id=str(media.get("id") or ""), comment_id=target.external_id)
		else:
			data["media_id"] = target.external_id
		if not data["media_id"]:
			raise ConnectorError("Instagram needs the media of a mentioned comment to answer it")
		answer = self.graph.post(f"{self.ig_user_id()}/mentions", data)
		if not answer.get("id"):
			raise ConnectorError("Meta did not return the new comment")
		return SentReply(external_id=str(answer["id"]), url="", raw=answer)


@dataclass
class MentionEvent:
	"""One ``mentions`` change of an Instagram webhook delivery: a caption (media only) or a comment."""

	ig_user_id: str
	media_id: str
	comment_id: str = ""


def mention_events(payload: Any) -> list[MentionEvent]:
	"""The @mention changes in a body ``{"object": "instagram", "entry": [{"id", "changes": [...]}]}``."""
	if not isinstance(payload, dict) or payload.get("object") != "instagram":
		return []
	events = []
	for entry in payload.get("entry") or []:
		if not isinstance(entry, dict):
			continue
		for change in entry.get("changes") or []:
			if not isinstance(change, dict) or change.get("field") != "mentions":
				continue
			value = change.get("value") or {}
			if not isinstance(value, dict) or not (value.get("media_id") or value.get("comment_id")):
				continue
			events.append(
				MentionEvent(
					ig_user_id=str(entry.get("id") or ""),
					media_id=str(value.get("media_id") or ""),
					comment_id=str(value.get("comment_id") or ""),
				)
			)
	return events


# --- Lead Ads ------------------------------------------------------------------------------


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
	"""``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>``."""
	if not header or not app_secret or not header.startswith("sha256="):
		return False
	expected = hmac.new(app_secret.encode(), raw_body or b"", hashlib.sha256).hexdigest()
	return hmac.compare_digest(expected, header.split("=", 1)[1].strip().lower())


@dataclass
class LeadEvent:
	"""One ``leadgen`` change of a Page webhook delivery."""

	leadgen_id: str
	page_id: str = ""
	form_id: str = ""
	ad_id: str = ""
	adgroup_id: str = ""
	created_time: int = 0


def lead_events(payload: Any) -> list[LeadEvent]:
	"""The leadgen changes in a webhook body ``{"object": "page", "entry": [{"changes": [...]}]}``."""
	if not isinstance(payload, dict) or payload.get("object") != "page":
		return []
	events = []
	for entry in payload.get("entry") or []:
		for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
			if not isinstance(change, dict) or change.get("field") != "leadgen":
				continue
			value = change.get("value") or {}
			if not isinstance(value, dict) or not value.get("leadgen_id"):
				continue
			events.append(
				LeadEvent(
					leadgen_id=str(value["leadgen_id"]),
					page_id=str(value.get("page_id") or entry.get("id") or ""),
					form_id=str(value.get("form_id") or ""),
					ad_id=str(value.get("ad_id") or ""),
					adgroup_id=str(value.get("adgroup_id") or ""),
					created_time=_int(value.get("created_time")),
				)
			)
	return events


# Lead form question keys (Meta's standard questions) -> our fields.
STANDARD_FIELDS = {
	"email": "email",
	"full_name": "full_name",
	"first_name": "first_name",
	"last_name": "last_name",
	"phone_number": "phone",
	"company_name": "company",
	"job_title": "job_title",
	"city": "city",
	"country": "country",
	"zip_code": "zip_code",
	"street_address": "street_address",
	"work_email": "email",
	"work_phone_number": "phone",
}


@dataclass
class LeadAnswers:
	"""A lead's form answers and where it came from (``GET /{leadgen-id}``)."""

	leadgen_id: str
	created_time: str = ""
	email: str = ""
	phone: str = ""
	first_name: str = ""
	last_name: str = ""
	company: str = ""
	job_title: str = ""
	city: str = ""
	country: str = ""
	form_id: str = ""
	ad_id: str = ""
	ad_name: str = ""
	adset_id: str = ""
	adset_name: str = ""
	campaign_id: str = ""
	campaign_name: str = ""
	platform: str = ""
	is_organic: bool = False
	answers: dict[str, str] = field(default_factory=dict)

	@property
	def name(self) -> str:
		return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email or self.phone


def parse_lead(data: Any) -> LeadAnswers:
	"""Map a lead (``field_data: [{"name", "values": [...]}]``) to LeadAnswers; custom questions stay in ``answers``."""
	if not isinstance(data, dict) or not data.get("id"):
		raise InvalidRecord("lead has no id", "id")
	lead = LeadAnswers(leadgen_id=str(data["id"]), created_time=str(data.get("created_time") or ""))
	full_name = ""
	for entry in data.get("field_data") or []:
		if not isinstance(entry, dict) or not entry.get("name"):
			continue
		values = [str(v).strip() for v in entry.get("values") or [] if str(v).strip()]
		value = ", ".join(values)[:500]
		key = str(entry["name"]).strip().lower()
		target = STANDARD_FIELDS.get(key)
		if target == "full_name":
			full_name = value
		elif target and hasattr(lead, target) and not getattr(lead, target):
			setattr(lead, target, value)
		else:
			lead.answers[key[:140]] = value
	if full_name and not (lead.first_name or lead.last_name):
		first, _, last = full_name.partition(" ")
		lead.first_name, lead.last_name = first, last
	lead.email = lead.email.lower()
	for key in (
		"form_id",
		"ad_id",
		"ad_name",
		"adset_id",
		"adset_name",
		"campaign_id",
		"campaign_name",
		"platform",
	):
		setattr(lead, key, str(data.get(key) or "")[:140])
	lead.is_organic = bool(data.get("is_organic"))
	return lead


class LeadAdsClient:
	"""Reads leads: one by id (after a webhook delivery) and every lead of a Page's forms since a time (backfill)."""

	def __init__(self, graph: GraphClient, page_id: str):
		self.graph = graph
		self.page_id = page_id

	def get_lead(self, leadgen_id: str) -> LeadAnswers:
		return parse_lead(self.graph.get(leadgen_id, {"fields": LEAD_FIELDS}))

	def form_ids(self) -> list[str]:
		forms, after = [], None
		for _ in range(20):
			params = {"fields": "id,name,status", "limit": 100, **({"after": after} if after else {})}
			data = self.graph.get(f"{self.page_id}/leadgen_forms", params)
			forms.extend(str(f["id"]) for f in data.get("data") or [] if isinstance(f, dict) and f.get("id"))
			paging = data.get("paging") or {}
			after = (paging.get("cursors") or {}).get("after")
			if not paging.get("next") or not after:
				break
		return forms

	def leads_since(self, since: int, max_pages: int = 20) -> Iterator[LeadAnswers]:
		"""Leads created after unix time ``since`` on every form of the Page."""
		filtering = json.dumps([{"field": "time_created", "operator": "GREATER_THAN", "value": int(since)}])
		for form_id in self.form_ids():
			after = None
			for _ in range(max_pages):
				params = {"fields": LEAD_FIELDS, "filtering": filtering, "limit": 100}
				if after:
					params["after"] = after
				data = self.graph.get(f"{form_id}/leads", params)
				for item in data.get("data") or []:
					lead = parse_lead(item)
					lead.form_id = lead.form_id or form_id
					yield lead
				paging = data.get("paging") or {}
				after = (paging.get("cursors") or {}).get("after")
				if not paging.get("next") or not after:
					break


def _int(value: Any) -> int:
	try:
		return int(value)
	except (TypeError, ValueError):
		return 0


def _float(value: Any) -> float:
	try:
		return float(value)
	except (TypeError, ValueError):
		return 0.0
