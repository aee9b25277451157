"""Background jobs: match one profile, move mentions of a big history, and their enqueueing.

Enqueueing: requests collected during a transaction are enqueued once, after it commits
(the job must see the rows just written; a rolled-back change enqueues nothing). Each job
has a job id per profile and is deduplicated; when the job for a profile is already
*running*, a second id (``...:again``) is queued so a change made while it ran is never lost.

The match job is idempotent and safe with several workers: it locks the profile row
(``select ... for update``) and re-reads it, so two workers on one profile run one after
the other and the second sees the first's result. Deadlocks and lock timeouts are retried
by Frappe's ``execute_job``; other failures are logged with the profile as reference and
re-raised, so RQ keeps the failed job (and "Match Again" on the form re-runs it).
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import cint, now_datetime
from frappe.utils.background_jobs import get_job_status

from social_crm import privacy, settings
from social_crm.engine.identity import Decision, lookup_keys, rank
from social_crm.engine.status import status_changes
from social_crm.linking.keys import (
	PROFILE,
	find_candidate_refs,
	key_rows,
	load_parties,
	pending_keys,
	profile_facts,
)
from social_crm.party import set_party_on_mentions

MATCH_METHOD = "social_crm.linking.jobs.match_profile"
BACKFILL_METHOD = "social_crm.linking.jobs.backfill_mentions"
MATCH_QUEUE = "short"
MATCH_TIMEOUT = 120
BACKFILL_QUEUE = "long"
BACKFILL_TIMEOUT = 3600
# Up to this many mentions are moved inline with the link change; more go to a job.
INLINE_MENTION_LIMIT = 1000
MAX_STORED_CANDIDATES = 5

AUTO_METHODS = frozenset({"Handle", "Email", "Domain", "Name"})
# Map the strongest engine signal of the linked candidate to Social Profile.link_method.
SIGNAL_METHODS = {
	"email": "Email",
	"handle": "Handle",
	"handle_user": "Handle",
	"domain": "Domain",
	"name": "Name",
	"name_at_company": "Name",
	"company": "Name",
}
PROFILE_FIELDS = [
	"name",
	"platform",
	"handle",
	"display_name",
	"bio",
	"profile_url",
	"website",
	"email",
	"party_type",
	"party",
	"link_method",
	"do_not_auto_link",
	"anonymized",
	"match_status",
	"match_candidates",
]


# -- settings and consent ---------------------------------------------------------------------


def consent_allows_linking(profile: str) -> bool:
	"""Whether the author's consent log allows Linking (``privacy.consent_allows``)."""
	return bool(privacy.consent_allows(profile, "Linking"))


# -- enqueueing after commit -------------------------------------------------------------------


def _pending() -> dict:
	pending = getattr(frappe.local, "social_crm_pending_jobs", None)
	if pending is None:
		pending = frappe.local.social_crm_pending_jobs = {}
		frappe.db.after_commit.add(_flush_pending)
		frappe.db.after_rollback.add(_drop_pending)
	return pending


def _drop_pending() -> None:
	frappe.local.social_crm_pending_jobs = None


def _flush_pending() -> None:
	pending = getattr(frappe.local, "social_crm_pending_jobs", None) or {}
	frappe.local.social_crm_pending_jobs = None
	for (method, job_id), spec in sorted(pending.items()):
		try:
			enqueue_unique(method, job_id, **spec)
		except Exception:
			# the data is committed; a lost enqueue is repaired by "Match Again" or the next change
			frappe.log_error(title=_("Social CRM: could not enqueue {0}").format(job_id))


def enqueue_unique(method: str, job_id: str, queue: str, timeout: int, **kwargs) -> None:
	"""Enqueue with dedupe; if the job is running right now, queue one follow-up run."""
	if get_job_status(job_id) == "started":
		job_id = f"{job_id}:again"
	frappe.enqueue(method, queue=queue, timeout=timeout, job_id=job_id, deduplicate=True, **kwargs)


def enqueue_match(profile: str) -> None:
	"""Match this profile in the background once the current transaction commits."""
	if not profile or not settings.auto_linking_enabled():
		return
	_pending()[(MATCH_METHOD, f"social_crm:match_profile:{profile}")] = {
		"queue": MATCH_QUEUE,
		"timeout": MATCH_TIMEOUT,
		"profile": profile,
	}


def enqueue_backfill(profile: str) -> None:
	_pending()[(BACKFILL_METHOD, f"social_crm:backfill_mentions:{profile}")] = {
		"queue": BACKFILL_QUEUE,
		"timeout": BACKFILL_TIMEOUT,
		"profile": profile,
	}


