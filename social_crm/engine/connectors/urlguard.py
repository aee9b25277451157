"""Where a connector may connect: the SSRF rule for source URLs, redirects and credentials.

A source URL is typed by a person (a forum, a feed, a Mastodon instance) and every redirect
is chosen by a remote server, so neither may point the server at itself or its network:
loopback, private, link-local, carrier-grade NAT, multicast, reserved and cloud metadata
addresses (``169.254.169.254``, ``fd00:ec2::254``), IPv4 hidden in IPv6 (``::ffff:127.0.0.1``,
NAT64, 6to4, Teredo) included. The check runs on the addresses a host name resolves to, and
:meth:`UrlGuard.connect_addresses` is what the HTTP client's socket connects to, so a name that
resolves to a public address at check time and to ``127.0.0.1`` a moment later (DNS
rebinding) still never reaches a private address.

Redirects are followed by hand (:func:`next_hop`): each hop is checked again, credentials
(``Authorization``, ``Api-Key``, cookies, basic auth, any header not known to be harmless)
are dropped when the host changes, a body is never re-sent to another host, and the number
of hops is capped.

The resolver is injectable, so tests decide what a name resolves to without DNS.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from ..errors import EngineError

MAX_REDIRECTS = 5
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}
# Headers that may follow a redirect to another host; everything else (Authorization,
# Api-Key, Api-Username, Cookie, X-Api-Key, platform tokens...) stays behind.
HARMLESS_HEADERS = frozenset(
	{"user-agent", "accept", "accept-language", "accept-encoding", "if-none-match", "if-modified-since"}
)

_BLOCKED = [
	ipaddress.ip_network(net)
	for net in (
		"0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
		"10.0.0.0/8",
		"100.64.0.0/10",  # carrier-grade NAT (Alibaba's metadata 100.100.100.200)
		"127.0.0.0/8",
		"169.254.0.0/16",  # link-local, cloud metadata 169.254.169.254
		"172.16.0.0/12",
		"192.0.0.0/24",
		"192.0.2.0/24",
		"192.88.99.0/24",
		"192.168.0.0/16",
		"198.18.0.0/15",
		"198.51.100.0/24",
		"203.0.113.0/24",
		"224.0.0.0/4",
		"240.0.0.0/4",  # reserved, 255.255.255.255 included
		"::/128",
		"::1/128",
		"100::/64",
		"2001:db8::/32",
		"2001:10::/28",
		"fc00::/7",  # unique local (fd00::/8, AWS metadata fd00:ec2::254)
		"fe80::/10",
		"fec0::/10",
		"ff00::/8",
	)
]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


class UnsafeUrl(EngineError):
	"""A URL or redirect the guard refuses; ``code`` says why (see :data:`REASONS`)."""

	def __init__(self, message: str, code: str):
		super().__init__(message)
		self.code = code


REASONS = ("scheme", "no_host", "private_address", "redirect_loop", "redirect_body")


def system_resolver(host: str, port: int) -> list[str]:
	"""Addresses ``host`` resolves to (the OS resolver); raises OSError when it does not resolve."""
	return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
	found = []
	if address.sixtofour:
		found.append(address.sixtofour)
	if address.teredo:
		found.extend(address.teredo)
	if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):
		found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
	return found


def blocked_address(address: str) -> bool:
	"""True for an address no source may reach unless private hosts are allowed."""
	try:
		ip = ipaddress.ip_address(str(address).split("%", 1)[0])
	except ValueError:
		return True  # not an address at all: refuse rather than guess
	candidates = [ip]
	if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
		candidates = [ip.ipv4_mapped]  # ::ffff:a.b.c.d is a.b.c.d
	elif isinstance(ip, ipaddress.IPv6Address):
		candidates.extend(_embedded_ipv4(ip))
	for candidate in candidates:
		if any(candidate in net for net in _BLOCKED if net.version == candidate.version):
			return True
		if (
			candidate.is_private
			or candidate.is_loopback
			or candidate.is_link_local
			or candidate.is_multicast
			or candidate.is_reserved
			or candidate.is_unspecified
		):
			return True
	return False


def _literal(host: str) -> str | None:
	try:
		return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
	except ValueError:
		return None


def origin(url: str) -> tuple[str, str, int]:
	"""(scheme, host, port) of a URL, default ports filled in: what "the same host" means."""
	parts = urlsplit(url)
	scheme = (parts.scheme or "").lower()
	try:
		port = parts.port
	except ValueError:
		port = None
	return scheme, (parts.hostname or "").rstrip(".").lower(), port or DEFAULT_PORTS.get(scheme, 0)


@dataclass
class UrlGuard:
	"""The SSRF policy of one site: private hosts and plain http are refused unless allowed."""

	allow_private: bool = False
	allow_http: bool = False
	resolver: Callable[[str, int], list[str]] = field(default=system_resolver)
	max_redirects: int = MAX_REDIRECTS

	def check_url(self, url: str) -> None:
		"""Raise :class:`UnsafeUrl` when ``url`` may not be requested.

		Checks the scheme and, when the host is an address or resolves now, its addresses. A
		name that does not resolve passes here: the connection fails on it anyway, and
		:meth:`connect_addresses` decides at connect time.
		"""
		scheme, host, port = origin(url)
		allowed = ("https", "http") if self.allow_http else ("https",)
		if scheme not in allowed:
			raise UnsafeUrl(
				f"{scheme or 'a URL without scheme'}:// is not allowed for sources (https only)", "scheme"
			)
		if not host:
			raise UnsafeUrl("the URL has no host", "no_host")
		if self.allow_private:
			return
		literal = _literal(host)
		if literal is not None:
			addresses = [literal]
		else:
			try:
				addresses = self.resolver(host, port)
			except (OSError, UnicodeError):
				return
		self._refuse_blocked(host, addresses)

	def connect_addresses(self, host: str, port: int) -> list[str]:
		"""The addresses to open the socket to, in order: resolved once, every answer checked (no rebinding).

		Raises OSError (``socket.gaierror``) when the name does not resolve, :class:`UnsafeUrl`
		when an answer is a blocked address.
		"""
		host = host.strip("[]").rstrip(".")
		literal = _literal(host)
		addresses = [literal] if literal is not None else self.resolver(host, port)
		if not addresses:
			raise socket.gaierror(socket.EAI_NONAME, f"{host} did not resolve")
		if not self.allow_private:
			self._refuse_blocked(host, addresses)
		return list(dict.fromkeys(addresses))

	def _refuse_blocked(self, host: str, addresses: list[str]) -> None:
		# One blocked answer is enough: a name that also points inside is not a public host.
		for address in addresses:
			if blocked_address(address):
				raise UnsafeUrl(
					f"{host} resolves to {address}, a loopback, private, link-local or metadata "
					"address; sources may not reach it (site config social_crm_allow_private_hosts)",
					"private_address",
				)


@dataclass
class Hop:
	"""The next request of a redirect chain."""

	method: str
	url: str
	headers: dict[str, str]
	keep_body: bool
	keep_auth: bool


def next_hop(method: str, url: str, status: int, location: str, headers: dict | None, has_body: bool) -> Hop:
	"""The request that follows a redirect response, with credentials dropped on a host change.

	303 (and 301/302 after a POST) become a GET without body, as browsers do; 307/308 keep
	method and body, which is refused when the host changes (a body can hold an app password).
	"""
	target = urljoin(url, location.strip())
	parts = urlsplit(target)
	target = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
	method = method.upper()
	keep_body = has_body
	if status == 303 or (status in (301, 302) and method == "POST"):
		method = "GET" if method != "HEAD" else method
		keep_body = False
	same_host = origin(target) == origin(url)
	headers = dict(headers or {})
	if not keep_body:
		headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
	if not same_host:
		if keep_body:
			raise UnsafeUrl(
				f"a redirect to another host would re-send the request body ({status})", "redirect_body"
			)
		headers = {k: v for k, v in headers.items() if k.lower() in HARMLESS_HEADERS}
	return Hop(method, target, headers, keep_body, same_host)
