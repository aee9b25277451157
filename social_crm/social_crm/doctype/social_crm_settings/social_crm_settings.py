# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html, flt

from social_crm.engine.analysis.flair_backend import FLAIR_MODEL_NAMES, ModelNotAllowed, flair_model_source
from social_crm.engine.analysis.language import normalize_language_code, supported_languages
from social_crm.listening.analyzers import flair_models_dir
from social_crm.permissions import is_system_manager

MODELS_FOLDER_HINT = "sites/&lt;site&gt;/private/social_crm_models/"


class SocialCRMSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allow_guest_idea_view: DF.Check
		auto_link_threshold: DF.Percent
		calibrate_flair_neutral_band: DF.Check
		default_lawful_basis: DF.Literal["Legitimate Interest", "Consent"]
		enable_auto_linking: DF.Check
		error_log_retention_days: DF.Int
		flair_model: DF.Data | None
		flair_neutral_below: DF.Float
		ingest_secret: DF.Password | None
		keep_raw_payloads: DF.Check
		language_detector: DF.Literal["Auto", "py3langid", "lingua", "langdetect"]
		language_min_confidence: DF.Float
		learned_sentiment_report: DF.SmallText | None
		languages: DF.Data | None
		linked_mention_retention_days: DF.Int
		max_text_length: DF.Int
		on_listening_withdrawal: DF.Literal["Anonymize", "Delete"]
		retention_batch_size: DF.Int
		review_threshold: DF.Percent
		sentiment_analyzer: DF.Literal["Default", "Flair"]
		suppression_secret: DF.Password | None
		timeline_limit: DF.Int
		unlinked_mention_retention_days: DF.Int
		weight_votes_by_customer_value: DF.Check
	# end: auto-generated types

	def validate(self):
		if not 0 < flt(self.review_threshold) <= flt(self.auto_link_threshold) <= 100:
			frappe.throw(
				_("Thresholds must satisfy 0 < Review Threshold ≤ Auto-Link Threshold ≤ 100"),
				title=_("Invalid Thresholds"),
			)
		if not 0 <= flt(self.language_min_confidence) <= 1:
			frappe.throw(_("Language Min Confidence must be between 0 and 1"))
		if not 0 <= flt(self.flair_neutral_below) < 1:
			frappe.throw(_("Flair Neutral Band must be at least 0 and below 1"))
		for fieldname in (
			"unlinked_mention_retention_days",
			"linked_mention_retention_days",
			"error_log_retention_days",
		):
			if (self.get(fieldname) or 0) < 1:
				frappe.throw(_("{0} must be at least 1 day").format(_(self.meta.get_label(fieldname))))
		if not 1 <= (self.timeline_limit or 0) <= 500:
			frappe.throw(_("Mentions on Timeline must be between 1 and 500"))
		if self.sentiment_analyzer == "Flair" and not (self.flair_model or "").strip():
			frappe.throw(_("Please enter a flair model name or file name"), frappe.MandatoryError)
		self.validate_languages()
		self.validate_flair_model()

	def validate_languages(self):
		"""Languages: codes the language detectors know ("de-DE" is stored as "de"); empty means
		every language."""
		codes = [code.strip() for code in (self.languages or "").split(",") if code.strip()]
		known = set(supported_languages())
		wrong = [code for code in codes if normalize_language_code(code) not in known]
		if wrong:
			frappe.throw(
				_("Unknown language codes: {0}. Use ISO 639-1 codes such as en, de, fr").format(
					escape_html(", ".join(wrong))
				),
				title=_("Languages"),
			)
		self.languages = ", ".join(dict.fromkeys(normalize_language_code(code) for code in codes))

	def validate_flair_model(self):
		"""Loading a flair model runs code from the file: only a System Manager chooses it, and
		only one of flair's names or a file in the site's models folder (docs/security.md)."""
		if self.sentiment_analyzer != "Flair":
			return
		if (
			self.has_value_changed("flair_model") or self.has_value_changed("sentiment_analyzer")
		) and not is_system_manager():
			frappe.throw(_("Only a System Manager can choose the flair model"), frappe.PermissionError)
		self.flair_model = (self.flair_model or "").strip()
		try:
			flair_model_source(self.flair_model, flair_models_dir())
		except ModelNotAllowed as exc:
			if exc.code == "missing":
				frappe.throw(
					_("The flair model file {0} is not in the models folder {1}").format(
						escape_html(self.flair_model), MODELS_FOLDER_HINT
					),
					title=_("Flair Model"),
				)
			frappe.throw(
				_(
					"The flair model must be one of flair's names ({0}) or the file name of a .pt file in the models folder {1}"
				).format(", ".join(FLAIR_MODEL_NAMES), MODELS_FOLDER_HINT),
				title=_("Flair Model"),
			)