# -- mentions follow their author ----------------------------------------------------------------


def has_many_mentions(profile: str, limit: int | None = None) -> bool:
	"""True when the profile has more than ``limit`` mentions (counts at most limit + 1 index rows)."""
	limit = INLINE_MENTION_LIMIT if limit is None else limit
	return bool(
		frappe.db.sql(
			"select count(*) from (select 1 from `tabMention` where author = %s limit %s) t",
			(profile, limit + 1),
		)[0][0]
		> limit
	)


def move_mentions(
	profile: str, party_type: str | None, party: str | None, customer: str | None, inline: bool = False
) -> None:
	"""Copy the profile's party to its mentions: inline for small histories (or ``inline``), else in a job."""
	if not inline and has_many_mentions(profile):
		enqueue_backfill(profile)
	else:
		set_party_on_mentions(profile, party_type, party, customer)


def backfill_mentions(profile: str) -> int:
	"""Job: set the profile's *current* party on all its mentions, committing batch by batch."""
	row = frappe.db.get_value(PROFILE, profile, ["party_type", "party", "customer"], as_dict=True)
	if not row:
		return 0
	try:
		return set_party_on_mentions(
			profile,
			row.party_type,
			row.party,
			row.customer,
			on_batch=lambda: frappe.db.commit(),  # nosemgrep: short transactions, no long-held row locks
		)
	except frappe.db.InternalError:
		raise  # deadlock / lock timeout: execute_job retries
	except Exception:
		frappe.log_error(
			title=_("Social CRM: moving mentions of Social Profile {0} failed").format(profile),
			reference_doctype=PROFILE,
			reference_name=profile,
			defer_insert=True,
		)
		raise


# -- the match job ----------------------------------------------------------------------------


def read_state(value) -> dict:
	"""match_candidates JSON -> {"candidates": [...], "rejected": [...], ...} (tolerates old/empty values)."""
	if isinstance(value, str):
		try:
			value = json.loads(value) if value.strip() else {}
		except ValueError:
			value = {}
	if isinstance(value, list):
		value = {"candidates": value}
	if not isinstance(value, dict):
		value = {}
	value.setdefault("candidates", [])
	value.setdefault("rejected", [])
	return value


def rejected_keys(state: dict) -> set[tuple[str, str]]:
	return {
		(row.get("party_type"), row.get("party"))
		for row in state.get("rejected", [])
		if isinstance(row, dict)
	}


def human_decision(row) -> str:
	"""Why a job must leave this profile alone, or "" when it may (re)link it."""
	if cint(row.get("do_not_auto_link")):
		return "do not auto-link"
	if cint(row.get("anonymized")):
		return "anonymized"
	if row.get("party") and row.get("link_method") not in AUTO_METHODS:
		return "linked by a person"
	if not row.get("party") and row.get("link_method") == "Manual":
		return "unlinked by a person"
	return ""


def decide(row, rejected: set[tuple[str, str]] | None = None) -> Decision:
	"""Candidates from indexed lookups, then the engine's :func:`rank`. Rejected parties never come back."""
	rejected = rejected or set()
	facts = profile_facts(row)
	keys = lookup_keys(facts)
	if keys.is_empty():
		return Decision("none", None, [], note="the profile has no lookup keys")
	refs, lead_customers = find_candidate_refs(keys)
	refs = [ref for ref in refs if ref not in rejected]
	loaded = load_parties(refs, lead_customers)
	contact_leads = loaded.contact_leads
	open_leads = {
		name for (doctype, name), facts in loaded.facts.items() if doctype == "Lead" and not facts.customer
	}
	parties = []
	for key, party in loaded.facts.items():
		if key in rejected:
			continue
		# ERPNext makes a Contact for each Lead: while the Lead is open it is the same person, not a rival.
		if (
			key[0] == "Contact"
			and not party.customer
			and open_leads.intersection(contact_leads.get(key[1], ()))
		):
			continue
		parties.append(party)
	auto_link, review = settings.link_thresholds()
	return rank(facts, parties, auto_link=auto_link, review=review)


def rests_on_pending_keys(row, candidate) -> bool:
	"""True when the candidate party shares a lookup key with the profile that still waits for review."""
	pending = pending_keys(candidate.party_type, candidate.party)
	return bool(pending and pending & key_rows(lookup_keys(profile_facts(row))))


