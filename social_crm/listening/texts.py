"""A mention's text as the analysis reads it, written once for enrichment and the learned model.

- ``analysis_text``: the title (when there is one) and the text, as language detection and the
  analyzers read them.
- ``sentiment_texts``: the same with the mention's matched listening terms read as names
  (``engine.analysis.aspects.without_terms``): a brand called "Glad" or "Joy" does not lend
  its posts the sentiment of its name. The learned model is trained on these texts too, so it
  learns from what it will be asked.
"""

from __future__ import annotations

import frappe

from social_crm.engine.analysis.aspects import without_terms


def analysis_text(row) -> str:
	return f"{row.title}\n{row.text or ''}" if row.title else (row.text or "")


def rule_matches(mentions: list[str]) -> dict[str, list]:
	"""{mention: its Mention Rule Match rows (name, listening_rule, matched_terms)}."""
	if not mentions:
		return {}
	by_parent: dict[str, list] = {}
	for row in frappe.get_all(
		"Mention Rule Match",
		filters={"parent": ("in", mentions), "parenttype": "Mention"},
		fields=["name", "parent", "listening_rule", "matched_terms"],
	):
		by_parent.setdefault(row.parent, []).append(row)
	return by_parent


def matched_terms(match) -> list[str]:
	"""The terms of one Mention Rule Match row (stored comma-separated)."""
	return [t.strip() for t in (match.matched_terms or "").split(",") if t.strip()]


def sentiment_texts(rows: list, matches: dict[str, list] | None = None) -> list[str]:
	"""Each mention's ``analysis_text`` with its matched terms replaced by a name placeholder.
	``matches``: ``rule_matches`` of the rows, when the caller has them already."""
	if matches is None:
		matches = rule_matches([r.name for r in rows])
	return [
		without_terms(analysis_text(row), [t for m in matches.get(row.name, ()) for t in matched_terms(m)])
		for row in rows
	]
