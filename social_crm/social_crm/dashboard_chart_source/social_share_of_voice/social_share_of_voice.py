# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe

from social_crm.insight.dashboard import serve_chart, share_of_voice


@frappe.whitelist()
@frappe.read_only()  # only reads: a read replica may serve it (site_config read_from_replica)
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
	refresh=None,
):
	# cached per permission scope, never per chart only (insight/dashboard.py)
	return serve_chart(share_of_voice, chart_name, chart, filters, refresh or no_cache)
