# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class SocialMentionRollup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		bucket: DF.Datetime
		dimension: DF.Literal["All", "Rule", "Kind", "Competitor", "Series", "Item"]
		grain: DF.Literal["Hour", "Day"]
		language: DF.Data | None
		match_kind: DF.Data | None
		mention_count: DF.Int
		platform: DF.Data | None
		rule_kind: DF.Data | None
		sentiment: DF.Data | None
		value: DF.Data | None
	# end: auto-generated types
	"""Mention counts of one hour and key. Rows are written by ``social_crm.insight.rollup`` only
	(set-based deltas, without controllers); the doctype exists for its table, indexes and inspection."""

	pass


def on_doctype_update():
	# readers scan a stretch of the primary key (the name starts with the dimension and the hour,
	# engine.insight.rollup.name_range); this index serves ad-hoc filters on the list view
	frappe.db.add_index("Social Mention Rollup", ["dimension", "bucket"])
