"""The review queue: accepting or rejecting candidate parties of a Social Profile.

Accepting links the profile as a person's decision (link_method "Manual": jobs never touch it).
Rejecting remembers the party in ``match_candidates["rejected"]``; the match job leaves rejected
parties out of its candidates for good, then runs again at once so the queue shows what is left
(another candidate, "Rejected" when nothing is left).
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from social_crm.linking.jobs import _match_profile, read_state
from social_crm.linking.keys import PROFILE, confirm_keys
from social_crm.party import PARTY_TYPES
from social_crm.permissions import is_unrestricted


def accept(profile: str, party_type: str, party: str) -> dict:
	row = frappe.db.get_value(
		PROFILE, profile, ["name", "party", "match_candidates"], as_dict=True, for_update=True
	)
	if not row:
		frappe.throw(_("Social Profile {0} not found").format(profile), frappe.DoesNotExistError)
	doc = frappe.get_doc(PROFILE, profile)
	doc.party_type, doc.party = party_type, party
	candidate = next(
		(
			c
			for c in read_state(row.match_candidates)["candidates"]
			if (c.get("party_type"), c.get("party")) == (party_type, party)
		),
		None,
	)
	doc.match_status = ""
	doc.flags.ignore_permissions = True  # the API checked write on the profile and read on the party
	doc.save()
	if is_unrestricted():
		# a person with the social roles vouched for the keys this link rests on
		confirm_keys(party_type, party, profile)
	if candidate:
		# keep the score the person accepted next to the manual link
		frappe.db.set_value(
			PROFILE,
			profile,
			"link_confidence",
			round(float(candidate.get("score") or 0) * 100, 2),
			update_modified=False,
		)
	return {"profile": profile, "party_type": party_type, "party": party}


def best_candidate(profile: str) -> tuple[str, str] | None:
	state = read_state(frappe.db.get_value(PROFILE, profile, "match_candidates"))
	for candidate in state["candidates"]:
		if candidate.get("party_type") in PARTY_TYPES and candidate.get("party"):
			return candidate["party_type"], candidate["party"]
	return None


def reject(profile: str, party_type: str | None = None, party: str | None = None) -> dict:
	"""Reject one candidate, or all current candidates when no party is given."""
	row = frappe.db.get_value(
		PROFILE, profile, ["name", "party_type", "party", "match_candidates"], as_dict=True, for_update=True
	)
	if not row:
		frappe.throw(_("Social Profile {0} not found").format(profile), frappe.DoesNotExistError)
	state = read_state(row.match_candidates)
	if party:
		targets = [(party_type, party)]
	else:
		targets = [(c.get("party_type"), c.get("party")) for c in state["candidates"]]
	if row.party and (row.party_type, row.party) in targets:
		frappe.throw(
			_("The profile is linked to {0} {1}; unlink it first").format(_(row.party_type), row.party)
		)
	known = {(r.get("party_type"), r.get("party")) for r in state["rejected"]}
	now = str(now_datetime())
	for target in targets:
		if target[0] in PARTY_TYPES and target[1] and target not in known:
			state["rejected"].append(
				{"party_type": target[0], "party": target[1], "by": frappe.session.user, "on": now}
			)
	state["candidates"] = [
		c for c in state["candidates"] if (c.get("party_type"), c.get("party")) not in targets
	]
	frappe.db.set_value(
		PROFILE,
		profile,
		{
			"match_candidates": json.dumps(state, default=str),
			"match_status": "Rejected" if not row.party else "",
		},
		update_modified=False,
	)
	result = _match_profile(profile) if not row.party else "kept"
	return {"profile": profile, "rejected": [list(t) for t in targets], "result": result}
