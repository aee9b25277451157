"""Turning social authors into Leads, and social history following Lead -> Customer.

Rules:

- "Create Lead" locks the profile row first. If the profile is already linked to a Lead or a
  Customer (directly, or through a Contact of a Customer) that record is returned instead, so
  two clicks (or two users) never make two Leads. A profile linked to a Contact without a
  Customer returns the Contact: that person is already in the address book.
- The new Lead gets the author's name, website (else the profile URL), email, source
  "Social Media", the handle in ``social_handles`` (so the author's other activity finds it)
  and a note with the mention text and link. The profile is linked with link_method
  "Lead Conversion" — a decision jobs never overwrite.
- When ERPNext makes a Customer from the Lead (``make_customer`` sets ``Customer.lead_name``),
  profiles linked to the Lead move to the Customer and their mentions follow;
  ``previous_party_type``/``previous_party`` keep the Lead visible.
- A Contact that ERPNext creates for a Lead (CRM Settings "Auto Creation of Contact", or the
  Lead's "Create Contact") is the same person while the Lead is open: profiles stay on the Lead
  (the sales record) and matching treats that Contact as part of its Lead, never as a rival.
  On conversion ERPNext links that Contact to the new Customer as well.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from social_crm.engine.identity.facts import clean_email
from social_crm.engine.status import CONVERTED_TO_LEAD, status_after
from social_crm.engine.text import truncate
from social_crm.install import LEAD_SOURCE
from social_crm.linking.keys import KEY_DOCTYPE, PROFILE, has_social_handles
from social_crm.party import get_customer_of

NOTE_TEXT_CHARS = 2000


def existing_record(row) -> tuple[str, str] | None:
	"""The Lead / Customer (or Contact) a profile already belongs to, or None."""
	if not row.party:
		return None
	if row.party_type in ("Lead", "Customer"):
		return (row.party_type, row.party)
	if row.party_type == "Contact":
		customer = row.customer or get_customer_of("Contact", row.party)
		return ("Customer", customer) if customer else ("Contact", row.party)
	return None


def create_lead_for_profile(profile: str, mention: str | None = None) -> dict:
	"""Make a Lead from a profile's author (or return the record it already belongs to)."""
	row = frappe.db.get_value(
		PROFILE,
		profile,
		[
			"name",
			"platform",
			"handle",
			"display_name",
			"website",
			"profile_url",
			"email",
			"party_type",
			"party",
			"customer",
			"anonymized",
		],
		as_dict=True,
		for_update=True,  # a second click waits here and then finds the Lead of the first
	)
	if not row:
		frappe.throw(_("Social Profile {0} not found").format(profile), frappe.DoesNotExistError)
	existing = existing_record(row)
	if existing:
		return {"doctype": existing[0], "name": existing[1], "created": False}
	if row.anonymized:
		frappe.throw(_("Social Profile {0} is anonymized and cannot become a Lead").format(profile))

	lead = frappe.new_doc("Lead")
	lead.lead_name = (row.display_name or row.handle or row.name)[:140]
	lead.website = row.website or row.profile_url
	email = clean_email(row.email)
	if email and not frappe.db.exists("Lead", {"email_id": email}):
		lead.email_id = email
	if frappe.db.exists("Lead Source", LEAD_SOURCE):
		lead.source = LEAD_SOURCE
	if row.handle and has_social_handles("Lead"):
		lead.social_handles = f"{row.platform.lower()}:{row.handle}"
	lead.append(
		"notes",
		{"note": lead_note(row, mention), "added_by": frappe.session.user, "added_on": now_datetime()},
	)
	lead.insert()

	doc = frappe.get_doc(PROFILE, profile)
	doc.party_type, doc.party = "Lead", lead.name
	doc.flags.link_method = "Lead Conversion"
	doc.flags.link_confidence = 100
	doc.match_status = ""
	doc.flags.ignore_permissions = True
	doc.save()
	if mention:
		_mark_converted(mention)
	return {"doctype": "Lead", "name": lead.name, "created": True}


def create_lead_for_mention(mention: str) -> dict:
	author = frappe.db.get_value("Mention", mention, "author")
	if not author:
		frappe.throw(_("Mention {0} has no author profile to make a Lead from").format(mention))
	result = create_lead_for_profile(author, mention=mention)
	if not result["created"]:
		_mark_converted(mention)
	return result


def _mark_converted(mention: str) -> None:
	"""The mention's status after a Lead was made from (or found for) its author: the engine's rule."""
	current = frappe.db.get_value("Mention", mention, "status")
	new = status_after(current, CONVERTED_TO_LEAD)
	if new != current:
		frappe.db.set_value("Mention", mention, "status", new)


def lead_note(row, mention: str | None) -> str:
	"""HTML note for the Lead: where the author was found, the mention text and its link (all escaped)."""
	author = escape_html(row.display_name or row.handle or row.name)
	parts = [
		"<p>"
		+ _("Created from the {0} profile {1}").format(escape_html(_(row.platform)), author)
		+ (
			f' (<a href="{escape_html(row.profile_url)}">{escape_html(row.handle or row.profile_url)}</a>)'
			if _is_http(row.profile_url)
			else ""
		)
		+ "</p>"
	]
	if mention:
		data = (
			frappe.db.get_value("Mention", mention, ["text", "title", "url", "posted_at"], as_dict=True) or {}
		)
		text = truncate(data.get("text") or data.get("title") or "", NOTE_TEXT_CHARS)[0]
		parts.append("<blockquote>" + escape_html(text).replace("\n", "<br>") + "</blockquote>")
		link = escape_html(data.get("url")) if _is_http(data.get("url")) else ""
		parts.append(
			"<p>"
			+ (f'<a href="{link}">{escape_html(_("View post"))}</a> · ' if link else "")
			+ f'<a href="/app/mention/{escape_html(mention)}">{escape_html(_("Mention"))} {escape_html(mention)}</a>'
			+ "</p>"
		)
	return "".join(parts)


def _is_http(url) -> bool:
	return bool(url) and str(url).startswith(("https://", "http://"))


def move_lead_history(lead: str, customer: str) -> int:
	"""Profiles on a Lead move to the Customer made from it; the Lead stays as previous party."""
	frappe.db.set_value(
		KEY_DOCTYPE, {"reference_doctype": "Lead", "reference_name": lead}, "customer", customer
	)
	moved = 0
	for profile in frappe.get_all(PROFILE, filters={"party_type": "Lead", "party": lead}, pluck="name"):
		doc = frappe.get_doc(PROFILE, profile)
		doc.previous_party_type, doc.previous_party = "Lead", lead
		doc.party_type, doc.party = "Customer", customer
		doc.flags.link_method = "Lead Conversion"
		doc.flags.link_confidence = 100
		doc.flags.ignore_permissions = True
		doc.save()  # on_update moves the mentions
		moved += 1
	return moved
