"""Data-protection endpoints: consent overview, export and erasure of one subject's social data."""

import json

import frappe
from frappe import _

from social_crm.privacy.audit import ensure_privacy_officer
from social_crm.privacy.consent import state_for_party, state_for_profile
from social_crm.privacy.erasure import request_erasure
from social_crm.privacy.subject import export, validate_subject


@frappe.whitelist()
def get_consent_overview(doctype: str, name: str) -> dict:
	"""Consent state of a Social Profile, or of a party and each of its profiles (for the form)."""
	validate_subject(doctype, name)
	frappe.has_permission(doctype, "read", doc=name, throw=True)
	if doctype == "Social Profile":
		state = state_for_profile(name)
		return {"summary": state.summary(), "blocked": state.blocked(), "profiles": []}
	party_entries = frappe.get_all(
		"Social Consent Entry",
		filters={"party_type": doctype, "party": name, "social_profile": ("is", "not set")},
		pluck="name",
	)
	profiles = frappe.get_all(
		"Social Profile",
		filters={"party_type": doctype, "party": name},
		fields=["name", "platform", "handle", "consent_state"],
		order_by="name",
		limit=50,
	)
	state = state_for_party(doctype, name)
	blocked = set(state.blocked())
	for profile in profiles:
		profile["blocked"] = state_for_profile(profile.name).blocked()
		blocked.update(profile["blocked"])
	return {
		"summary": state.summary() if party_entries else "",
		"blocked": sorted(blocked),
		"profiles": profiles,
	}


@frappe.whitelist(methods=["POST"])
def export_social_data(doctype: str, name: str, download: int = 1):
	"""JSON of all profiles, mentions, ideas, votes and consent entries of the subject."""
	ensure_privacy_officer()
	data = export(doctype, name)
	if not int(download or 0):
		return data
	frappe.response["filename"] = f"social-data-{frappe.scrub(doctype)}-{frappe.scrub(name)}.json"
	frappe.response["filecontent"] = json.dumps(data, indent=1, default=str, ensure_ascii=False)
	frappe.response["type"] = "download"


@frappe.whitelist(methods=["POST"])
def erase_social_data(doctype: str, name: str) -> dict:
	"""Queue the erasure of all social data of the subject (see privacy.erasure); returns at once.

	The job reports progress to the requesting user and stores its report on the audit row."""
	ensure_privacy_officer()
	queued = request_erasure(doctype, name)
	frappe.msgprint(
		_("The erasure is queued; you are told when it is done (audit log {0}).").format(queued["log"]),
		alert=True,
	)
	return queued
