"""What a data subject does themselves: the /my-social portal page and the emailed request link.

Everything here goes through the same functions the desk uses: ``subject.export`` / ``erasure.erase``
(and their audit rows), the consent log (``Social Consent Entry``, whose insert applies a
withdrawal and writes the audit row), ``linking.unlink.unlink_profile`` and the review queue's
``reject`` (so automatic linking never links the profile to that party again).

- ``portal_subjects(user)``: the parties a website user manages (rules in
  ``engine.privacy.requests``): their Contacts, the Leads with their email, and Individual
  Customers they are a portal user of (ERPNext's Portal Users) or their Contact belongs to.
- Erasure, and access for people without a website user, become a **Social Privacy Request**
  that a Social CRM Manager approves or rejects in the desk (``approve`` / ``reject``).
- The email link is signed with Frappe's ``get_signed_params`` (HMAC-SHA512 with the site's
  secret) and carries an expiry; confirming it is a POST from the page it opens, so a mail
  scanner that follows links confirms nothing.
"""

import hmac
import json
from urllib.parse import parse_qs

import frappe
from frappe import _
from frappe.utils import get_url, now_datetime
from frappe.utils.verified_command import get_signed_params

from erpnext.controllers.website_list_for_contact import get_parents_for_user

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy import consent as consent_engine
from social_crm.engine.privacy import requests as engine
from social_crm.linking import review
from social_crm.linking import unlink as unlinking
from social_crm.linking.jobs import read_state
from social_crm.party import get_party_title
from social_crm.permissions import social_managers
from social_crm.privacy import erasure, subject
from social_crm.privacy.audit import ensure_privacy_officer, write_log
from social_crm.privacy.consent import derive

REQUEST = "Social Privacy Request"
PENDING, DONE, REJECTED = "Pending Approval", "Done", "Rejected"
PORTAL, EMAIL_LINK = "Portal", "Email Link"
LIST_LIMIT = 50
CONSENT_SOURCE = "Portal /my-social"
CONSENT_FIELDS = ["name", "purpose", "lawful_basis", "status", "at", "expires", "source", "evidence"]


# --- who is who ------------------------------------------------------------------------------------


def _contacts_of_email(email: str) -> list[str]:
	if not email:
		return []
	return frappe.get_all(
		"Contact Email", filters={"email_id": email, "parenttype": "Contact"}, pluck="parent", distinct=True
	)


def _individual_customers(customers) -> list[str]:
	customers = sorted({c for c in customers if c})
	if not customers:
		return []
	rows = frappe.get_all(
		"Customer", filters={"name": ("in", customers)}, fields=["name", "customer_type"], order_by="name"
	)
	return [r.name for r in rows if engine.manages_customer(r.customer_type)]


def _subjects(contacts, leads, customers) -> list[tuple[str, str]]:
	contacts = sorted(set(contacts))
	if contacts:
		customers = list(customers) + frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Customer"},
			pluck="link_name",
		)
	return (
		[("Contact", c) for c in contacts]
		+ [("Lead", lead) for lead in sorted(set(leads))]
		+ [("Customer", c) for c in _individual_customers(customers)]
	)


def portal_subjects(user: str | None = None) -> list[tuple[str, str]]:
	"""The parties whose social data the (session) website user manages."""
	user = user or frappe.session.user
	if not user or user == "Guest":
		return []
	email = frappe.db.get_value("User", user, "email") or user
	contacts = frappe.get_all("Contact", filters={"user": user}, pluck="name") + _contacts_of_email(email)
	leads = frappe.get_all("Lead", filters={"email_id": email}, pluck="name")
	# ERPNext's portal resolution: the Customers whose Portal Users table lists the session user
	customers = get_parents_for_user("Customer") if user == frappe.session.user else []
	return _subjects(contacts, leads, customers)


def email_subjects(email: str) -> list[tuple[str, str]]:
	"""The parties an email address belongs to (Contacts and Leads with it; their Individual Customers)."""
	email = (email or "").strip()
	if not email:
		return []
	leads = frappe.get_all("Lead", filters={"email_id": email}, pluck="name")
	return _subjects(_contacts_of_email(email), leads, [])


