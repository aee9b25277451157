# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils.dashboard import cache_source

from social_crm.insight.dashboard import _days_filter, volume_by_platform


@frappe.whitelist()
@cache_source
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
):
	return volume_by_platform(_days_filter(filters))
