"""Scoring a social profile against candidate parties, and deciding what to do with the best one.

How signals combine
-------------------
Each signal carries a weight in 0..1, read as "how sure this signal alone makes us".
Signals combine by **noisy-OR**: ``score = 1 - prod(1 - weight)``. It treats each
signal as independent evidence that is wrong with probability ``1 - weight``, so

- a strong signal alone decides (email 0.95, handle 0.92 -> auto-link at 0.9);
- medium and weak signals add up, but never to certainty, and the order in which
  they are found does not matter;
- a new signal can only raise the score (no capped-sum cliffs, no tuning of a cap).

Weights are chosen so that the combinations behave as follows (``T`` = auto-link 0.9,
``R`` = review 0.6); the tests pin each row:

==========================================  ================  ==========
signals                                     score             outcome
==========================================  ================  ==========
email equal (the profile's email field)     0.95              link
email only in the bio, or an RSS author's   0.95              review
handle equal (same platform)                0.92              link
Mastodon/Bluesky user part only             0.60              review
Customer website domain                     0.80              review
Customer domain + customer name             0.91              link
Contact / Lead domain (a colleague?)        0.40 / 0.50       none
exact person name alone                     0.55              none
name + company named in bio                 0.80              review
name + domain only from a bio link          0.81              review
name + own website/email domain (Contact)   0.93              link
name + company in bio + own website domain  0.95              link
==========================================  ================  ==========

Self-asserted evidence never links on its own: an email or company named in the bio, a
bio link's domain, an RSS ``<author>`` email (``facts.SELF_ASSERTED_EMAIL_PLATFORMS``) and
a handle matched without its host (``SELF_ASSERTED_SIGNALS``) can raise a candidate to
review, but :func:`rank` links only when the profile's verified facts alone
(:meth:`ProfileFacts.verified`, without those signals) reach the auto-link threshold.
So "email in the bio" and "name + company in bio + domain from the bio" are reviews.

Penalties multiply the combined score: the party records another handle on the same
platform (``OTHER_HANDLE_FACTOR``), or strong signals point at different, unrelated
parties (``CONFLICT_FACTOR``, applied in :func:`rank`). Both push an otherwise certain
match down into review, where a human decides.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..text import EMAIL_RE, URL_RE
from .facts import (
	DOMAIN_SOURCE_FACTORS,
	PartyFacts,
	ProfileFacts,
	handle_keys,
	party_domains,
	profile_domains,
	profile_emails,
)
from .names import mentions_company, name_parts, name_similarity, profile_name_forms, tokens

# -- signal weights ---------------------------------------------------------------------
EMAIL_WEIGHT = 0.95  # an address is personal; equality is near proof, even on free-mail
HANDLE_WEIGHT = 0.92  # a handle recorded on the party; slightly below email: handles get renamed
HANDLE_USER_PART_WEIGHT = (
	0.6  # "anna" recorded without server vs "anna@chaos.social": another server may have its own anna
)
# A shared organization domain says "belongs to that organization": for a Customer that is
# the party itself; for a person (Contact, Lead) it may be any colleague.
DOMAIN_WEIGHTS = {"Customer": 0.8, "Lead": 0.5, "Contact": 0.4}
NAME_WEIGHT = 0.55  # an exact name alone stays below review: namesakes are common
NAME_MIN_SIMILARITY = 0.85  # token_sort_ratio below this is a different name
NAME_SUBSET_SIMILARITY = 0.95  # "Anna Maria Schmidt" vs "Anna Schmidt": all party tokens present
# Person name AND company evidence (domain or company named) together: "that Anna at that company".
# Full weight with the company's domain; a company merely named in the bio counts MENTION_EVIDENCE_FACTOR
# of it, since anyone can write "ACME" in a bio but a domain comes from the person's own site or mail.
NAME_AT_COMPANY_WEIGHT = 0.75
MENTION_EVIDENCE_FACTOR = 0.5
COMPANY_MENTION_WEIGHT = 0.3  # the person's company named in bio/display name (only with a name match)
CUSTOMER_MENTION_WEIGHT = 0.25  # the Customer named in the bio of a profile that is not the Customer itself

# -- penalties and decision ---------------------------------------------------------------
OTHER_HANDLE_FACTOR = 0.8  # the party has a different handle on this platform and no email matches
CONFLICT_FACTOR = 0.7  # strong signals (handle, email) point at different, unrelated parties
STRONG_SIGNALS = frozenset({"handle", "email"})
# Signals that are self-asserted whatever the facts: "anna" recorded without a server matches
# every server's anna. (Self-asserted facts are left out by ProfileFacts.verified.)
SELF_ASSERTED_SIGNALS = frozenset({"handle_user"})
AMBIGUITY_MARGIN = 0.1  # unrelated runner-up this close to the best -> review, never auto-link
AUTO_LINK_THRESHOLD = 0.9
REVIEW_THRESHOLD = 0.6

PARTY_TYPE_ORDER = {"Contact": 0, "Lead": 1, "Customer": 2}  # tie-break: the most specific party first
SCORE_DIGITS = 4


@dataclass
class Reason:
	"""One signal: its name, the weight it contributed (negative for a penalty) and a readable detail."""

	signal: str
	weight: float
	detail: str


@dataclass
class Candidate:
	"""A scored party. ``customer`` is the Customer a Contact (or converted Lead) belongs to."""

	party_type: str
	party: str
	score: float
	reasons: list[Reason] = field(default_factory=list)
	customer: str = ""

	@property
	def key(self) -> tuple[str, str]:
		return (self.party_type, self.party)

	def signals(self) -> list[str]:
		return [reason.signal for reason in self.reasons]

	def to_dict(self) -> dict:
		return asdict(self)


@dataclass
class Decision:
	"""What to do with a profile: ``action`` is "link", "review" or "none"."""

	action: str
	best: Candidate | None
	candidates: list[Candidate] = field(default_factory=list)
	ambiguous: bool = False
	note: str = ""

	@property
	def customer(self) -> str:
		"""The Customer behind the best candidate (itself when it is a Customer), or ""."""
		if not self.best:
			return ""
		return self.best.party if self.best.party_type == "Customer" else self.best.customer

	def to_dict(self) -> dict:
		return {
			"action": self.action,
			"best": self.best.to_dict() if self.best else None,
			"candidates": [candidate.to_dict() for candidate in self.candidates],
			"ambiguous": self.ambiguous,
			"note": self.note,
			"customer": self.customer,
		}


@dataclass
class _ProfileView:
	"""What scoring needs from a profile, computed once per profile."""

	profile: ProfileFacts
	handle_keys: dict[tuple[str, str], bool]  # key -> is the full handle
	emails: set[str]
	domains: dict[str, str]
	company_text: str
	name_forms: list[str]
	name_tokens: set[str]


def _view(profile: ProfileFacts) -> _ProfileView:
	keys = handle_keys(profile.platform, profile.handle)
	return _ProfileView(
		profile=profile,
		handle_keys={key: index == 0 for index, key in enumerate(keys)},
		emails=set(profile_emails(profile)),
		domains=profile_domains(profile),
		# Links and addresses already count as domains; their words ("acme-tools.de") are no mention.
		company_text=EMAIL_RE.sub(" ", URL_RE.sub(" ", f"{profile.display_name}\n{profile.bio}")),
		name_forms=profile_name_forms(profile.display_name),
		name_tokens={
			token
			for part in name_parts(profile.display_name)
			for german in (False, True)
			for token in tokens(part, german=german)
		},
	)


def noisy_or(weights: list[float]) -> float:
	"""Combine independent evidence: ``1 - prod(1 - w)`` over weights in 0..1."""
	remaining = 1.0
	for weight in weights:
		remaining *= 1.0 - min(max(weight, 0.0), 1.0)
	return 1.0 - remaining


def name_strength(similarity: float) -> float:
	"""Map a similarity to 0..1: 0 below NAME_MIN_SIMILARITY, 1 for equal names, linear between."""
	if similarity < NAME_MIN_SIMILARITY:
		return 0.0
	return min(1.0, (similarity - NAME_MIN_SIMILARITY) / (1.0 - NAME_MIN_SIMILARITY))


def _party_names(party: PartyFacts) -> list[str]:
	names = party.person_names()
	if not names and party.company_name:
		names = [party.company_name]
	return names


def _subset_similarity(profile_tokens: set[str], party_names: list[str]) -> float:
	"""NAME_SUBSET_SIMILARITY when every token (2+) of a party name is in the profile name (middle names)."""
	for name in party_names:
		for german in (False, True):
			wanted = {token for token in tokens(name, german=german) if len(token) > 1}
			if len(wanted) >= 2 and wanted <= profile_tokens:
				return NAME_SUBSET_SIMILARITY
	return 0.0


def _score(
	view: _ProfileView, party: PartyFacts, customer: PartyFacts | None = None, verified: bool = False
) -> Candidate:
	"""``verified``: score only evidence that is not self-asserted (view built from verified facts)."""
	reasons, other_handles = _handle_reasons(view, party, verified)
	emails = sorted(view.emails & set(party.emails))
	if emails:
		reasons.append(Reason("email", EMAIL_WEIGHT, f"email {emails[0]} is on the {party.party_type}"))
	domain_reason, domain_factor = _domain_reason(view, party, customer)
	if domain_reason:
		reasons.append(domain_reason)
	name_reason, strength = _name_reason(view, party)
	if name_reason:
		reasons.append(name_reason)
	reasons += _company_reasons(view, party, strength, domain_factor)

	score = noisy_or([reason.weight for reason in reasons])
	if other_handles and not any(r.signal in ("handle", "handle_user") for r in reasons) and not emails:
		penalty, score = _other_handle_penalty(view, party, other_handles[0], score)
		if penalty:
			reasons.append(penalty)
	customer_name = party.customer if party.party_type in ("Contact", "Lead") else ""
	return Candidate(party.party_type, party.name, round(score, SCORE_DIGITS), reasons, customer_name)


def _handle_reasons(view: _ProfileView, party: PartyFacts, verified: bool) -> tuple[list[Reason], list[str]]:
	"""Handles recorded on the party (same platform, normalized), and its other handles there."""
	platform = view.profile.platform
	reasons: list[Reason] = []
	other_handles: list[str] = []
	for handle_platform, handle in party.handles:
		if handle_platform != platform:
			continue
		full = view.handle_keys.get((handle_platform, handle))
		if full is True:
			reasons.append(
				Reason("handle", HANDLE_WEIGHT, f"{platform} handle {handle} is on the {party.party_type}")
			)
		elif full is False and "@" not in handle and "." not in handle.strip("."):
			# The party recorded only the user part; the profile's server may not be theirs.
			if verified:
				continue  # self-asserted (SELF_ASSERTED_SIGNALS): no evidence, and no other handle
			reasons.append(
				Reason(
					"handle_user", HANDLE_USER_PART_WEIGHT, f"{platform} user {handle} without server matches"
				)
			)
		else:
			other_handles.append(handle)
	return reasons, other_handles


def _domain_reason(
	view: _ProfileView, party: PartyFacts, customer: PartyFacts | None
) -> tuple[Reason | None, float]:
	"""The strongest shared domain, and how much the profile's source of it counts (0..1)."""
	# A Contact also belongs to its Customer's domains (the Customer's website, its addresses).
	owned = [(domain, f"the {party.party_type}'s") for domain in party_domains(party)]
	if customer is not None:
		owned += [(domain, f"its Customer {customer.name}'s") for domain in party_domains(customer)]
	best_weight, best_factor, detail = 0.0, 0.0, ""
	for domain, owner in owned:
		source = view.domains.get(domain)
		if source is None:
			continue
		factor = DOMAIN_SOURCE_FACTORS[source]
		weight = DOMAIN_WEIGHTS[party.party_type] * factor
		if weight > best_weight:
			best_weight, best_factor = weight, factor
			detail = f"domain {domain} (profile {source}) is {owner}"
	if not best_weight:
		return None, 0.0
	return Reason("domain", round(best_weight, SCORE_DIGITS), detail), best_factor


