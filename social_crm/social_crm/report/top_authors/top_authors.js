// Copyright (c) 2026, Social CRM Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Top Authors"] = {
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
		{
			fieldname: "platform",
			label: __("Platform"),
			fieldtype: "Select",
			options: ["", "Mastodon", "Bluesky", "Reddit", "Hacker News", "Discourse", "RSS", "YouTube", "Webhook", "Other"],
		},
		{
			fieldname: "linked",
			label: __("Linked to a Party"),
			fieldtype: "Select",
			options: ["", "Linked", "Not Linked"],
		},
		{
			fieldname: "party_type",
			label: __("Party Type"),
			fieldtype: "Select",
			options: ["", "Customer", "Lead", "Contact"],
		},
		{ fieldname: "min_influence", label: __("Minimum Influence"), fieldtype: "Float" },
		{ fieldname: "limit", label: __("Show Top"), fieldtype: "Int", default: 100 },
	],
};
