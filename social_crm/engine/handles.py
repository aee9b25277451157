"""Platforms and handle normalization.

A handle is stored normalized so that the same person is found however they were
written: no leading ``@``, lower case, and for federated platforms (Mastodon) the
instance is part of the handle (``user@instance``).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from .text import clean_display

PLATFORMS = (
	"Mastodon",
	"Bluesky",
	"Reddit",
	"Hacker News",
	"Discourse",
	"RSS",
	"YouTube",
	"X",
	"Facebook",
	"Instagram",
	"LinkedIn",
	"XING",
	"Webhook",
	"Other",
)

FEDERATED_PLATFORMS = {"Mastodon"}
# Platforms whose user names are unique per server only: the server's host is part of the
# handle (``anna@chaos.social``; Discourse: ``anna@forum.example``, every forum has its own anna).
HOST_SCOPED_HANDLE_PLATFORMS = FEDERATED_PLATFORMS | {"Discourse"}

_HANDLE_SANE = re.compile(r"^[\w.\-@:+~]+$", re.UNICODE)


def normalize_platform(platform: str | None) -> str | None:
	"""Return the canonical platform name for a case-insensitive input, or None."""
	if not platform:
		return None
	key = str(platform).strip().lower().replace("_", " ")
	for name in PLATFORMS:
		if name.lower() == key:
			return name
	aliases = {
		"hn": "Hacker News",
		"hackernews": "Hacker News",
		"twitter": "X",
		"bsky": "Bluesky",
		"atom": "RSS",
	}
	return aliases.get(key.replace(" ", ""))


def normalize_handle(platform: str | None, handle: str | None, instance: str | None = None) -> str:
	"""Normalize a handle for storage and comparison.

	- strips whitespace and leading ``@``; lower-cases;
	- a profile URL (``https://mastodon.social/@Alice``) is reduced to its handle;
	- Mastodon: ``alice`` seen on instance ``mastodon.social`` becomes
	  ``alice@mastodon.social``; ``@Alice@Mastodon.Social`` becomes the same; Discourse
	  likewise with the forum's host (``anna@forum.example``);
	- Reddit: a leading ``u/`` or ``/u/`` is dropped;
	- bidi controls and zero-width characters are dropped and ``<``/``>`` cannot survive
	  (:func:`text.clean_display`), so ``brand\u200b`` is ``brand`` and no handle is markup.
	"""
	if not handle:
		return ""
	value = clean_display(handle).strip()
	if value.lower().startswith(("http://", "https://")):
		parsed = urlparse(value)
		path = parsed.path.strip("/")
		last = path.split("/")[-1] if path else ""
		if platform in FEDERATED_PLATFORMS and last.startswith("@") and "@" not in last[1:]:
			instance = instance or parsed.hostname
		elif platform in HOST_SCOPED_HANDLE_PLATFORMS and "@" not in last:
			instance = instance or parsed.hostname  # a forum profile URL: https://forum.example/u/anna
		value = last
	value = value.strip().lstrip("@").strip()
	if platform == "Reddit":
		value = re.sub(r"^/?u/", "", value, flags=re.IGNORECASE)
	value = value.lower()
	if platform in HOST_SCOPED_HANDLE_PLATFORMS and value and "@" not in value:
		host = _host(instance)
		if host:
			value = f"{value}@{host}"
	return value


def _host(instance: str | None) -> str:
	if not instance:
		return ""
	instance = str(instance).strip().lower()
	if "://" in instance:
		instance = urlparse(instance).hostname or ""
	return instance.strip("/").split("/")[0]


def is_valid_handle(handle: str) -> bool:
	return bool(handle) and len(handle) <= 140 and bool(_HANDLE_SANE.match(handle))