def _name_reason(view: _ProfileView, party: PartyFacts) -> tuple[Reason | None, float]:
	"""The person (or company) name match, and its strength (0..1)."""
	party_names = _party_names(party)
	similarity = 0.0
	if party_names and view.name_forms:
		similarity = name_similarity(view.profile.display_name, party_names)
		if similarity < NAME_SUBSET_SIMILARITY:
			similarity = max(similarity, _subset_similarity(view.name_tokens, party_names))
	strength = name_strength(similarity)
	if not strength:
		return None, 0.0
	detail = f"name {view.profile.display_name!r} ~ {party_names[0]!r} ({similarity:.2f})"
	return Reason("name", round(NAME_WEIGHT * strength, SCORE_DIGITS), detail), strength


def _company_reasons(
	view: _ProfileView, party: PartyFacts, strength: float, domain_factor: float
) -> list[Reason]:
	"""The company named in the profile: a Customer named (without a name match), or the person's
	company with their name ("that Anna at that company", with the domain as evidence too)."""
	if party.party_type == "Customer":
		company = party.display_name or party.company_name
		if not strength and mentions_company(view.company_text, company):
			return [Reason("company", CUSTOMER_MENTION_WEIGHT, f"bio names {company!r}")]
		return []
	if not strength:
		return []
	reasons = []
	mentioned = bool(party.company_name) and mentions_company(view.company_text, party.company_name)
	if mentioned:
		reasons.append(
			Reason(
				"company",
				round(COMPANY_MENTION_WEIGHT * strength, SCORE_DIGITS),
				f"profile names the company {party.company_name!r}",
			)
		)
	company_evidence = max(domain_factor, MENTION_EVIDENCE_FACTOR if mentioned else 0.0)
	if company_evidence:
		reasons.append(
			Reason(
				"name_at_company",
				round(NAME_AT_COMPANY_WEIGHT * strength * company_evidence, SCORE_DIGITS),
				"the name matches a person of the matching company",
			)
		)
	return reasons


