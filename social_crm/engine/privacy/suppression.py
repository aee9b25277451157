"""Suppression keys: remember erased people without keeping who they were.

After an erasure the app keeps only keyed hashes of the person's profile id, handle and
post ids. Ingest computes the same keys for each incoming post and drops it when one
is suppressed, so a later poll of old posts never re-creates or re-links the person.

A key is ``HMAC-SHA256(secret, kind | platform | id)`` as hex. Platform and handle are
normalized first, so "mastodon"/"Mastodon" and "@Alice"/"alice" give the same key;
external ids are only stripped (some platforms' ids are case-sensitive). Pass a
site-specific secret (generated once and kept in a Password field): platform ids are
guessable, and without a secret anyone could confirm a guess by hashing it. Changing
the secret makes all stored keys useless, so it must never be rotated casually.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection

from ..errors import InvalidRecord
from ..handles import normalize_handle, normalize_platform
from ..records import Post
from .retention import ANONYMIZED_ID_PREFIX

PROFILE = "profile"
POST = "post"
HANDLE = "handle"
KINDS = (PROFILE, POST, HANDLE)


def suppression_key(platform: str, external_id: str | int, secret: str = "", kind: str = PROFILE) -> str:
	"""HMAC-SHA256 hex key of the normalized platform and id; ``kind`` keeps profile/post keys apart."""
	if kind not in KINDS:
		raise InvalidRecord(f"unknown suppression kind {kind!r}; expected one of {', '.join(KINDS)}", "kind")
	canonical = normalize_platform(platform)
	if not canonical:
		raise InvalidRecord(f"unknown platform {str(platform or '')[:40]!r}", "platform")
	if isinstance(external_id, bool) or not isinstance(external_id, str | int):
		raise InvalidRecord("external id must be a string or integer", "external_id")
	value = str(external_id).strip()
	if kind == HANDLE:
		value = normalize_handle(canonical, value)
	if not value:
		raise InvalidRecord("external id is empty", "external_id")
	message = "\x1f".join((kind, canonical.lower(), value)).encode("utf-8")
	return hmac.new((secret or "").encode("utf-8"), message, hashlib.sha256).hexdigest()


def profile_key(platform: str, author_external_id: str | int, secret: str = "") -> str:
	"""Key of one author (Social Profile) on one platform."""
	return suppression_key(platform, author_external_id, secret, PROFILE)


def handle_key(platform: str, handle: str, secret: str = "") -> str:
	"""Key of an author's normalized handle (catches a profile seen by handle only)."""
	return suppression_key(platform, handle, secret, HANDLE)


def post_key(platform: str, post_external_id: str | int, secret: str = "") -> str:
	"""Key of one post (Mention): an erased person's posts are not stored again."""
	return suppression_key(platform, post_external_id, secret, POST)


def keys_for_profile(
	platform: str, external_id: str | int, handle: str = "", secret: str = ""
) -> dict[str, str]:
	"""The keys to store when erasing a profile: its id and, if known, its handle."""
	keys = {PROFILE: profile_key(platform, external_id, secret)}
	if handle and normalize_handle(normalize_platform(platform), handle):
		keys[HANDLE] = handle_key(platform, handle, secret)
	return keys


def keys_for_post(post: Post, secret: str = "") -> dict[str, str]:
	"""Keys an incoming post is checked against: the post, its author's id and handle."""
	keys = {
		POST: post_key(post.platform, post.external_id, secret),
		PROFILE: profile_key(post.platform, post.author.external_id, secret),
	}
	if post.author.handle:
		keys[HANDLE] = handle_key(post.platform, post.author.handle, secret)
	return keys


def anonymized_id(key: str) -> str:
	"""The external id an anonymized Mention or Social Profile keeps: ``anon:`` + its post or
	profile key, so an old post polled again is recognised without storing a key per row."""
	return ANONYMIZED_ID_PREFIX + key


def suppressed_by(
	post: Post, suppressed: Collection[str], secret: str = "", anonymized: Collection[str] = ()
) -> str | None:
	"""The kind of key ("post", "profile", "handle") that suppresses ``post``, or None.

	``suppressed``: the stored suppression keys among the post's; ``anonymized``: external ids
	of anonymized rows of the post's platform (:func:`anonymized_id`) — the post itself or its
	author anonymized suppresses it as "post" or "profile".
	"""
	keys = keys_for_post(post, secret)
	for kind, key in keys.items():
		if key in suppressed:
			return kind
	for kind in (POST, PROFILE):
		if anonymized_id(keys[kind]) in anonymized:
			return kind
	return None
