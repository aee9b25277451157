# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SocialResponseRollup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		assigned_to: DF.Data | None
		bucket: DF.Int
		day: DF.Date
		grain: DF.Literal["Day", "Week"]
		ignored: DF.Check
		mention_count: DF.Int
		minutes: DF.Float
		platform: DF.Data | None
		responded: DF.Check
	# end: auto-generated types
	"""Mentions of one day and response-time key. Rows are written by
	``social_crm.insight.response_rollup`` only (set-based deltas, without controllers); the
	doctype exists for its table and inspection. Readers scan a stretch of the primary key (the
	name starts with the day)."""

	pass
