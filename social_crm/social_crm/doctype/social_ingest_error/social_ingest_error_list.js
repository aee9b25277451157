// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.listview_settings["Social Ingest Error"] = {
	get_indicator(doc) {
		const colors = { Open: "red", Retried: "orange", Resolved: "green" };
		return [__(doc.status), colors[doc.status], "status,=," + doc.status];
	},
	onload(listview) {
		listview.page.add_action_item(__("Retry"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			frappe
				.call(
					"social_crm.social_crm.doctype.social_ingest_error.social_ingest_error.retry_errors",
					{ names }
				)
				.then((r) => {
					const out = r.message || {};
					const message = out.queued
						? __("{0} errors queued for retry", [out.queued])
						: Object.entries(out)
								.map(([status, count]) => `${count} ${__(status)}`)
								.join(", ") || __("Nothing to retry");
					frappe.show_alert({ message, indicator: "blue" });
					listview.refresh();
				});
		});
	},
};
