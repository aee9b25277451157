# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import json
from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_url

from social_crm.engine.insight.alerts import SENTIMENT_SWING


class SocialAlert(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		baseline: DF.Float
		bucket: DF.Datetime
		buckets: DF.Int
		episode_key: DF.Data
		kind: DF.Literal["Volume Spike", "Sentiment Swing"]
		last_bucket: DF.Datetime | None
		listening_rule: DF.Link
		mention_count: DF.Int
		mentions_from: DF.Datetime | None
		mentions_to: DF.Datetime | None
		peak_bucket: DF.Datetime | None
		status: DF.Literal["Open", "Acknowledged"]
		value: DF.Float
		z: DF.Float
	# end: auto-generated types

	def validate(self):
		if self.mentions_from and self.mentions_to and self.mentions_to <= self.mentions_from:
			frappe.throw(_("Mentions To must be after Mentions From"))

	def mention_filters(self) -> dict:
		"""List filters (as route options) for the mentions behind this alert."""
		filters = {
			"listening_rule": self.listening_rule,
			"posted_at": json.dumps(["between", [str(self.mentions_from), str(self.mentions_to)]]),
		}
		if self.kind == SENTIMENT_SWING:
			filters["sentiment"] = "Negative"
		return filters

	def mentions_url(self) -> str:
		"""Desk URL of the Mention list filtered to this alert's mentions."""
		return get_url("/app/mention?" + urlencode(self.mention_filters()))
