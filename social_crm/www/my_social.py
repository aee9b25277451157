"""/my-social: the social data we store about the logged-in visitor, and what they can do about it."""

import json
from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.sessions import get_csrf_token

from social_crm.engine.privacy.consent import PURPOSES
from social_crm.privacy import requests

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?" + urlencode({"redirect-to": "/my-social"})
		raise frappe.Redirect
	if getattr(frappe.local, "session_obj", None):
		get_csrf_token()  # a session gets its CSRF token lazily; the page's POSTs need it
	context.no_cache = 1
	context.show_sidebar = True
	context.title = _("My Social Data")
	context.update(requests.overview())
	context.purpose_text = {
		"Listening": _("Storing and analysing your public posts about us (language, sentiment)"),
		"Linking": _("Connecting your social profiles to your customer record"),
		"Marketing": _("Contacting you with offers and news"),
	}
	context.purpose_text = {p: context.purpose_text[p] for p in PURPOSES}
	context.i18n_json = json.dumps(
		{
			"error": _("Something went wrong. Please try again."),
			"rate_limited": _("Too many requests. Please wait a little and try again."),
			"confirm_unlink": _(
				"Unlink {0}? It will no longer be connected to you, and we will not connect it again."
			),
			"unlinked": _("The profile was unlinked."),
			"granted": _("Thank you, your consent was recorded."),
			"withdrawn": _("Your consent was withdrawn."),
			"confirm_erase": _(
				"Request the erasure of all social data we store about you? A member of our team approves it; "
				"this cannot be undone."
			),
			"erasure_requested": _(
				"Your erasure request was received. We will let you know when it is done."
			),
			"downloaded": _("Your data was downloaded."),
			"cancel": _("Cancel"),
			"yes_unlink": _("Yes, unlink"),
			"yes_erase": _("Yes, request erasure"),
			"allow": _("Allow"),
			"withdraw": _("Withdraw"),
			"allowed_by_you": _("Allowed by you"),
			"withdrawn_by_you": _("Withdrawn by you"),
		}
	)
