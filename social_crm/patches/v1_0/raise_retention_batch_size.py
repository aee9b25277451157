"""The default largest retention batch went from 1,000 to 5,000 records (issue 14: retention at
10 million mentions). Sites that kept the old default get the new one; a size an admin chose
stays. Batches still shrink while a write transaction would take over half a second."""

import frappe

OLD_DEFAULT = 1000
NEW_DEFAULT = 5000


def execute():
	current = frappe.db.get_single_value("Social CRM Settings", "retention_batch_size")
	if current in (None, 0, OLD_DEFAULT):
		frappe.db.set_single_value("Social CRM Settings", "retention_batch_size", NEW_DEFAULT)
