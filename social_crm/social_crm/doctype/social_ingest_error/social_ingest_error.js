// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Ingest Error", {
	refresh(frm) {
		if (frm.doc.status !== "Resolved" && frm.perm[0]?.write) {
			frm.add_custom_button(__("Retry"), () => {
				frm.call("retry_now").then((r) => {
					frappe.show_alert({
						message: __("Retry: {0}", [__(r.message)]),
						indicator: frm.doc.status === "Resolved" ? "green" : "orange",
					});
					frm.reload_doc();
				});
			});
		}
		const colors = { Open: "red", Retried: "orange", Resolved: "green" };
		frm.page.set_indicator(__(frm.doc.status), colors[frm.doc.status]);
	},
});
