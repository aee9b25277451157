"""Similar-idea suggestions from a cached engine SimilarityIndex over open public ideas.

The index is built from the newest 5,000 ideas that still take votes and are shown on
the portal (so a suggestion never reveals a hidden idea). Any change to an Idea starts a
new index version (``invalidate``, a doc event); the first lookup of a version builds the
index and pickles it into Redis for the other workers, and every worker process keeps
the current version in memory, so a lookup normally costs no build and no unpickling.
"""

import frappe

from social_crm.engine.ideas.ranking import VOTING_STATUSES
from social_crm.engine.ideas.similarity import SimilarityIndex

CACHE_KEY = "social_crm:ideas:similarity_index"
VERSION_KEY = "social_crm:ideas:similarity_version"
INDEX_TTL = 24 * 60 * 60
MAX_INDEXED = 5_000  # newest open ideas; keeps the index small enough to build in about a second
DEFAULT_LIMIT = 5

# per worker process: site -> (version, index); a lookup then costs no unpickling
_process_cache: dict[str, tuple[str, SimilarityIndex]] = {}


def build_index() -> SimilarityIndex:
	rows = frappe.get_all(
		"Idea",
		filters={"status": ("in", VOTING_STATUSES), "is_public": 1},
		fields=["name", "title", "description"],
		order_by="creation desc",
		limit=MAX_INDEXED,
	)
	index = SimilarityIndex((row.name, row.title, row.description or "") for row in rows)
	index.suggest("warm up")  # computes the TF-IDF vectors once, before the index is cached
	return index


def get_index() -> SimilarityIndex:
	"""The current index: from this process, else from Redis (built once per change for all workers)."""
	version = frappe.cache.get_value(VERSION_KEY)
	if not version:
		version = frappe.generate_hash(length=12)
		frappe.cache.set_value(VERSION_KEY, version)
	cached = _process_cache.get(frappe.local.site)
	if cached and cached[0] == version:
		return cached[1]
	key = f"{CACHE_KEY}:{version}"
	index = frappe.cache.get_value(key)
	if index is None:
		index = build_index()
		frappe.cache.set_value(key, index, expires_in_sec=INDEX_TTL)
	_process_cache[frappe.local.site] = (version, index)
	return index


def invalidate(doc=None, method=None) -> None:
	"""Doc event on Idea: a new index version, now and again after the commit.

	The second bump matters: a worker that rebuilt between this change and its commit
	would otherwise keep an index without it.
	"""
	_bump_version()
	if doc is not None:
		frappe.db.after_commit.add(_bump_version)
		frappe.enqueue(
			"social_crm.ideas.similar.warm_index",
			queue="short",
			timeout=300,
			job_id="social_crm:ideas:similarity_warm",
			deduplicate=True,
			enqueue_after_commit=True,
		)


def _bump_version() -> None:
	frappe.cache.set_value(VERSION_KEY, frappe.generate_hash(length=12))


def forget_index() -> None:
	"""Drop every cached index (they hold ideas' old titles and texts), e.g. after an erasure."""
	frappe.cache.delete_keys(CACHE_KEY)
	_process_cache.pop(frappe.local.site, None)
	_bump_version()
	frappe.db.after_commit.add(_bump_version)


def warm_index() -> None:
	"""Background job after an Idea change: build the new version so no visitor waits for it."""
	get_index()


def suggest(title: str, description: str = "", limit: int = DEFAULT_LIMIT, exclude=()) -> list[dict]:
	"""Open public ideas like (title, description), best first, with score and reason."""
	if not (title or "").strip() and not (description or "").strip():
		return []
	matches = get_index().suggest(title or "", description or "", limit=limit, exclude=exclude)
	if not matches:
		return []
	ideas = {
		row.name: row
		for row in frappe.get_all(
			"Idea",
			filters={
				"name": ("in", [m[0] for m in matches]),
				"is_public": 1,
				"status": ("in", VOTING_STATUSES),
			},
			fields=["name", "title", "status", "vote_count", "weighted_votes"],
		)
	}
	return [
		{**ideas[name], "score": score, "reason": reason} for name, score, reason in matches if name in ideas
	]
