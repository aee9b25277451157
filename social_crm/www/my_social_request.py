"""/my-social/request: people without a website user ask for their social data (or its erasure) by email."""

import json

import frappe
from frappe import _

from social_crm.engine.privacy.requests import LINK_VALID_HOURS

no_cache = 1


def get_context(context):
	context.no_cache = 1
	context.title = _("Your Social Data")
	context.link_valid_hours = LINK_VALID_HOURS
	context.is_guest = frappe.session.user == "Guest"
	context.i18n_json = json.dumps(
		{
			"error": _("Something went wrong. Please try again."),
			"rate_limited": _("Too many requests. Please wait a little and try again."),
		}
	)
