"""Issue #12: finish Personal Data Deletion Requests that ran before Social CRM hooked into them.

Such a request redacted the person's Social Profile to ``[REDACTED]`` but kept its platform id
and left the person's Mentions. Each such profile (``engine.privacy.anonymize.is_redacted``,
not yet anonymized) is now erased as the request does today (``privacy.deletion_request``):
its mentions and votes deleted, the profile anonymized, suppression keys stored, an audit row.
"""

import frappe

from social_crm.engine.privacy.anonymize import PROFILE_IDENTITY, is_redacted
from social_crm.privacy.erasure import erase


def execute():
	candidates = frappe.get_all(
		"Social Profile",
		filters={"anonymized": 0},
		or_filters=[[field, "like", "%REDACTED%"] for field in PROFILE_IDENTITY],
		fields=["name", "external_id", "anonymized", *PROFILE_IDENTITY],
	)
	for row in candidates:
		if is_redacted(row):
			erase("Social Profile", row.name)
