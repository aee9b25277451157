// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Mention", {
	refresh(frm) {
		if (frm.doc.url) {
			frm.add_web_link(frm.doc.url, __("Open Post on {0}", [frm.doc.platform]));
		}
		if (frm.doc.sentiment) {
			frm.page.set_indicator(__(frm.doc.sentiment), social_crm.sentiment_color(frm.doc.sentiment));
		}
	},
});

// Working a mention: respond, ignore, reply (social_crm.api.engagement)
frappe.ui.form.on("Mention", {
	refresh(frm) {
		if (frm.is_new() || !frm.perm[0] || !frm.perm[0].write) return;
		const run = (method, args, message) =>
			frappe
				.call({ method: `social_crm.api.engagement.${method}`, args, freeze: true })
				.then(() => {
					frappe.show_alert({ message, indicator: "green" });
					frm.reload_doc();
				});
		if (frm.doc.status !== "Responded") {
			frm.add_custom_button(__("Mark Responded"), () =>
				run("mark_responded", { mention: frm.doc.name }, __("Marked as Responded"))
			);
		}
		if (frm.doc.status !== "Ignored") {
			frm.add_custom_button(__("Ignore"), () =>
				run("mark_ignored", { mention: frm.doc.name }, __("Marked as Ignored"))
			);
		}
		// the platforms and limits of engine/connectors/replies.py MAX_REPLY_CHARS
		const reply_limits = { Mastodon: 500, Bluesky: 300, X: 280, Facebook: 8000, Instagram: 2200, LinkedIn: 1250 };
		if (reply_limits[frm.doc.platform] && frm.doc.source && !frm.doc.anonymized) {
			frm.add_custom_button(__("Reply"), () => {
				const limit = reply_limits[frm.doc.platform];
				const dialog = new frappe.ui.Dialog({
					title: __("Reply on {0}", [frm.doc.platform]),
					fields: [
						{
							fieldname: "text",
							fieldtype: "Small Text",
							label: __("Reply"),
							reqd: 1,
							description: __("At most {0} characters; posted publicly with the source's account", [limit]),
						},
					],
					primary_action_label: __("Send"),
					primary_action({ text }) {
						run("reply", { mention: frm.doc.name, text }, __("Reply sent")).then(() => dialog.hide());
					},
				});
				dialog.show();
			});
		}
	},
});

// Create Lead from the author (social_crm.api.linking)
frappe.ui.form.on("Mention", {
	refresh(frm) {
		if (frm.is_new() || !frm.doc.author || frm.doc.anonymized || !frappe.model.can_create("Lead")) return;
		frm.add_custom_button(__("Create Lead"), () => social_crm.create_lead({ mention: frm.doc.name }));
	},
});

// Learning from the team: a human sentiment label (social_crm.listening.learning)
frappe.ui.form.on("Mention", {
	refresh(frm) {
		if (frm.is_new() || !frm.perm[0] || !frm.perm[0].write) return;
		frm.add_custom_button(__("Correct Sentiment"), () => {
			frappe.prompt(
				{
					fieldname: "sentiment",
					fieldtype: "Select",
					label: __("Sentiment"),
					options: social_crm.sentiment_options(),
					default: frm.doc.human_sentiment || frm.doc.sentiment,
					reqd: 1,
				},
				({ sentiment }) =>
					frappe
						.call({
							method: "social_crm.listening.learning.correct_sentiment",
							args: { names: [frm.doc.name], sentiment },
							freeze: true,
						})
						.then(() => {
							frappe.show_alert({ message: __("Sentiment corrected"), indicator: "green" });
							frm.reload_doc();
						}),
				__("Correct Sentiment"),
				__("Save")
			);
		});
	},
});
