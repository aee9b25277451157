"""Endpoints for the review queue, "Create Lead" and re-matching (form buttons and list bulk actions)."""

import frappe
from frappe import _

from social_crm.linking import conversion, review
from social_crm.linking.jobs import _match_profile, read_state
from social_crm.party import PARTY_TYPES, get_party_title

MAX_BULK = 500


def _names(values: str | list) -> list[str]:
	names = frappe.parse_json(values) if isinstance(values, str) else values
	if isinstance(names, str):
		names = [names]
	if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
		frappe.throw(_("Please pass a list of document names"), frappe.ValidationError)
	if len(names) > MAX_BULK:
		frappe.throw(_("At most {0} records at once").format(MAX_BULK), frappe.ValidationError)
	return list(dict.fromkeys(names))


def _check_party(party_type: str, party: str) -> None:
	if party_type not in PARTY_TYPES:
		frappe.throw(_("Party Type must be one of {0}").format(", ".join(_(p) for p in PARTY_TYPES)))
	if not frappe.db.exists(party_type, party):
		frappe.throw(_("{0} {1} does not exist").format(_(party_type), party), frappe.DoesNotExistError)
	frappe.has_permission(party_type, "read", doc=party, throw=True)


def _check_profile(profile: str, ptype: str = "write") -> None:
	if not frappe.db.exists("Social Profile", profile):
		frappe.throw(_("Social Profile {0} not found").format(profile), frappe.DoesNotExistError)
	frappe.has_permission("Social Profile", ptype, doc=profile, throw=True)


@frappe.whitelist()
def get_candidates(profile: str) -> dict:
	"""The profile's candidates (score, reasons, party title) and rejected parties, for the form."""
	_check_profile(profile, "read")
	state = read_state(frappe.db.get_value("Social Profile", profile, "match_candidates"))
	candidates = []
	hidden = 0
	for candidate in state["candidates"]:
		party_type, party = candidate.get("party_type"), candidate.get("party")
		if party_type not in PARTY_TYPES or not frappe.db.exists(party_type, party):
			continue
		readable = bool(frappe.has_permission(party_type, "read", doc=party))
		if not readable:
			# a party the viewer may not read is not named, scored or explained to them
			hidden += 1
			continue
		candidates.append(
			{
				"party_type": party_type,
				"party": party,
				"title": get_party_title(party_type, party) if readable else party,
				"score": candidate.get("score") or 0,
				"reasons": [
					{"signal": r.get("signal"), "weight": r.get("weight"), "detail": r.get("detail")}
					for r in candidate.get("reasons") or []
					if isinstance(r, dict)
				],
				"customer": candidate.get("customer") or "",
				"readable": readable,
			}
		)
	return {
		"candidates": candidates,
		"hidden": hidden,
		"rejected": [
			row
			for row in state["rejected"]
			if isinstance(row, dict)
			and row.get("party_type") in PARTY_TYPES
			and row.get("party")
			and frappe.db.exists(row["party_type"], row["party"])
			and frappe.has_permission(row["party_type"], "read", doc=row["party"])
		],
		"note": state.get("note") or "",
		"ambiguous": bool(state.get("ambiguous")),
	}


@frappe.whitelist(methods=["POST"])
def accept_candidate(profile: str, party_type: str, party: str) -> dict:
	"""Link the profile to a candidate (a person's decision: jobs never change it)."""
	_check_profile(profile)
	_check_party(party_type, party)
	return review.accept(profile, party_type, party)


@frappe.whitelist(methods=["POST"])
def reject_candidate(profile: str, party_type: str | None = None, party: str | None = None) -> dict:
	"""Reject one candidate (or all when no party is given); it is never proposed again."""
	_check_profile(profile)
	if party and party_type not in PARTY_TYPES:
		frappe.throw(_("Party Type must be one of {0}").format(", ".join(_(p) for p in PARTY_TYPES)))
	return review.reject(profile, party_type, party)


@frappe.whitelist(methods=["POST"])
def accept_best(profiles: str | list) -> dict:
	"""Bulk action: accept the best candidate of each selected profile."""
	done, skipped = [], []
	for profile in _names(profiles):
		_check_profile(profile)
		best = review.best_candidate(profile)
		if not best or frappe.db.get_value("Social Profile", profile, "party"):
			skipped.append(profile)
			continue
		_check_party(*best)
		review.accept(profile, *best)
		done.append(profile)
	return {"accepted": done, "skipped": skipped}


@frappe.whitelist(methods=["POST"])
def reject_all(profiles: str | list) -> dict:
	"""Bulk action: reject all current candidates of each selected profile."""
	done = []
	for profile in _names(profiles):
		_check_profile(profile)
		review.reject(profile)
		done.append(profile)
	return {"rejected": done}


@frappe.whitelist(methods=["POST"])
def match_again(profile: str) -> dict:
	"""Run matching now (also the retry after a failed job). Clears a manual unlink first."""
	_check_profile(profile)
	row = frappe.db.get_value(
		"Social Profile", profile, ["party", "link_method"], as_dict=True, for_update=True
	)
	if not row.party and row.link_method == "Manual":
		frappe.db.set_value("Social Profile", profile, "link_method", None, update_modified=False)
	return {"profile": profile, "result": _match_profile(profile)}


def _check_can_create_lead() -> None:
	frappe.has_permission("Lead", "create", throw=True)


@frappe.whitelist(methods=["POST"])
def create_lead(profile: str | None = None, mention: str | None = None) -> dict:
	""" "Create Lead" from a Social Profile or a Mention; returns the existing record when there is one."""
	_check_can_create_lead()
	if mention:
		if not frappe.db.exists("Mention", mention):
			frappe.throw(_("Mention {0} not found").format(mention), frappe.DoesNotExistError)
		frappe.has_permission("Mention", "read", doc=mention, throw=True)
		author = frappe.db.get_value("Mention", mention, "author")
		if author:
			_check_profile(author, "read")
		return conversion.create_lead_for_mention(mention)
	if not profile:
		frappe.throw(_("Please select a Social Profile or a Mention"), frappe.MandatoryError)
	_check_profile(profile, "read")
	return conversion.create_lead_for_profile(profile)


@frappe.whitelist(methods=["POST"])
def create_leads(profiles: str | list | None = None, mentions: str | list | None = None) -> dict:
	"""Bulk action on Social Profile or Mention lists."""
	results, failed = [], []
	work = [{"mention": m} for m in (_names(mentions) if mentions else [])]
	work += [{"profile": p} for p in (_names(profiles) if profiles else [])]
	for args in work:
		frappe.db.savepoint("social_crm_create_lead")
		try:
			results.append(create_lead(**args))
		except (frappe.ValidationError, frappe.DoesNotExistError) as e:
			# e.g. a mention without author: undo this one, report it, go on with the others
			frappe.db.rollback(save_point="social_crm_create_lead")
			frappe.clear_last_message()
			failed.append({**args, "error": str(e)})
	return {
		"results": results,
		"failed": failed,
		"created": sum(1 for result in results if result["created"]),
		"existing": sum(1 for result in results if not result["created"]),
	}
