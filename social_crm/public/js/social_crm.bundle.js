// Desk-wide helpers of Social CRM, loaded on every desk page (hooks: app_include_js).

frappe.provide("social_crm");

// "Create Lead" from a Mention ({mention}) or a Social Profile ({profile}); opens the Lead,
// or the Lead / Customer the author is already linked to (social_crm.api.linking.create_lead).
social_crm.create_lead = function (args) {
	return frappe
		.call({
			method: "social_crm.api.linking.create_lead",
			args,
			freeze: true,
			freeze_message: __("Creating Lead..."),
		})
		.then(({ message }) => {
			frappe.show_alert({
				message: message.created
					? __("Lead {0} created", [message.name])
					: __("Already linked to {0} {1}", [__(message.doctype), message.name]),
				indicator: message.created ? "green" : "blue",
			});
			frappe.set_route("Form", message.doctype, message.name);
		});
};
