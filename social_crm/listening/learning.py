"""Learning from the team: "Correct sentiment" labels and the site's learned sentiment model.

- ``correct_sentiment`` (form button and list action on Mention) stores a human label in
  ``Mention.human_sentiment`` and sets ``sentiment`` to it; enrichment never overwrites a
  human label. The label lives on the Mention row, so retention, erasure and export of
  mentions cover it.
- ``train_sentiment_model`` (background job, ``long`` queue, one per site by job id)
  fits the engine's per-language model (``engine.analysis.learned``) on the newest
  ``MAX_LABELS`` human labels, writes it to the site's private folder (``.npz`` of plain
  arrays, written only by this job, read without pickle) and the per-language report
  (cross-validated accuracy vs. the default analyzer) to Social CRM Settings.
- ``learned_analyzer`` wraps the configured analyzer with the model for the languages
  where it beats the default.
"""

from __future__ import annotations

import json
import os

import frappe
from frappe import _

from social_crm import settings
from social_crm.engine.analysis.learned import MAX_LABELS, LearnedAnalyzer, load, save, train
from social_crm.engine.analysis.sentiment import LABELS, NEGATIVE, POSITIVE, DefaultAnalyzer
from social_crm.insight import rollup

MAX_BULK = 500
MODEL_FILE = "social_crm_sentiment_model.npz"
JOB_TIMEOUT = 30 * 60

_loaded: dict[str, tuple[float, object]] = {}


def model_path() -> str:
	return frappe.get_site_path("private", MODEL_FILE)


@frappe.whitelist(methods=["POST"])
def correct_sentiment(names: str | list, sentiment: str) -> dict:
	"""Record a human sentiment label on one or many mentions; returns the done and the refused."""
	if isinstance(names, str):
		names = json.loads(names) if names.strip().startswith("[") else [names]
	if not isinstance(names, list) or not names:
		frappe.throw(_("Select at least one mention"))
	if len(names) > MAX_BULK:
		frappe.throw(_("At most {0} mentions can be updated at once").format(MAX_BULK))
	if sentiment not in LABELS:
		frappe.throw(_("Sentiment must be one of {0}").format(", ".join(_(label) for label in LABELS)))
	done, failed = [], []
	rollup_before = rollup.snapshot([str(n) for n in names])
	for name in names:
		name = str(name)
		if not frappe.db.exists("Mention", name) or not frappe.has_permission("Mention", "write", name):
			failed.append(name)
			continue
		frappe.db.set_value(
			"Mention",
			name,
			{"human_sentiment": sentiment, "sentiment": sentiment, "sentiment_score": _score(sentiment)},
		)
		done.append(name)
	rollup.changed(rollup_before)
	if done:
		enqueue_training()
	return {"done": done, "failed": failed}


def _score(label: str) -> float:
	return {POSITIVE: 1.0, NEGATIVE: -1.0}.get(label, 0.0)


def enqueue_training() -> None:
	"""Retrain after the request commits; one waiting job per site (dedupe by job id)."""
	frappe.enqueue(
		"social_crm.listening.learning.train_sentiment_model",
		queue="long",
		timeout=JOB_TIMEOUT,
		job_id=f"social_crm:train_sentiment:{frappe.local.site}",
		deduplicate=True,
		enqueue_after_commit=True,
	)


def train_sentiment_model() -> dict:
	"""Fit the learned model on the newest human labels, save it and report per language."""
	rows = frappe.get_all(
		"Mention",
		filters={"human_sentiment": ("is", "set"), "anonymized": 0},
		fields=["title", "text", "language", "human_sentiment"],
		order_by="modified desc",
		limit=MAX_LABELS,
	)
	rows.reverse()
	texts = [f"{r.title}\n{r.text or ''}" if r.title else (r.text or "") for r in rows]
	models = train(
		texts,
		[r.human_sentiment for r in rows],
		[r.language or "unknown" for r in rows],
		default=DefaultAnalyzer(),
	)
	path = model_path()
	if models.models:
		save(models, path)
	elif os.path.exists(path):
		os.remove(path)
	report = _report_text(models.reports, len(rows))
	settings.set_learned_sentiment_report(report)
	return {lang: vars(r) for lang, r in models.reports.items()}


def _report_text(reports: dict, labels: int) -> str:
	if not reports:
		return _("{0} labels: not enough per language to learn from yet").format(labels)
	lines = [_("{0} labels").format(labels)]
	for lang, report in sorted(reports.items()):
		lines.append(
			_("{0}: {1} labels, cross-validated accuracy {2}, default analyzer {3}: {4}").format(
				lang,
				report.labels,
				f"{100 * report.cv_accuracy:.1f} %",
				f"{100 * report.default_accuracy:.1f} %",
				_("used") if report.used else _("not used"),
			)
		)
	return "\n".join(lines)


def learned_analyzer(base):
	"""``base`` wrapped with the site's learned model where it beats the default; ``base`` without one."""
	path = model_path()
	try:
		mtime = os.path.getmtime(path)
	except OSError:
		return base
	site = frappe.local.site
	cached = _loaded.get(site)
	if cached is None or cached[0] != mtime:
		try:
			cached = (mtime, load(path))
		except (OSError, ValueError):
			frappe.log_error(title="Social CRM: learned sentiment model unreadable, retrain it")
			cached = (mtime, None)
		_loaded[site] = cached
	models = cached[1]
	if models is None or not models.used_languages():
		return base
	return LearnedAnalyzer(models, base)