def _other_handle_penalty(
	view: _ProfileView, party: PartyFacts, other: str, score: float
) -> tuple[Reason | None, float]:
	"""The party records another handle on this platform (and nothing strong matched): the
	penalty's reason and the reduced score."""
	if score <= 0:
		return None, score
	reduced = score * OTHER_HANDLE_FACTOR
	reason = Reason(
		"other_handle",
		round(reduced - score, SCORE_DIGITS),
		f"the {party.party_type} has another {view.profile.platform} handle: {other}",
	)
	return reason, reduced


def score(profile: ProfileFacts, party: PartyFacts, customer: PartyFacts | None = None) -> Candidate:
	"""Score one candidate party for a profile, with the reasons behind the score.

	``customer``: for a Contact, its Customer's facts; the Customer's domains then count
	for the Contact too (the Frappe layer may instead pass the Customer's website on the Contact).
	"""
	return _score(_view(profile), party, customer)


def verified_score(
	profile: ProfileFacts, candidate: Candidate, party: PartyFacts, customer: PartyFacts | None = None
) -> float:
	"""The candidate's score from evidence that is not self-asserted, with the candidate's penalties.

	What :func:`rank` compares with the auto-link threshold before it links (see module doc).
	"""
	plain = _score(_view(profile.verified()), party, customer, verified=True).score
	for reason in candidate.reasons:
		if reason.signal == "conflict":
			plain *= CONFLICT_FACTOR
	return round(plain, SCORE_DIGITS)


