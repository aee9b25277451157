frappe.listview_settings["Mention"] = {
	add_fields: ["sentiment", "status"],
	get_indicator(doc) {
		const colors = {
			New: "blue",
			Linked: "green",
			"Needs Review": "orange",
			Converted: "purple",
			Responded: "green",
			Ignored: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
