frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Social Volume by Platform"] = {
	method: "social_crm.social_crm.dashboard_chart_source.social_volume_by_platform.social_volume_by_platform.get",
	filters: [
		{
			fieldname: "days",
			label: __("Days"),
			fieldtype: "Int",
			default: 30,
		},
	],
};
