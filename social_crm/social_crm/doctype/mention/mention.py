# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from social_crm.engagement.response import record_first_response
from social_crm.engine.analysis.sentiment import LABELS as SENTIMENTS
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.records import MAX_RAW_TEXT_CHARS, MAX_TEXT_CHARS, clean_id, clean_language, clean_url
from social_crm.engine.status import mention_status
from social_crm.engine.text import clean_display, html_to_text
from social_crm.insight import rollup
from social_crm.listening import learning
from social_crm.listening.pipeline import admit_mention, enqueue_enrichment


class Mention(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from social_crm.social_crm.doctype.mention_reply.mention_reply import MentionReply
		from social_crm.social_crm.doctype.mention_rule_match.mention_rule_match import MentionRuleMatch

		anonymized: DF.Check
		assigned_to: DF.Link | None
		author: DF.Link | None
		author_handle: DF.Data | None
		author_name: DF.Data | None
		customer: DF.Link | None
		enriched_on: DF.Datetime | None
		external_id: DF.Data
		first_response_at: DF.Datetime | None
		in_reply_to: DF.Data | None
		language: DF.Data | None
		likes: DF.Int
		matched_rules: DF.Table[MentionRuleMatch]
		party: DF.DynamicLink | None
		party_type: DF.Link | None
		platform: DF.Literal[
			"",
			"Mastodon",
			"Bluesky",
			"Reddit",
			"Hacker News",
			"Discourse",
			"RSS",
			"YouTube",
			"X",
			"Facebook",
			"Instagram",
			"LinkedIn",
			"XING",
			"Webhook",
			"Other",
		]
		posted_at: DF.Datetime
		raw_payload: DF.JSON | None
		replies: DF.Int
		reposts: DF.Int
		response_minutes: DF.Float
		rule_kind: DF.Literal["", "Brand", "Product", "Competitor", "Person", "Campaign"]
		sent_replies: DF.Table[MentionReply]
		sentiment: DF.Literal["", "Positive", "Neutral", "Negative"]
		sentiment_score: DF.Float
		human_sentiment: DF.Literal["", "Positive", "Neutral", "Negative"]
		source: DF.Link | None
		status: DF.Literal["New", "Linked", "Needs Review", "Converted", "Responded", "Ignored"]
		text: DF.Text | None
		title: DF.Data | None
		url: DF.Data | None
	# end: auto-generated types

	def after_insert(self):
		if not self.enriched_on and not self.anonymized:
			enqueue_enrichment([self.name])

	def on_update(self):
		rollup.document_changed(self)
		if self.flags.sentiment_labelled:
			learning.enqueue_training()

	def on_trash(self):
		rollup.document_removed(self)

	def validate(self):
		self.validate_identity()
		self.sanitize_content()
		if self.is_new():
			# the Ingestor bulk-inserts its rows after the same checks; REST, desk and scripts come here
			admit_mention(self)
		self.validate_unique()
		self.validate_analysis()
		self.copy_party_from_author()
		self.set_status()
		record_first_response(self)

	def validate_identity(self):
		if not self.platform:
			frappe.throw(_("Platform is required"), frappe.MandatoryError)
		try:
			self.external_id = clean_id(self.external_id, "external_id")
			self.in_reply_to = clean_id(self.in_reply_to, "in_reply_to", required=False)
		except InvalidRecord as e:
			label = _("In Reply To") if e.field == "in_reply_to" else _("External ID")
			frappe.throw(
				_("{0} is required and must be at most 140 characters without control characters").format(
					label
				),
				frappe.MandatoryError,
			)
		try:
			self.url = clean_url(self.url, "url")
		except InvalidRecord:
			frappe.throw(_("URL must be an http(s) URL"))
		for fieldname in ("likes", "reposts", "replies"):
			if (self.get(fieldname) or 0) < 0:
				frappe.throw(_("{0} cannot be negative").format(_(self.meta.get_label(fieldname))))

	def sanitize_content(self):
		"""Store only plain text: HTML from platforms is never rendered raw."""
		raw = self.text or ""
		if len(raw) > MAX_RAW_TEXT_CHARS:
			frappe.throw(
				_("Text is too long ({0} characters); at most {1} are accepted").format(
					len(raw), MAX_TEXT_CHARS
				),
				title=_("Text Too Long"),
			)
		self.text = html_to_text(raw)
		if len(self.text) > MAX_TEXT_CHARS:
			frappe.throw(
				_("Text is too long ({0} characters); at most {1} are accepted").format(
					len(self.text), MAX_TEXT_CHARS
				),
				title=_("Text Too Long"),
			)
		self.title = clean_display(html_to_text(self.title), 280)
		# shown in lists and reports as they are: never markup, no bidi / zero-width tricks
		self.author_handle = clean_display(self.author_handle, 140)
		self.author_name = clean_display(self.author_name, 140)
		if not self.text and not self.title:
			frappe.throw(_("A mention needs a text or a title"), frappe.MandatoryError)

	def validate_unique(self):
		duplicate = frappe.db.get_value(
			"Mention",
			{"platform": self.platform, "external_id": self.external_id, "name": ("!=", self.name)},
		)
		if duplicate:
			frappe.throw(
				_("Mention {0} on {1} is already stored as {2}").format(
					self.external_id, self.platform, duplicate
				),
				frappe.DuplicateEntryError,
				title=_("Duplicate Mention"),
			)

	def validate_analysis(self):
		if self.sentiment and self.sentiment not in SENTIMENTS:
			frappe.throw(_("Sentiment must be one of {0}").format(", ".join(_(s) for s in SENTIMENTS)))
		if self.sentiment_score is not None and not -1 <= flt(self.sentiment_score) <= 1:
			frappe.throw(_("Sentiment Score must be between -1 and 1"))
		if self.language:
			self.language = clean_language(self.language) or ("unknown" if self.language == "unknown" else "")
		if self.matched_rules and not self.rule_kind:
			self.rule_kind = self.matched_rules[0].kind
		self.record_human_sentiment()

	def record_human_sentiment(self):
		"""A person who changes the sentiment of a stored mention (desk, REST) labels it, as
		*Correct Sentiment* does: the label wins over any analyzer, for each matched rule too,
		and trains the site's learned model (``listening.learning``)."""
		if self.is_new() or not self.sentiment or not self.has_value_changed("sentiment"):
			return  # the pipeline empties the sentiment of an edited post: that is no label
		self.human_sentiment = self.sentiment
		self.sentiment_score = learning.human_score(self.sentiment)
		for match in self.matched_rules or []:
			match.sentiment = self.sentiment
		self.flags.sentiment_labelled = True

	def copy_party_from_author(self):
		"""The party is denormalized from the author for fast per-party queries."""
		self.flags.author_in_review = False
		if self.author:
			party_type, party, customer, match_status = frappe.db.get_value(
				"Social Profile", self.author, ["party_type", "party", "customer", "match_status"]
			) or (None, None, None, None)
			self.party_type, self.party, self.customer = party_type, party, customer
			self.flags.author_in_review = match_status == "Needs Review"
		else:
			self.party_type = self.party = self.customer = None

	def set_status(self):
		self.status = mention_status(self.status, bool(self.party), bool(self.flags.author_in_review))


def on_doctype_update():
	frappe.db.add_unique(
		"Mention", ["platform", "external_id"], constraint_name="unique_platform_external_id"
	)
	# (party, posted_at) serves the timeline; sentiment last makes them covering for the summary
	frappe.db.add_index("Mention", ["party_type", "party", "posted_at", "sentiment"])
	frappe.db.add_index("Mention", ["customer", "posted_at", "sentiment"])
	frappe.db.add_index("Mention", ["status", "posted_at"])
	# hourly alert series and dashboard counts: range scan on posted_at, covering sentiment
	frappe.db.add_index("Mention", ["posted_at", "sentiment"])
	# retention runs of a policy naming platforms walk (platform, posted_at, name): privacy/retention.py
	frappe.db.add_index("Mention", ["platform", "posted_at"])
	# Top Authors counts its candidates' mentions of the range: covering (count, negative, last, platform);
	# it also serves every lookup by author, so the field has no index of its own (one index entry
	# fewer to write per stored, anonymized or deleted mention)
	frappe.db.add_index("Mention", ["author", "posted_at", "sentiment", "platform"])
