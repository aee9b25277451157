"""Shared pieces of every connector: configuration, HTTP with retries and rate limits, pages, cursors.

A connector turns one platform's API into pages of normalized :class:`Post` records.
``fetch(cursor)`` is a generator: the caller saves a page's posts, then stores
``page.cursor``. A failure in the middle of a poll therefore never moves the stored
cursor past posts that were not saved.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import parse_header_links
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from ..errors import REJECT_MALFORMED, EngineError, InvalidRecord
from ..records import Post, parse_datetime
from .urlguard import REDIRECT_STATUSES, UnsafeUrl, UrlGuard, next_hop

USER_AGENT = "SocialCRM/1.0 (Frappe app social_crm; social listening connector)"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # one API response; anything larger is refused
MAX_MARK_IDS = 200  # ids kept per cursor boundary, keeps the stored cursor small
# Rate-limit headers as the platforms spell them (X writes x-rate-limit-*).
RESET_HEADERS = ("x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset")
REMAINING_HEADERS = ("x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining")


class ConnectorError(EngineError):
	"""A source could not be read; ``status`` is the HTTP status when there was one."""

	def __init__(self, message: str, status: int | None = None, body: str = ""):
		super().__init__(message)
		self.status = status
		self.body = body


class AuthError(ConnectorError):
	"""Credentials are missing, wrong or not allowed to read (HTTP 401/403)."""


class RateLimited(ConnectorError):
	"""The platform asks us to wait longer than we are willing to block; reschedule after ``retry_after`` s."""

	def __init__(self, message: str, retry_after: float, status: int | None = 429, body: str = ""):
		super().__init__(message, status, body)
		self.retry_after = max(0.0, float(retry_after))


class TransientError(ConnectorError):
	"""Server errors, timeouts or connection failures persisted after all retries."""


class BlockedUrl(ConnectorError):
	"""The guard refused a URL or a redirect hop (SSRF rule); ``code`` as in :class:`UnsafeUrl`."""

	def __init__(self, message: str, code: str):
		super().__init__(message)
		self.code = code


@dataclass
class SourceConfig:
	"""What to read from one source. ``credentials`` keys: username, app_password,
	client_id, client_secret, api_key, token. ``options`` holds platform extras
	(e.g. YouTube ``video_ids`` / ``channel_id``, Reddit ``subreddit``)."""

	platform: str
	base_url: str = ""
	query_terms: list[str] = field(default_factory=list)
	hashtags: list[str] = field(default_factory=list)
	credentials: dict[str, str] = field(default_factory=dict)
	page_size: int = 40
	max_pages: int = 5
	timeout: float = 20.0
	max_wait: float = 30.0
	name: str = ""
	options: dict[str, Any] = field(default_factory=dict)
	# Where the source may connect (SSRF rule); the Frappe layer always sets it.
	guard: UrlGuard | None = None

	def credential(self, key: str) -> str:
		return str(self.credentials.get(key) or "").strip()


@dataclass
class RejectedItem:
	"""A platform item that could not be turned into a Post, with the reason."""

	item: Any
	reason: str
	field: str | None = None


@dataclass
class Page:
	"""One batch of posts. Store ``cursor`` only after ``posts`` were saved."""

	posts: list[Post] = field(default_factory=list)
	rejected: list[RejectedItem] = field(default_factory=list)
	cursor: str | None = None


@dataclass
class HttpResponse:
	"""A fully read, size-limited HTTP response."""

	status_code: int
	headers: requests.structures.CaseInsensitiveDict
	content: bytes
	url: str

	@property
	def text(self) -> str:
		return self.content.decode("utf-8", errors="replace")

	def json(self) -> Any:
		try:
			return json.loads(self.content)
		except (ValueError, RecursionError):  # RecursionError: JSON nested ~1000 levels deep
			raise ConnectorError(
				f"{safe_url(self.url)} did not return JSON", self.status_code, self.text[:300]
			)

	@property
	def links(self) -> dict[str, str]:
		"""Link header (RFC 8288) as {rel: url}."""
		value = self.headers.get("Link")
		if not value:
			return {}
		return {link["rel"]: link["url"] for link in parse_header_links(value) if link.get("rel")}


def safe_url(url: str) -> str:
	"""URL without query string: query strings may carry API keys and must not reach logs."""
	parts = urlsplit(url)
	return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


RETRIED_STATUSES = (429, 408)  # and every 5xx


def _checked(where: str, response: HttpResponse) -> HttpResponse:
	"""The response when its status is below 400 (304 included); else the error it stands for."""
	status = response.status_code
	if status in (401, 403):
		raise AuthError(
			f"{where} was refused (HTTP {status}): check the credentials", status, response.text[:500]
		)
	if status >= 400:
		raise ConnectorError(f"{where} returned HTTP {status}", status, response.text[:500])
	return response


class HttpClient:
	"""A ``requests.Session`` with timeouts, bounded retries and rate-limit handling.

	- 5xx, timeouts and connection errors: retried ``max_retries`` times with exponential
	  backoff, then :class:`TransientError`.
	- 429: waits ``Retry-After`` (seconds or HTTP date) or the platform's rate reset header;
	  a wait longer than ``max_wait`` raises :class:`RateLimited` instead of blocking a worker.
	- ``x-ratelimit-remaining`` / ``ratelimit-remaining`` of 0: waits for the reset before the
	  next request (same ``max_wait`` rule).
	- 401/403: :class:`AuthError`; other 4xx: :class:`ConnectorError`.

	- Redirects are followed by hand, at most ``guard.max_redirects`` (else 5) hops: headers
	  with credentials and basic auth are dropped when the host changes, a body is never
	  re-sent to another host (:func:`urlguard.next_hop`).
	- With a ``guard`` (:class:`urlguard.UrlGuard`) every URL and redirect hop is checked
	  before it is requested, and the socket connects only to an address the guard checked
	  at connect time (:class:`BlockedUrl` otherwise, never retried).

	``sleep`` and ``clock`` are injectable so tests never really sleep.
	"""

	def __init__(
		self,
		timeout: float = 20.0,
		max_retries: int = 3,
		backoff: float = 1.0,
		max_backoff: float = 30.0,
		max_wait: float = 30.0,
		max_bytes: int = DEFAULT_MAX_BYTES,
		sleep: Callable[[float], None] = time.sleep,
		clock: Callable[[], float] = time.time,
		session: requests.Session | None = None,
		user_agent: str = USER_AGENT,
		guard: UrlGuard | None = None,
	):
		self.timeout = timeout
		self.max_retries = max_retries
		self.backoff = backoff
		self.max_backoff = max_backoff
		self.max_wait = max_wait
		self.max_bytes = max_bytes
		self.sleep = sleep
		self.clock = clock
		self.session = session or requests.Session()
		self.session.headers["User-Agent"] = user_agent
		self.guard = guard
		if guard is not None:
			adapter = GuardedAdapter(guard)
			self.session.mount("https://", adapter)
			self.session.mount("http://", adapter)
		self._blocked_until = 0.0

	def get(self, url: str, **kwargs) -> HttpResponse:
		return self.request("GET", url, **kwargs)

	def post(self, url: str, **kwargs) -> HttpResponse:
		return self.request("POST", url, **kwargs)

	def request(
		self,
		method: str,
		url: str,
		*,
		params: dict | None = None,
		headers: dict | None = None,
		json: Any = None,
		data: Any = None,
		auth: Any = None,
	) -> HttpResponse:
		"""Send a request; return the response for status < 400 (304 included) or raise."""
		attempt = 0
		where = f"{method} {safe_url(url)}"
		while True:
			self._wait_for_rate_window(where)
			try:
				response = self._send_following_redirects(
					method, url, params=params, headers=headers, json=json, data=data, auth=auth
				)
			except UnsafeUrl as exc:
				raise BlockedUrl(f"{where} refused: {exc}", exc.code)
			except (
				requests.Timeout,
				requests.ConnectionError,
				requests.exceptions.ChunkedEncodingError,
			) as exc:
				attempt += 1
				if attempt > self.max_retries:
					raise TransientError(f"{where} failed after {attempt} attempts: {type(exc).__name__}")
				self.sleep(self._backoff_delay(attempt))
				continue
			except requests.RequestException as exc:
				# Bad URL, too many redirects, invalid headers: retrying will not help.
				raise ConnectorError(f"{where} could not be sent: {type(exc).__name__}")

			self._note_rate_headers(response)
			if response.status_code in RETRIED_STATUSES or response.status_code >= 500:
				attempt += 1
				self.sleep(self._retry_wait(where, response, attempt))
				continue
			return _checked(where, response)

	def _retry_wait(self, where: str, response: HttpResponse, attempt: int) -> float:
		"""Seconds to wait before retrying a 429, 408 or 5xx answer; raises when the retries
		are used up (or, for 429, when the platform asks for longer than ``max_wait``)."""
		status = response.status_code
		if status == 429:
			wait = self._retry_after(response)
			if wait is None:
				wait = self._backoff_delay(attempt)
			if wait > self.max_wait or attempt > self.max_retries:
				raise RateLimited(
					f"{where} is rate limited; retry in {wait:.0f} s",
					retry_after=wait,
					body=response.text[:500],
				)
			return wait
		if attempt > self.max_retries:
			raise TransientError(
				f"{where} returned HTTP {status} after {attempt} attempts",
				status,
				response.text[:300],
			)
		wait = self._retry_after(response)
		if wait is None or wait > self.max_wait:
			wait = self._backoff_delay(attempt)
		return wait

	def _send_following_redirects(self, method, url, *, params, headers, json, data, auth) -> HttpResponse:
		max_hops = self.guard.max_redirects if self.guard is not None else 5
		headers = dict(headers or {})
		has_body = json is not None or data is not None
		for _hop in range(max_hops + 1):
			if self.guard is not None:
				self.guard.check_url(url)
			response = self._send(
				method, url, params=params, headers=headers, json=json, data=data, auth=auth
			)
			location = response.headers.get("Location")
			if response.status_code not in REDIRECT_STATUSES or not location:
				return response
			hop = next_hop(method, response.url or url, response.status_code, location, headers, has_body)
			method, url, headers, params = hop.method, hop.url, hop.headers, None
			if not hop.keep_body:
				json = data = None
				has_body = False
			if not hop.keep_auth:
				auth = None
		raise UnsafeUrl(f"more than {max_hops} redirects", "redirect_loop")

	def _send(self, method, url, **kwargs) -> HttpResponse:
		# stream=True so an oversized (hostile or broken) response is cut off while reading;
		# redirects are followed by _send_following_redirects, hop by hop.
		with self.session.request(
			method, url, timeout=self.timeout, stream=True, allow_redirects=False, **kwargs
		) as raw:
			declared = raw.headers.get("Content-Length")
			if declared and declared.isdigit() and int(declared) > self.max_bytes:
				raise ConnectorError(f"{safe_url(url)} response is larger than {self.max_bytes} bytes")
			chunks, size = [], 0
			for chunk in raw.iter_content(64 * 1024):
				size += len(chunk)
				if size > self.max_bytes:
					raise ConnectorError(f"{safe_url(url)} response is larger than {self.max_bytes} bytes")
				chunks.append(chunk)
			return HttpResponse(raw.status_code, raw.headers, b"".join(chunks), raw.url or url)

	def _backoff_delay(self, attempt: int) -> float:
		return min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))

	def _retry_after(self, response: HttpResponse) -> float | None:
		value = response.headers.get("Retry-After")
		if value:
			seconds = parse_wait(value, self.clock())
			if seconds is not None:
				return seconds
		return self._reset_seconds(response)

	def _reset_seconds(self, response: HttpResponse) -> float | None:
		for name in RESET_HEADERS:
			value = response.headers.get(name)
			if value:
				return parse_wait(value, self.clock())
		return None

	def _note_rate_headers(self, response: HttpResponse) -> None:
		remaining = next(
			(response.headers[name] for name in REMAINING_HEADERS if response.headers.get(name) is not None),
			None,
		)
		if remaining is None:
			return
		try:
			exhausted = float(remaining) < 1
		except ValueError:
			return
		if exhausted and response.status_code != 429:
			wait = self._reset_seconds(response)
			if wait:
				self._blocked_until = self.clock() + wait

	def _wait_for_rate_window(self, where: str) -> None:
		wait = self._blocked_until - self.clock()
		if wait <= 0:
			return
		if wait > self.max_wait:
			raise RateLimited(f"{where}: request budget used up; retry in {wait:.0f} s", retry_after=wait)
		self.sleep(wait)
		self._blocked_until = 0.0


class GuardedAdapter(HTTPAdapter):
	"""A requests adapter whose sockets connect only to addresses the guard checked.

	The host name is resolved once at connect time, every answer is checked, and the socket
	opens to that very address (TLS still verifies the certificate for the host name), so a
	DNS answer that changes between the URL check and the connection (rebinding) cannot
	lead to a private address.
	"""

	def __init__(self, guard: UrlGuard, **kwargs):
		self.guard = guard
		super().__init__(**kwargs)

	def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
		super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
		http_pool, https_pool = _guarded_pools(self.guard)
		self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}


def _guarded_pools(guard: UrlGuard):
	def new_conn(conn) -> socket.socket:
		try:
			addresses = guard.connect_addresses(conn._dns_host, conn.port)
			# like create_connection for a name: each checked address in turn (IPv6 then IPv4...)
			for i, address in enumerate(addresses):
				try:
					return urllib3_connection.create_connection(
						(address, conn.port),
						conn.timeout,
						source_address=conn.source_address,
						socket_options=conn.socket_options,
					)
				except OSError:
					if i == len(addresses) - 1:
						raise
			raise OSError(f"no address to connect to for {conn.host}")
		except socket.gaierror as exc:
			raise NameResolutionError(conn.host, conn, exc) from exc
		except TimeoutError as exc:
			raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out") from exc
		except OSError as exc:
			raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc

	class GuardedHTTPConnection(HTTPConnection):
		_new_conn = new_conn

	class GuardedHTTPSConnection(HTTPSConnection):
		_new_conn = new_conn

	class GuardedHTTPPool(HTTPConnectionPool):
		ConnectionCls = GuardedHTTPConnection

	class GuardedHTTPSPool(HTTPSConnectionPool):
		ConnectionCls = GuardedHTTPSConnection

	return GuardedHTTPPool, GuardedHTTPSPool


def parse_wait(value: str, now: float) -> float | None:
	"""Seconds to wait from a Retry-After / rate reset value.

	Accepts delta seconds, a unix timestamp, an HTTP date or an ISO 8601 time.
	"""
	value = str(value).strip()
	try:
		number = float(value)
	except ValueError:
		try:
			moment = parse_datetime(value, "reset").timestamp()
		except InvalidRecord:
			return None
		return max(0.0, moment - now)
	if number > 1_000_000_000:  # an absolute unix time, not a delta
		return max(0.0, number - now)
	return max(0.0, number)


# --- connectors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyTarget:
	"""The post to answer: its stored id, and what the platform payload told us about it."""

	external_id: str
	author_handle: str = ""
	raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SentReply:
	"""A reply the platform accepted: the new post's id and URL ("" when the API gives none)."""

	external_id: str
	url: str
	raw: dict[str, Any] = field(default_factory=dict)


