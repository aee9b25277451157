# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SocialPrivacyRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		email: DF.Data | None
		request_type: DF.Literal["Access", "Erasure"]
		requested_at: DF.Datetime | None
		result: DF.SmallText | None
		status: DF.Literal["Pending Approval", "Done", "Rejected"]
		subjects: DF.Code | None
		via: DF.Literal["Portal", "Email Link"]
		website_user: DF.Link | None
	# end: auto-generated types
	"""An access or erasure request of a data subject (portal or emailed link), approved in the desk.

	Created and decided by ``social_crm.privacy.requests`` only; the form's buttons call
	``social_crm.api.my_social.approve_request`` / ``reject_request``."""
