// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Social Profile", {
	setup(frm) {
		frm.set_query("party_type", () => ({
			filters: { name: ["in", ["Customer", "Lead", "Contact"]] },
		}));
	},
	refresh(frm) {
		if (frm.doc.profile_url) {
			frm.add_web_link(frm.doc.profile_url, __("Open Profile on {0}", [frm.doc.platform]));
		}
		if (!frm.is_new()) {
			frm.add_custom_button(__("Mentions"), () => {
				frappe.set_route("List", "Mention", { author: frm.doc.name });
			}, __("View"));
		}
		if (frm.doc.party) {
			frm.add_custom_button(__("Unlink"), () => {
				frappe.confirm(__("Unlink this profile from {0} {1}?", [__(frm.doc.party_type), frm.doc.party_name || frm.doc.party]), () => {
					frm.set_value({ party_type: "", party: "" }).then(() => frm.save());
				});
			});
		}
	},
	party_type(frm) {
		frm.set_value("party", "");
	},
});

// Linking: review queue (candidates with score and reasons), Create Lead, Match Again (social_crm.api.linking)
frappe.ui.form.on("Social Profile", {
	refresh(frm) {
		if (frm.is_new()) return;
		const can_write = frm.perm[0] && frm.perm[0].write;
		if (frappe.model.can_create("Lead") && !frm.doc.anonymized) {
			frm.add_custom_button(__("Create Lead"), () => social_crm.create_lead({ profile: frm.doc.name }));
		}
		if (can_write && !frm.doc.party && !frm.doc.do_not_auto_link) {
			frm.add_custom_button(__("Match Again"), () =>
				frappe
					.call({ method: "social_crm.api.linking.match_again", args: { profile: frm.doc.name }, freeze: true })
					.then(() => frm.reload_doc())
			);
		}
		if (frm.doc.match_status === "Needs Review") {
			frm.page.set_indicator(__("Needs Review"), "orange");
		}
		if (!frm.doc.party && frm.doc.match_candidates) {
			social_crm_linking.show_candidates(frm, can_write);
		}
	},
});

window.social_crm_linking = {
	show_candidates(frm, can_write) {
		frappe
			.call({ method: "social_crm.api.linking.get_candidates", args: { profile: frm.doc.name } })
			.then(({ message }) => {
				if (!message || (!message.candidates.length && !message.hidden)) return;
				const esc = frappe.utils.escape_html;
				const rows = message.candidates
					.map((c, i) => {
						const reasons = c.reasons
							.map((r) => `<li>${esc(r.detail || r.signal)} <span class="text-muted">(${esc(String(r.weight))})</span></li>`)
							.join("");
						const link = c.readable
							? `<a href="/app/${esc(frappe.router.slug(c.party_type))}/${encodeURIComponent(c.party)}">${esc(c.title)}</a>`
							: esc(c.title);
						const actions = can_write
							? `<button class="btn btn-xs btn-primary" data-action="accept" data-index="${i}">${esc(__("Accept"))}</button>
							   <button class="btn btn-xs btn-default" data-action="reject" data-index="${i}">${esc(__("Reject"))}</button>`
							: "";
						return `<tr>
							<td>${esc(__(c.party_type))}: ${link}</td>
							<td><b>${esc(String(Math.round(c.score * 100)))}%</b></td>
							<td><ul class="mb-0 pl-3">${reasons}</ul></td>
							<td class="text-nowrap">${actions}</td>
						</tr>`;
					})
					.join("");
				const hidden = message.hidden
					? `<p class="text-muted small">${esc(__("{0} more candidates you may not read", [message.hidden]))}</p>`
					: "";
				const note = (message.note ? `<p class="text-muted small">${esc(message.note)}</p>` : "") + hidden;
				const html = $(`<div>${note}<table class="table table-sm table-bordered mb-0">
					<thead><tr><th>${esc(__("Party"))}</th><th>${esc(__("Score"))}</th><th>${esc(__("Reasons"))}</th><th></th></tr></thead>
					<tbody>${rows}</tbody></table></div>`);
				html.on("click", "button[data-action]", (e) => {
					const c = message.candidates[$(e.currentTarget).attr("data-index")];
					const accept = $(e.currentTarget).attr("data-action") === "accept";
					frappe
						.call({
							method: `social_crm.api.linking.${accept ? "accept_candidate" : "reject_candidate"}`,
							args: { profile: frm.doc.name, party_type: c.party_type, party: c.party },
							freeze: true,
						})
						.then(() => frm.reload_doc());
				});
				frm.dashboard.add_section(html, __("Match Candidates"));
				frm.dashboard.show();
			});
	},
};
