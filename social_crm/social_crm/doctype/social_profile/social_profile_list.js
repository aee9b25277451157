frappe.listview_settings["Social Profile"] = {
	add_fields: ["party", "do_not_auto_link"],
	get_indicator(doc) {
		if (doc.party) return [__("Linked"), "green", "party,is,set"];
		if (doc.do_not_auto_link) return [__("Do Not Auto-Link"), "gray", "do_not_auto_link,=,1"];
		return [__("Unlinked"), "orange", "party,is,not set"];
	},
};
