// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Mention", {
	refresh(frm) {
		if (frm.doc.url) {
			frm.add_web_link(frm.doc.url, __("Open Post on {0}", [frm.doc.platform]));
		}
		if (frm.doc.sentiment) {
			const color = { Positive: "green", Neutral: "gray", Negative: "red" }[frm.doc.sentiment];
			frm.page.set_indicator(__(frm.doc.sentiment), color);
		}
	},
});
