frappe.listview_settings["Mention"] = {
	add_fields: ["sentiment", "status"],
	get_indicator(doc) {
		const colors = {
			New: "blue",
			Linked: "green",
			"Needs Review": "orange",
			Converted: "purple",
			Responded: "green",
			Ignored: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		if (!frappe.model.can_write("Mention")) return;
		const bulk = (status, label) =>
			listview.page.add_actions_menu_item(label, () => {
				const names = listview.get_checked_items(true);
				if (!names.length) return;
				frappe
					.call({
						method: "social_crm.api.engagement.bulk_set_status",
						args: { names, status },
						freeze: true,
					})
					.then(({ message }) => {
						const skipped = message.failed.length
							? " " + __("{0} skipped (no permission or invalid)", [message.failed.length])
							: "";
						frappe.show_alert({
							message: __("{0} mentions set to {1}", [message.done.length, __(status)]) + skipped,
							indicator: message.failed.length ? "orange" : "green",
						});
						listview.clear_checked_items();
						// the list skips a refresh with the same arguments within 3 s of the last one
						listview.last_args = null;
						listview.refresh();
					});
			});
		bulk("Responded", __("Mark Responded"));
		listview.page.add_actions_menu_item(__("Correct Sentiment"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			frappe.prompt(
				{
					fieldname: "sentiment",
					fieldtype: "Select",
					label: __("Sentiment"),
					options: social_crm.sentiment_options(),
					reqd: 1,
				},
				({ sentiment }) =>
					frappe
						.call({
							method: "social_crm.listening.learning.correct_sentiment",
							args: { names, sentiment },
							freeze: true,
						})
						.then(({ message }) => {
							frappe.show_alert({
								message: __("Sentiment of {0} mentions corrected", [message.done.length]),
								indicator: message.failed.length ? "orange" : "green",
							});
							listview.clear_checked_items();
							listview.last_args = null;
							listview.refresh();
						}),
				__("Correct Sentiment"),
				__("Save")
			);
		});
		bulk("Ignored", __("Ignore"));
	},
};

// Create Lead from the selected mentions' authors (social_crm.api.linking)
(() => {
	const settings = frappe.listview_settings["Mention"];
	const onload = settings.onload;
	settings.onload = function (listview) {
		if (onload) onload.call(this, listview);
		if (!frappe.model.can_create("Lead")) return;
		listview.page.add_actions_menu_item(__("Create Lead"), () => {
			const mentions = listview.get_checked_items(true);
			if (!mentions.length) return;
			frappe
				.call({ method: "social_crm.api.linking.create_leads", args: { mentions }, freeze: true })
				.then(({ message }) => {
					frappe.show_alert({
						message: __("{0} Leads created, {1} already linked", [message.created, message.existing]),
						indicator: "green",
					});
					listview.clear_checked_items();
					listview.refresh();
				});
		});
	};
})();
