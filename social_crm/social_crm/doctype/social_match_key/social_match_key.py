# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class SocialMatchKey(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Data | None
		key_type: DF.Literal["handle", "email", "domain", "name"]
		key_value: DF.Data
		pending_review: DF.Check
		reference_doctype: DF.Literal["Customer", "Lead", "Contact", "Social Profile"]
		reference_name: DF.Data
	# end: auto-generated types
	"""One lookup key of a party or a social profile. Rows are written by ``social_crm.linking.keys``
	only (in bulk, without controllers); the doctype exists for its indexes and for inspection."""

	pass


def on_doctype_update():
	# (key_type, key_value) is the prefix every candidate lookup uses; the full tuple keeps rows unique.
	frappe.db.add_unique(
		"Social Match Key",
		["key_type", "key_value", "reference_doctype", "reference_name"],
		constraint_name="unique_match_key",
	)
	frappe.db.add_index("Social Match Key", ["reference_doctype", "reference_name"])
