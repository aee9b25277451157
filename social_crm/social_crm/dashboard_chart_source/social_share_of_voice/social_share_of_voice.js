frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Social Share of Voice"] = {
	method: "social_crm.social_crm.dashboard_chart_source.social_share_of_voice.social_share_of_voice.get",
	filters: [
		{
			fieldname: "days",
			label: __("Days"),
			fieldtype: "Int",
			default: 30,
		},
	],
};
