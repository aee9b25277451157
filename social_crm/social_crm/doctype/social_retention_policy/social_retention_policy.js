// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Retention Policy", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Preview"), () => {
			frm.call("preview").then((r) => {
				const data = r.message || {};
				if (!data.available) {
					frappe.msgprint(__("{0} is not installed on this site; nothing to do.", [data.doctype]));
					return;
				}
				frappe.msgprint({
					title: __("Preview"),
					indicator: data.count ? "orange" : "green",
					message: __("{0} {1} record(s) would be handled now ({2}). Nothing was changed.", [
						data.count,
						__(data.doctype),
						__(data.action),
					]),
				});
			});
		});
		if (social_crm.is_privacy_officer() && frm.doc.enabled) {
			frm.add_custom_button(__("Run Now"), () => {
				frappe.confirm(__("Apply this policy now? Records it selects are changed for good."), () => {
					frm.call("run_now").then((r) => frappe.show_alert({ message: r.message, indicator: "green" }));
				});
			});
		}
		frm.add_custom_button(__("Audit Log"), () => {
			frappe.set_route("List", "Social Privacy Log", { policy: frm.doc.name });
		}, __("View"));
	},
});