def profiles_of(subjects: list[tuple[str, str]]) -> list[dict]:
	"""The Social Profiles linked to any of the subjects, with why they were linked."""
	rows = []
	for party_type, party in subjects:
		rows += frappe.get_all(
			"Social Profile",
			filters={"party_type": party_type, "party": party, "anonymized": 0},
			fields=[
				"name",
				"platform",
				"handle",
				"display_name",
				"profile_url",
				"party_type",
				"party",
				"link_method",
				"link_confidence",
				"linked_on",
				"match_candidates",
			],
			order_by="platform asc, handle asc",
		)
	for row in rows:
		row["reasons"] = link_reasons(row)
		row["party_title"] = get_party_title(row.party_type, row.party)
		row.pop("match_candidates", None)
	return rows


def link_reasons(row) -> list[str]:
	"""Readable reasons the profile is linked: the matcher's signals for that party, or a person's decision."""
	for candidate in read_state(row.get("match_candidates"))["candidates"]:
		if (candidate.get("party_type"), candidate.get("party")) == (row.party_type, row.party):
			reasons = [r.get("detail") for r in candidate.get("reasons") or [] if (r.get("weight") or 0) > 0]
			if reasons:
				return [r for r in reasons if r]
	if row.get("link_method") in ("Manual", "Lead Conversion", "Merge"):
		return [_("Linked by our team ({0})").format(_(row.link_method))]
	if row.get("link_method"):
		return [_("Matched by {0}").format(_(row.link_method))]
	return []


def ensure_own_profile(profile: str, user: str | None = None) -> frappe._dict:
	"""The profile row when it is linked to one of the user's parties; a PermissionError otherwise."""
	row = frappe.db.get_value("Social Profile", profile, ["name", "party_type", "party"], as_dict=True)
	if not row or not engine.owns_profile(row.party_type, row.party, portal_subjects(user)):
		frappe.throw(_("This social profile is not linked to you"), frappe.PermissionError)
	return row


# --- the page --------------------------------------------------------------------------------------


def consent_rows(subjects: list[tuple[str, str]]) -> list[dict]:
	rows = []
	for party_type, party in subjects:
		rows += frappe.get_all(
			"Social Consent Entry",
			filters={"party_type": party_type, "party": party, "social_profile": ("is", "not set")},
			fields=CONSENT_FIELDS,
		)
	return rows


def consent_overview(subjects: list[tuple[str, str]]) -> list[dict]:
	"""Per purpose: allowed or not, on what basis, and whether the person decided it themselves."""
	state = derive(consent_rows(subjects)).to_dict()
	return [{"purpose": purpose, **state[purpose]} for purpose in consent_engine.PURPOSES]


def overview(user: str | None = None) -> dict:
	"""Everything the /my-social page shows."""
	subjects = portal_subjects(user)
	found: dict[str, set] = {"Mention": set(), "Idea": set()}
	for party_type, party in subjects:
		collected = subject.collect(party_type, party)
		for doctype in found:
			found[doctype].update(collected[doctype])
	mentions = frappe.get_all(
		"Mention",
		filters={"name": ("in", list(found["Mention"]) or [""])},
		fields=["name", "platform", "posted_at", "text", "url", "sentiment", "author_handle"],
		order_by="posted_at desc",
		limit=LIST_LIMIT,
	)
	ideas = frappe.get_all(
		"Idea",
		filters={"name": ("in", list(found["Idea"]) or [""])},
		fields=["name", "title", "status", "creation"],
		order_by="creation desc",
		limit=LIST_LIMIT,
	)
	pending = frappe.get_all(
		REQUEST,
		filters={"website_user": user or frappe.session.user, "status": PENDING},
		fields=["name", "request_type", "requested_at"],
	)
	return {
		"subjects": [
			{"doctype": dt, "name": name, "title": get_party_title(dt, name)} for dt, name in subjects
		],
		"profiles": profiles_of(subjects),
		"mentions": mentions,
		"mention_count": len(found["Mention"]),
		"ideas": ideas,
		"idea_count": len(found["Idea"]),
		"consent": consent_overview(subjects),
		"pending_requests": pending,
	}


# --- what the person does --------------------------------------------------------------------------