def related(a: Candidate, b: Candidate) -> bool:
	"""True when two candidates are the same party or one belongs to the other (Contact -> Customer).

	A Lead converted into a Customer (``customer`` set) is the same as that Customer and
	its Contacts. Two Contacts of one Customer are different people: not related.
	"""
	if a.key == b.key:
		return True
	for x, y in ((a, b), (b, a)):
		if x.customer and y.party_type == "Customer" and y.party == x.customer:
			return True
		if x.party_type == "Lead" and x.customer and y.customer == x.customer:
			return True
	return False


def _apply_conflicts(candidates: list[Candidate]) -> None:
	holders = [c for c in candidates if STRONG_SIGNALS & set(c.signals())]
	for candidate in holders:
		rivals = [other for other in holders if not related(candidate, other)]
		if not rivals:
			continue
		rival = min(rivals, key=lambda c: (PARTY_TYPE_ORDER[c.party_type], c.party))
		rival_signal = next(s for s in rival.signals() if s in STRONG_SIGNALS)
		reduced = round(candidate.score * CONFLICT_FACTOR, SCORE_DIGITS)
		candidate.reasons.append(
			Reason(
				"conflict",
				round(reduced - candidate.score, SCORE_DIGITS),
				f"{rival_signal} points to {rival.party_type} {rival.party}",
			)
		)
		candidate.score = reduced


