// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Profile", {
	setup(frm) {
		frm.set_query("party_type", () => ({
			filters: { name: ["in", ["Customer", "Lead", "Contact"]] },
		}));
	},
	refresh(frm) {
		if (frm.doc.profile_url) {
			frm.add_web_link(frm.doc.profile_url, __("Open Profile on {0}", [frm.doc.platform]));
		}
		if (!frm.is_new()) {
			frm.add_custom_button(__("Mentions"), () => {
				frappe.set_route("List", "Mention", { author: frm.doc.name });
			}, __("View"));
		}
		if (frm.doc.party) {
			frm.add_custom_button(__("Unlink"), () => {
				frappe.confirm(__("Unlink this profile from {0} {1}?", [__(frm.doc.party_type), frm.doc.party_name || frm.doc.party]), () => {
					frm.set_value({ party_type: "", party: "" }).then(() => frm.save());
				});
			});
		}
	},
	party_type(frm) {
		frm.set_value("party", "");
	},
});