class Connector:
	"""Base class: one platform, one :class:`SourceConfig`.

	Replies from the CRM: a connector whose platform takes them sets ``max_reply_chars``
	and implements ``reply``; for the others ``reply`` raises ConnectorError.
	"""

	platform: str = ""
	max_reply_chars: int = 0  # longest reply the platform accepts; 0: no replies from the CRM

	def __init__(self, config: SourceConfig, http: HttpClient | None = None):
		self.config = config
		self.http = http or HttpClient(timeout=config.timeout, max_wait=config.max_wait, guard=config.guard)

	def test_connection(self) -> str:
		"""Check endpoint and credentials; return a short human message or raise ConnectorError."""
		raise NotImplementedError

	def health_note(self) -> str:
		"""What the platform said about the budget left (rate limit, monthly cap, token expiry), or ""."""
		return ""

	def fetch(self, cursor: str | None = None) -> Iterator[Page]:
		"""Yield pages of posts newer than ``cursor``; store each page's cursor after saving it."""
		raise NotImplementedError

	def to_post(self, item: Any) -> Post:
		"""Turn one platform item into a Post; raise InvalidRecord when it is malformed."""
		raise NotImplementedError

	def normalize(self, item: Any) -> Post:
		"""``to_post`` whose only failure is :class:`InvalidRecord` (with a code), whatever the item.

		Untrusted payloads break connectors in unforeseen ways (wrong types, missing keys,
		nesting that exhausts the stack); those become ``REJECT_MALFORMED`` rejections.
		"""
		try:
			return self.to_post(item)
		except InvalidRecord:
			raise
		except (
			KeyError,
			IndexError,
			TypeError,
			AttributeError,
			ValueError,
			OverflowError,
			RecursionError,
		) as exc:
			raise InvalidRecord(
				f"malformed {self.platform} item: {type(exc).__name__}: {exc}"[:300], code=REJECT_MALFORMED
			)

	def convert(self, items: list[Any]) -> tuple[list[Post], list[RejectedItem]]:
		"""Map items to posts; a malformed item is rejected with its reason, never aborts the page."""
		posts: list[Post] = []
		rejected: list[RejectedItem] = []
		for item in items:
			try:
				posts.append(self.normalize(item))
			except InvalidRecord as exc:
				rejected.append(RejectedItem(item, str(exc), exc.field))
			except Exception as exc:
				# anything normalize did not expect: still only this item is lost
				rejected.append(RejectedItem(item, f"{type(exc).__name__}: {exc}"[:300]))
		return posts, rejected

	def build_post(self, item: Any, **data: Any) -> Post:
		"""Validate mapped fields through ``Post.from_dict`` (limits, URLs, dates, HTML to text)."""
		data.setdefault("platform", self.platform)
		data.setdefault("source", self.config.name)
		data["raw"] = item if isinstance(item, dict) else None
		return Post.from_dict(data)

	@classmethod
	def reply_text(cls, text: str) -> str:
		"""``text`` stripped; InvalidRecord when empty, too long, or the platform takes no replies."""
		text = (text or "").strip()
		if not cls.max_reply_chars:
			raise InvalidRecord(
				f"{cls.platform} does not support replies from the CRM",
				"platform",
				code="reply.unsupported",
				platform=cls.platform,
			)
		if not text:
			raise InvalidRecord("reply text is empty", "text", code="reply.empty")
		if len(text) > cls.max_reply_chars:
			raise InvalidRecord(
				f"a {cls.platform} reply can have at most {cls.max_reply_chars} characters",
				"text",
				code="reply.too_long",
				platform=cls.platform,
				limit=cls.max_reply_chars,
			)
		return text

	def reply(self, target: ReplyTarget, text: str) -> SentReply:
		"""Publish ``text`` as a reply to ``target`` with the source's credentials.

		Not retried on server errors: a retried POST could publish twice."""
		raise ConnectorError(f"{self.platform} does not support replies from the CRM")

	def require(self, *keys: str) -> None:
		missing = [key for key in keys if not self.config.credential(key)]
		if missing:
			raise AuthError(f"{self.platform} needs these credentials: {', '.join(missing)}")

	@property
	def base_url(self) -> str:
		return (self.config.base_url or "").rstrip("/")


