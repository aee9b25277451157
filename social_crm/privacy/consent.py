"""Consent in the database: which log entries apply to a profile, its derived state, and what a
withdrawal does to stored data.

The decisions come from ``social_crm.engine.privacy.consent``; this module reads the log,
caches the summary on the profile and applies the withdrawal policy:

- Linking withdrawn/objected: the profile is unlinked (its mentions, ideas and votes lose
  the party) and marked "Do Not Auto Link".
- Listening withdrawn/objected: the profile's stored mentions are anonymized or deleted,
  as Social CRM Settings' "On Listening Withdrawal" says.
- Marketing: nothing is stored for marketing; the state alone stops it.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from social_crm import settings
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy import consent as engine
from social_crm.engine.privacy.anonymize import PROFILE_IDENTITY, is_erased_profile
from social_crm.linking import unlink
from social_crm.party import PARTY_TYPES
from social_crm.privacy import store
from social_crm.privacy.audit import ensure_privacy_officer, write_log

ENTRY_FIELDS = ["name", "purpose", "lawful_basis", "status", "at", "expires", "source", "evidence"]
RESTRICTIVE = (engine.WITHDRAWN, engine.OBJECTED)
# Above this many mentions a Listening withdrawal is applied by a background job.
INLINE_LIMIT = 5000


def to_engine(row: dict) -> dict:
	return {
		"purpose": row["purpose"],
		"basis": row["lawful_basis"],
		"status": row["status"],
		"at": row["at"],
		"expires": row.get("expires"),
		"source": row.get("source") or "",
		"evidence": row.get("evidence") or "",
	}


def entries_for_profile(profile: str, party_type: str | None = None, party: str | None = None) -> list[dict]:
	"""Consent log rows that apply to a profile: its own, and those of the party it is linked to."""
	rows = frappe.get_all("Social Consent Entry", filters={"social_profile": profile}, fields=ENTRY_FIELDS)
	if party_type and party:
		rows += frappe.get_all(
			"Social Consent Entry",
			filters={"party_type": party_type, "party": party, "social_profile": ("is", "not set")},
			fields=ENTRY_FIELDS,
		)
	return rows


def state_for_profile(profile: str, now=None) -> engine.ConsentState:
	"""The current consent state of a profile (an unknown profile has only the default basis)."""
	party_type, party = (
		frappe.db.get_value("Social Profile", profile, ["party_type", "party"]) if profile else None
	) or (None, None)
	rows = entries_for_profile(profile, party_type, party) if profile else []
	return derive(rows, now)


def state_for_party(party_type: str, party: str, now=None) -> engine.ConsentState:
	rows = frappe.get_all(
		"Social Consent Entry", filters={"party_type": party_type, "party": party}, fields=ENTRY_FIELDS
	)
	return derive(rows, now)


def derive(rows: list[dict], now=None) -> engine.ConsentState:
	return engine.derive_state(
		[to_engine(r) for r in rows], now or now_datetime(), settings.default_lawful_basis()
	)


def _purpose(purpose: str) -> str:
	try:
		return engine.normalize_purpose(purpose)
	except InvalidRecord:
		frappe.throw(
			_("Unknown consent purpose {0}; expected one of {1}").format(
				frappe.bold(purpose), ", ".join(_(p) for p in engine.PURPOSES)
			),
			title=_("Invalid Purpose"),
		)


def allows(profile_name: str | None, purpose: str) -> bool:
	"""True when processing ``profile_name`` for ``purpose`` may go on now (see privacy.consent_allows)."""
	if not profile_name:
		return derive([]).allows(_purpose(purpose))  # no log entries: the default basis decides
	return allows_many([profile_name], purpose)[profile_name]


def allows_many(profile_names, purpose: str) -> dict[str, bool]:
	"""``allows`` for many profiles at once (an enrichment page's authors), in two queries:
	{profile name: may it be processed for ``purpose`` now}. An erased or anonymized person is not
	processed again; an unknown name has only the default basis."""
	purpose = _purpose(purpose)
	names = sorted({name for name in profile_names if name})
	if not names:
		return {}
	rows = frappe.get_all(
		"Social Profile",
		filters={"name": ("in", names)},
		fields=["name", "party_type", "party", "anonymized"],
	)
	anonymized = {row.name for row in rows if cint(row.anonymized)}
	entries = _entries_by_profile([row for row in rows if row.name not in anonymized], purpose)
	now = now_datetime()
	return {
		name: name not in anonymized and derive(entries.get(name, []), now).allows(purpose) for name in names
	}


def _entries_by_profile(profiles: list, purpose: str) -> dict[str, list]:
	"""{profile name: its consent log rows for ``purpose``, its own and those of the party it is
	linked to (entries recorded for the party, not for one of its profiles)}, in one query.
	``profiles``: rows with name, party_type and party."""
	if not profiles:
		return {}
	parties = sorted({row.party for row in profiles if row.party})
	or_filters = [["social_profile", "in", [row.name for row in profiles]]]
	if parties:
		or_filters.append(["party", "in", parties])
	own: dict[str, list] = defaultdict(list)
	of_party: dict[tuple[str, str], list] = defaultdict(list)
	for entry in frappe.get_all(
		"Social Consent Entry",
		filters={"purpose": purpose},
		or_filters=or_filters,
		fields=[*ENTRY_FIELDS, "social_profile", "party_type", "party"],
	):
		if entry.social_profile:
			own[entry.social_profile].append(entry)
		elif entry.party:
			of_party[(entry.party_type, entry.party)].append(entry)
	return {
		row.name: own.get(row.name, []) + (of_party.get((row.party_type, row.party), []) if row.party else [])
		for row in profiles
	}


def load_author_profiles(authors, fields) -> dict[tuple[str, str], frappe._dict]:
	"""{(platform, external id): row} of the existing Social Profiles of these authors, one query per platform."""
	by_platform: dict[str, set[str]] = defaultdict(set)
	for platform, external_id in authors:
		if platform and external_id:
			by_platform[platform].add(external_id)
	found: dict[tuple[str, str], frappe._dict] = {}
	for platform, ids in by_platform.items():
		for row in frappe.get_all(
			"Social Profile",
			filters={"platform": platform, "external_id": ("in", sorted(ids))},
			fields=list(dict.fromkeys(("name", "platform", "external_id", *fields))),
		):
			found[(row.platform, row.external_id)] = row
	return found


# Why ingest stores nothing of an author (the codes of :func:`withheld_authors`).
ERASED = "erased"
LISTENING_STOPPED = "listening stopped"


# The Social Profile fields withheld_authors reads (a caller that loads the page's profiles itself
# includes them and passes its rows: one query serves both).
WITHHELD_PROFILE_FIELDS = (
	"name",
	"platform",
	"external_id",
	"party_type",
	"party",
	"anonymized",
	*PROFILE_IDENTITY,
)


def withheld_authors(authors, profiles: dict | None = None) -> dict[tuple[str, str], str]:
	"""Authors of one page whose posts ingest must not store, nor refresh anything of theirs.

	``authors``: (platform, author external id) pairs. Returns ``{pair: ERASED}`` for a
	profile that was anonymized or redacted (Frappe's Personal Data Deletion Request) and
	``{pair: LISTENING_STOPPED}`` when the profile's or its party's consent log withdraws or
	objects to Listening (``engine.stops_ingest``). ``profiles``: ``{pair: row}`` of the
	authors' existing Social Profiles (with :data:`WITHHELD_PROFILE_FIELDS`) when the caller
	has loaded them already; otherwise one query per platform loads them. Then one query for
	the consent log of all of them. Unknown authors are not withheld.
	"""
	if profiles is None:
		profiles = load_author_profiles(authors, WITHHELD_PROFILE_FIELDS)
	else:
		wanted = {tuple(author) for author in authors}
		profiles = {key: row for key, row in profiles.items() if key in wanted}
	out: dict[tuple[str, str], str] = {}
	live = {}
	for key, row in profiles.items():
		if is_erased_profile(row):
			out[key] = ERASED
		else:
			live[key] = row
	if not live:
		return out
	entries = _entries_by_profile(list(live.values()), engine.LISTENING)
	now = now_datetime()
	for key, row in live.items():
		rows = entries.get(row.name)
		if rows and engine.stops_ingest([to_engine(r) for r in rows], now):
			out[key] = LISTENING_STOPPED
	return out


def ensure_may_record(entry) -> None:
	"""A Listening withdrawal/objection that deletes stored mentions needs the erasure role.

	With "On Listening Withdrawal" = Delete such an entry deletes data as an erasure does, so
	it needs the same role (Social CRM Manager or System Manager, ``ensure_privacy_officer``).
	"""
	if entry.purpose != engine.LISTENING or entry.status not in RESTRICTIVE:
		return
	if settings.listening_withdrawal_action() == "Delete":
		ensure_privacy_officer()


def refresh_profile_state(profile: str) -> str:
	"""Derive the profile's state again and cache its summary in ``consent_state``."""
	summary = state_for_profile(profile).summary()
	frappe.db.set_value("Social Profile", profile, "consent_state", summary, update_modified=False)
	return summary


def profiles_of_party(party_type: str, party: str) -> list[str]:
	return frappe.get_all(
		"Social Profile", filters={"party_type": party_type, "party": party}, pluck="name", order_by="name"
	)


def affected_profiles(entry) -> list[str]:
	if entry.social_profile:
		return [entry.social_profile]
	if entry.party_type in PARTY_TYPES and entry.party:
		return profiles_of_party(entry.party_type, entry.party)
	return []


def on_entry_recorded(entry) -> None:
	"""After a consent entry is inserted: refresh states, apply a withdrawal, write the audit row."""
	profiles = affected_profiles(entry)
	for profile in profiles:
		refresh_profile_state(profile)
	write_log(
		"Consent Change",
		f"{entry.purpose}: {entry.status} ({entry.lawful_basis})",
		action=entry.status,
		record_count=len(profiles),
		reference_doctype="Social Consent Entry",
		reference_name=entry.name,
		details={"purpose": entry.purpose, "status": entry.status, "profiles": profiles},
	)
	if entry.status in RESTRICTIVE and entry.purpose in (engine.LINKING, engine.LISTENING):
		if entry.purpose == engine.LISTENING and count_mentions(entry, profiles) > INLINE_LIMIT:
			frappe.enqueue(
				"social_crm.privacy.consent.apply_withdrawal",
				queue="long",
				timeout=3600,
				job_id=f"social_crm:withdrawal:{entry.name}",
				deduplicate=True,
				enqueue_after_commit=True,
				entry=entry.name,
			)
		else:
			apply_withdrawal(entry.name)


def count_mentions(entry, profiles: list[str]) -> int:
	total = frappe.db.count("Mention", {"author": ("in", profiles)}) if profiles else 0
	if not entry.social_profile and entry.party:
		total += frappe.db.count("Mention", {"party_type": entry.party_type, "party": entry.party})
	return total


def apply_withdrawal(entry: str) -> dict:
	"""Apply the withdrawal policy of one Withdrawn/Objected entry to stored data (idempotent)."""
	doc = frappe.get_doc("Social Consent Entry", entry)
	if doc.status not in RESTRICTIVE:
		return {}
	profiles = affected_profiles(doc)
	result: dict = {"profiles": len(profiles)}
	if doc.purpose == engine.LINKING:
		if not doc.social_profile:
			# one entry per profile keeps the withdrawal with each profile after it is unlinked
			# (and lets an erasure request of the party still find them)
			for profile in profiles:
				record_for_profile(doc, profile)
		result["unlinked"] = unlink.unlink_profiles(profiles, block_auto_link=True, clear_contributions=True)
		if not doc.social_profile and doc.party:
			result["mentions_unlinked"] = unlink.clear_party_on_mentions(doc.party_type, doc.party)
		summary = _("Unlinked {0} profile(s); automatic linking switched off").format(result["unlinked"])
	elif doc.purpose == engine.LISTENING:
		action = settings.listening_withdrawal_action()
		party = (doc.party_type, doc.party) if not doc.social_profile and doc.party else None
		result["action"] = action
		result["mentions"] = store.handle_mentions_of(profiles, action, party=party)
		summary = _("{0}: {1} mention(s)").format(_(action), result["mentions"])
	else:
		return {}
	frappe.db.set_value(
		"Social Consent Entry", doc.name, {"applied_on": now_datetime(), "applied_summary": summary}
	)
	write_log(
		"Withdrawal Applied",
		summary,
		action=result.get("action") or "Unlink",
		record_count=result.get("mentions", result.get("unlinked", 0)),
		reference_doctype="Social Consent Entry",
		reference_name=doc.name,
		details=result,
	)
	return result


def record_for_profile(party_entry, profile: str) -> None:
	"""Copy a party-level withdrawal onto one of the party's profiles (its own log entry)."""
	frappe.get_doc(
		{
			"doctype": "Social Consent Entry",
			"social_profile": profile,
			"party_type": party_entry.party_type,
			"party": party_entry.party,
			"purpose": party_entry.purpose,
			"status": party_entry.status,
			"lawful_basis": party_entry.lawful_basis,
			"at": party_entry.at,
			"source": _("Withdrawal for {0} {1} ({2})").format(
				_(party_entry.party_type), party_entry.party, party_entry.name
			)[:140],
		}
	).insert(ignore_permissions=True)


def refresh_expired() -> int:
	"""Re-derive the state of profiles whose consent grant expired since the last run."""
	rows = frappe.get_all(
		"Social Consent Entry",
		filters={
			"status": engine.GRANTED,
			"expires": ("<=", now_datetime()),
			"expiry_applied": 0,
		},
		fields=["name", "social_profile", "party_type", "party"],
		limit=10_000,
	)
	refreshed = set()
	for row in rows:
		profiles = (
			[row.social_profile]
			if row.social_profile
			else profiles_of_party(row.party_type, row.party)
			if row.party
			else []
		)
		for profile in profiles:
			if profile not in refreshed and frappe.db.exists("Social Profile", profile):
				refresh_profile_state(profile)
				refreshed.add(profile)
		frappe.db.set_value("Social Consent Entry", row.name, "expiry_applied", 1, update_modified=False)
	return len(refreshed)
