// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Response Times"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -29),
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
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Assignee", "Platform", "Week"],
			default: "Assignee",
		},
		{
			fieldname: "platform",
			label: __("Platform"),
			fieldtype: "Select",
			options: ["", "Mastodon", "Bluesky", "Reddit", "Hacker News", "Discourse", "RSS", "YouTube", "Webhook", "Other"],
		},
		{ fieldname: "assigned_to", label: __("Assigned To"), fieldtype: "Link", options: "User" },
	],
};
