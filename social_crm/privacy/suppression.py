"""Suppression keys in the database: erased people are never re-created by later polls.

Keys are the engine's keyed hashes (``social_crm.engine.privacy.suppression``); the secret
is generated once per site and kept in the hidden Password field of Social CRM Settings.
"""

import frappe

from social_crm import settings
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.handles import normalize_platform
from social_crm.engine.privacy import suppression as keys
from social_crm.engine.privacy.anonymize import is_anonymized
from social_crm.engine.records import Post


def get_secret() -> str:
	"""The site's suppression secret; generated on first use (install and migrate create it early)."""
	cached = getattr(frappe.local, "social_crm_suppression_secret", None)
	if cached:
		return cached
	secret = settings.suppression_secret()
	if not secret:
		secret = ensure_secret()
	frappe.local.social_crm_suppression_secret = secret
	return secret


def ensure_secret() -> str:
	"""Create the secret if the site has none yet. It must never change afterwards."""
	secret = settings.suppression_secret()
	if secret:
		return secret
	secret = frappe.generate_hash(length=64)
	settings.set_suppression_secret(secret)
	return secret


def add_keys(found: dict[str, str], platform: str, erasure_log: str | None = None) -> int:
	"""Store ``{kind: key}`` pairs (skipping ones already stored). Returns how many were new."""
	added = 0
	for kind, key in found.items():
		if frappe.db.exists("Social Suppression Key", key):
			continue
		frappe.get_doc(
			{
				"doctype": "Social Suppression Key",
				"key": key,
				"kind": kind,
				"platform": platform,
				"erasure_log": erasure_log,
			}
		).db_insert()
		added += 1
	return added


def add_post_keys(rows: list[dict], erasure_log: str | None = None) -> int:
	"""Suppression keys of many posts (dicts with platform, external_id) in two statements."""
	wanted: dict[str, str] = {}
	for row in rows:
		if is_anonymized(row):
			continue  # an anonymized post is recognised by its keyed id already
		key = post_key(row.get("platform") or "", row.get("external_id") or "")
		if key:
			wanted[key] = normalize_platform(row.get("platform") or "") or row.get("platform")
	if not wanted:
		return 0
	stored = set(
		frappe.get_all("Social Suppression Key", filters={"name": ("in", list(wanted))}, pluck="name")
	)
	now, user = frappe.utils.now_datetime(), frappe.session.user
	values = [
		(key, key, keys.POST, platform, erasure_log, now, now, user, user)
		for key, platform in wanted.items()
		if key not in stored
	]
	if values:
		frappe.db.bulk_insert(
			"Social Suppression Key",
			[
				"name",
				"key",
				"kind",
				"platform",
				"erasure_log",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			values,
			ignore_duplicates=True,
		)
	return len(values)


def keys_for_profile(platform: str, external_id: str, handle: str | None = None) -> dict[str, str]:
	"""Profile (and handle) keys of one author; empty when the ids cannot be keyed."""
	try:
		return keys.keys_for_profile(platform, external_id, handle or "", get_secret())
	except InvalidRecord:
		return {}


def post_key(platform: str, external_id: str) -> str | None:
	try:
		return keys.post_key(platform, external_id, get_secret())
	except InvalidRecord:
		return None


def is_post_suppressed(post: Post) -> bool:
	"""True when ``post``, its author's id or handle was erased, or the post/author was anonymized.

	Anonymized rows keep ``anon:`` + the same keyed hash as their external id (engine
	``anonymized_id``), so an old post polled again is recognised without storing a key for
	every anonymized row.
	"""
	return 0 in suppressed_indexes([post])


def suppressed_indexes(posts: list[Post]) -> set[int]:
	"""Indexes of the posts of a page that must not be stored (three queries per platform); the
	engine's ``suppressed_by`` decides for each post."""
	secret = get_secret()
	found: dict[int, dict[str, str]] = {}
	for i, post in enumerate(posts):
		try:
			found[i] = keys.keys_for_post(post, secret)
		except InvalidRecord:
			continue  # ids that cannot be keyed were never stored, so cannot be suppressed
	if not found:
		return set()
	all_keys = list({key for kinds in found.values() for key in kinds.values()})
	stored = set(frappe.get_all("Social Suppression Key", filters={"name": ("in", all_keys)}, pluck="name"))
	anonymized = _anonymized_ids(posts, found)
	return {
		i
		for i in found
		if keys.suppressed_by(
			posts[i], stored, secret, anonymized.get(normalize_platform(posts[i].platform), ())
		)
	}


def _anonymized_ids(posts: list[Post], found: dict[int, dict[str, str]]) -> dict[str, set[str]]:
	"""{platform: external ids} of the anonymized Mentions and Social Profiles that these posts or
	their authors would have become."""
	by_platform: dict[str, list[int]] = {}
	for i in found:
		by_platform.setdefault(normalize_platform(posts[i].platform), []).append(i)
	anonymized: dict[str, set[str]] = {}
	for platform, indexes in by_platform.items():
		post_ids = [keys.anonymized_id(found[i][keys.POST]) for i in indexes]
		profile_ids = [keys.anonymized_id(found[i][keys.PROFILE]) for i in indexes]
		ids = anonymized.setdefault(platform, set())
		ids.update(
			frappe.get_all(
				"Mention",
				filters={"platform": platform, "external_id": ("in", post_ids)},
				pluck="external_id",
			)
		)
		ids.update(
			frappe.get_all(
				"Social Profile",
				filters={"platform": platform, "external_id": ("in", profile_ids), "anonymized": 1},
				pluck="external_id",
			)
		)
	return anonymized
