"""Access and erasure for one data subject: a Social Profile, or a Customer, Lead or Contact.

``collect`` finds everything Social CRM stores about the subject (profiles, mentions,
ideas, votes, consent entries); ``export`` returns it as plain data; ``erase`` removes it:

- mentions and votes are deleted, ideas and contest entries are anonymized (submitter / entrant
  removed, texts redacted; a contest's recorded draw stays reproducible),
- consent grants are deleted; withdrawals and objections are kept without their evidence,
  as the proof that the person withdrew,
- the profiles are anonymized (kept as an anonymous anchor for that proof, never linked again),
- suppression keys of the profiles, handles and posts are stored, so a later poll of the
  same old posts is dropped at ingest,
- the party's Social Handles are cleared (party subjects) and an audit row records the erasure.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from social_crm.contests.contest import anonymize_entries as anonymize_contest_entries
from social_crm.engine.privacy import consent as consent_engine
from social_crm.engine.privacy.anonymize import Person, is_anonymized
from social_crm.party import PARTY_TYPES
from social_crm.privacy import store, suppression
from social_crm.privacy.audit import write_log
from social_crm.support.issues import issues_for_export

SUBJECT_DOCTYPES = ("Social Profile", *PARTY_TYPES)
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


def collect(doctype: str, name: str) -> dict[str, list[str]]:
	"""Names of everything stored about the subject, per doctype."""
	validate_subject(doctype, name)
	if doctype == "Social Profile":
		profiles = [name]
		party_filters = []
	else:
		profiles = frappe.get_all(
			"Social Profile", filters={"party_type": doctype, "party": name}, pluck="name", order_by="name"
		)
		party_filters = [{"party_type": doctype, "party": name}]
		# profiles unlinked by a withdrawal keep the party on their consent entries
		profiles += frappe.get_all(
			"Social Consent Entry",
			filters={"party_type": doctype, "party": name, "social_profile": ("is", "set")},
			pluck="social_profile",
			distinct=True,
		)
		profiles = sorted(set(profiles))
		if doctype == "Customer":
			profiles += frappe.get_all(
				"Social Profile",
				filters={"customer": name, "name": ("not in", profiles or [""])},
				pluck="name",
				order_by="name",
			)

	def names(target: str, profile_field: str, party: bool = True) -> list[str]:
		found: list[str] = []
		if profiles:
			found += frappe.get_all(target, filters={profile_field: ("in", profiles)}, pluck="name")
		if party:
			for filters in party_filters:
				found += frappe.get_all(target, filters=filters, pluck="name")
		return sorted(set(found))

	return {
		"Social Profile": profiles,
		"Mention": names("Mention", "author"),
		"Idea": names("Idea", "submitted_by_profile"),
		"Idea Vote": names("Idea Vote", "voter_profile"),
		"Social Consent Entry": names("Social Consent Entry", "social_profile"),
		"Social Contest Entry": names("Social Contest Entry", "social_profile"),
	}


def export(doctype: str, name: str) -> dict:
	"""All social data of the subject as JSON-ready data (and an audit row)."""
	found = collect(doctype, name)
	data = {
		"subject": {"doctype": doctype, "name": name},
		"exported_at": now_datetime(),
		"exported_by": frappe.session.user,
	}
	keys = {
		"Social Profile": "profiles",
		"Mention": "mentions",
		"Idea": "ideas",
		"Idea Vote": "votes",
		"Social Consent Entry": "consent_entries",
		"Social Contest Entry": "contest_entries",
	}
	for target, key in keys.items():
		docs = []
		for docname in found[target]:
			doc = frappe.get_doc(target, docname).as_dict(no_default_fields=False)
			docs.append(_clean(doc))
		data[key] = docs
	data["support_issues"] = issues_for_export(found["Mention"])  # ERPNext Issues opened from their posts
	if doctype == "Lead" and frappe.get_meta("Lead").has_field("meta_leadgen_id"):
		from social_crm.listening.lead_ads import LEAD_ADS_FIELDS

		row = frappe.db.get_value("Lead", name, list(LEAD_ADS_FIELDS), as_dict=True) or {}
		if row.get("meta_leadgen_id"):
			data["meta_lead_ads"] = _clean(dict(row))
	counts = {keys[t]: len(v) for t, v in found.items()}
	write_log(
		"Export",
		_("Exported {0} profile(s), {1} mention(s), {2} idea(s), {3} vote(s), {4} consent entries").format(
			*(counts[k] for k in ("profiles", "mentions", "ideas", "votes", "consent_entries"))
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


def erase(doctype: str, name: str) -> dict:
	"""Erase the subject's social data (see module doc). Returns counts; writes an audit row."""
	found = collect(doctype, name)
	profiles = frappe.get_all(
		"Social Profile",
		filters={"name": ("in", found["Social Profile"] or [""])},
		fields=store.PROFILE_FIELDS,
	)
	log = write_log(
		"Erasure",
		_("Erasure of the social data of {0} {1}").format(_(doctype), name),
		action="Erase",
		reference_doctype=doctype,
		reference_name=name,
		status="Running",
	)
	keys = 0
	# 1. suppression keys first, while ids and handles are still known
	for profile in profiles:
		if not is_anonymized(profile):
			keys += suppression.add_keys(
				suppression.keys_for_profile(profile.platform, profile.external_id, profile.handle),
				profile.platform,
				log.name,
			)
	mention_rows = frappe.get_all(
		"Mention",
		filters={"name": ("in", found["Mention"] or [""])},
		fields=["name", "platform", "external_id"],
	)
	for row in mention_rows:
		key = suppression.post_key(row.platform, row.external_id) if not is_anonymized(row) else None
		if key:
			keys += suppression.add_keys({"post": key}, row.platform, log.name)

	# 2. the data itself
	person = Person()
	for profile in profiles:
		person = person.merged(Person.from_profile(profile))
	if doctype != "Social Profile":
		person = person.merged(Person(names=[_party_title(doctype, name)]))
	for start in range(0, len(found["Mention"]), store.BATCH_SIZE):
		store.delete_mentions(found["Mention"][start : start + store.BATCH_SIZE])
	store.delete_votes(found["Idea Vote"])
	anonymize_contest_entries(found["Social Contest Entry"])  # the contests' draw records stay valid
	store.anonymize_ideas(found["Idea"], person)
	consent_kept = _erase_consent_entries(found["Social Consent Entry"])
	store.anonymize_profiles([p.name for p in profiles])
	for profile in profiles:
		frappe.db.set_value(
			"Social Profile", profile.name, "consent_state", _("Erased on {0}").format(now_datetime().date())
		)
	if doctype in PARTY_TYPES and frappe.get_meta(doctype).has_field("social_handles"):
		frappe.db.set_value(doctype, name, "social_handles", None, update_modified=False)
	if doctype == "Lead" and frappe.get_meta("Lead").has_field("meta_lead_answers"):
		# the Lead Ads form answers beyond the Lead's own fields (the Lead itself is ERPNext's)
		frappe.db.set_value("Lead", name, "meta_lead_answers", None, update_modified=False)

	counts = {
		"profiles_anonymized": len(profiles),
		"mentions_deleted": len(found["Mention"]),
		"ideas_anonymized": len(found["Idea"]),
		"votes_deleted": len(found["Idea Vote"]),
		"contest_entries_anonymized": len(found["Social Contest Entry"]),
		"consent_entries_deleted": len(found["Social Consent Entry"]) - consent_kept,
		"withdrawals_kept": consent_kept,
		"suppression_keys": keys,
	}
	from social_crm.privacy.audit import finish_log

	finish_log(
		log.name, "Success", sum(v for k, v in counts.items() if k != "suppression_keys"), details=counts
	)
	counts["log"] = log.name
	return counts


def _erase_consent_entries(names: list[str]) -> int:
	"""Delete grants; keep withdrawals/objections (the proof) without evidence or source text."""
	if not names:
		return 0
	rows = frappe.get_all(
		"Social Consent Entry", filters={"name": ("in", names)}, fields=["name", "status", "social_profile"]
	)
	keep = [r.name for r in rows if r.status in (consent_engine.WITHDRAWN, consent_engine.OBJECTED)]
	drop = [r.name for r in rows if r.name not in keep]
	store.delete_rows("Social Consent Entry", drop)
	if keep:
		store.bulk_update(
			"Social Consent Entry",
			{n: {} for n in keep},
			constants={"evidence": None, "source": _("erased"), "modified": now_datetime()},
		)
		# a kept entry of an (anonymized) profile must not point at the person's party any more
		frappe.db.sql(
			"""update `tabSocial Consent Entry` set party_type = NULL, party = NULL
			where social_profile is not null and social_profile != '' and name in %(names)s""",
			{"names": keep},
		)
		store.forget_history("Social Consent Entry", keep)
	return len(keep)


def _party_title(doctype: str, name: str) -> str:
	from social_crm.party import get_party_title

	return get_party_title(doctype, name)
