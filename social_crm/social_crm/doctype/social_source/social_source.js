// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Source", {
	refresh(frm) {
		const colors = { Healthy: "green", Degraded: "orange", Failing: "red" };
		if (frm.doc.health && !frm.is_new()) {
			frm.page.set_indicator(__(frm.doc.health), colors[frm.doc.health]);
		}
		if (frm.is_new()) return;
		const backlog = (frm.doc.__onload || {}).ingest_backlog;
		if (backlog) {
			frm.dashboard.add_indicator(__("Waiting in the ingest buffer: {0}", [format_number(backlog, null, 0)]), "orange");
		}
		if (frm.doc.token_expires_at) {
			const days = frappe.datetime.get_day_diff(frm.doc.token_expires_at, frappe.datetime.now_datetime());
			if (days <= 14) {
				frm.dashboard.set_headline_alert(
					days < 0
						? __("The access token expired on {0}: renew it.", [frappe.datetime.str_to_user(frm.doc.token_expires_at)])
						: __("The access token expires on {0}: renew it soon.", [frappe.datetime.str_to_user(frm.doc.token_expires_at)]),
					days < 0 ? "red" : "orange"
				);
			}
		}
		const is_manager = social_crm.is_social_manager();
		if (is_manager && frm.doc.platform !== "Webhook") {
			frm.add_custom_button(__("Test Connection"), () => {
				frm.call({ method: "test_connection", doc: frm.doc, freeze: true }).then((r) => {
					if (r.message) frappe.msgprint({ message: r.message, indicator: "green", title: __("Test Connection") });
					frm.reload_doc(); // Test Connection records the token's expiry and the platform's limits
				});
			});
			frm.add_custom_button(__("Poll Now"), () => {
				frm.call({ method: "poll_now", doc: frm.doc }).then((r) => {
					frappe.show_alert({ message: r.message, indicator: "blue" });
				});
			});
		}
		if (social_crm.is_social_crm_user()) {
			frm.add_custom_button(__("Import JSONL / CSV"), () => social_crm_import(frm), __("Actions"));
		}
		frm.add_custom_button(
			__("Ingest Errors"),
			() => frappe.set_route("List", "Social Ingest Error", { source: frm.doc.name }),
			__("Actions")
		);
	},
});

function social_crm_import(frm) {
	new frappe.ui.FileUploader({
		// attached to the source: erasure finds the people's posts in imported files
		doctype: frm.doctype,
		docname: frm.docname,
		restrictions: { allowed_file_types: [".jsonl", ".json", ".ndjson", ".csv"] },
		on_success(file) {
			frappe
				.call({
					method: "social_crm.api.ingest.import_file",
					args: { file_url: file.file_url, source: frm.doc.name },
					freeze: true,
					freeze_message: __("Importing..."),
				})
				.then((r) => {
					const out = r.message || {};
					if (out.queued) {
						frappe.msgprint(__("{0} records are being imported in the background.", [out.records]));
						return;
					}
					const lines = Object.entries(out.summary || {}).map(
						([status, count]) => `${count} ${__(status)}`
					);
					const problems = (out.results || [])
						.filter((row) => row.reason && ["rejected", "failed"].includes(row.status))
						.slice(0, 20)
						.map((row) => `#${row.index + 1}: ${frappe.utils.escape_html(row.reason)}`);
					frappe.msgprint({
						title: __("Import"),
						message: [lines.join(", "), ...problems].join("<br>"),
						indicator: problems.length ? "orange" : "green",
					});
				});
		},
	});
}

frappe.realtime.on("social_crm_import_done", (data) => {
	const lines = Object.entries(data.summary || {}).map(([status, count]) => `${count} ${__(status)}`);
	frappe.show_alert({ message: __("Import finished: {0}", [lines.join(", ")]), indicator: "green" }, 10);
});
