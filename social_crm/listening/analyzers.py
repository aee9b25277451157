"""The site's sentiment analyzer, built once per process and setting (enrichment and the learning job).

The analyzer chosen in Social CRM Settings: Default, or Flair with one of flair's names or
a ``.pt`` file in ``<site>/private/social_crm_models/`` (:func:`flair_models_dir`) and the
neutral band of the settings. A Flair model that cannot be loaded (not allowed, missing,
broken, no working classifier) is logged once per process and the default analyzer is
used instead.
"""

from __future__ import annotations

from pathlib import Path

import frappe

from social_crm import settings
from social_crm.engine.analysis.flair_backend import clear_model_cache
from social_crm.engine.analysis.sentiment import DefaultAnalyzer, get_analyzer

MODELS_FOLDER = "social_crm_models"
_analyzers: dict[tuple[str, str, float], object] = {}
_unavailable_logged: set[tuple[str, str]] = set()


def flair_models_dir() -> Path:
	"""The site's folder for flair model files: ``<site>/private/social_crm_models`` (server admins only)."""
	return Path(frappe.get_site_path("private", MODELS_FOLDER)).resolve()


def get_configured_analyzer():
	"""The sentiment analyzer of the settings, built once per process and setting.

	When the flair model setting changes, the analyzers built for the old one and the loaded
	model itself (``clear_model_cache``) are dropped, so a worker holds one model at most.
	"""
	key = (settings.sentiment_analyzer(), settings.flair_model(), settings.flair_neutral_below())
	if key not in _analyzers:
		if any(old[:2] != key[:2] for old in _analyzers):
			_analyzers.clear()
			clear_model_cache()
		try:
			_analyzers[key] = get_analyzer(
				key[0], key[1], models_dir=flair_models_dir(), **_flair_options(key[0], key[2])
			)
		except Exception as exc:  # AnalyzerUnavailable, or anything a foreign model file raises
			if key[:2] not in _unavailable_logged:
				_unavailable_logged.add(key[:2])
				frappe.log_error(
					title="Social CRM: sentiment analyzer unavailable, using the default",
					message=f"{key[0]} {key[1]!r}: {exc}",
				)
			_analyzers[key] = DefaultAnalyzer()
	return _analyzers[key]


def _flair_options(analyzer: str, neutral_below: float) -> dict:
	return {"neutral_below": neutral_below} if analyzer == "flair" else {}
