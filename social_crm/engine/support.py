"""Support-case rules: which posts become a support Issue, and which conversation a post belongs to.

Plain Python (no frappe): the Frappe layer in ``social_crm/support/`` calls these.
"""

import re
import unicodedata


def parse_keywords(value: str | None) -> list[str]:
	"""Keywords from a text field: one per line or comma separated, case-folded, without duplicates."""
	seen: list[str] = []
	for part in re.split(r"[\n,]+", value or ""):
		word = unicodedata.normalize("NFC", part.strip()).casefold()
		if word and word not in seen:
			seen.append(word)
	return seen


def matching_keywords(text: str | None, keywords: list[str]) -> list[str]:
	"""The keywords found in ``text`` as whole words (or phrases), case-insensitive."""
	folded = unicodedata.normalize("NFC", text or "").casefold()
	found = []
	for word in keywords:
		if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", folded):
			found.append(word)
	return found


def conversation_key(platform: str, external_id: str, in_reply_to: str | None, parents: dict) -> str:
	"""The id of the first post of a thread: follow ``in_reply_to`` through ``parents``.

	``parents`` maps a known post's external id to the id it replies to (or None). The walk stops
	at a post we do not know (its id is the key then) and at cycles.
	"""
	current, seen = external_id, {external_id}
	parent = in_reply_to
	while parent and parent not in seen:
		seen.add(parent)
		current = parent
		parent = parents.get(parent)
	return f"{platform}:{current}"
