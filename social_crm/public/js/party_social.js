// Social summary on Customer, Lead and Contact: counts per sentiment and a weekly trend.
// Rendered into the "social_summary" HTML field that Social CRM adds on install.

frappe.provide("social_crm");

social_crm.render_social_summary = function (frm) {
	const field = frm.get_field("social_summary");
	if (!field || frm.is_new()) return;
	const $wrapper = $(field.wrapper).empty();
	frappe
		.call({
			method: "social_crm.api.social_history.get_social_summary",
			args: { party_type: frm.doctype, party: frm.doc.name },
		})
		.then((r) => {
			const data = r.message;
			if (!data) return;
			const pills = Object.keys(data.counts)
				.map(
					(label) =>
						`<span class="indicator-pill ${social_crm.sentiment_color(label)} mr-2">${__(label)}: ${data.counts[label]}</span>`
				)
				.join("");
			const route = frm.doctype === "Customer"
				? `customer=${encodeURIComponent(frm.doc.name)}`
				: `party_type=${encodeURIComponent(frm.doctype)}&party=${encodeURIComponent(frm.doc.name)}`;
			$wrapper.html(`
				<div class="social-crm-summary">
					<div class="mb-2">
						<strong>${__("Mentions")}: ${data.total}</strong>
						<span class="text-muted ml-2">${__("Profiles")}: ${data.profiles} · ${__("Ideas")}: ${data.ideas}</span>
						<a class="ml-2 small" href="/app/mention?${route}">${__("View all")}</a>
					</div>
					<div class="mb-2">${pills}</div>
					<div class="social-crm-trend"></div>
				</div>`);
			if (data.total) {
				new frappe.Chart($wrapper.find(".social-crm-trend")[0], {
					title: __("Sentiment by week"),
					type: "bar",
					height: 160,
					barOptions: { stacked: 1 },
					colors: ["#28a745", "#98a2b3", "#e24c4c"],
					data: {
						// ISO week starts shown short ("16 Nov") so all twelve fit
						labels: data.trend.labels.map((label) =>
							new Date(label + "T00:00:00").toLocaleDateString(frappe.boot.lang || "en", {
								day: "numeric",
								month: "short",
							})
						),
						datasets: data.trend.datasets,
					},
				});
			}
		});
};

["Customer", "Lead", "Contact"].forEach((doctype) => {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			social_crm.render_social_summary(frm);
		},
	});
});
