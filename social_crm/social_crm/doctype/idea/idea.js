// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

const IDEA_STEP_LABELS = {
	"Under Review": __("Start Review"),
	Planned: __("Plan"),
	"In Progress": __("Start Work"),
	Implemented: __("Mark Implemented"),
	Declined: __("Decline"),
	Duplicate: __("Mark as Duplicate"),
	Open: __("Reopen"),
};

frappe.ui.form.on("Idea", {
	setup(frm) {
		frm.set_query("party_type", () => ({
			filters: { name: ["in", ["Customer", "Lead", "Contact"]] },
		}));
		frm.set_query("duplicate_of", () => ({ filters: { name: ["!=", frm.doc.name] } }));
	},
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Votes"),
			() => frappe.set_route("List", "Idea Vote", { idea: frm.doc.name }),
			__("View")
		);
		if (frm.doc.is_public) {
			frm.add_web_link(`/ideas/${encodeURIComponent(frm.doc.name)}`, __("See on Portal"));
		}
		if (!frm.perm[0].write || frm.is_dirty()) return;
		frappe
			.xcall("social_crm.api.ideas.get_next_statuses", { status: frm.doc.status })
			.then((statuses) => {
				(statuses || []).forEach((status) => {
					const label = IDEA_STEP_LABELS[status] || __(status);
					const action = () => social_crm_idea.change_status(frm, status);
					if (["Declined", "Duplicate"].includes(status)) {
						frm.add_custom_button(label, action, __("Status"));
					} else {
						frm.add_custom_button(label, action).addClass("btn-primary");
					}
				});
				if ((statuses || []).includes("Duplicate")) {
					frm.add_custom_button(__("Merge into..."), () => social_crm_idea.merge(frm), __("Status"));
				}
			});
	},
});

const social_crm_idea = {
	change_status(frm, status) {
		if (status === "Duplicate") return this.merge(frm);
		const send = (reason) =>
			frappe
				.xcall("social_crm.api.ideas.set_status", { name: frm.doc.name, status, reason })
				.then(() => frm.reload_doc());
		if (status !== "Declined") return send(null);
		frappe.prompt(
			[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
			(values) => send(values.reason),
			__("Decline Idea"),
			__("Decline")
		);
	},

	merge(frm) {
		const dialog = new frappe.ui.Dialog({
			title: __("Merge into another idea"),
			fields: [
				{
					fieldname: "target",
					fieldtype: "Link",
					options: "Idea",
					label: __("Keep this idea"),
					reqd: 1,
					get_query: () => ({
						filters: {
							name: ["!=", frm.doc.name],
							status: ["in", ["Open", "Under Review", "Planned", "In Progress"]],
						},
					}),
				},
				{ fieldname: "similar", fieldtype: "HTML" },
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") },
				{
					fieldname: "help",
					fieldtype: "HTML",
					options: `<p class="text-muted small">${__(
						"This idea becomes a Duplicate; its votes move to the idea you keep. People who voted for both count once."
					)}</p>`,
				},
			],
			primary_action_label: __("Merge"),
			primary_action(values) {
				frappe
					.xcall("social_crm.api.ideas.merge_idea", {
						duplicate: frm.doc.name,
						target: values.target,
						reason: values.reason,
					})
					.then((r) => {
						dialog.hide();
						frappe.show_alert({
							message: __("{0} votes moved, {1} voters had already voted there", [r.moved, r.skipped]),
							indicator: "green",
						});
						frm.reload_doc();
					});
			},
		});
		dialog.show();
		frappe.xcall("social_crm.api.ideas.similar_to_idea", { name: frm.doc.name }).then((rows) => {
			if (!rows || !rows.length) return;
			const wrapper = dialog.fields_dict.similar.$wrapper;
			wrapper.html(`<p class="small text-muted">${__("Similar ideas")}</p>`);
			const list = $('<div class="list-group mb-3"></div>').appendTo(wrapper);
			rows.forEach((row) => {
				$('<a href="#" class="list-group-item list-group-item-action small"></a>')
					.text(`${row.title} (${row.name}, ${row.vote_count} ${__("votes")})`)
					.on("click", (e) => {
						e.preventDefault();
						dialog.set_value("target", row.name);
					})
					.appendTo(list);
			});
		});
	},
};