@dataclass
class Mark:
	"""A position in a newest-first listing: a sort key and the ids already saved at that key.

	Keeping the ids makes inclusive server bounds safe when several items share one key
	(e.g. the same second).
	"""

	key: Any
	ids: list[str] = field(default_factory=list)
	last: str = ""  # id of the item reached last (for APIs that page "after <id>")

	def to_json(self) -> dict:
		return {"k": self.key, "ids": self.ids[-MAX_MARK_IDS:], "last": self.last}

	@classmethod
	def load(cls, data: Any) -> Mark | None:
		if not isinstance(data, dict) or "k" not in data:
			return None
		ids = [str(i) for i in data.get("ids") or [] if isinstance(i, str | int)]
		return cls(data["k"], ids, str(data.get("last") or ""))


@dataclass
class ListResult:
	"""One request's items, newest first, and the token for the next request (None = end)."""

	items: list[Any]
	next_token: str | None


class StreamConnector(Connector):
	"""A connector whose sources are newest-first listings ("streams"), walked down to the cursor.

	The cursor (JSON) holds per stream ``since`` (everything at or below it was saved) and,
	while a walk is unfinished, a ``gap``: items in ``[gap.below, gap.top]`` were saved, items
	between ``since`` and ``gap.below`` are still to fetch. A later poll first closes the gap,
	then walks down from the newest item again. So pages are yielded newest first, each
	page's cursor is safe to store, and nothing between two polls is skipped.

	Subclasses implement :meth:`streams`, :meth:`list_items`, :meth:`item_key`, :meth:`item_id`.
	"""

	def streams(self) -> list[str]:
		"""Names of the listings this source reads (e.g. one per query term / hashtag)."""
		raise NotImplementedError

	def list_items(
		self, stream: str, upper: Mark | None, lower: Mark | None, token: str | None
	) -> ListResult:
		"""Request one page of ``stream``, newest first.

		``upper``: only items at or below it are wanted (the walk already has the rest);
		``lower``: only items at or above it are wanted; ``token``: continuation from the
		previous call of this walk, or a stored one when a walk resumes.
		"""
		raise NotImplementedError

	def item_key(self, item: Any) -> Any:
		"""Sort key of an item (int or fixed-format string), increasing with recency."""
		raise NotImplementedError

	def item_id(self, item: Any) -> str:
		"""Stable id of an item within the stream."""
		raise NotImplementedError

	def fetch(self, cursor: str | None = None) -> Iterator[Page]:
		state = load_cursor(cursor)
		names = self.streams()
		if not names:
			raise ConnectorError(
				f"{self.platform} source has nothing to listen for (no query terms or targets)"
			)
		streams = {name: state["streams"][name] for name in names if name in state["streams"]}
		seen: set[str] = set()
		for name in names:
			for posts, rejected, stream_state in self._walk(name, streams.get(name) or {}):
				streams[name] = stream_state
				# One post can match several streams (two hashtags); yield it once per poll.
				fresh = [p for p in posts if p.external_id not in seen]
				seen.update(p.external_id for p in fresh)
				yield Page(fresh, rejected, dump_cursor({"v": 1, "streams": streams}))

	def _walk(self, stream: str, state: dict) -> Iterator[tuple[list[Post], list[RejectedItem], dict]]:
		since = Mark.load(state.get("since"))
		gap = state.get("gap") if isinstance(state.get("gap"), dict) else None
		budget = max(1, int(self.config.max_pages))
		while budget > 0:
			resuming = gap is not None
			if gap is not None:
				top, below = Mark.load(gap.get("top")), Mark.load(gap.get("below"))
				token = gap.get("token") if isinstance(gap.get("token"), str) else None
				initial_pages = int(gap.get("pages") or 0)
			else:
				top = below = None
				token, initial_pages = None, 0
			while budget > 0:
				result = self.list_items(stream, below, since, token)
				budget -= 1
				initial_pages += 1
				fresh, rejected, reached_bottom = [], [], False
				for item in result.items:
					try:
						key, iid = self.item_key(item), self.item_id(item)
					except Exception as exc:
						rejected.append(
							RejectedItem(item, f"no usable id or date: {type(exc).__name__}: {exc}"[:300])
						)
						continue
					if since is not None and (key < since.key or (key == since.key and iid in since.ids)):
						reached_bottom = reached_bottom or key < since.key
						continue
					if below is not None and (key > below.key or (key == below.key and iid in below.ids)):
						continue  # saved earlier in this walk
					fresh.append(item)
					top = _raise_mark(top, key, iid)
					below = _lower_mark(below, key, iid)
				posts, bad = self.convert(fresh)
				rejected.extend(bad)
				token = result.next_token
				done = reached_bottom or token is None
				if since is None and initial_pages >= self.config.max_pages:
					done = True  # first poll: only the newest max_pages pages
				if done:
					since = top if top is not None else since
					gap = None
					yield posts, rejected, {"since": since.to_json() if since else None, "gap": None}
					break
				gap = {
					"top": top.to_json() if top else None,
					"below": below.to_json() if below else None,
					"token": token,
					"pages": initial_pages if since is None else 0,
				}
				yield posts, rejected, {"since": since.to_json() if since else None, "gap": gap}
			else:
				return  # budget used up with the gap still open; the next poll resumes it
			if not resuming:
				return  # a walk from the newest item reached the cursor: up to date


def _raise_mark(mark: Mark | None, key: Any, iid: str) -> Mark:
	if mark is None or key > mark.key:
		return Mark(key, [iid], iid)
	if key == mark.key and iid not in mark.ids:
		mark.ids.append(iid)
	return mark


def _lower_mark(mark: Mark | None, key: Any, iid: str) -> Mark:
	if mark is None or key < mark.key:
		return Mark(key, [iid], iid)
	if key == mark.key and iid not in mark.ids:
		mark.ids.append(iid)
		mark.last = iid
	return mark


def load_cursor(cursor: str | None) -> dict:
	"""Parse a stored cursor; an empty or unreadable one starts afresh (first poll)."""
	if not cursor:
		return {"v": 1, "streams": {}}
	try:
		data = json.loads(cursor)
	except (TypeError, ValueError):
		return {"v": 1, "streams": {}}
	if not isinstance(data, dict) or not isinstance(data.get("streams"), dict):
		return {"v": 1, "streams": {}}
	return data


def dump_cursor(data: dict) -> str:
	return json.dumps(data, separators=(",", ":"), sort_keys=True)
