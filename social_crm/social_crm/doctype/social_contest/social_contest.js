// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Contest", {
	refresh(frm) {
		if (frm.is_new()) return;
		const call = (method, then) =>
			frappe.call({ method, type: "POST", args: { contest: frm.doc.name }, freeze: true, callback: then });
		if (frm.doc.status === "Open") {
			frm.add_custom_button(__("Collect Entries"), () =>
				call("social_crm.api.contests.collect_entries", ({ message }) => {
					frappe.show_alert({ message: __("{0} new entries", [message || 0]), indicator: "green" });
					frm.reload_doc();
				})
			);
			frm.add_custom_button(__("Draw Winners"), () =>
				frappe.confirm(__("Draw the winners now? This can be done once."), () =>
					call("social_crm.api.contests.draw", () => frm.reload_doc())
				)
			);
		} else {
			frm.add_custom_button(__("Verify Draw"), () =>
				frappe.call({
					method: "social_crm.api.contests.verify_draw",
					args: { contest: frm.doc.name },
					callback: ({ message }) =>
						frappe.msgprint(
							message
								? __("The recorded seed and entries give the recorded winners.")
								: __("The recorded draw does not give the recorded winners.")
						),
				})
			);
		}
	},
});
