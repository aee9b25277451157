# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class MentionRuleMatch(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		kind: DF.Literal["Brand", "Product", "Competitor", "Person", "Campaign"]
		listening_rule: DF.Link
		matched_terms: DF.Data | None
		sentiment: DF.Literal["", "Positive", "Neutral", "Negative"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types

	pass


def on_doctype_update():
	# share of voice, alert series and the rule filters join from a mention to its matches:
	# covering (parent, kind, listening_rule) avoids a row lookup per match
	frappe.db.add_index("Mention Rule Match", ["parent", "kind", "listening_rule"])
