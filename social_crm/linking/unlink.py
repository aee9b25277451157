"""The one way a Social Profile loses its party.

Every unlink goes through here: a person clearing the party on the profile form (the
controller takes :func:`unlinked_values`), a website user on /my-social and a consent
withdrawal (:func:`unlink_profile` with ``block_auto_link`` and ``clear_contributions``),
and a deleted party (``by_person=False``: jobs may match the profile again).

The profile is saved through its controller, so its mentions follow
(``jobs.move_mentions`` → ``party.set_party_on_mentions``, statuses from ``engine/status.py``)
and the change is in the profile's version history. A profile whose stored data no longer
validates is still unlinked, directly, with the same values and the same mention update.
"""

from __future__ import annotations

import frappe
from frappe.utils import now_datetime

from social_crm.linking import jobs
from social_crm.linking.keys import PROFILE
from social_crm.party import update_mentions

# link_method of a profile a person linked or unlinked: jobs leave it alone (jobs.human_decision)
MANUAL = "Manual"


def unlinked_values(link_method: str | None = MANUAL, user: str | None = None) -> dict:
	"""The fields of a profile without a party.

	``link_method`` "Manual" (a person unlinked it) records who and when; any other value
	(the method of the link a deleted party took with it) is kept, so jobs may match again.
	"""
	values = {
		"party_type": None,
		"party": None,
		"party_name": None,
		"customer": None,
		"link_confidence": 0,
		"link_method": link_method or MANUAL,
	}
	if values["link_method"] == MANUAL:
		values.update(linked_on=now_datetime(), linked_by=user or frappe.session.user)
	return values


def unlink_profile(
	profile: str,
	*,
	by_person: bool = True,
	block_auto_link: bool = False,
	clear_contributions: bool = False,
	inline: bool = False,
) -> bool:
	"""Unlink one profile from its party; its mentions follow. Returns True when it was linked.

	``by_person``: a person's decision ("Manual": no job links it again); False when the party
	is deleted. ``block_auto_link`` sets Do Not Auto-Link. ``clear_contributions``: its ideas and
	idea votes lose the party too (what the person asked for on /my-social or by withdrawing).
	``inline``: move all its mentions now, however many (a party being deleted must have no
	mention left pointing at it), instead of a background backfill for a big history.
	"""
	doc = frappe.get_doc(PROFILE, profile)
	was_linked = bool(doc.party)
	link_method = MANUAL if by_person else (doc.link_method or MANUAL)
	doc.party_type = doc.party = None
	if block_auto_link:
		doc.do_not_auto_link = 1
	doc.flags.link_method = link_method
	doc.flags.mentions_inline = inline
	doc.flags.ignore_permissions = True
	try:
		doc.save()  # the controller takes unlinked_values and moves the mentions
	except frappe.ValidationError:
		# an unlink must never fail on unrelated bad data of the profile: write it directly
		frappe.clear_last_message()
		values = unlinked_values(link_method)
		if block_auto_link:
			values["do_not_auto_link"] = 1
		frappe.db.set_value(PROFILE, profile, values)
		jobs.move_mentions(profile, None, None, None, inline=inline)
	if clear_contributions:
		clear_party_on_contributions(profile)
	return was_linked


def unlink_profiles(profiles: list[str], **options) -> int:
	""":func:`unlink_profile` for each profile; returns how many were linked."""
	return sum(1 for profile in profiles if unlink_profile(profile, **options))


def clear_party_on_contributions(profile: str) -> None:
	"""The profile's ideas and idea votes lose the party (and its Customer)."""
	frappe.db.sql(
		"update `tabIdea` set party_type=NULL, party=NULL, customer=NULL where submitted_by_profile=%s",
		profile,
	)
	frappe.db.sql("update `tabIdea Vote` set party_type=NULL, party=NULL where voter_profile=%s", profile)


def clear_party_on_mentions(party_type: str, party: str) -> int:
	"""Mentions that still carry the party lose it (a party-level withdrawal, after its profiles
	are unlinked). Statuses follow the engine's rule."""
	return update_mentions({"party_type": party_type, "party": party}, None, None, None)
