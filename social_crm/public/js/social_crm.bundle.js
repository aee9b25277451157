// Desk-wide helpers of Social CRM, loaded on every desk page (hooks: app_include_js).

frappe.provide("social_crm");

// The app's roles as social_crm/permissions.py names them, and the checks the forms use
// (the server checks again; these only decide which buttons to show).
social_crm.roles = {
	MANAGER: "Social CRM Manager",
	USER: "Social CRM User",
	SYSTEM_MANAGER: "System Manager",
};
social_crm.is_social_manager = () => frappe.user.has_role(social_crm.roles.MANAGER);
social_crm.is_social_crm_user = () =>
	frappe.user.has_role([social_crm.roles.MANAGER, social_crm.roles.USER, social_crm.roles.SYSTEM_MANAGER]);
// export, erasure, retention runs (permissions.MANAGER_ROLES)
social_crm.is_privacy_officer = () =>
	frappe.user.has_role([social_crm.roles.MANAGER, social_crm.roles.SYSTEM_MANAGER]);

// Indicator colour of a sentiment label (as overrides/party.py SENTIMENT_COLORS on the timeline)
social_crm.sentiment_colors = { Positive: "green", Neutral: "gray", Negative: "red" };
social_crm.sentiment_color = (label) => social_crm.sentiment_colors[label] || "gray";

// The sentiment labels as dialog options: the Mention's Select options (tests/test_sentiment_labels.py
// keeps them equal to the engine's LABELS), not a copy.
social_crm.sentiment_options = function () {
	const field = frappe.meta.get_docfield("Mention", "sentiment");
	return ((field && field.options) || "")
		.split("\n")
		.filter(Boolean)
		.map((value) => ({ value, label: __(value) }));
};

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
