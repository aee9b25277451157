// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Mentions by Item"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -89),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "item", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
		{
			fieldname: "platform",
			label: __("Platform"),
			fieldtype: "Select",
			options: ["", "Mastodon", "Bluesky", "Reddit", "Hacker News", "Discourse", "RSS", "YouTube", "Webhook", "Other"],
		},
	],
};
