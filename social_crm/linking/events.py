"""Social Profile doc_events (hooks.py) that keep its lookup keys current and start matching.

New or changed identity fields -> its keys are rewritten and its match job queued. The events of
Customer, Lead and Contact are in ``social_crm/overrides/`` (one module per doctype).
"""

from __future__ import annotations

from social_crm.linking import keys
from social_crm.linking.jobs import enqueue_match, human_decision

PROFILE_MATCH_FIELDS = ("platform", "handle", "email", "website", "bio", "display_name", "profile_url")


def profile_on_update(doc, method=None):
	before = doc.get_doc_before_save()
	changed = before is None or any(
		(before.get(field) or "") != (doc.get(field) or "") for field in (*PROFILE_MATCH_FIELDS, "anonymized")
	)
	if not changed:
		return
	keys.sync_profile(doc)
	if not human_decision(doc):
		enqueue_match(doc.name)


def profile_on_trash(doc, method=None):
	keys.delete_keys(keys.PROFILE, doc.name)
