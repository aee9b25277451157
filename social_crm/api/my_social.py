"""/my-social endpoints: a person manages the social data we store about them (see privacy.requests).

Logged-in website users (allow_guest is off): overview, unlink a profile that is not theirs, grant
or withdraw consent, download their data, request erasure. Guests: ask for a signed link by
email, and confirm it. The desk: approve or reject a request. Everything that changes state is
POST only and rate-limited per IP address.
"""

import json

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import cint, validate_email_address

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy import requests as engine
from social_crm.privacy import requests

HOUR = 60 * 60


def _ensure_confirmed(confirm) -> None:
	if not cint(confirm):
		frappe.throw(_("Please confirm this step first"), title=_("Confirmation Needed"))


def _request_type(value: str) -> str:
	try:
		return engine.normalize_request_type(value)
	except InvalidRecord:
		frappe.throw(_("Unknown request type {0}; choose Access or Erasure").format(frappe.bold(value)))


@frappe.whitelist()
def get_overview() -> dict:
	"""Profiles (and why they are linked), mentions, ideas and consent of the session user."""
	return requests.overview()


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=20, seconds=HOUR)
def unlink_profile(profile: str, confirm: int = 0) -> dict:
	requests.ensure_own_profile(profile)
	_ensure_confirmed(confirm)
	return requests.unlink(profile)


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=30, seconds=HOUR)
def set_consent(purpose: str, granted: int = 0) -> dict:
	entries = requests.set_consent(purpose, bool(cint(granted)))
	return {"entries": entries, "consent": requests.consent_overview(requests.portal_subjects())}


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=10, seconds=HOUR)
def download_my_data():
	"""The desk's JSON export of each of the user's parties (with its audit rows), as a file."""
	subjects = requests.portal_subjects()
	if not subjects:
		frappe.throw(_("We store no social data about you"))
	data = requests.export_for(subjects)
	frappe.response["filename"] = "my-social-data.json"
	frappe.response["filecontent"] = json.dumps(data, indent=1, default=str, ensure_ascii=False)
	frappe.response["type"] = "download"


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=5, seconds=HOUR)
def request_erasure(confirm: int = 0) -> dict:
	"""A request a Social CRM Manager approves; the erasure then runs as on the desk."""
	_ensure_confirmed(confirm)
	subjects = requests.portal_subjects()
	if not subjects:
		frappe.throw(_("We store no social data about you"))
	user = frappe.session.user
	email = frappe.db.get_value("User", user, "email") or user
	name = requests.create_request(engine.ERASURE, subjects, email, requests.PORTAL, user=user)
	return {"request": name}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=5, seconds=HOUR)
@rate_limit(key="email", limit=3, seconds=HOUR, ip_based=False)
def request_by_email(email: str, request_type: str = "Access") -> dict:
	"""Send a signed, expiring link to ``email`` when we store data about it. The answer is the
	same whether or not the address is known, so nobody learns who is in the CRM."""
	request_type = _request_type(request_type)
	address = validate_email_address((email or "").strip(), throw=False)
	if not address:
		frappe.throw(_("Please enter a valid email address"))
	requests.send_request_link(address, request_type)
	return {
		"message": _(
			"If we store social data about {0}, we have sent a confirmation link to it. The link is valid for {1} hours."
		).format(address, engine.LINK_VALID_HOURS)
	}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=10, seconds=HOUR)
def confirm_request(query: str) -> dict:
	"""Confirm the request of an emailed link (its signed query string); a manager then approves it."""
	name = requests.confirm_link(query)
	if not name:
		frappe.throw(_("This link is invalid or expired. Please ask for a new one."), frappe.PermissionError)
	return {"message": _("Thank you. Your request was received; we will answer it by email.")}


@frappe.whitelist(methods=["POST"])
def approve_request(name: str) -> dict:
	return requests.approve(name)


@frappe.whitelist(methods=["POST"])
def reject_request(name: str, reason: str | None = None) -> dict:
	return requests.reject(name, reason)