def _sort_key(candidate: Candidate):
	return (-candidate.score, PARTY_TYPE_ORDER[candidate.party_type], candidate.party)


def rank(
	profile: ProfileFacts,
	parties: list[PartyFacts],
	auto_link: float = AUTO_LINK_THRESHOLD,
	review: float = REVIEW_THRESHOLD,
) -> Decision:
	"""Score all candidate parties and decide: "link" (score >= auto_link, unambiguous), "review" or "none".

	Pass a Contact's Customer among ``parties`` and its domains count for the Contact too.

	Ambiguity: when an unrelated runner-up (another person, another company) scores within
	AMBIGUITY_MARGIN of the best, the profile goes to review instead of being linked.
	A Contact and its own Customer are not rivals.
	"""
	if not 0.0 <= review <= auto_link <= 1.0:
		raise ValueError("thresholds must satisfy 0 <= review <= auto_link <= 1")
	view = _view(profile)
	customers = {party.name: party for party in parties if party.party_type == "Customer"}
	seen: dict[tuple[str, str], Candidate] = {}
	facts: dict[tuple[str, str], tuple[PartyFacts, PartyFacts | None]] = {}
	for party in parties:
		if party.key not in seen:
			customer = customers.get(party.customer) if party.party_type == "Contact" else None
			seen[party.key] = _score(view, party, customer)
			facts[party.key] = (party, customer)
	candidates = [candidate for candidate in seen.values() if candidate.score > 0]
	_apply_conflicts(candidates)
	candidates.sort(key=_sort_key)
	if not candidates:
		return Decision("none", None, [], note="no candidate has any matching signal")

	best = candidates[0]
	runner_up = next((c for c in candidates[1:] if not related(best, c)), None)
	ambiguous = runner_up is not None and best.score - runner_up.score < AMBIGUITY_MARGIN
	note = ""
	if ambiguous:
		note = (
			f"{runner_up.party_type} {runner_up.party} ({runner_up.score:.2f}) is as likely as "
			f"{best.party_type} {best.party} ({best.score:.2f})"
		)

	if best.score >= auto_link and not ambiguous:
		action = "link"
		verified = verified_score(profile, best, *facts[best.key])
		if verified < auto_link:
			action = "review"
			note = (
				f"self-asserted evidence (bio, feed author email, handle without its server) only "
				f"proposes a link; verified facts alone score {verified:.2f}"
			)
	elif best.score >= review or (ambiguous and best.score >= auto_link):
		action = "review"
	else:
		action = "none"
	return Decision(action, best, candidates, ambiguous, note)