def link_method_for(candidate) -> str:
	reasons = [
		reason for reason in candidate.reasons if reason.signal in SIGNAL_METHODS and reason.weight > 0
	]
	if not reasons:
		return "Name"
	return SIGNAL_METHODS[max(reasons, key=lambda reason: reason.weight).signal]


def match_profile(profile: str) -> str:
	"""Job: link a profile, queue it for review, or mark it unmatched. Returns what happened."""
	try:
		return _match_profile(profile)
	except frappe.db.InternalError:
		raise  # deadlock / lock timeout: execute_job retries the job
	except Exception:
		frappe.log_error(
			title=_("Social CRM: matching Social Profile {0} failed").format(profile),
			reference_doctype=PROFILE,
			reference_name=profile,
			defer_insert=True,  # survives the rollback of the failed job
		)
		raise


def _match_profile(profile: str) -> str:
	# The row lock serializes workers on one profile until this job's transaction ends.
	row = frappe.db.get_value(PROFILE, profile, PROFILE_FIELDS, as_dict=True, for_update=True)
	if not row:
		return "missing"
	reason = human_decision(row)
	if reason:
		return f"skipped: {reason}"
	if not consent_allows_linking(profile):
		return "skipped: no consent for linking"

	state = read_state(row.match_candidates)
	rejected = rejected_keys(state)
	decision = decide_for_site(row, rejected)
	state.update(
		candidates=[candidate.to_dict() for candidate in decision.candidates[:MAX_STORED_CANDIDATES]],
		action=decision.action,
		ambiguous=decision.ambiguous,
		note=decision.note,
	)
	now = now_datetime()
	if decision.action == "link":
		return _link(row, decision, state, now)
	if row.party:
		# Linked by an earlier job: a job never unlinks; only a confident new link replaces it.
		_store_match(profile, row.match_status or "", state, now)
		return "kept"
	if decision.action == "review":
		status = "Needs Review"
	else:
		status = "Rejected" if rejected else "No Match"
	_store_match(profile, status, state, now)
	return status


def decide_for_site(row, rejected: set[tuple[str, str]]) -> Decision:
	""":func:`decide`, then what the site allows: a link becomes a review when auto-linking is off
	or when the link rests on keys still waiting for review."""
	decision = decide(row, rejected)
	if decision.action == "link" and not settings.auto_linking_enabled():
		decision.action = "review"  # auto-linking is switched off: a person decides
	if decision.action == "link" and rests_on_pending_keys(row, decision.best):
		# the party's matching keys were typed in by a user without the social roles: a link
		# would widen what that user may read, so someone with the social roles decides
		decision.action = "review"
		decision.note = _(
			"The matching keys of {0} {1} were entered by a user without the Social CRM roles: a Social CRM user must accept the link"
		).format(_(decision.best.party_type), decision.best.party)
	return decision


def _link(row, decision: Decision, state: dict, now) -> str:
	"""Link the profile to the decision's best candidate (through the controller: mentions follow)."""
	best = decision.best
	target = best.key
	if best.party_type == "Lead" and best.customer:
		# a converted Lead is closed: its history lives on the Customer made from it
		target = ("Customer", best.customer)
	if (row.party_type, row.party) == target:
		_store_match(row.name, "", state, now)
		return "linked: unchanged"
	doc = frappe.get_doc(PROFILE, row.name)
	doc.party_type, doc.party = target
	doc.flags.link_method = link_method_for(best)
	doc.flags.link_confidence = round(best.score * 100, 2)
	doc.match_status = ""
	doc.match_candidates = json.dumps(state, default=str)
	doc.last_matched_on = now
	doc.flags.ignore_permissions = True
	doc.save()
	return f"linked: {target[0]} {target[1]}"


def _store_match(profile: str, status: str, state: dict, now) -> None:
	frappe.db.set_value(
		PROFILE,
		profile,
		{"match_status": status, "match_candidates": json.dumps(state, default=str), "last_matched_on": now},
		update_modified=False,
	)
	sync_review_status(profile, status)


def sync_review_status(profile: str, match_status: str) -> None:
	"""Mentions of an unlinked author in the review queue are "Needs Review"; back to "New" when it leaves.

	Only these two automatic statuses change: mentions people worked on keep theirs.
	"""
	mention = frappe.qb.DocType("Mention")
	for old, new in status_changes(False, match_status == "Needs Review").items():
		(
			frappe.qb.update(mention)
			.set(mention.status, new)
			.where(mention.author == profile)
			.where(mention.status == old)
			.where(mention.party.isnull() | (mention.party == ""))
			.run()
		)
