// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

// "Create Issue" on a Mention: a support case for the author's party, one per conversation.
frappe.ui.form.on("Mention", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.issue) {
			frm.add_custom_button(__("Issue {0}", [frm.doc.issue]), () =>
				frappe.set_route("Form", "Issue", frm.doc.issue)
			, __("View"));
			return;
		}
		if (!frappe.model.can_create("Issue") || frm.doc.anonymized) return;
		frm.add_custom_button(__("Create Issue"), () => {
			frappe.call({
				method: "social_crm.api.support.create_issue",
				type: "POST",
				args: { mention: frm.doc.name },
				freeze: true,
				callback: ({ message }) => {
					if (!message) return;
					frm.reload_doc();
					frappe.show_alert({ message: __("Issue {0} opened", [message]), indicator: "green" });
				},
			});
		}, __("Create"));
	},
});
