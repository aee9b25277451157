"""Similar-idea suggestions from a cached engine SimilarityIndex over open public ideas.

The index is built from the ideas that still take votes and are shown on the portal
(so a suggestion never reveals a hidden idea), pickled into the site cache, and
dropped whenever an Idea is inserted, changed or deleted (``invalidate``).
"""

import frappe

from social_crm.engine.ideas.ranking import VOTING_STATUSES
from social_crm.engine.ideas.similarity import SimilarityIndex

CACHE_KEY = "social_crm:ideas:similarity_index"
MAX_INDEXED = 20_000  # newest open ideas; older ones are rarely duplicated word for word
DEFAULT_LIMIT = 5


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
	return frappe.cache.get_value(CACHE_KEY, generator=build_index)


def invalidate(doc=None, method=None) -> None:
	"""Doc event on Idea: the next suggestion rebuilds the index."""
	frappe.cache.delete_value(CACHE_KEY)


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
