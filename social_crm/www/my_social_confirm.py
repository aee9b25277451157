"""/my-social/confirm: the page the emailed, signed link opens; the visitor confirms with a POST."""

import json

import frappe
from frappe import _

from social_crm.privacy import requests

no_cache = 1


def get_context(context):
	context.no_cache = 1
	context.title = _("Confirm Your Request")
	query = frappe.safe_decode(getattr(frappe.request, "query_string", b"") or b"")
	values = requests.verify_link(query)
	context.valid = bool(values)
	context.query = query if values else ""
	context.email = values["email"] if values else ""
	context.request_type = values["type"] if values else ""
	context.i18n_json = json.dumps(
		{
			"error": _("Something went wrong. Please try again."),
			"rate_limited": _("Too many requests. Please wait a little and try again."),
		}
	)
