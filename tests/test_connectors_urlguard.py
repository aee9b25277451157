"""The SSRF rule: blocked addresses, schemes, redirects hop by hop, credentials on a host change,
and the connect-time check that defeats DNS rebinding (a real socket on 127.0.0.1)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import responses
from test_connectors_base import load

from social_crm.engine.connectors import HttpClient, SourceConfig, get_connector
from social_crm.engine.connectors.base import BlockedUrl
from social_crm.engine.connectors.urlguard import UnsafeUrl, UrlGuard, blocked_address, next_hop

PUBLIC = "93.184.216.34"


def resolver_for(table: dict[str, list[str]]):
	def resolve(host, port):
		if host not in table:
			raise OSError(f"{host} does not resolve")
		return table[host]

	return resolve


def guarded(table: dict[str, list[str]] | None = None, **kwargs) -> HttpClient:
	guard = UrlGuard(resolver=resolver_for(table or {}), **kwargs)
	return HttpClient(sleep=lambda s: None, max_retries=0, guard=guard)


@pytest.mark.parametrize(
	"address",
	[
		"127.0.0.1",
		"127.8.9.10",
		"0.0.0.0",
		"10.1.2.3",
		"172.16.0.1",
		"172.31.255.255",
		"192.168.1.1",
		"169.254.169.254",
		"100.100.100.200",
		"224.0.0.1",
		"255.255.255.255",
		"::1",
		"::",
		"fd00::1",
		"fd00:ec2::254",
		"fc00::7",
		"fe80::1",
		"fe80::1%eth0",
		"ff02::1",
		"::ffff:127.0.0.1",
		"::ffff:169.254.169.254",
		"::ffff:10.0.0.1",
		"::127.0.0.1",
		"64:ff9b::a9fe:a9fe",
		"2002:7f00:1::",
		"2002:a00:1::1",
		"not-an-address",
	],
)
def test_blocked_addresses(address):
	assert blocked_address(address)


@pytest.mark.parametrize("address", [PUBLIC, "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses_pass(address):
	assert not blocked_address(address)


def test_check_url_schemes_and_switches():
	guard = UrlGuard(resolver=resolver_for({"forum.example.com": [PUBLIC]}))
	guard.check_url("https://forum.example.com/latest.json")
	for url in ("http://forum.example.com/", "ftp://forum.example.com/", "file:///etc/passwd", "gopher://x/"):
		with pytest.raises(UnsafeUrl) as info:
			guard.check_url(url)
		assert info.value.code == "scheme"
	UrlGuard(allow_http=True, resolver=guard.resolver).check_url("http://forum.example.com/")
	with pytest.raises(UnsafeUrl):
		guard.check_url("https:///no-host")


@pytest.mark.parametrize(
	"url",
	[
		"https://127.0.0.1/",
		"https://[::1]/",
		"https://[::ffff:127.0.0.1]:8443/",
		"https://169.254.169.254/latest/meta-data/",
		"https://0.0.0.0:8000/",
		"https://[fd00::1]/",
		"https://intranet.example.com/",  # a name that resolves inside
		"https://mixed.example.com/",  # one public and one private answer
		"https://metadata.google.internal./computeMetadata/v1/",
	],
)
def test_check_url_refuses_internal_targets(url):
	guard = UrlGuard(
		resolver=resolver_for(
			{
				"intranet.example.com": ["10.0.0.5"],
				"mixed.example.com": [PUBLIC, "192.168.0.10"],
				"metadata.google.internal": ["169.254.169.254"],
			}
		)
	)
	with pytest.raises(UnsafeUrl) as info:
		guard.check_url(url)
	assert info.value.code == "private_address"
	# the site switch for on-premise forums and tests lets them through
	UrlGuard(allow_private=True, resolver=guard.resolver).check_url(url)


def test_unresolvable_name_is_left_to_the_connect_time_check():
	guard = UrlGuard(resolver=resolver_for({}))
	guard.check_url("https://nowhere.example.com/")
	with pytest.raises(OSError):
		guard.connect_addresses("nowhere.example.com", 443)


def test_connect_address_checks_every_answer():
	guard = UrlGuard(
		resolver=resolver_for({"a.example.com": [PUBLIC], "b.example.com": [PUBLIC, "127.0.0.1"]})
	)
	assert guard.connect_addresses("a.example.com", 443) == [PUBLIC]
	with pytest.raises(UnsafeUrl):
		guard.connect_addresses("b.example.com", 443)
	assert (
		UrlGuard(allow_private=True, resolver=guard.resolver).connect_addresses("b.example.com", 443)[0]
		== PUBLIC
	)


def test_next_hop_drops_credentials_on_another_host():
	headers = {"Api-Key": "k", "Api-Username": "system", "Authorization": "Bearer t", "Accept": "x/y"}
	same = next_hop("GET", "https://forum.example.com/a", 301, "/b?x=1#frag", headers, False)
	assert same.url == "https://forum.example.com/b?x=1"
	assert same.headers == headers and same.keep_auth
	other = next_hop("GET", "https://forum.example.com/a", 302, "https://cdn.example.net/a", headers, False)
	assert other.headers == {"Accept": "x/y"} and not other.keep_auth
	# https -> http on the same name is another origin too
	downgrade = next_hop(
		"GET", "https://forum.example.com/a", 302, "http://forum.example.com/a", headers, False
	)
	assert downgrade.headers == {"Accept": "x/y"}
	# a 303 (or 301/302 after a POST) turns into a GET without body
	see_other = next_hop("POST", "https://a.example.com/", 303, "https://b.example.com/", {}, True)
	assert (see_other.method, see_other.keep_body) == ("GET", False)
	# a 307/308 would re-send the body (an app password) to the other host: refused
	with pytest.raises(UnsafeUrl) as info:
		next_hop("POST", "https://a.example.com/", 307, "https://b.example.com/", {}, True)
	assert info.value.code == "redirect_body"
	assert next_hop("POST", "https://a.example.com/x", 308, "/y", {}, True).keep_body


@responses.activate
def test_redirect_to_metadata_address_is_refused_before_it_is_requested():
	responses.get(
		"https://forum.example.com/about.json",
		status=302,
		headers={"Location": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
	)
	http = guarded({"forum.example.com": [PUBLIC]}, allow_http=True)
	with pytest.raises(BlockedUrl) as info:
		http.get("https://forum.example.com/about.json")
	assert info.value.code == "private_address"
	assert len(responses.calls) == 1


@responses.activate
def test_redirect_to_a_name_resolving_inside_is_refused():
	responses.get(
		"https://forum.example.com/about.json", status=301, headers={"Location": "https://db.example.com/"}
	)
	http = guarded({"forum.example.com": [PUBLIC], "db.example.com": ["::ffff:10.0.0.7"]})
	with pytest.raises(BlockedUrl):
		http.get("https://forum.example.com/about.json")
	assert len(responses.calls) == 1


@responses.activate
def test_source_url_itself_is_checked():
	http = guarded({"forum.example.com": ["127.0.0.1"]})
	connector = get_connector(SourceConfig(platform="Discourse", base_url="https://forum.example.com"), http)
	with pytest.raises(BlockedUrl):
		connector.test_connection()
	assert len(responses.calls) == 0


@responses.activate
def test_discourse_api_key_is_not_sent_to_the_redirect_target():
	responses.get(
		"https://forum.example.com/about.json",
		status=301,
		headers={"Location": "https://forum.example.com/new/about.json"},
	)
	responses.get(
		"https://forum.example.com/new/about.json",
		status=302,
		headers={"Location": "https://collector.example.net/about.json"},
	)
	responses.get("https://collector.example.net/about.json", json=load("discourse_about.json"))
	http = guarded({"forum.example.com": [PUBLIC], "collector.example.net": ["1.1.1.1"]})
	config = SourceConfig(
		platform="Discourse",
		base_url="https://forum.example.com",
		credentials={"api_key": "discourse-secret", "username": "admin"},
	)
	get_connector(config, http).test_connection()
	sent = [call.request.headers for call in responses.calls]
	assert sent[0]["Api-Key"] == "discourse-secret"
	assert sent[1]["Api-Key"] == "discourse-secret"  # same forum: still signed in
	assert "Api-Key" not in sent[2] and "Api-Username" not in sent[2]


@responses.activate
def test_bluesky_app_password_is_not_re_sent_to_another_host():
	responses.post(
		"https://bsky.social/xrpc/com.atproto.server.createSession",
		status=307,
		headers={"Location": "https://evil.example.net/steal"},
	)
	http = guarded({"bsky.social": [PUBLIC], "evil.example.net": ["1.1.1.1"]})
	config = SourceConfig(
		platform="Bluesky",
		base_url="https://bsky.social",
		credentials={"username": "brand.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"},
	)
	with pytest.raises(BlockedUrl) as info:
		get_connector(config, http).test_connection()
	assert info.value.code == "redirect_body"
	assert len(responses.calls) == 1


@responses.activate
def test_basic_auth_is_dropped_on_another_host():
	responses.post(
		"https://www.reddit.com/api/v1/access_token",
		status=302,
		headers={"Location": "https://elsewhere.example.net/token"},
	)
	responses.get("https://elsewhere.example.net/token", json=load("reddit_token.json"))
	http = guarded({"www.reddit.com": [PUBLIC], "elsewhere.example.net": ["1.1.1.1"]})
	http.post("https://www.reddit.com/api/v1/access_token", data={"grant_type": "x"}, auth=("id", "secret"))
	assert "Authorization" in responses.calls[0].request.headers
	assert "Authorization" not in responses.calls[1].request.headers
	assert responses.calls[1].request.method == "GET" and not responses.calls[1].request.body


@responses.activate
def test_redirect_chains_are_capped():
	for i in range(8):
		responses.get(f"https://a.example.com/{i}", status=302, headers={"Location": f"/{i + 1}"})
	http = guarded({"a.example.com": [PUBLIC]})
	with pytest.raises(BlockedUrl) as info:
		http.get("https://a.example.com/0")
	assert info.value.code == "redirect_loop"
	assert len(responses.calls) == 6


@responses.activate
def test_without_guard_redirects_still_drop_credentials():
	responses.get("https://a.example.com/x", status=302, headers={"Location": "https://b.example.com/x"})
	responses.get("https://b.example.com/x", json={})
	HttpClient(max_retries=0).get("https://a.example.com/x", headers={"Api-Key": "k"})
	assert "Api-Key" not in responses.calls[1].request.headers


class _Server:
	"""A loopback HTTP server counting the requests it answers."""

	def __enter__(self):
		hits = self.hits = []

		class Handler(BaseHTTPRequestHandler):
			def do_GET(self):
				hits.append(self.headers.get("Host"))
				body = b'{"ok": true}'
				self.send_response(200)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(body)))
				self.end_headers()
				self.wfile.write(body)

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.port = self.server.server_address[1]
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		return self

	def __exit__(self, *exc):
		self.server.shutdown()
		self.server.server_close()


def test_dns_rebinding_is_caught_at_connect_time():
	"""The name resolves to a public address when the URL is checked, to 127.0.0.1 when the
	socket opens: the connection is refused, the loopback server sees nothing."""
	answers = iter([[PUBLIC], ["127.0.0.1"]])
	guard = UrlGuard(allow_http=True, resolver=lambda host, port: next(answers))
	with _Server() as server:
		http = HttpClient(sleep=lambda s: None, max_retries=0, guard=guard)
		with pytest.raises(BlockedUrl) as info:
			http.get(f"http://rebind.example.com:{server.port}/")
		assert info.value.code == "private_address"
		assert server.hits == []


def test_socket_connects_to_the_checked_address():
	"""With private hosts allowed, the connection goes to the address the guard resolved (the
	name is unknown to DNS), and the Host header keeps the name."""
	guard = UrlGuard(
		allow_http=True, allow_private=True, resolver=resolver_for({"forum.internal": ["127.0.0.1"]})
	)
	with _Server() as server:
		http = HttpClient(sleep=lambda s: None, max_retries=0, guard=guard)
		assert http.get(f"http://forum.internal:{server.port}/").json() == {"ok": True}
		assert server.hits == [f"forum.internal:{server.port}"]


def test_each_checked_address_is_tried_in_turn():
	"""A host whose first answer does not accept connections (say, IPv6 without a route) is
	reached on its next checked answer, as a plain connection would."""
	guard = UrlGuard(
		allow_http=True,
		allow_private=True,
		resolver=resolver_for({"dual.internal": ["127.0.0.3", "127.0.0.1"]}),  # nothing on .3
	)
	with _Server() as server:
		http = HttpClient(sleep=lambda s: None, max_retries=0, guard=guard)
		assert http.get(f"http://dual.internal:{server.port}/").json() == {"ok": True}
		assert len(server.hits) == 1
