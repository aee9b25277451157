"""A loopback HTTP server that answers like a Mastodon instance (tag timelines, instance info).

Statuses are served newest first with ``limit``, ``max_id`` and ``since_id`` and a
``Link: rel="next"`` header, the way Mastodon pages. ``faults`` is a queue of responses
(status, headers, body) served before the real ones, to inject 429s, 5xx and garbage.
Used by the poll tests and the end-to-end check in docs/listening.md; binds 127.0.0.1 only.
"""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DATA = Path(__file__).resolve().parent / "data" / "connectors"


def load_fixture(name: str):
	return json.loads((DATA / name).read_text())


def fixture_statuses(prefix: str) -> list[dict]:
	"""The Mastodon fixtures (tag pages 1, 2 and newer) with ids and uris made unique by ``prefix``."""
	statuses = []
	for name in ("mastodon_tag_newer.json", "mastodon_tag_page1.json", "mastodon_tag_page2.json"):
		for status in load_fixture(name):
			statuses.append(rewrite(status, prefix))
	return statuses


def rewrite(status: dict, prefix: str) -> dict:
	status = copy.deepcopy(status)
	for key in ("uri", "url"):
		if isinstance(status.get(key), str):
			status[key] = status[key].replace("https://", f"https://{prefix}.", 1)
	return status


class FakeMastodon:
	def __init__(self, statuses: list[dict] | None = None, page_size_cap: int = 40, port: int = 0):
		self.statuses = list(statuses or [])
		self.faults: list[tuple[int, dict, bytes]] = []
		self.requests: list[str] = []
		self.page_size_cap = page_size_cap
		self.instance = load_fixture("mastodon_instance.json")
		self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
		self._server.daemon_threads = True
		self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

	@property
	def base_url(self) -> str:
		return f"http://127.0.0.1:{self._server.server_address[1]}"

	def __enter__(self) -> FakeMastodon:
		self._thread.start()
		return self

	def __exit__(self, *exc) -> None:
		self._server.shutdown()
		self._server.server_close()

	def add(self, *statuses: dict) -> None:
		self.statuses.extend(statuses)

	def fail(self, status: int, times: int = 1, retry_after: str | None = "0", body: bytes = b"") -> None:
		headers = {"Retry-After": retry_after} if retry_after is not None else {}
		self.faults.extend([(status, headers, body or b'{"error": "injected"}')] * times)

	def timeline(self, tag: str, params: dict[str, str]) -> tuple[list[dict], str | None]:
		limit = min(int(params.get("limit") or 20), self.page_size_cap)
		items = sorted(self.statuses, key=lambda s: int(s["id"]), reverse=True)
		if params.get("max_id"):
			items = [s for s in items if int(s["id"]) < int(params["max_id"])]
		if params.get("since_id"):
			items = [s for s in items if int(s["id"]) > int(params["since_id"])]
		page = items[:limit]
		more = len(items) > limit
		return page, (str(page[-1]["id"]) if page and more else None)

	def _handler(self):
		fake = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):  # keep test output clean
				pass

			def do_GET(self):
				fake.requests.append(self.path)
				if fake.faults:
					status, headers, body = fake.faults.pop(0)
					return self._send(status, body, headers)
				parts = urlsplit(self.path)
				params = {k: v[0] for k, v in parse_qs(parts.query).items()}
				if parts.path == "/api/v2/instance":
					return self._json(fake.instance)
				if parts.path == "/api/v1/accounts/verify_credentials":
					if not self.headers.get("Authorization", "").startswith("Bearer "):
						return self._send(401, b'{"error": "The access token is invalid"}')
					return self._json({"id": "1", "acct": "listener", "username": "listener"})
				prefix = "/api/v1/timelines/tag/"
				if parts.path.startswith(prefix):
					tag = unquote(parts.path[len(prefix) :])
					page, next_max = fake.timeline(tag, params)
					headers = {}
					if next_max:
						url = f"{fake.base_url}{parts.path}?max_id={next_max}"
						headers["Link"] = f'<{url}>; rel="next"'
					return self._json(page, headers)
				return self._send(404, b'{"error": "Record not found"}')

			def _json(self, data, headers=None):
				return self._send(200, json.dumps(data).encode(), headers or {})

			def _send(self, status, body: bytes, headers=None):
				self.send_response(status)
				self.send_header("Content-Type", "application/json; charset=utf-8")
				self.send_header("Content-Length", str(len(body)))
				for key, value in (headers or {}).items():
					self.send_header(key, value)
				self.end_headers()
				self.wfile.write(body)

		return Handler
