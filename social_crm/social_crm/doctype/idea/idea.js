// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Idea", {
	setup(frm) {
		frm.set_query("party_type", () => ({
			filters: { name: ["in", ["Customer", "Lead", "Contact"]] },
		}));
		frm.set_query("duplicate_of", () => ({ filters: { name: ["!=", frm.doc.name] } }));
	},
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Votes"), () => {
				frappe.set_route("List", "Idea Vote", { idea: frm.doc.name });
			}, __("View"));
		}
	},
});
