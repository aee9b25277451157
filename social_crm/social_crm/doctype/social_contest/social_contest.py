# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SocialContest(Document):
	pass
