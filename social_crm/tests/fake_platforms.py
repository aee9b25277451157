"""A platform faked on 127.0.0.1: a real HTTP server (``http.server`` in a thread) that answers
requests with the fixtures of ``tests/data/connectors`` in the platform's own shapes.

Routes match the method, the decoded path and a subset of the query; the first match that is
not used up answers (``times`` limits a route, so "one 429, then the page" is two routes).
Header values may be callables (evaluated per request, e.g. a rate-limit reset a second ahead).
Every request is recorded; a request no route matches gets a 404 and is listed in ``unmatched``
so a test can assert the connector asked only what the platform offers.

Used by ``test_networks_loopback``: a Social Source's *Base URL* points at :attr:`FakePlatform.url`,
so the connector, the HTTP client and the whole Frappe layer run unchanged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from requests.structures import CaseInsensitiveDict

DATA = Path(__file__).resolve().parent / "data" / "connectors"
PORTS = range(8170, 8180)  # this helper's loopback ports


def fixture(name: str) -> Any:
	return json.loads((DATA / name).read_text())


@dataclass
class Route:
	method: str
	path: str
	body: Any = None
	status: int = 200
	headers: dict[str, str | Callable[[], str]] = field(default_factory=dict)
	query: dict[str, str] = field(default_factory=dict)
	times: int | None = None
	calls: int = 0

	def matches(self, method: str, path: str, query: dict[str, list[str]]) -> bool:
		if self.method != method or self.path != path:
			return False
		if self.times is not None and self.calls >= self.times:
			return False
		return all(value in query.get(key, []) for key, value in self.query.items())


@dataclass
class Seen:
	method: str
	path: str
	query: dict[str, list[str]]
	headers: CaseInsensitiveDict
	body: bytes


class FakePlatform:
	"""``with FakePlatform("Meta") as meta: meta.add("GET", "/v21.0/123/feed", fixture("fb_feed.json"))``."""

	def __init__(self, name: str):
		self.name = name
		self.routes: list[Route] = []
		self.requests: list[Seen] = []
		self.unmatched: list[Seen] = []
		self._lock = threading.Lock()
		self._server: ThreadingHTTPServer | None = None
		self._thread: threading.Thread | None = None

	def add(self, method: str, path: str, body: Any = None, status: int = 200, **kwargs) -> Route:
		route = Route(method, path, body, status, **kwargs)
		self.routes.append(route)
		return route

	@property
	def url(self) -> str:
		assert self._server, "start the fake platform first"
		return f"http://127.0.0.1:{self._server.server_address[1]}"

	def calls(self, path: str) -> list[Seen]:
		return [r for r in self.requests if r.path == path]

	def start(self) -> FakePlatform:
		handler = _handler(self)
		for port in PORTS:
			try:
				self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
				break
			except OSError:
				continue
		else:
			raise RuntimeError(f"no free loopback port in {PORTS.start}-{PORTS.stop - 1}")
		self._server.daemon_threads = True
		self._thread = threading.Thread(
			target=self._server.serve_forever, name=f"fake-{self.name}", daemon=True
		)
		self._thread.start()
		return self

	def stop(self) -> None:
		if self._server:
			self._server.shutdown()
			self._server.server_close()
			self._server = None

	def __enter__(self) -> FakePlatform:
		return self.start()

	def __exit__(self, *exc) -> None:
		self.stop()

	def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
		with self._lock:
			self.requests.append(seen)
			route = next((r for r in self.routes if r.matches(seen.method, seen.path, seen.query)), None)
			if route is None:
				self.unmatched.append(seen)
				return 404, {"Content-Type": "application/json"}, b'{"error": "no such fake route"}'
			route.calls += 1
		headers = {"Content-Type": "application/json"}
		headers.update({k: (v() if callable(v) else str(v)) for k, v in route.headers.items()})
		body = route.body
		if isinstance(body, bytes):
			content = body
		elif body is None:
			content = b""
		else:
			content = json.dumps(body).encode()
		return route.status, headers, content


def _handler(platform: FakePlatform):
	class Handler(BaseHTTPRequestHandler):
		protocol_version = "HTTP/1.1"

		def _serve(self):
			parts = urlsplit(self.path)
			length = int(self.headers.get("Content-Length") or 0)
			seen = Seen(
				self.command,
				unquote(parts.path),
				parse_qs(parts.query, keep_blank_values=True),
				CaseInsensitiveDict(dict(self.headers.items())),
				self.rfile.read(length) if length else b"",
			)
			status, headers, content = platform.answer(seen)
			self.send_response(status)
			for key, value in headers.items():
				self.send_header(key, value)
			self.send_header("Content-Length", str(len(content)))
			self.end_headers()
			self.wfile.write(content)

		do_GET = _serve
		do_POST = _serve

		def log_message(self, format, *args):  # keep test output clean
			pass

	return Handler
