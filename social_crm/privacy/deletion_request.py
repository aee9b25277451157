"""Frappe's Personal Data Deletion Request reaches Social CRM's data of that person.

Frappe redacts the doctypes in ``user_data_fields`` (hooks.py) by email: for a Social
Profile it overwrites handle, names and URLs with ``[REDACTED]`` but keeps the platform id,
and it knows nothing of the person's Mentions (they carry no email). Left at that, the next
poll of the same author would find the profile by its id and write the real handle and
name back, and their posts would stay.

So when the request starts its deletion steps (``on_update`` of the request, which Frappe
saves once it has added them and again after each step), every not yet anonymized Social
Profile with the request's email is erased as *Erase Social Data* does
(``privacy.erasure.erase``): suppression keys first, mentions and votes deleted, the profile
anonymized. Frappe's own redaction then finds nothing left to redact. Profiles that an older
request already redacted (before this hook) are recognised by ingest
(``engine.privacy.anonymize.is_erased_profile``) and never refreshed or written to again.
"""

import frappe

from social_crm.privacy.erasure import erase

PROFILE = "Social Profile"


def on_update(doc, method=None) -> None:
	"""doc_events hook of Personal Data Deletion Request (see module doc); idempotent."""
	if not doc.get("deletion_steps"):
		return  # not approved and started yet (verification, approval, on hold)
	erase_profiles_of(doc.email, doc.name)


def erase_profiles_of(*emails: str) -> list[str]:
	"""Erase every Social Profile (not yet anonymized) whose email is one of ``emails``."""
	wanted = sorted({e.strip() for e in emails if e and e.strip()})
	if not wanted:
		return []
	profiles = frappe.get_all(
		PROFILE, filters={"email": ("in", wanted), "anonymized": 0}, pluck="name", order_by="name"
	)
	for profile in profiles:
		erase(PROFILE, profile)
	return profiles
