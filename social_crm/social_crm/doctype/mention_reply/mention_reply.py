# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class MentionReply(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		external_id: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reply_url: DF.Data | None
		sent_at: DF.Datetime | None
		sent_by: DF.Link | None
		text: DF.SmallText | None
	# end: auto-generated types

	pass
