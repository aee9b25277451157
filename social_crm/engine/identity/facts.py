"""What identity resolution knows about a social profile and a candidate party, and the lookup keys.

The Frappe layer fills :class:`ProfileFacts` from a Social Profile and :class:`PartyFacts`
from a Customer, Lead or Contact, and fetches candidates with the :class:`LookupKeys` of
:func:`lookup_keys` through indexed equality queries only (handle, email, domain, name
key). :func:`party_lookup_keys` gives the same keys for a party, to store in the indexed
fields those queries use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InvalidRecord
from ..handles import HOST_SCOPED_HANDLE_PLATFORMS, normalize_handle, normalize_platform
from ..parties import PARTY_TYPES  # defined once, importable by hooks.py
from ..text import EMAIL_RE, extract_urls
from .domains import organization_domain
from .names import name_key, name_parts

# Where a profile's domain was seen. A domain in the profile's own website or email is
# the person's; a link in the bio may point at anything they like (an article, a
# client), and a Mastodon instance may be a community server: those count less.
DOMAIN_SOURCE_FACTORS = {
	"email": 1.0,
	"website": 1.0,
	"handle": 1.0,  # a Bluesky custom-domain handle is verified by DNS
	"profile_url": 1.0,
	"instance": 0.6,
	"bio": 0.6,
}
# Platforms whose profile URL is the author's own site (a feed, an import), not the platform's.
OWN_SITE_PLATFORMS = frozenset({"RSS", "Webhook", "Other"})
# Platforms whose handle is "user@server" / "user.server": the bare user part is also a lookup key.
HANDLE_SERVER_SUFFIX = {"Bluesky": ".bsky.social"}

# Self-asserted evidence: what the author wrote about themselves and nobody verified. It may
# propose a review, never an automatic link (``scoring.rank`` links only when the profile's
# verified facts alone reach the threshold). It is the bio (emails, links and companies named
# there) and the author email of platforms that take it from the author's own content: an
# RSS/Atom ``<author>`` says whatever the feed's writer typed. (Handles matched without their
# host are the third kind; see ``scoring.SELF_ASSERTED_SIGNALS``.)
SELF_ASSERTED_EMAIL_PLATFORMS = frozenset({"RSS"})

MAX_EMAIL_CHARS = 254
MIN_SINGLE_TOKEN_KEY_CHARS = 4  # a one-word name key shorter than this ("Jo") matches too much

_OBFUSCATED_AT = re.compile(r"\s*[\[({]\s*(?:at|@)\s*[\])}]\s*", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r"\s*[\[({]\s*(?:dot|\.)\s*[\])}]\s*", re.IGNORECASE)


@dataclass
class ProfileFacts:
	"""A Social Profile as identity resolution sees it. The handle is normalized on creation."""

	platform: str
	handle: str = ""
	display_name: str = ""
	bio: str = ""
	profile_url: str = ""
	website: str = ""
	email: str = ""

	def __post_init__(self):
		self.platform = normalize_platform(self.platform) or str(self.platform or "Other")
		self.handle = normalize_handle(self.platform, self.handle)
		self.email = clean_email(self.email)

	@classmethod
	def from_author(cls, platform: str, author) -> ProfileFacts:
		"""Build from a :class:`~social_crm.engine.records.Author` (or anything with its attributes)."""
		return cls(
			platform=platform,
			handle=getattr(author, "handle", ""),
			display_name=getattr(author, "display_name", ""),
			bio=getattr(author, "bio", ""),
			profile_url=getattr(author, "profile_url", ""),
			website=getattr(author, "website", ""),
			email=getattr(author, "email", ""),
		)

	def verified(self) -> ProfileFacts:
		"""These facts without the self-asserted ones (see SELF_ASSERTED_EMAIL_PLATFORMS)."""
		return ProfileFacts(
			platform=self.platform,
			handle=self.handle,
			display_name=self.display_name,
			bio="",
			profile_url=self.profile_url,
			website=self.website,
			email="" if self.platform in SELF_ASSERTED_EMAIL_PLATFORMS else self.email,
		)


@dataclass
class PartyFacts:
	"""A candidate Customer, Lead or Contact.

	- ``display_name``: customer_name / lead_name / the Contact's full name;
	- ``company_name``: for a Contact the name of its Customer, for a Lead its company_name;
	- ``website``: the party's website; for a Contact the Frappe layer may pass its Customer's;
	- ``handles``: (platform, handle) pairs recorded on the party, normalized on creation;
	- ``customer``: for a Contact the Customer it is linked to, for a converted Lead its Customer.
	"""

	party_type: str
	name: str
	display_name: str = ""
	first_name: str = ""
	last_name: str = ""
	company_name: str = ""
	emails: list[str] = field(default_factory=list)
	website: str = ""
	handles: list[tuple[str, str]] = field(default_factory=list)
	customer: str = ""

	def __post_init__(self):
		if self.party_type not in PARTY_TYPES:
			raise InvalidRecord(f"party_type must be one of {', '.join(PARTY_TYPES)}", "party_type")
		if not self.name:
			raise InvalidRecord("party name is missing", "name")
		self.emails = sorted({email for email in (clean_email(e) for e in self.emails or ()) if email})
		normalized = set()
		for platform, handle in self.handles or ():
			canonical = normalize_platform(platform) or str(platform or "Other")
			value = normalize_handle(canonical, handle)
			if value:
				normalized.add((canonical, value))
		self.handles = sorted(normalized)

	@property
	def key(self) -> tuple[str, str]:
		return (self.party_type, self.name)

	def person_names(self) -> list[str]:
		"""Names to compare with a display name: the display name and first + last name."""
		names = [self.display_name]
		full = " ".join(part for part in (self.first_name, self.last_name) if part)
		if full and full not in names:
			names.append(full)
		return [name for name in names if name]


@dataclass
class LookupKeys:
	"""Keys for indexed equality lookups of candidate parties. Sorted and free of duplicates."""

	handles: list[tuple[str, str]] = field(default_factory=list)
	emails: list[str] = field(default_factory=list)
	domains: list[str] = field(default_factory=list)
	name_keys: list[str] = field(default_factory=list)

	def is_empty(self) -> bool:
		return not (self.handles or self.emails or self.domains or self.name_keys)


def clean_email(value: str | None) -> str:
	"""Lower-cased email address, or "" when the value is not one."""
	value = str(value or "").strip().lower()
	if value.startswith("mailto:"):
		value = value[len("mailto:") :]
	if not value or len(value) > MAX_EMAIL_CHARS or not EMAIL_RE.fullmatch(value):
		return ""
	return value


def profile_emails(profile: ProfileFacts) -> list[str]:
	"""The profile's email plus addresses written in its bio (also "anna [at] acme [dot] de")."""
	bio = profile.bio or ""
	deobfuscated = _OBFUSCATED_DOT.sub(".", _OBFUSCATED_AT.sub("@", bio))
	found = {profile.email} | _emails_in(bio) | _emails_in(deobfuscated)
	return sorted(email for email in (clean_email(e) for e in found) if email)


