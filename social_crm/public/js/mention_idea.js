// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

// "Create Idea" on a Mention: the idea keeps the mention and its author's profile and party.
frappe.ui.form.on("Mention", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_create("Idea")) return;
		frappe.db.get_value("Idea", { source_mention: frm.doc.name }, "name").then(({ message }) => {
			if (message && message.name) {
				frm.add_custom_button(__("Idea {0}", [message.name]), () =>
					frappe.set_route("Form", "Idea", message.name)
				, __("View"));
				return;
			}
			frm.add_custom_button(__("Create Idea"), () => {
				frappe.call({
					method: "social_crm.api.ideas.create_idea_from_mention",
					args: { mention: frm.doc.name },
					freeze: true,
					callback: ({ message }) => message && frappe.set_route("Form", "Idea", message),
				});
			}, __("Create"));
		});
	},
});
