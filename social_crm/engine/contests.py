"""Contests and giveaways: who may enter, and a fair draw anyone can re-run.

Plain Python (no frappe). The draw depends only on the seed and the entry list recorded on the
contest: ``draw(entries, seed, count)`` gives the same winners on any machine.
"""

import hashlib
import hmac
import random
import re
import secrets

from .privacy.retention import ANONYMIZED_ID_PREFIX

HASHTAG = re.compile(r"(?<![\w#])#(\w+)", re.UNICODE)


def normalize_hashtag(value: str | None) -> str:
	return (value or "").strip().lstrip("#").casefold()


def has_hashtag(text: str | None, hashtag: str) -> bool:
	"""True when ``text`` carries ``#hashtag`` (case-insensitive, whole tag)."""
	wanted = normalize_hashtag(hashtag)
	return bool(wanted) and any(tag.casefold() == wanted for tag in HASHTAG.findall(text or ""))


def eligible(entries: list[dict]) -> list[dict]:
	"""One entry per person: the earliest (by ``at``, then ``key``) of each ``person``; entries
	without consent to the terms (``consent`` false) do not take part."""
	chosen: dict[str, dict] = {}
	for entry in sorted(entries, key=lambda e: (str(e["at"]), e["key"])):
		if not entry.get("consent") or not entry.get("person"):
			continue
		chosen.setdefault(entry["person"], entry)
	return sorted(chosen.values(), key=lambda e: e["key"])


def new_seed() -> str:
	return secrets.token_hex(16)


def draw(keys: list[str], seed: str, count: int) -> list[str]:
	"""``count`` distinct winners from ``keys``, reproducible from ``seed``.

	The keys are sorted first, so the order they were read in does not matter; the generator
	is seeded with the SHA-256 of the seed (stable across Python versions).
	"""
	pool = sorted(set(keys))
	rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big"))
	return rng.sample(pool, min(max(count, 0), len(pool)))


# What identifies the person on a Social Contest Entry; cleared when the entry is anonymized
# (the entry's name, contest, time, winner flag and coupon stay, so the draw record still adds up).
ENTRY_CLEAR = ("social_profile", "mention", "party_type", "party", "email", "consent_entry")
ANONYMOUS_PREFIX = ANONYMIZED_ID_PREFIX  # the one anonymized-value prefix of the app


def is_anonymized_entry(record: dict) -> bool:
	return str(record.get("person") or "").startswith(ANONYMOUS_PREFIX)


def anonymize_entry_fields(record: dict, secret: str) -> dict:
	"""Field updates that anonymize a contest entry.

	``person`` (``profile:…``, ``Contact:…``, ``email:…``) becomes a keyed hash of itself, so the
	one-entry-per-person rule can still be checked on the record without naming anyone; the links
	to the profile, post, party, email and consent entry are cleared. Without its consent link the
	entry takes no part in a later draw; a recorded draw lists entry names only, so it re-runs
	unchanged (``draw``).
	"""
	if is_anonymized_entry(record):
		return {}
	digest = hmac.new(
		(secret or "").encode("utf-8"), str(record.get("person") or "").encode("utf-8"), hashlib.sha256
	).hexdigest()
	person = ANONYMOUS_PREFIX + digest
	updates: dict = {name: None for name in ENTRY_CLEAR}
	updates["person"] = person
	updates["entry_key"] = f"{record.get('contest') or ''}|{person}"
	return updates