def _emails_in(text: str) -> set[str]:
	"""Email addresses in free text, but not Mastodon handles (``@anna@chaos.social``)."""
	return {
		match.group(0).rstrip(".")
		for match in EMAIL_RE.finditer(text)
		if match.start() == 0 or text[match.start() - 1] != "@"
	}


def profile_domains(profile: ProfileFacts) -> dict[str, str]:
	"""Organization domains of a profile, each with where it was seen (a DOMAIN_SOURCE_FACTORS key).

	Free-mail, platform and big Mastodon domains are left out. When a domain is seen in
	several places the strongest source wins.
	"""
	seen: list[tuple[str, str]] = []
	for email in profile_emails(profile):
		seen.append((email, "email"))
	seen.append((profile.website, "website"))
	if profile.platform in OWN_SITE_PLATFORMS:
		seen.append((profile.profile_url, "profile_url"))
	handle = profile.handle
	if profile.platform == "Bluesky" and "." in handle and not handle.endswith(".bsky.social"):
		seen.append((handle, "handle"))
	if profile.platform == "Mastodon" and "@" in handle:
		seen.append((handle.rsplit("@", 1)[1], "instance"))
	for url in extract_urls(profile.bio or ""):
		seen.append((url, "bio"))

	domains: dict[str, str] = {}
	for value, source in seen:
		domain = organization_domain(value)
		if not domain:
			continue
		current = domains.get(domain)
		if current is None or DOMAIN_SOURCE_FACTORS[source] > DOMAIN_SOURCE_FACTORS[current]:
			domains[domain] = source
	return dict(sorted(domains.items()))


def handle_keys(platform: str, handle: str) -> list[tuple[str, str]]:
	"""The handle, plus its bare user part where the host is part of it (``anna@chaos.social`` -> ``anna``)."""
	if not handle:
		return []
	keys = [(platform, handle)]
	if platform in HOST_SCOPED_HANDLE_PLATFORMS and "@" in handle:
		keys.append((platform, handle.split("@", 1)[0]))
	suffix = HANDLE_SERVER_SUFFIX.get(platform)
	if suffix and handle.endswith(suffix) and len(handle) > len(suffix):
		keys.append((platform, handle[: -len(suffix)]))
	return keys


def profile_name_keys(display_name: str) -> list[str]:
	"""Name keys for the display name and each of its parts, skipping keys too vague to look up."""
	keys = set()
	for part in name_parts(display_name):
		key = name_key(part)
		if not key:
			continue
		if " " not in key and len(key) < MIN_SINGLE_TOKEN_KEY_CHARS:
			continue
		keys.add(key)
	return sorted(keys)


def lookup_keys(profile: ProfileFacts) -> LookupKeys:
	"""Everything needed to fetch candidate parties for a profile with indexed equality queries."""
	return LookupKeys(
		handles=sorted(set(handle_keys(profile.platform, profile.handle))),
		emails=profile_emails(profile),
		domains=list(profile_domains(profile)),
		name_keys=profile_name_keys(profile.display_name),
	)


def party_domains(party: PartyFacts) -> list[str]:
	"""Organization domains of a party: its website and its email addresses (never free-mail)."""
	domains = {organization_domain(party.website)}
	domains |= {organization_domain(email) for email in party.emails}
	domains.discard("")
	return sorted(domains)


def party_lookup_keys(party: PartyFacts) -> LookupKeys:
	"""The keys a party is found under; store them in indexed fields on Customer / Lead / Contact."""
	names = party.person_names()
	if party.party_type == "Customer" and party.company_name:
		names.append(party.company_name)
	name_keys = {name_key(name) for name in names}
	name_keys.discard("")
	return LookupKeys(
		handles=list(party.handles),
		emails=list(party.emails),
		domains=party_domains(party),
		name_keys=sorted(name_keys),
	)
