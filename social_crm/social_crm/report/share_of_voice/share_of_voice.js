// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Share of Voice"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: ["Daily", "Weekly", "Monthly"],
			default: "Weekly",
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Brand vs Competitors", "Rule Kind", "Listening Rule"],
			default: "Brand vs Competitors",
		},
		{
			fieldname: "rule_kind",
			label: __("Rule Kind"),
			fieldtype: "Select",
			options: ["", "Brand", "Product", "Competitor", "Person", "Campaign"],
		},
		{
			fieldname: "sentiment",
			label: __("Sentiment Towards Each Voice"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Positive", label: __("Positive") },
				{ value: "Neutral", label: __("Neutral") },
				{ value: "Negative", label: __("Negative") },
			],
		},
		{
			fieldname: "platform",
			label: __("Platform"),
			fieldtype: "Select",
			options: ["", "Mastodon", "Bluesky", "Reddit", "Hacker News", "Discourse", "RSS", "YouTube", "Webhook", "Other"],
		},
	],
};