def unlink(profile: str, user: str | None = None) -> dict:
	"""Unlink a profile that is not the user's: as a withdrawal does (its mentions, ideas and votes
	lose the party, no automatic relinking), and the party is rejected for it in the review queue."""
	user = user or frappe.session.user
	row = ensure_own_profile(profile, user)
	unlinking.unlink_profile(profile, block_auto_link=True, clear_contributions=True)
	review.reject(profile, row.party_type, row.party)
	write_log(
		"Unlink",
		_("A website user unlinked a social profile from {0} {1}").format(_(row.party_type), row.party),
		action="Unlink",
		record_count=1,
		reference_doctype="Social Profile",
		reference_name=profile,
		details={"party_type": row.party_type, "party": row.party, "via": PORTAL},
	)
	return {"profile": profile, "unlinked": True}


def set_consent(purpose: str, granted: bool, user: str | None = None) -> list[str]:
	"""Grant or withdraw consent for one purpose on each of the user's parties (consent log entries)."""
	user = user or frappe.session.user
	try:
		purpose = consent_engine.normalize_purpose(purpose)
	except InvalidRecord:
		frappe.throw(_("Unknown consent purpose {0}").format(frappe.bold(purpose)))
	subjects = portal_subjects(user)
	if not subjects:
		frappe.throw(_("We store no social data about you"))
	now = now_datetime()
	status = consent_engine.GRANTED if granted else consent_engine.WITHDRAWN
	choice = consent_engine.own_choice(
		purpose, granted, now, source=CONSENT_SOURCE, evidence=f"{status} by website user {user} on {now}"
	)
	entries = []
	for party_type, party in subjects:
		entry = frappe.get_doc(
			{
				"doctype": "Social Consent Entry",
				"party_type": party_type,
				"party": party,
				"purpose": choice.purpose,
				"status": choice.status,
				"lawful_basis": choice.basis,
				"at": now,  # site time, as the desk stores it (the engine's copy is UTC)
				"source": choice.source,
				"evidence": choice.evidence,
			}
		)
		entry.insert(ignore_permissions=True)  # on_entry_recorded applies a withdrawal and logs it
		entries.append(entry.name)
	return entries


def export_for(subjects: list[tuple[str, str]]) -> dict:
	"""The desk's export (``subject.export``, with its audit row) of each subject, in one document."""
	return {
		"exported_at": now_datetime(),
		"exports": [subject.export(party_type, party) for party_type, party in subjects],
	}


def create_request(
	request_type: str, subjects: list[tuple[str, str]], email: str, via: str, user: str | None = None
) -> str:
	"""A Social Privacy Request waiting for a manager (an open one of the same kind is returned)."""
	request_type = engine.normalize_request_type(request_type)
	filters = {"request_type": request_type, "status": PENDING, "email": email}
	existing = frappe.db.get_value(REQUEST, filters)
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": REQUEST,
			"request_type": request_type,
			"status": PENDING,
			"via": via,
			"email": email,
			"website_user": user if user and user != "Guest" else None,
			"requested_at": now_datetime(),
			"subjects": json.dumps([{"doctype": dt, "name": name} for dt, name in subjects]),
		}
	).insert(ignore_permissions=True)
	write_log(
		"Personal Data Request",
		_("{0} request received via {1}").format(_(request_type), _(via)),
		action=request_type,
		record_count=len(subjects),
		reference_doctype=REQUEST,
		reference_name=doc.name,
		performed_by=user if user and user != "Guest" else "Guest",
	)
	notify_managers(doc)
	return doc.name


def notify_managers(doc) -> list[str]:
	"""A bell notification for every Social CRM Manager: a request waits for their decision."""
	users = social_managers()
	for user in users:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"subject": _("{0} request from {1} waits for approval").format(
					_(doc.request_type), doc.email
				),
				"document_type": REQUEST,
				"document_name": doc.name,
			}
		).insert(ignore_permissions=True)
	return users


def request_subjects(doc) -> list[tuple[str, str]]:
	rows = json.loads(doc.subjects or "[]")
	return [(r["doctype"], r["name"]) for r in rows if frappe.db.exists(r["doctype"], r["name"])]


