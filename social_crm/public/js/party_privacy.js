// Data protection on Social Profile, Customer, Lead and Contact: a consent indicator and
// "Export Social Data" / "Erase Social Data" for Social CRM Managers and System Managers.

frappe.provide("social_crm.privacy");

social_crm.privacy.setup = function (frm) {
	if (frm.is_new()) return;
	social_crm.privacy.show_consent(frm);
	if (!social_crm.is_privacy_officer()) return;
	const group = __("Social Data");
	frm.add_custom_button(__("Record Consent"), () => {
		const values = frm.doctype === "Social Profile"
			? { social_profile: frm.doc.name }
			: { party_type: frm.doctype, party: frm.doc.name };
		frappe.new_doc("Social Consent Entry", values);
	}, group);
	frm.add_custom_button(__("Export Social Data"), () => {
		open_url_post("/api/method/social_crm.api.privacy.export_social_data", {
			doctype: frm.doctype,
			name: frm.doc.name,
		});
	}, group);
	frm.add_custom_button(__("Erase Social Data"), () => {
		frappe.confirm(
			__("Erase all social data of {0}? Mentions and votes are deleted, profiles and ideas anonymized. This cannot be undone.", [frm.doc.name]),
			() => {
				frappe.call({
					method: "social_crm.api.privacy.erase_social_data",
					args: { doctype: frm.doctype, name: frm.doc.name },
				});
			}
		);
	}, group);
};

// The erasure runs as a background job: Frappe shows its progress; this shows its report.
social_crm.privacy.erasure_done = function (data) {
	const rows = Object.entries(data.report || {})
		.filter(([, count]) => count)
		.map(([key, count]) => `<tr><td>${frappe.utils.escape_html(key)}</td><td>${count}</td></tr>`);
	frappe.hide_progress();
	frappe.msgprint({
		title: __("Social data erased"),
		message: `<p>${__("{0} {1}: what was removed where (audit log {2})", [
			__(data.doctype),
			frappe.utils.escape_html(data.name),
			`<a href="/app/social-privacy-log/${encodeURIComponent(data.log)}">${frappe.utils.escape_html(data.log)}</a>`,
		])}</p><table class="table table-condensed">${rows.join("")}</table>`,
		indicator: "green",
	});
	const frm = window.cur_frm;
	if (frm && frm.doctype === data.doctype && frm.doc.name === data.name) frm.reload_doc();
};
if (!social_crm.privacy.listening) {
	// this file may be loaded once per doctype: listen once
	social_crm.privacy.listening = true;
	frappe.realtime.on("social_crm_erasure_done", social_crm.privacy.erasure_done);
}

social_crm.privacy.show_consent = function (frm) {
	frappe
		.call({
			method: "social_crm.api.privacy.get_consent_overview",
			args: { doctype: frm.doctype, name: frm.doc.name },
		})
		.then((r) => {
			const data = r.message;
			if (!data) return;
			if (data.blocked && data.blocked.length) {
				frm.dashboard.add_indicator(
					__("Social consent withdrawn: {0}", [data.blocked.map((p) => __(p)).join(", ")]),
					"red"
				);
			} else if (data.summary) {
				frm.dashboard.add_indicator(__("Social consent: {0}", [data.summary]), "blue");
			}
		});
};

["Social Profile", "Customer", "Lead", "Contact"].forEach((doctype) => {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			social_crm.privacy.setup(frm);
		},
	});
});
