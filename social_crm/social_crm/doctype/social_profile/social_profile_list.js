frappe.listview_settings["Social Profile"] = {
	add_fields: ["party", "do_not_auto_link", "match_status"],
	get_indicator(doc) {
		if (doc.party) return [__("Linked"), "green", "party,is,set"];
		if (doc.do_not_auto_link) return [__("Do Not Auto-Link"), "gray", "do_not_auto_link,=,1"];
		if (doc.match_status === "Needs Review") return [__("Needs Review"), "orange", "match_status,=,Needs Review"];
		return [__("Unlinked"), "orange", "party,is,not set"];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Review Queue"), () => {
			listview.filter_area.clear(false).then(() => listview.filter_area.add([["Social Profile", "match_status", "=", "Needs Review"]]));
		});
		const run = (method, label, done_message) =>
			listview.page.add_actions_menu_item(label, () => {
				const names = listview.get_checked_items(true);
				if (!names.length) return;
				frappe
					.call({ method: `social_crm.api.linking.${method}`, args: { profiles: names }, freeze: true })
					.then(({ message }) => {
						frappe.show_alert({ message: done_message(message), indicator: "green" });
						listview.clear_checked_items();
						listview.refresh();
					});
			});
		if (frappe.model.can_write("Social Profile")) {
			run("accept_best", __("Accept Best Candidate"), (m) =>
				__("{0} linked, {1} skipped", [m.accepted.length, m.skipped.length])
			);
			run("reject_all", __("Reject Candidates"), (m) => __("{0} profiles rejected", [m.rejected.length]));
		}
		if (frappe.model.can_create("Lead")) {
			run("create_leads", __("Create Lead"), (m) => __("{0} Leads created, {1} already linked", [m.created, m.existing]));
		}
	},
};
