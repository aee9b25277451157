// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Alert", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("View Mentions"), () => {
			const options = {
				listening_rule: frm.doc.listening_rule,
				posted_at: ["between", [frm.doc.mentions_from, frm.doc.mentions_to]],
			};
			if (frm.doc.kind === "Sentiment Swing") options.sentiment = "Negative";
			frappe.set_route("List", "Mention", options);
		});
		if (frm.doc.status === "Open" && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Acknowledge"), () => {
				frm.set_value("status", "Acknowledged");
				frm.save();
			});
		}
		const color = frm.doc.kind === "Sentiment Swing" ? "red" : "orange";
		frm.page.set_indicator(__(frm.doc.kind), color);
	},
});
