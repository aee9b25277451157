// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Alert", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("View Mentions"), () => {
			// The list's "between" filter on a Datetime keeps only the dates (whole days), so
			// open the mentions of the rule from the episode's start on: the episode and since.
			const options = {
				listening_rule: frm.doc.listening_rule,
				posted_at: [">=", frm.doc.mentions_from],
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
