"""The stored form of a Social Profile: one rule for the controller and the ingest pipeline.

:func:`normalize_profile` turns the author fields of a profile (as typed on the form, sent
by an API client or taken from a platform's post) into what is stored, or raises
:class:`~social_crm.engine.errors.InvalidRecord` with a ``profile.*`` code. The Social
Profile controller's ``validate`` calls it for every save; the pipeline calls it for the
profiles it creates in bulk for a page of new authors, so both store the same values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.handles import HOST_SCOPED_HANDLE_PLATFORMS, normalize_handle
from social_crm.engine.records import MAX_BIO_CHARS, MAX_NAME_CHARS, clean_id, clean_url
from social_crm.engine.text import clean_display, html_to_text, truncate

# Codes of InvalidRecord raised here (the Frappe layer translates them).
PLATFORM_MISSING = "profile.platform_missing"
EXTERNAL_ID_INVALID = "profile.external_id_invalid"
URL_INVALID = "profile.url_invalid"
FOLLOWERS_NEGATIVE = "profile.followers_negative"

URL_FIELDS = ("profile_url", "website", "avatar_url")
# The fields normalize_profile returns (the profile's own facts, not its link to a party).
PROFILE_FIELDS = (
	"platform",
	"external_id",
	"handle",
	"display_name",
	"bio",
	*URL_FIELDS,
	"email",
	"followers",
	"verified",
	"influence_score",
)


def compute_influence(followers: int | None, verified: bool | int | None) -> float:
	"""0..100: log-scaled followers (1M followers = 90) plus 10 for a verified account."""
	followers = max(int(followers or 0), 0)
	score = min(90.0, 15.0 * math.log10(1 + followers))
	return round(score + (10.0 if verified else 0.0), 2)


def normalize_profile(values: Mapping[str, Any]) -> dict[str, Any]:
	"""The stored values of a profile's own fields (:data:`PROFILE_FIELDS`).

	- ``platform`` is required; ``external_id`` is required, at most 140 characters, no
	  control characters (:func:`~social_crm.engine.records.clean_id`);
	- ``handle`` normalized (:func:`~social_crm.engine.handles.normalize_handle`; on Mastodon
	  and other host-scoped platforms the profile URL gives the instance);
	- ``display_name`` and ``bio`` as plain text (HTML dropped), cut to their limits;
	- ``profile_url``, ``website``, ``avatar_url`` empty or an http(s) URL;
	- ``email`` stripped and lower-cased (its syntax is the Frappe field's check);
	- ``followers`` not negative; ``influence_score`` from followers and ``verified``.

	Raises InvalidRecord (``code`` one of the ``profile.*`` constants, ``field`` set).
	"""
	platform = values.get("platform") or ""
	if not platform:
		raise InvalidRecord("platform is required", "platform", code=PLATFORM_MISSING)
	try:
		external_id = clean_id(values.get("external_id"), "external_id")
	except InvalidRecord as exc:
		raise InvalidRecord(str(exc), "external_id", code=EXTERNAL_ID_INVALID) from exc
	profile_url = values.get("profile_url")
	instance = profile_url if platform in HOST_SCOPED_HANDLE_PLATFORMS and profile_url else None
	out: dict[str, Any] = {
		"platform": platform,
		"external_id": external_id,
		"handle": normalize_handle(platform, values.get("handle"), instance=instance),
		"display_name": clean_display(html_to_text(values.get("display_name")), MAX_NAME_CHARS),
		"bio": truncate(html_to_text(values.get("bio")), MAX_BIO_CHARS)[0],
	}
	for fieldname in URL_FIELDS:
		try:
			out[fieldname] = clean_url(values.get(fieldname), fieldname)
		except InvalidRecord as exc:
			raise InvalidRecord(str(exc), fieldname, code=URL_INVALID) from exc
	email = values.get("email")
	out["email"] = email.strip().lower() if email else email
	followers = values.get("followers") or 0
	if followers < 0:
		raise InvalidRecord("followers cannot be negative", "followers", code=FOLLOWERS_NEGATIVE)
	out["followers"] = followers
	out["verified"] = values.get("verified") or 0
	out["influence_score"] = compute_influence(followers, out["verified"])
	return out
