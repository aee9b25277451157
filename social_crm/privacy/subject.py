"""One data subject (a Social Profile, or a Customer, Lead or Contact): who they are, and export.

``build_subject`` finds the person's profiles, portal users, handles and emails once;
``collect`` and ``export`` list what every store of the registry (``privacy.registry``)
holds about them; the erasure itself is ``privacy.erasure`` (``erase`` runs it at once, in this
transaction; the desk and the portal queue it as a background job instead).
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from social_crm.engine.privacy.anonymize import Person, is_anonymized
from social_crm.listening.lead_ads import LEAD_ADS_FIELDS
from social_crm.party import PARTY_TYPES, get_party_title
from social_crm.privacy import registry
from social_crm.privacy.audit import write_log
from social_crm.privacy.registry import Subject
from social_crm.support.issues import issues_for_export

SUBJECT_DOCTYPES = ("Social Profile", *PARTY_TYPES)
PERSON_PARTIES = ("Contact", "Lead")
EXPORT_EXCLUDE = {"_user_tags", "_comments", "_assign", "_liked_by", "docstatus", "idx", "_seen"}


def validate_subject(doctype: str, name: str) -> None:
	if doctype not in SUBJECT_DOCTYPES:
		frappe.throw(
			_("Social data can be exported or erased for {0} only, not {1}").format(
				", ".join(_(d) for d in SUBJECT_DOCTYPES), doctype
			),
			title=_("Unknown Subject"),
		)
	if not name or not frappe.db.exists(doctype, name):
		frappe.throw(
			_("{0} {1} does not exist").format(_(doctype), frappe.bold(name or "")),
			frappe.DoesNotExistError,
			title=_("Unknown Subject"),
		)


def subject_profiles(doctype: str, name: str) -> list[str]:
	"""The subject's Social Profiles: the profile itself, or the party's (also those a withdrawal
	of the party unlinked, and for a Customer its contacts' profiles)."""
	if doctype == "Social Profile":
		return [name]
	profiles = frappe.get_all("Social Profile", filters={"party_type": doctype, "party": name}, pluck="name")
	# profiles unlinked by a withdrawal keep the party on their consent entries
	profiles += frappe.get_all(
		"Social Consent Entry",
		filters={"party_type": doctype, "party": name, "social_profile": ("is", "set")},
		pluck="social_profile",
		distinct=True,
	)
	if doctype == "Customer":
		profiles += frappe.get_all("Social Profile", filters={"customer": name}, pluck="name")
	return sorted(set(profiles))


def build_subject(doctype: str, name: str, log: str | None = None) -> Subject:
	"""Everything that identifies the subject in the stores, read before anything is erased."""
	validate_subject(doctype, name)
	profiles = subject_profiles(doctype, name)
	rows = frappe.get_all(
		"Social Profile",
		filters={"name": ("in", profiles or [""])},
		fields=[
			"name",
			"platform",
			"external_id",
			"display_name",
			"handle",
			"email",
			"profile_url",
			"website",
			"avatar_url",
		],
	)
	person = Person()
	for row in rows:
		person = person.merged(Person.from_profile(row))
	party = (doctype, name) if doctype in PARTY_TYPES else None
	if party:
		# a Contact or Lead is one person: their address is theirs (a Customer's may be the company's)
		email = (
			frappe.db.get_value(doctype, name, "email_id")
			if doctype in PERSON_PARTIES and frappe.get_meta(doctype).has_field("email_id")
			else None
		)
		person = person.merged(Person(names=[_party_title(doctype, name)], emails=[email] if email else []))
	users = set(person.emails)
	if profiles:
		users.update(
			frappe.get_all("Idea", filters={"submitted_by_profile": ("in", profiles)}, pluck="website_user")
		)
		users.update(
			frappe.get_all("Idea Vote", filters={"voter_profile": ("in", profiles)}, pluck="voter_user")
		)
	if doctype == "Contact":
		users.add(frappe.db.get_value("Contact", name, "user"))
	# only portal users: staff who share an address keep what they own on the desk
	users = frappe.get_all(
		"User",
		filters={"name": ("in", [u for u in users if u] or [""]), "user_type": "Website User"},
		pluck="name",
	)
	return Subject(
		doctype=doctype,
		name=name,
		profiles=profiles,
		party=party,
		users=sorted(users),
		person=person,
		author_ids=sorted({r.external_id for r in rows if r.external_id and not is_anonymized(r)}),
		log=log,
	)


def collect(doctype: str, name: str) -> dict[str, list[str]]:
	"""Names of everything exported about the subject, per doctype (the registry's exported stores)."""
	subject = build_subject(doctype, name)
	found: dict[str, list[str]] = {}
	for item in registry.stores():
		if item.export:
			names = [
				n
				for page in registry.pages(item.find, subject)
				for n in (item.export_filter(subject, page) if item.export_filter else page)
			]
			found[item.doctype] = sorted(set(found.get(item.doctype, []) + names))
	return found


def export(doctype: str, name: str) -> dict:
	"""All social data of the subject as JSON-ready data (and an audit row)."""
	subject = build_subject(doctype, name)
	data = {
		"subject": {"doctype": doctype, "name": name},
		"exported_at": now_datetime(),
		"exported_by": frappe.session.user,
	}
	counts = {}
	for item in registry.stores():
		if not item.export:
			continue
		docs = []
		for page in registry.pages(item.find, subject):
			if item.export_filter:
				page = item.export_filter(subject, page)
			for docname in page:
				docs.append(_clean(frappe.get_doc(item.doctype, docname).as_dict(no_default_fields=False)))
		data[item.key] = docs
		counts[item.key] = len(docs)
	# ERPNext Issues opened from (or joined by) their posts
	data["support_issues"] = issues_for_export([m["name"] for m in data.get("mentions", [])])
	if doctype == "Lead" and frappe.get_meta("Lead").has_field("meta_leadgen_id"):
		row = frappe.db.get_value("Lead", name, list(LEAD_ADS_FIELDS), as_dict=True) or {}
		if row.get("meta_leadgen_id"):
			data["meta_lead_ads"] = _clean(dict(row))
	write_log(
		"Export",
		_("Exported {0} profile(s), {1} mention(s), {2} idea(s), {3} vote(s), {4} consent entries").format(
			*(counts.get(k, 0) for k in ("profiles", "mentions", "ideas", "votes", "consent_entries"))
		),
		action="Export",
		record_count=sum(counts.values()),
		reference_doctype=doctype,
		reference_name=name,
		details=counts,
	)
	return data


def _clean(value):
	if isinstance(value, dict):
		return {k: _clean(v) for k, v in value.items() if k not in EXPORT_EXCLUDE and v not in (None, "")}
	if isinstance(value, list):
		return [_clean(v) for v in value]
	return value


def _party_title(doctype: str, name: str) -> str:
	return get_party_title(doctype, name)
