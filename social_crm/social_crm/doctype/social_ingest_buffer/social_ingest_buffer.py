# Copyright (c) 2026, Social CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SocialIngestBuffer(Document):
	"""One webhook record waiting to be drained (``social_crm.listening.buffer``).

	Rows are written in bulk by the webhook and deleted in the transaction that stores them.
	"""
