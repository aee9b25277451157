"""Consent and lawful basis: validate consent log entries and derive a profile's current state.

Purposes (what the data is used for):

- ``Listening`` — storing and analysing public posts (analytics, enrichment such as
  language and sentiment).
- ``Linking`` — connecting a social author to a CRM record (Customer, Lead, Contact).
- ``Marketing`` — contacting the person for marketing.

Rules of :func:`derive_state`:

- Per purpose, the latest entry in effect wins (an entry dated after ``now`` is not in
  effect yet). On equal timestamps the more restrictive status wins (Objected, then
  Withdrawn, then Granted), so a simultaneous withdrawal is never lost.
- ``Withdrawn`` and ``Objected`` stop that processing at once; they do not fall back
  to the default basis.
- A grant past its ``expires`` falls back to the default, as if there were no entry.
- The default basis for public posts (a setting) applies to Listening and Linking only.
  It may be "Legitimate Interest"; "Consent" or nothing means no default (nothing is
  processed without a grant). "Contract" cannot be presumed for a stranger's public
  post and is rejected. Marketing never has a default: it needs a live grant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import InvalidRecord
from ..records import parse_datetime

LISTENING = "Listening"
LINKING = "Linking"
MARKETING = "Marketing"
PURPOSES = (LISTENING, LINKING, MARKETING)

# What people (and older settings) call a purpose -> the purpose that covers it.
PURPOSE_ALIASES = {
	"listening": LISTENING,
	"analytics": LISTENING,
	"enrichment": LISTENING,
	"linking": LINKING,
	"linking to crm records": LINKING,
	"marketing": MARKETING,
	"marketing contact": MARKETING,
}

CONSENT = "Consent"
LEGITIMATE_INTEREST = "Legitimate Interest"
CONTRACT = "Contract"
BASES = (CONSENT, LEGITIMATE_INTEREST, CONTRACT)

GRANTED = "Granted"
WITHDRAWN = "Withdrawn"
OBJECTED = "Objected"
STATUSES = (GRANTED, WITHDRAWN, OBJECTED)

# Higher wins when two entries for one purpose carry the same timestamp.
_RESTRICTIVENESS = {GRANTED: 0, WITHDRAWN: 1, OBJECTED: 2}

# Purposes the default basis for public posts covers.
DEFAULT_PURPOSES = (LISTENING, LINKING)

# Clocks of the browser, the server and a webhook sender differ a little.
FUTURE_TOLERANCE = timedelta(minutes=5)

MAX_SOURCE_CHARS = 140
MAX_EVIDENCE_CHARS = 2_000


@dataclass(frozen=True)
class ConsentEntry:
	"""One row of the consent log."""

	purpose: str
	basis: str
	status: str
	at: datetime
	expires: datetime | None = None
	source: str = ""
	evidence: str = ""


@dataclass(frozen=True)
class PurposeState:
	"""The derived state of one purpose.

	``origin`` is "log" (a live entry decides), "default" (no entry, default basis),
	"expired" (a grant expired; the default decides) or "none" (no entry, no default).
	"""

	purpose: str
	allowed: bool
	basis: str | None
	status: str | None
	origin: str
	since: datetime | None = None
	expires: datetime | None = None


@dataclass(frozen=True)
class ConsentState:
	"""Current consent state of one subject, one :class:`PurposeState` per purpose."""

	purposes: Mapping[str, PurposeState] = field(default_factory=dict)

	def allows(self, purpose: str) -> bool:
		"""True when processing for ``purpose`` (or an alias like "analytics") may go on."""
		return self.purposes[normalize_purpose(purpose)].allowed

	def basis(self, purpose: str) -> str | None:
		"""The lawful basis processing for ``purpose`` relies on now, or None."""
		state = self.purposes[normalize_purpose(purpose)]
		return state.basis if state.allowed else None

	def blocked(self) -> list[str]:
		"""Purposes that are withdrawn or objected to (not merely without a basis)."""
		return [p for p in PURPOSES if self.purposes[p].origin == "log" and not self.purposes[p].allowed]

	def next_change(self) -> datetime | None:
		"""Earliest expiry of a live grant: when this state must be derived again."""
		times = [s.expires for s in self.purposes.values() if s.origin == "log" and s.expires]
		return min(times) if times else None

	def summary(self) -> str:
		"""Compact display text, e.g. "Listening: Legitimate Interest · Linking: Withdrawn · Marketing: —"."""
		parts = []
		for purpose in PURPOSES:
			state = self.purposes[purpose]
			if state.origin == "log" and state.allowed:
				text = state.basis or ""
				if state.expires:
					text += f" until {state.expires:%Y-%m-%d}"
			elif state.origin == "log":
				text = state.status or ""
			elif state.allowed:
				text = f"{state.basis} (default)"
			elif state.origin == "expired":
				text = "Expired"
			else:
				text = "—"
			parts.append(f"{purpose}: {text}")
		return " · ".join(parts)

	def to_dict(self) -> dict[str, Any]:
		"""Plain data for JSON (API responses, the profile's cached state)."""
		return {
			purpose: {
				"allowed": s.allowed,
				"basis": s.basis,
				"status": s.status,
				"origin": s.origin,
				"since": s.since.isoformat() if s.since else None,
				"expires": s.expires.isoformat() if s.expires else None,
			}
			for purpose, s in self.purposes.items()
		}


def normalize_purpose(value: Any) -> str:
	"""Return the canonical purpose for a case-insensitive name or alias; raise InvalidRecord."""
	key = str(value or "").strip().lower()
	if key in PURPOSE_ALIASES:
		return PURPOSE_ALIASES[key]
	raise InvalidRecord(
		f"unknown consent purpose {str(value or '')[:40]!r}; expected one of {', '.join(PURPOSES)}",
		"purpose",
		code="consent.unknown_purpose",
		choices=PURPOSES,
	)


def _choice(value: Any, choices: tuple[str, ...], fieldname: str, label: str) -> str:
	key = str(value or "").strip().lower()
	for choice in choices:
		if choice.lower() == key:
			return choice
	raise InvalidRecord(
		f"unknown {label} {str(value or '')[:40]!r}; expected one of {', '.join(choices)}",
		fieldname,
		code=f"consent.unknown_{fieldname}",
		choices=choices,
	)


def normalize_basis(value: Any) -> str:
	"""Return the canonical lawful basis; raise InvalidRecord for anything else."""
	return _choice(value, BASES, "basis", "lawful basis")


def validate_entry(entry: ConsentEntry | Mapping, now: datetime | None = None) -> ConsentEntry:
	"""Validate and normalize one consent entry (a ConsentEntry or a mapping).

	Times become timezone-aware UTC (naive values are taken as UTC). With ``now``, an
	entry dated more than :data:`FUTURE_TOLERANCE` in the future is rejected.
	"""
	if isinstance(entry, Mapping):
		data = dict(entry)
	elif isinstance(entry, ConsentEntry):
		data = entry.__dict__.copy()
	else:
		raise InvalidRecord("consent entry must be a ConsentEntry or a mapping")

	purpose = normalize_purpose(data.get("purpose"))
	basis = normalize_basis(data.get("basis"))
	status = _choice(data.get("status"), STATUSES, "status", "consent status")
	at = parse_datetime(data.get("at"), "at")
	expires = parse_datetime(data.get("expires"), "expires") if data.get("expires") else None

	if expires is not None:
		if status != GRANTED:
			raise InvalidRecord(
				f"only a grant can expire, not a {status.lower()} entry",
				"expires",
				code="consent.expires_not_grant",
				status=status,
			)
		if expires <= at:
			raise InvalidRecord(
				"expiry must be after the time the consent was given",
				"expires",
				code="consent.expires_before_at",
			)
	if now is not None and at > _utc(now) + FUTURE_TOLERANCE:
		raise InvalidRecord("consent entry is dated in the future", "at", code="consent.at_in_future")
	if status == GRANTED and basis == CONSENT and not (data.get("source") or data.get("evidence")):
		raise InvalidRecord(
			"a consent grant needs a source or evidence to prove it",
			"evidence",
			code="consent.evidence_missing",
		)

	source = str(data.get("source") or "").strip()
	if len(source) > MAX_SOURCE_CHARS:
		raise InvalidRecord(
			f"source is longer than {MAX_SOURCE_CHARS} characters",
			"source",
			code="consent.source_too_long",
			limit=MAX_SOURCE_CHARS,
		)
	evidence = str(data.get("evidence") or "").strip()
	if len(evidence) > MAX_EVIDENCE_CHARS:
		raise InvalidRecord(
			f"evidence is longer than {MAX_EVIDENCE_CHARS} characters",
			"evidence",
			code="consent.evidence_too_long",
			limit=MAX_EVIDENCE_CHARS,
		)
	return ConsentEntry(purpose, basis, status, at, expires, source, evidence)


def derive_state(
	entries: Iterable[ConsentEntry | Mapping],
	now: datetime,
	default_basis_for_public: str | None = LEGITIMATE_INTEREST,
) -> ConsentState:
	"""Derive the current :class:`ConsentState` from a subject's consent log (see module doc)."""
	now = _utc(now)
	default_basis = _default_basis(default_basis_for_public)

	latest: dict[str, ConsentEntry] = {}
	for raw in entries:
		entry = validate_entry(raw)
		if entry.at > now:
			continue  # not in effect yet
		current = latest.get(entry.purpose)
		if current is None or (entry.at, _RESTRICTIVENESS[entry.status]) > (
			current.at,
			_RESTRICTIVENESS[current.status],
		):
			latest[entry.purpose] = entry

	states = {}
	for purpose in PURPOSES:
		default = default_basis if purpose in DEFAULT_PURPOSES else None
		entry = latest.get(purpose)
		if entry is None:
			states[purpose] = PurposeState(
				purpose, bool(default), default, None, "default" if default else "none"
			)
		elif entry.status == GRANTED and entry.expires is not None and entry.expires <= now:
			states[purpose] = PurposeState(
				purpose, bool(default), default, None, "expired", since=entry.expires
			)
		else:
			allowed = entry.status == GRANTED
			states[purpose] = PurposeState(
				purpose,
				allowed,
				entry.basis,
				entry.status,
				"log",
				since=entry.at,
				expires=entry.expires if allowed else None,
			)
	return ConsentState(states)


def stops_ingest(entries: Iterable[ConsentEntry | Mapping], now: datetime) -> bool:
	"""True when a subject's log stops storing their posts at ingest: Listening withdrawn or objected.

	Only a live Withdrawn/Objected entry stops ingest (the person said no). A missing basis
	(no grant while the default is "Consent") does not: such posts are stored and not enriched,
	as before, until someone records a grant or the retention policies remove them.
	"""
	state = derive_state(entries, now, default_basis_for_public=None)
	return LISTENING in state.blocked()


def _default_basis(value: str | None) -> str | None:
	if not value:
		return None
	basis = normalize_basis(value)
	if basis == CONTRACT:
		raise InvalidRecord(
			"a contract cannot be the default basis for public posts",
			"default_basis_for_public",
			code="consent.contract_default_basis",
		)
	# Consent cannot be presumed: without a grant there is nothing to rely on.
	return None if basis == CONSENT else basis


def _utc(value: datetime) -> datetime:
	if value.tzinfo is None:
		return value.replace(tzinfo=timezone.utc)
	return value.astimezone(timezone.utc)


def own_choice(
	purpose: str, granted: bool, at: datetime, source: str = "", evidence: str = ""
) -> ConsentEntry:
	"""A validated entry of the person's own choice for ``purpose``: a grant or a withdrawal of
	consent (the basis recorded is Consent either way; a grant needs its source or evidence)."""
	return validate_entry(
		ConsentEntry(
			normalize_purpose(purpose),
			CONSENT,
			GRANTED if granted else WITHDRAWN,
			at,
			source=source,
			evidence=evidence,
		)
	)
