"""Enrichment job: language and sentiment for stored mentions, in batches.

Language: ``detect_language`` with the platform's hint (the pipeline stores a post's
language tag in ``language`` until enrichment replaces it), the site's listened-for
languages (Social CRM Settings > Languages) and its detector (Auto: lingua for short
texts, py3langid otherwise; or langdetect with its minimum confidence); "unknown" when
the text has no language signal. Sentiment: the analyzer chosen in the settings
(:mod:`social_crm.listening.analyzers`: Default, or a Flair model, falling back to the
default when it cannot be loaded), analysed a page at a time; the site's learned model
(``learning``) replaces it for the languages where it beat it. Per matched rule, the
sentiment towards that rule (``engine.analysis.aspects``). Sentiment reads the matched
listening terms as names (:mod:`social_crm.listening.texts`). A human label
(``human_sentiment``) always wins: it is written back as the sentiment of the post and of
each of its rules.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import frappe
from frappe.utils import getdate, now_datetime

from social_crm import privacy, settings
from social_crm.engine.analysis.aspects import aspect_sentiments
from social_crm.engine.analysis.language import detect_languages
from social_crm.engine.insight.rollup import ALL
from social_crm.insight import rollup
from social_crm.listening.analyzers import (  # re-exported: callers and tests use them from here
	_analyzers,
	_unavailable_logged,
	flair_models_dir,
	get_configured_analyzer,
)
from social_crm.listening.learning import human_score, learned_analyzer
from social_crm.listening.texts import analysis_text, matched_terms, rule_matches, sentiment_texts

CHUNK = 500
RECENT_LANGUAGE_DAYS = 30
RECENT_LANGUAGES_KEY = "social_crm:recent_languages"


def enrich_mentions(names: list[str] | None = None, force: bool = False) -> int:
	"""Detect language and sentiment of the given mentions; returns how many were enriched.

	Idempotent: mentions already enriched are skipped unless ``force``. Mentions of an
	author whose consent does not allow "Listening" are left unanalysed (marked enriched,
	no sentiment). A page of ``CHUNK`` mentions is analysed with one ``analyze`` call (the
	flair backend predicts it in mini-batches). Meant to run as a background job.
	"""
	if not names:
		return 0
	analyzer = learned_analyzer(get_configured_analyzer())
	total = 0
	for start in range(0, len(names), CHUNK):
		rows = _rows_to_enrich(names[start : start + CHUNK], force)
		if rows:
			total += _enrich_page(rows, analyzer)
	return total


def _rows_to_enrich(names: list[str], force: bool) -> list:
	filters = {"name": ("in", names)}
	if not force:
		filters["enriched_on"] = ("is", "not set")
	fields = [
		"name",
		"text",
		"title",
		"language",
		"author",
		"platform",
		"anonymized",
		"human_sentiment",
		"enriched_on",
	]
	return [r for r in frappe.get_all("Mention", filters=filters, fields=fields) if not r.anonymized]


def _claim(rows: list) -> list:
	"""The rows of a page no other job enriched since they were read, locked until this job commits.

	Two jobs with different ids may hold the same mention (a post edited while its first job
	waits, overlapping batches). The analysis runs without locks; before writing, each job
	locks its rows (``for update``: the newest committed version, in primary-key order, so
	jobs never deadlock on each other) and keeps only those whose ``enriched_on`` is still the
	value it read: a compare-and-set. The second job skips the mention instead of enriching it
	again and counting it twice in the rollup.
	"""
	if not rows:
		return []
	current = dict(
		frappe.qb.get_query(
			"Mention",
			fields=["name", "enriched_on"],
			filters={"name": ("in", [r.name for r in rows])},
			for_update=True,
		).run()
	)
	return [r for r in rows if r.name in current and current[r.name] == r.get("enriched_on")]


def _enrich_page(rows: list, analyzer) -> int:
	"""Language, sentiment and per-rule sentiment of one page of mentions, written set-based."""
	skip = _consent_refused(rows)
	work = [r for r in rows if r.name not in skip]
	texts = [analysis_text(r) for r in work]
	languages = _languages(work, texts)
	matches = rule_matches([r.name for r in work])
	sentiments = analyzer.analyze(sentiment_texts(work, matches), languages) if work else []
	rule_updates, rule_parents = _aspect_updates(work, texts, languages, sentiments, analyzer, matches)
	claimed = {r.name for r in _claim(rows)}
	if not claimed:
		return 0
	skip &= claimed
	results = [
		(row, language, sentiment)
		for row, language, sentiment in zip(work, languages, sentiments, strict=True)
		if row.name in claimed
	]
	rule_updates = {k: v for k, v in rule_updates.items() if rule_parents.get(k) in claimed}
	now = now_datetime()
	updates = {name: {"enriched_on": now} for name in skip}
	for row, language, sentiment in results:
		label, score = (
			(row.human_sentiment, human_score(row.human_sentiment))  # a human label always wins
			if row.human_sentiment
			else (sentiment.label, sentiment.score)
		)
		updates[row.name] = {
			"language": language,
			"enriched_on": now,
			"sentiment": label,
			"sentiment_score": score,
		}
	rollup_before = rollup.snapshot(updates)
	frappe.db.bulk_update("Mention", updates, chunk_size=200, update_modified=False)
	if rule_updates:
		frappe.db.bulk_update("Mention Rule Match", rule_updates, chunk_size=200, update_modified=False)
	rollup.changed(rollup_before)
	return len(results)


def _languages(work: list, texts: list[str]) -> list[str]:
	"""Each mention's language: the platform's hint when it has one, else the configured detector,
	with the site's recent languages (:func:`recent_languages`) in the page's prior."""
	allowed = settings.language_codes()
	min_confidence = settings.language_min_confidence()
	detector = settings.language_detector()
	hints = [_hint(r) for r in work]
	results = detect_languages(
		texts, hints, allowed, min_confidence, detector=detector, background=recent_languages()
	)
	return [r.code for r in results]


def recent_languages() -> dict[str, int]:
	"""{language: mentions} of the last ``RECENT_LANGUAGE_DAYS`` whole UTC days, from the rollup's
	daily rows, cached for an hour: the languages this site hears, so that a page of one post
	(a REST insert, a small webhook delivery) is read with the same prior as a page of 500."""
	cached = frappe.cache.get_value(RECENT_LANGUAGES_KEY)
	if cached is not None:
		return cached
	today = datetime.combine(getdate(), time.min)
	found = {
		language: count
		for language, count in rollup.counts(
			ALL, today - timedelta(days=RECENT_LANGUAGE_DAYS), today, ["language"]
		)
		if language and language != "unknown" and count > 0
	}
	frappe.cache.set_value(RECENT_LANGUAGES_KEY, found, expires_in_sec=3600)
	return found


def _consent_refused(rows: list) -> set[str]:
	"""Mentions whose author's consent does not allow "Listening" (or could not be checked): one
	batch check for the page's authors (``privacy.consent_allows_many``)."""
	authors = {r.author for r in rows if r.author}
	try:
		allowed = privacy.consent_allows_many(authors, "Listening") if authors else {}
	except Exception:
		frappe.log_error(title="Social CRM: consent check failed", reference_doctype="Mention")
		return {r.name for r in rows if r.author}  # nothing analysed that could not be checked
	return {r.name for r in rows if r.author and not allowed.get(r.author)}


def _hint(row) -> str:
	"""The platform's language tag, stored on the Mention by the pipeline."""
	if row.language and row.language != "unknown":
		return row.language
	return ""


def _aspect_updates(work, texts, languages, sentiments, analyzer, by_parent: dict) -> tuple[dict, dict]:
	"""Sentiment per matched rule row (``engine.analysis.aspects``); the overall one for single-rule
	posts. ``by_parent``: ``texts.rule_matches`` of the page. Returns the updates and each rule
	row's mention."""
	updates = {}
	for mention, text, language, overall in zip(work, texts, languages, sentiments, strict=True):
		matches = by_parent.get(mention.name) or []
		if mention.human_sentiment or len(matches) < 2:
			label = mention.human_sentiment or overall.label
			updates.update({m.name: {"sentiment": label} for m in matches})
			continue
		terms = {m.name: matched_terms(m) for m in matches}
		aspects = aspect_sentiments(text, language, terms, analyzer, overall=overall)
		updates.update({name: {"sentiment": result.label} for name, result in aspects.items()})
	return updates, {m.name: m.parent for matches in by_parent.values() for m in matches}
