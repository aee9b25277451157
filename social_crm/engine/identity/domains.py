"""Domains: reduce hosts to the registrable domain and recognise free-mail and platform domains.

A domain says "this person belongs to that organization" only when the organization
owns it. Free-mail providers (gmail.com), social platforms (x.com, linktr.ee) and big
Mastodon instances (mastodon.social) are shared by millions of unrelated people, so
they never count as evidence and never become lookup keys.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlparse

# Two-level public suffixes seen in our markets. Not the full Public Suffix List on purpose:
# a short list needs no download, and a miss only makes a domain one label too short
# (``acme.co.xx`` -> ``co.xx``), which the generic check below then drops.
TWO_LEVEL_SUFFIXES = frozenset(
	{
		"co.uk",
		"org.uk",
		"ac.uk",
		"gov.uk",
		"ltd.uk",
		"plc.uk",
		"me.uk",
		"com.au",
		"net.au",
		"org.au",
		"edu.au",
		"co.nz",
		"org.nz",
		"co.jp",
		"ne.jp",
		"or.jp",
		"co.kr",
		"co.in",
		"net.in",
		"org.in",
		"co.za",
		"org.za",
		"co.il",
		"com.br",
		"com.mx",
		"com.ar",
		"com.tr",
		"com.cn",
		"com.hk",
		"com.sg",
		"com.tw",
		"com.my",
		"com.pl",
		"co.at",
		"or.at",
		"gv.at",
		"com.es",
		"com.pt",
		"co.id",
		"co.th",
		"com.ua",
	}
)

# Hosting platforms where each customer gets a subdomain: ``acme.github.io`` is Acme's own
# site, ``github.io`` alone means nothing. Treated like public suffixes.
HOSTED_SUFFIXES = frozenset(
	{
		"github.io",
		"gitlab.io",
		"netlify.app",
		"vercel.app",
		"pages.dev",
		"herokuapp.com",
		"blogspot.com",
		"wordpress.com",
		"substack.com",
		"tumblr.com",
		"wixsite.com",
		"carrd.co",
		"notion.site",
		"medium.com",
		"ghost.io",
		"webflow.io",
		"squarespace.com",
	}
)

FREE_MAIL_DOMAINS = frozenset(
	{
		"gmail.com",
		"googlemail.com",
		"outlook.com",
		"live.com",
		"live.de",
		"live.co.uk",
		"live.fr",
		"live.nl",
		"msn.com",
		"icloud.com",
		"me.com",
		"mac.com",
		"gmx.de",
		"gmx.net",
		"gmx.at",
		"gmx.ch",
		"web.de",
		"t-online.de",
		"freenet.de",
		"posteo.de",
		"mailbox.org",
		"arcor.de",
		"proton.me",
		"protonmail.com",
		"pm.me",
		"tutanota.com",
		"tuta.io",
		"aol.com",
		"mail.ru",
		"inbox.ru",
		"bk.ru",
		"list.ru",
		"zoho.com",
		"fastmail.com",
		"hey.com",
		"qq.com",
		"163.com",
		"126.com",
		"naver.com",
		"orange.fr",
		"free.fr",
		"laposte.net",
		"libero.it",
		"bluewin.ch",
		"seznam.cz",
		"wp.pl",
		"o2.pl",
		"onet.pl",
		"rediffmail.com",
		"mail.com",
		"email.com",
		"example.com",
		"example.org",
		"example.net",
	}
)

# Providers that register their brand under many TLDs (hotmail.de, yahoo.co.uk, yandex.ru):
# matched on the first label of the registrable domain.
FREE_MAIL_BRANDS = frozenset({"hotmail", "yahoo", "ymail", "yandex", "outlook", "gmx", "aol"})

PLATFORM_DOMAINS = frozenset(
	{
		# social platforms and link hubs
		"twitter.com",
		"x.com",
		"t.co",
		"facebook.com",
		"fb.com",
		"fb.me",
		"instagram.com",
		"threads.net",
		"linkedin.com",
		"lnkd.in",
		"reddit.com",
		"redd.it",
		"youtube.com",
		"youtu.be",
		"tiktok.com",
		"github.com",
		"gitlab.com",
		"bitbucket.org",
		"medium.com",
		"substack.com",
		"linktr.ee",
		"bio.link",
		"beacons.ai",
		"about.me",
		"bsky.app",
		"bsky.social",
		"ycombinator.com",
		"discord.gg",
		"discord.com",
		"t.me",
		"telegram.me",
		"whatsapp.com",
		"wa.me",
		"patreon.com",
		"ko-fi.com",
		"buymeacoffee.com",
		"twitch.tv",
		"pinterest.com",
		"flickr.com",
		"vimeo.com",
		"soundcloud.com",
		"spotify.com",
		"keybase.io",
		"gravatar.com",
		"google.com",
		"goo.gl",
		"bit.ly",
		"tinyurl.com",
		"ow.ly",
		"buff.ly",
		"wordpress.com",
		"blogspot.com",
		"tumblr.com",
		"github.io",
		"gitlab.io",
		"netlify.app",
		"vercel.app",
		"pages.dev",
		"herokuapp.com",
		"wixsite.com",
		"carrd.co",
		"notion.site",
		"stackoverflow.com",
		"xing.com",
		"mastodon.social",
		# big general Mastodon instances (their users share nothing but the server)
		"mastodon.online",
		"mastodon.world",
		"mastodon.cloud",
		"mastodon.art",
		"mastodon.de",
		"mastodon.uno",
		"mstdn.social",
		"mstdn.jp",
		"mas.to",
		"masto.ai",
		"fosstodon.org",
		"hachyderm.io",
		"infosec.exchange",
		"techhub.social",
		"universeodon.com",
		"chaos.social",
		"troet.cafe",
		"det.social",
		"norden.social",
		"sueden.social",
		"ruhr.social",
		"muenchen.social",
		"berlin.social",
		"social.tchncs.de",
		"tchncs.de",
		"mastodon.green",
		"pawoo.net",
		"mastodonapp.uk",
		"toot.community",
		"mindly.social",
		"newsie.social",
		"journa.host",
		"sfba.social",
		"aus.social",
		"mastodon.nz",
		"kolektiva.social",
		"climatejustice.social",
		"piaille.fr",
		"mamot.fr",
		"framapiaf.org",
		"todon.eu",
		"social.vivaldi.net",
		"vivaldi.net",
		"mastodon.scot",
		"mastodon.ie",
		"floss.social",
		"tech.lgbt",
		"hci.social",
		"sigmoid.social",
		"scholar.social",
		"ioc.exchange",
	}
)

_HOST_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def host_of(value: str | None) -> str:
	"""Host name of a URL, an email address or a bare host; lower case, no port, no ``www.``."""
	if not value:
		return ""
	value = str(value).strip().lower()
	if "@" in value and "://" not in value:
		value = value.rsplit("@", 1)[1]
	if "://" not in value:
		value = "http://" + value
	try:
		host = urlparse(value).hostname or ""
	except ValueError:
		return ""
	host = host.strip(".")
	try:
		host = host.encode("idna").decode("ascii")
	except UnicodeError:
		return ""
	if not _HOST_RE.match(host) or host.rsplit(".", 1)[1].isdigit():
		return ""  # not a name (an IP address, a bare word)
	return host


@lru_cache(maxsize=65_536)
def registrable_domain(value: str | None) -> str:
	"""The domain an organization registers, for a URL, email or host.

	``https://www.shop.acme.co.uk/x`` -> ``acme.co.uk``; ``anna@mail.acme.de`` -> ``acme.de``;
	``acme.github.io`` stays ``acme.github.io``. Returns "" for what is not a host name.
	"""
	host = host_of(value)
	if not host:
		return ""
	labels = host.split(".")
	if len(labels) <= 2:
		return host
	last_two = ".".join(labels[-2:])
	if last_two in TWO_LEVEL_SUFFIXES or last_two in HOSTED_SUFFIXES:
		return ".".join(labels[-3:])
	return last_two


def is_generic_domain(domain: str | None) -> bool:
	"""True for free-mail, platform and big Mastodon domains, which never identify anybody."""
	if not domain:
		return True
	domain = domain.lower().strip(".")
	if domain in FREE_MAIL_DOMAINS or domain in PLATFORM_DOMAINS or domain in HOSTED_SUFFIXES:
		return True
	registrable = registrable_domain(domain)
	if registrable in FREE_MAIL_DOMAINS or registrable in PLATFORM_DOMAINS:
		return True
	return registrable.split(".")[0] in FREE_MAIL_BRANDS


def organization_domain(value: str | None) -> str:
	"""Registrable domain of a URL/email/host, or "" when it is free-mail, a platform or invalid."""
	domain = registrable_domain(value)
	if not domain or is_generic_domain(domain):
		return ""
	return domain