def approve(name: str) -> dict:
	"""Carry out a pending request: erase, or export and send the data to the requester's email."""
	ensure_privacy_officer()
	doc = frappe.get_doc(REQUEST, name, for_update=True)
	if doc.status != PENDING:
		frappe.throw(_("Request {0} was decided already").format(name))
	subjects = request_subjects(doc)
	if doc.request_type == engine.ERASURE:
		results = [erasure.erase(dt, n) for dt, n in subjects]
		result = _("Erased the social data of {0} record(s)").format(len(results))
	else:
		data = export_for(subjects)
		# a private file on the request: the manager sees what was sent, the mail attaches it
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"social-data-{doc.name}.json",
				"is_private": 1,
				"attached_to_doctype": REQUEST,
				"attached_to_name": doc.name,
				"content": json.dumps(data, indent=1, default=str, ensure_ascii=False),
			}
		).insert(ignore_permissions=True)
		frappe.sendmail(
			recipients=[doc.email],
			subject=_("Your social data"),
			message=_("Attached is the social data we store about you, as you requested."),
			attachments=[{"fid": file.name}],
			reference_doctype=REQUEST,
			reference_name=doc.name,
			now=False,
		)
		result = _("Exported the social data of {0} record(s) and sent it to {1}").format(
			len(subjects), doc.email
		)
	_decide(doc, DONE, result)
	return {"status": DONE, "result": result}


def reject(name: str, reason: str | None = None) -> dict:
	ensure_privacy_officer()
	doc = frappe.get_doc(REQUEST, name, for_update=True)
	if doc.status != PENDING:
		frappe.throw(_("Request {0} was decided already").format(name))
	result = _("Rejected: {0}").format(reason) if reason else _("Rejected")
	_decide(doc, REJECTED, result)
	return {"status": REJECTED, "result": result}


def _decide(doc, status: str, result: str) -> None:
	doc.db_set(
		{
			"status": status,
			"decided_by": frappe.session.user,
			"decided_on": now_datetime(),
			"result": result,
		}
	)
	write_log(
		"Personal Data Request",
		result,
		action=status,
		reference_doctype=REQUEST,
		reference_name=doc.name,
	)


# --- the emailed link ------------------------------------------------------------------------------


def confirm_url(email: str, request_type: str, now=None) -> str:
	params = {
		"email": email,
		"type": engine.normalize_request_type(request_type),
		"expires": engine.link_expiry(now or now_datetime()),
	}
	return get_url("/my-social/confirm?" + get_signed_params(params))


def send_request_link(email: str, request_type: str) -> bool:
	"""Email a confirmation link when the address belongs to someone we store data about.

	Returns whether a mail was sent; the caller answers the same either way."""
	email = (email or "").strip().lower()
	request_type = engine.normalize_request_type(request_type)
	if not email or not email_subjects(email):
		return False
	try:
		_send_link(email, request_type)
	except frappe.OutgoingEmailError:
		# no outgoing account: the visitor gets the same answer (not even the error message, which
		# would tell that the address is known); the site's admin sees the error log
		frappe.clear_last_message()
		frappe.log_error(title=_("Social CRM: the confirmation link could not be sent"))
		return False
	return True


def _send_link(email: str, request_type: str) -> None:
	frappe.sendmail(
		recipients=[email],
		subject=_("Confirm your request about your social data"),
		message=_(
			"Someone (hopefully you) asked for the {0} of the social data we store about {1}. "
			"To confirm, open this link within {2} hours: {3}. If it was not you, ignore this email."
		).format(
			_(request_type).lower(),
			email,
			engine.LINK_VALID_HOURS,
			'<a href="{0}">{0}</a>'.format(confirm_url(email, request_type)),
		),
		now=False,
	)


def verify_link(query_string: str, now=None) -> dict | None:
	"""The link's values when its signature is the site's and it has not expired, else None."""
	query_string = (query_string or "").lstrip("?")
	marker = "&_signature="
	if marker not in query_string:
		return None
	params = query_string.split(marker)[0]
	if not hmac.compare_digest(get_signed_params(params), query_string):
		return None
	values = {k: v[0] for k, v in parse_qs(params).items()}
	if not engine.link_valid(values.get("expires"), now or now_datetime()):
		return None
	try:
		values["type"] = engine.normalize_request_type(values.get("type"))
	except InvalidRecord:
		return None
	return values if values.get("email") else None


def confirm_link(query_string: str) -> str | None:
	"""Create the request of a valid link (None for an invalid or expired one)."""
	values = verify_link(query_string)
	if not values:
		return None
	subjects = email_subjects(values["email"])
	if not subjects:
		return None
	return create_request(values["type"], subjects, values["email"], EMAIL_LINK)
