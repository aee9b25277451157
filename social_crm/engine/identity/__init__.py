"""Identity resolution: which Customer, Lead or Contact a social profile belongs to.

Plain Python (no frappe). The Frappe layer:

1. builds :class:`ProfileFacts` from a Social Profile;
2. fetches candidates with the :func:`lookup_keys` of the profile through indexed
   equality queries (handle, email, domain, name key; the keys of each party come from
   :func:`party_lookup_keys` and are stored in indexed fields), never by scanning;
3. calls :func:`rank` with the candidates as :class:`PartyFacts` and acts on the
   :class:`Decision`: "link", "review" (queue with candidates and reasons) or "none".
"""

from .domains import is_generic_domain, organization_domain, registrable_domain
from .facts import (
	PARTY_TYPES,
	LookupKeys,
	PartyFacts,
	ProfileFacts,
	lookup_keys,
	party_lookup_keys,
	profile_domains,
	profile_emails,
)
from .names import name_key, name_similarity
from .scoring import (
	AUTO_LINK_THRESHOLD,
	REVIEW_THRESHOLD,
	Candidate,
	Decision,
	Reason,
	rank,
	related,
	score,
)

__all__ = [
	"AUTO_LINK_THRESHOLD",
	"PARTY_TYPES",
	"REVIEW_THRESHOLD",
	"Candidate",
	"Decision",
	"LookupKeys",
	"PartyFacts",
	"ProfileFacts",
	"Reason",
	"is_generic_domain",
	"lookup_keys",
	"name_key",
	"name_similarity",
	"organization_domain",
	"party_lookup_keys",
	"profile_domains",
	"profile_emails",
	"rank",
	"registrable_domain",
	"related",
	"score",
]
