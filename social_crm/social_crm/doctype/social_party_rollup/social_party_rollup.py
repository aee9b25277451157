# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SocialPartyRollup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		mention_count: DF.Int
		party: DF.DynamicLink
		party_type: DF.Link
		sentiment: DF.Data | None
		week: DF.Date
	# end: auto-generated types
	"""Mentions of one party, week and sentiment. Rows are written by ``social_crm.insight.rollup``
	only (set-based deltas, without controllers); the name starts with the party
	(``engine.insight.rollup.party_prefix``), so a party's rows are one stretch of the primary key."""

	pass
