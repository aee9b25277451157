// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Privacy Log", {
	refresh(frm) {
		frm.disable_form();
	},
});
