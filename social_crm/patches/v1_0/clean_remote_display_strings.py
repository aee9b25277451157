"""Clean names, handles and titles stored before remote strings were cleaned (issue 12, item 13).

Rows bulk-inserted by the pipeline skipped Frappe's sanitizer, and Report View shows Data
values as they are: markup and bidi / zero-width characters are removed with the rule new
rows get (``engine.text.clean_display``). Identity fields (a profile's handle, which match
keys are made of) are left alone.
"""

import frappe

from social_crm.engine.text import INVISIBLE_CHARACTERS, clean_display

FIELDS = {
	"Mention": {"author_handle": 140, "author_name": 140, "title": 280},
	"Social Profile": {"display_name": 140},
}
SUSPECT = ["<", ">", *INVISIBLE_CHARACTERS]


def execute():
	for doctype, fields in FIELDS.items():
		if not frappe.db.table_exists(doctype):
			continue
		or_filters = [[doctype, field, "like", f"%{ch}%"] for field in fields for ch in SUSPECT]
		for row in frappe.get_all(doctype, or_filters=or_filters, fields=["name", *fields]):
			changed = {
				field: clean_display(row[field], limit)
				for field, limit in fields.items()
				if row[field] and clean_display(row[field], limit) != row[field]
			}
			if changed:
				frappe.db.set_value(doctype, row.name, changed, update_modified=False)
