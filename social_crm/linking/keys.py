"""The indexed lookup table "Social Match Key": keys of parties and profiles, and candidate loading.

Every Customer, Lead and Contact (and every Social Profile) has one row per lookup key:
``handle`` (``Platform:handle``), ``email``, ``domain`` (organization domain, never free-mail)
and ``name`` (:func:`~social_crm.engine.identity.name_key`). Rows are computed by the engine
(:func:`party_lookup_keys` / :func:`lookup_keys`) and written here; candidates are found by
equality on ``(key_type, key_value)`` — an index range scan with a row limit — never by
scanning parties. ``reference_name`` is plain Data on purpose: Frappe's rename must not touch
it (a merge would collide with the unique index); :mod:`.events` re-keys renamed parties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import frappe
from frappe.utils import now_datetime

from social_crm.engine.handles import normalize_handle, normalize_platform
from social_crm.engine.identity import (
	LookupKeys,
	PartyFacts,
	ProfileFacts,
	lookup_keys,
	party_lookup_keys,
)
from social_crm.party import PARTY_TYPES
from social_crm.permissions import is_unrestricted
from social_crm.sql import insert_many

KEY_DOCTYPE = "Social Match Key"
PROFILE = "Social Profile"
MAX_KEY_CHARS = 140
# Row limits per lookup: a key shared by more rows than this says little about one person.
LOOKUP_LIMITS = {"handle": 20, "email": 20, "domain": 20, "name": 30}
REVERSE_LOOKUP_LIMIT = 200  # profiles re-matched when one party changes
INSERT_BATCH = 5000

PARTY_FIELDS = {
	"Customer": ["name", "customer_name", "website", "email_id", "lead_name"],
	"Lead": ["name", "lead_name", "first_name", "last_name", "company_name", "email_id", "website", "status"],
	"Contact": ["name", "full_name", "first_name", "last_name", "company_name", "email_id"],
}
KEY_FIELDS = {
	# fields whose change changes a party's keys (doc_events compare them)
	"Customer": ("customer_name", "website", "email_id", "social_handles"),
	"Lead": ("lead_name", "first_name", "last_name", "company_name", "email_id", "website", "social_handles"),
	"Contact": ("first_name", "last_name", "full_name", "company_name", "email_id", "social_handles"),
}


# -- parsing ------------------------------------------------------------------------------


def parse_social_handles(text: str | None) -> list[tuple[str, str]]:
	"""``platform:handle`` per line (or comma) -> normalized (platform, handle) pairs; unknown platforms skipped."""
	pairs = set()
	for line in (text or "").replace(",", "\n").splitlines():
		platform, sep, handle = line.strip().partition(":")
		canonical = normalize_platform(platform.strip()) if sep else None
		if not canonical:
			continue
		value = normalize_handle(canonical, handle.strip())
		if value:
			pairs.add((canonical, value))
	return sorted(pairs)


def key_rows(keys: LookupKeys) -> set[tuple[str, str]]:
	"""LookupKeys -> {(key_type, key_value)} as stored; over-long values are left out."""
	rows = {("handle", f"{platform}:{handle}") for platform, handle in keys.handles}
	rows |= {("email", email) for email in keys.emails}
	rows |= {("domain", domain) for domain in keys.domains}
	rows |= {("name", name) for name in keys.name_keys}
	return {(kind, value) for kind, value in rows if value and len(value) <= MAX_KEY_CHARS}


def has_social_handles(doctype: str) -> bool:
	return frappe.get_meta(doctype).has_field("social_handles")


# -- loading parties as engine facts -----------------------------------------------------------


@dataclass
class LoadedParties:
	"""Candidate parties as engine facts, and what matching needs to know about them."""

	facts: dict[tuple[str, str], PartyFacts] = field(default_factory=dict)
	# Contact -> the Leads it is linked to (ERPNext makes a Contact for each Lead)
	contact_leads: dict[str, list[str]] = field(default_factory=dict)

	def get(self, key: tuple[str, str]) -> PartyFacts | None:
		return self.facts.get(key)


def load_parties(
	refs: Iterable[tuple[str, str]], lead_customers: dict[str, str] | None = None
) -> LoadedParties:
	"""Load parties as :class:`PartyFacts`, a few batched queries per party type.

	``lead_customers``: Lead -> the Customer made from it. A Contact's Customer is loaded too
	(its domains count for the Contact).
	"""
	by_type: dict[str, set[str]] = defaultdict(set)
	for doctype, name in refs:
		if doctype in PARTY_TYPES and name:
			by_type[doctype].add(name)
	lead_customers = lead_customers or {}
	loaded = LoadedParties()
	contact_customer: dict[str, str] = {}
	if by_type.get("Contact"):
		contact_customer, loaded.contact_leads = _contact_links(sorted(by_type["Contact"]))
		by_type["Customer"] |= set(contact_customer.values())

	customer_names: dict[str, str] = {}
	for doctype in PARTY_TYPES:  # Customers first (PARTY_TYPES order): Contacts take their names
		names = sorted(by_type.get(doctype, ()))
		if not names:
			continue
		emails = _contact_emails(names) if doctype == "Contact" else {}
		for row in _party_rows(doctype, names):
			handles = parse_social_handles(row.get("social_handles"))
			if doctype == "Customer":
				customer_names[row.name] = row.customer_name or row.name
				facts = _customer_facts(row, handles)
			elif doctype == "Lead":
				facts = _lead_facts(row, handles, lead_customers.get(row.name, ""))
			else:
				customer = contact_customer.get(row.name, "")
				company = row.company_name or customer_names.get(customer, customer)
				facts = _contact_facts(row, handles, emails.get(row.name, []), customer, company)
			loaded.facts[(doctype, row.name)] = facts
	return loaded


def _contact_links(contacts: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
	"""Contact -> its first Customer, and Contact -> its Leads (Dynamic Links, in form order)."""
	customers: dict[str, str] = {}
	leads: dict[str, list[str]] = {}
	for link in frappe.db.sql(
		"""select parent, link_doctype, link_name from `tabDynamic Link`
		where parenttype = 'Contact' and parent in %s and link_doctype in ('Customer', 'Lead')
		order by idx asc""",
		(tuple(contacts),),
		as_dict=True,
	):
		if link.link_doctype == "Customer":
			customers.setdefault(link.parent, link.link_name)
		else:
			leads.setdefault(link.parent, []).append(link.link_name)
	return customers, leads


def _party_rows(doctype: str, names: list[str]) -> list[dict]:
	fields = PARTY_FIELDS[doctype] + (["social_handles"] if has_social_handles(doctype) else [])
	columns = ", ".join(f"`{field}`" for field in fields)
	return frappe.db.sql(
		f"select {columns} from `tab{doctype}` where name in %s", (tuple(names),), as_dict=True
	)


def _contact_emails(contacts: list[str]) -> dict[str, list[str]]:
	emails: dict[str, list[str]] = defaultdict(list)
	for row in frappe.db.sql(
		"""select parent, email_id from `tabContact Email`
		where parenttype = 'Contact' and parent in %s order by idx asc""",
		(tuple(contacts),),
		as_dict=True,
	):
		emails[row.parent].append(row.email_id)
	return emails


def _customer_facts(row, handles) -> PartyFacts:
	name = row.customer_name or row.name
	return PartyFacts(
		"Customer",
		row.name,
		display_name=name,
		company_name=name,
		emails=[row.email_id] if row.email_id else [],
		website=row.website or "",
		handles=handles,
	)


def _lead_facts(row, handles, customer: str) -> PartyFacts:
	return PartyFacts(
		"Lead",
		row.name,
		display_name=row.lead_name or "",
		first_name=row.first_name or "",
		last_name=row.last_name or "",
		company_name=row.company_name or "",
		emails=[row.email_id] if row.email_id else [],
		website=row.website or "",
		handles=handles,
		customer=customer,
	)


def _contact_facts(row, handles, emails: list[str], customer: str, company: str) -> PartyFacts:
	return PartyFacts(
		"Contact",
		row.name,
		display_name=row.full_name or "",
		first_name=row.first_name or "",
		last_name=row.last_name or "",
		company_name=company,
		emails=[*emails, *([row.email_id] if row.email_id else [])],
		handles=handles,
		customer=customer,
	)


def profile_facts(profile) -> ProfileFacts:
	"""A Social Profile (doc or dict) as engine facts."""
	return ProfileFacts(
		platform=profile.get("platform") or "Other",
		handle=profile.get("handle") or "",
		display_name=profile.get("display_name") or "",
		bio=profile.get("bio") or "",
		profile_url=profile.get("profile_url") or "",
		website=profile.get("website") or "",
		email=profile.get("email") or "",
	)


# -- maintaining rows -----------------------------------------------------------------------


def converted_customer(lead: str) -> str:
	"""The Customer made from a Lead (ERPNext's make_customer sets Customer.lead_name), or ""."""
	return frappe.db.get_value("Customer", {"lead_name": lead}, "name") or ""


def desired_party_rows(doctype: str, name: str) -> tuple[set[tuple[str, str]], str]:
	"""The key rows a party should have, and its ``customer`` column value."""
	lead_customers = {}
	if doctype == "Lead":
		customer = frappe.db.get_value(
			KEY_DOCTYPE, {"reference_doctype": "Lead", "reference_name": name}, "customer"
		)
		if not customer and frappe.db.get_value("Lead", name, "status") == "Converted":
			customer = converted_customer(name)
		lead_customers[name] = customer or ""
	loaded = load_parties([(doctype, name)], lead_customers)
	facts = loaded.get((doctype, name))
	if not facts:
		return set(), ""
	return key_rows(party_lookup_keys(facts)), facts.customer


def sync_keys(
	reference_doctype: str,
	reference_name: str,
	rows: set[tuple[str, str]],
	customer: str = "",
	pending_review: bool = False,
) -> set[tuple[str, str]]:
	"""Make the stored rows of one party/profile equal ``rows``. Returns the rows that were added.

	``pending_review``: the added rows come from an edit by a user without the social roles
	(:func:`edit_needs_review`); a link resting on them waits for review (:func:`pending_keys`).
	"""
	existing = frappe.get_all(
		KEY_DOCTYPE,
		filters={"reference_doctype": reference_doctype, "reference_name": reference_name},
		fields=["name", "key_type", "key_value", "customer"],
	)
	current = {(row.key_type, row.key_value): row for row in existing}
	removed = [row.name for key, row in current.items() if key not in rows]
	if removed:
		frappe.db.delete(KEY_DOCTYPE, {"name": ("in", removed)})
	stale_customer = [
		row.name for key, row in current.items() if key in rows and (row.customer or "") != (customer or "")
	]
	if stale_customer:
		frappe.db.set_value(KEY_DOCTYPE, {"name": ("in", stale_customer)}, "customer", customer or None)
	added = rows - set(current)
	insert_rows(
		[(kind, value, reference_doctype, reference_name, customer) for kind, value in sorted(added)],
		pending_review=pending_review,
	)
	return added


def insert_rows(rows: list[tuple[str, str, str, str, str]], pending_review: bool = False) -> None:
	"""Bulk insert (key_type, key_value, reference_doctype, reference_name, customer), skipping duplicates."""
	if not rows:
		return
	now = now_datetime()
	user = frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"
	fields = [
		"name",
		"key_type",
		"key_value",
		"reference_doctype",
		"reference_name",
		"customer",
		"pending_review",
		"creation",
		"modified",
		"owner",
		"modified_by",
	]
	pending = 1 if pending_review else 0
	values = [
		(frappe.generate_hash(length=12), *row[:4], row[4] or None, pending, now, now, user, user)
		for row in rows
	]
	for start in range(0, len(values), INSERT_BATCH):
		# ignore: a concurrent writer (another worker) may have inserted the same key a moment ago
		insert_many(KEY_DOCTYPE, fields, values[start : start + INSERT_BATCH], ignore_duplicates=True)


def edit_needs_review(user: str | None = None) -> bool:
	"""Keys a party gets from an edit by this user wait for review: they lack the social roles.

	A Sales User may edit the Customers they look after; without this, typing someone's handle,
	email or website into one would link that person's profile and posts to it, and so widen what
	the Sales User may read, without anyone with the social roles deciding.
	"""
	return not is_unrestricted(user)


def pending_keys(reference_doctype: str, reference_name: str) -> set[tuple[str, str]]:
	"""The party's key rows still waiting for review (entered by a user without the social roles)."""
	return {
		(row.key_type, row.key_value)
		for row in frappe.get_all(
			KEY_DOCTYPE,
			filters={
				"reference_doctype": reference_doctype,
				"reference_name": reference_name,
				"pending_review": 1,
			},
			fields=["key_type", "key_value"],
		)
	}


def confirm_keys(reference_doctype: str, reference_name: str, profile: str) -> int:
	"""A person with the social roles accepted a link: the keys the party shares with the profile are
	no longer pending. Returns how many rows were confirmed."""
	shared = pending_keys(reference_doctype, reference_name) & set(
		(row.key_type, row.key_value)
		for row in frappe.get_all(
			KEY_DOCTYPE,
			filters={"reference_doctype": PROFILE, "reference_name": profile},
			fields=["key_type", "key_value"],
		)
	)
	for key_type, key_value in shared:
		frappe.db.set_value(
			KEY_DOCTYPE,
			{
				"reference_doctype": reference_doctype,
				"reference_name": reference_name,
				"key_type": key_type,
				"key_value": key_value,
			},
			"pending_review",
			0,
			update_modified=False,
		)
	return len(shared)


def sync_party(doctype: str, name: str) -> set[tuple[str, str]]:
	"""Recompute and store a party's keys. Returns the added rows."""
	rows, customer = desired_party_rows(doctype, name)
	return sync_keys(doctype, name, rows, customer)


def sync_profile(profile) -> set[tuple[str, str]]:
	"""Recompute and store a Social Profile's keys (used to find it when a party changes)."""
	rows = key_rows(lookup_keys(profile_facts(profile))) if not profile.get("anonymized") else set()
	return sync_keys(PROFILE, profile.get("name"), rows)


def sync_profiles(profiles: list) -> set[tuple[str, str, str]]:
	""":func:`sync_profile` for many profiles at once: one select of their stored rows, one delete
	of the stale ones, one bulk insert of the missing ones (the pipeline's new profiles of a page).

	Returns the added rows as (profile, key_type, key_value).
	"""
	wanted: dict[str, set[tuple[str, str]]] = {}
	for profile in profiles:
		facts = profile_facts(profile)
		wanted[profile.get("name")] = key_rows(lookup_keys(facts)) if not profile.get("anonymized") else set()
	if not wanted:
		return set()
	current: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
	for row in frappe.get_all(
		KEY_DOCTYPE,
		filters={"reference_doctype": PROFILE, "reference_name": ("in", sorted(wanted))},
		fields=["name", "reference_name", "key_type", "key_value"],
	):
		current[row.reference_name][(row.key_type, row.key_value)] = row.name
	removed = [
		row_name
		for profile, rows in current.items()
		for key, row_name in rows.items()
		if key not in wanted.get(profile, set())
	]
	if removed:
		frappe.db.delete(KEY_DOCTYPE, {"name": ("in", removed)})
	added = {
		(profile, kind, value)
		for profile, rows in wanted.items()
		for kind, value in rows
		if (kind, value) not in current.get(profile, {})
	}
	insert_rows([(kind, value, PROFILE, profile, "") for profile, kind, value in sorted(added)])
	return added


def delete_keys(reference_doctype: str, reference_name: str) -> None:
	frappe.db.delete(KEY_DOCTYPE, {"reference_doctype": reference_doctype, "reference_name": reference_name})


# -- lookups ------------------------------------------------------------------------------------


def find_candidate_refs(keys: LookupKeys) -> tuple[list[tuple[str, str]], dict[str, str]]:
	"""Parties sharing any lookup key with a profile: indexed equality lookups with row limits.

	One round trip: a UNION ALL of one range scan on (key_type, key_value) per key type, each
	with its own row limit. Customers are looked up by domain separately so that a company with
	many Contacts on its domain is never crowded out by them.
	Returns the (doctype, name) references and Lead -> converted Customer from the rows.
	"""
	parts, values = [], {}
	lookups = (
		("handle", [f"{p}:{h}" for p, h in keys.handles], PARTY_TYPES),
		("email", keys.emails, PARTY_TYPES),
		("domain", keys.domains, ("Customer",)),
		("domain", keys.domains, ("Lead", "Contact")),
		("name", keys.name_keys, PARTY_TYPES),
	)
	for index, (key_type, wanted, doctypes) in enumerate(lookups):
		wanted = [value for value in wanted if value and len(value) <= MAX_KEY_CHARS]
		if not wanted:
			continue
		values.update(
			{f"type{index}": key_type, f"values{index}": tuple(wanted), f"doctypes{index}": doctypes}
		)
		parts.append(
			f"""(select reference_doctype, reference_name, customer from `tabSocial Match Key`
			where key_type = %(type{index})s and key_value in %(values{index})s
			and reference_doctype in %(doctypes{index})s limit {int(LOOKUP_LIMITS[key_type])})"""
		)
	rows = frappe.db.sql(" union all ".join(parts), values) if parts else ()
	refs, lead_customers = [], {}
	seen = set()
	for doctype, name, customer in rows:
		if (doctype, name) not in seen:
			seen.add((doctype, name))
			refs.append((doctype, name))
		if doctype == "Lead" and customer:
			lead_customers[name] = customer
	return refs, lead_customers


def find_profiles_for_rows(rows: Iterable[tuple[str, str]], limit: int = REVERSE_LOOKUP_LIMIT) -> list[str]:
	"""Unlinked Social Profiles sharing one of these key rows (to re-match after a party changed).

	Profiles a person decided about (manual unlink, do not auto-link) are left out here already;
	the match job checks again under a row lock.
	"""
	by_type: dict[str, list[str]] = defaultdict(list)
	for kind, value in rows:
		by_type[kind].append(value)
	found: list[str] = []
	for kind, values in sorted(by_type.items()):
		if len(found) >= limit:
			break
		found += frappe.db.sql_list(
			"""select k.reference_name from `tabSocial Match Key` k
			join `tabSocial Profile` p on p.name = k.reference_name
			where k.key_type = %(kind)s and k.key_value in %(values)s and k.reference_doctype = 'Social Profile'
			and ifnull(p.party, '') = '' and p.do_not_auto_link = 0 and ifnull(p.link_method, '') != 'Manual'
			limit %(limit)s""",
			{"kind": kind, "values": tuple(values), "limit": limit},
		)
	return sorted(set(found))[:limit]


# -- backfill ---------------------------------------------------------------------------------


def backfill_all(batch_size: int = 500, commit: bool = True) -> dict[str, int]:
	"""(Re)build the keys of every party and profile in batches (install, migrate, a patch).

	Idempotent: rows already right are left alone. Keyset paging by name keeps each batch
	one short transaction.
	"""
	counts = {}
	for doctype in (*PARTY_TYPES, PROFILE):
		if not frappe.db.table_exists(doctype):
			continue
		done, last = 0, ""
		fields = ["name", "platform", "handle", "display_name", "bio", "profile_url", "website", "email"]
		while True:
			batch = frappe.get_all(
				doctype,
				filters={"name": (">", last)},
				fields=[*fields, "anonymized"] if doctype == PROFILE else ["name"],
				order_by="name asc",
				limit=batch_size,
			)
			if not batch:
				break
			last = batch[-1].name
			for row in batch:
				if doctype == PROFILE:
					sync_profile(row)
				else:
					sync_party(doctype, row.name)
			done += len(batch)
			if commit:
				frappe.db.commit()  # nosemgrep: one transaction per batch keeps locks short on big sites
		counts[doctype] = done
	return counts


def has_keys() -> bool:
	return bool(frappe.db.sql("select 1 from `tabSocial Match Key` limit 1"))


BACKFILL_DONE_KEY = "social_crm_match_keys_built"
SYNC_BACKFILL_LIMIT = 2000  # parties + profiles up to this are keyed right away


def ensure_keys() -> None:
	"""after_install / after_migrate: build the keys of existing records once.

	Small sites are keyed at once; bigger ones in a long background job (idempotent, batched),
	so a migrate never waits for 100,000 parties. Records saved later are keyed by doc_events.
	"""
	if not frappe.db.table_exists(KEY_DOCTYPE):
		return
	if frappe.db.get_default(BACKFILL_DONE_KEY) and has_keys():
		return  # (an empty table after a reinstall is keyed again)
	total = sum(
		frappe.db.count(doctype) for doctype in (*PARTY_TYPES, PROFILE) if frappe.db.table_exists(doctype)
	)
	if total <= SYNC_BACKFILL_LIMIT:
		backfill_job(commit=False)
		return
	frappe.enqueue(
		"social_crm.linking.keys.backfill_job",
		queue="long",
		timeout=6 * 3600,
		job_id="social_crm:backfill_match_keys",
		deduplicate=True,
		enqueue_after_commit=True,
	)


def backfill_job(commit: bool = True) -> dict[str, int]:
	counts = backfill_all(commit=commit)
	frappe.db.set_default(BACKFILL_DONE_KEY, "1")
	return counts
