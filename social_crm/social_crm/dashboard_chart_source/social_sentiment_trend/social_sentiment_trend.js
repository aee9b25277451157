frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Social Sentiment Trend"] = {
	method: "social_crm.social_crm.dashboard_chart_source.social_sentiment_trend.social_sentiment_trend.get",
	filters: [
		{
			fieldname: "days",
			label: __("Days"),
			fieldtype: "Int",
			default: 30,
		},
	],
};
