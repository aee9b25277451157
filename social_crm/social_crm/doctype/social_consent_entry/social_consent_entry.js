// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Consent Entry", {
	setup(frm) {
		frm.set_query("party_type", () => ({
			filters: { name: ["in", ["Customer", "Lead", "Contact"]] },
		}));
	},
	refresh(frm) {
		if (!frm.is_new()) {
			frm.disable_form();
			frm.set_intro(__("Consent entries are a log: to change the consent, add a new entry."), "blue");
		}
	},
	party_type(frm) {
		frm.set_value("party", "");
	},
});
