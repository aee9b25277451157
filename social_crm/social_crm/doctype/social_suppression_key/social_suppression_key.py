# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SocialSuppressionKey(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		erasure_log: DF.Data | None
		key: DF.Data
		kind: DF.Literal["profile", "post", "handle"]
		platform: DF.Data | None
	# end: auto-generated types
	"""A keyed hash of an erased person's profile, handle or post id (see social_crm.privacy.suppression)."""
