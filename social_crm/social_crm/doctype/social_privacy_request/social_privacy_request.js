// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Privacy Request", {
	refresh(frm) {
		if (frm.doc.status !== "Pending Approval") return;
		const decide = (method, args, message) =>
			frappe
				.call({ method, args: { name: frm.doc.name, ...args }, freeze: true })
				.then(() => {
					frappe.show_alert({ message, indicator: "green" });
					frm.reload_doc();
				});
		frm.add_custom_button(__("Approve"), () => {
			const question =
				frm.doc.request_type === "Erasure"
					? __("Erase all social data of this person now? This cannot be undone.")
					: __("Export this person's social data and email it to {0}?", [frm.doc.email]);
			frappe.confirm(question, () =>
				decide("social_crm.api.my_social.approve_request", {}, __("Request carried out"))
			);
		}).addClass("btn-primary");
		frm.add_custom_button(__("Reject"), () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") },
				(values) => decide("social_crm.api.my_social.reject_request", values, __("Request rejected")),
				__("Reject Request"),
				__("Reject")
			);
		});
	},
});
