"""Retention policies: validate them and turn them into plain filters the Frappe layer runs.

A policy says which records of one target expire (conditions), after how many days
(``keep_days``, counted from the policy's age field) and what happens then (Delete or
Anonymize). The engine never touches the database: :func:`to_filters` returns
``(field, operator, value)`` triples for ``frappe.get_all`` / ``frappe.db.count``, so a
preview counts with exactly the filters the run uses.

The "no conditions" rule. Every policy must name its ``age_field`` and a positive
``keep_days``. A policy without any selecting condition (platform, linked, status)
would hit every record of its target; that is allowed only when it says so with
``applies_to_all=True`` (e.g. "delete ingest error logs after 30 days"), and
``applies_to_all`` together with conditions is rejected as contradictory. So a policy
form left half-empty never silently becomes a mass deletion.

Resumable runs. The filters of a run also select only rows not yet handled (an
anonymized Mention's ``external_id`` starts with ``anon:``; a cleared raw payload is
empty), so each batch re-runs the same filters with ``limit=batch_size`` and never an
offset: handled rows drop out, and a run interrupted half-way simply continues.

Field names are the contract with the doctypes; they live in :data:`TARGETS` only.

Time. Post times (``posted_at``, a profile's ``first_seen`` / ``last_seen``) are stored in
UTC, desk stamps (``creation``, ``modified``, ``entered_at``) in the site's time zone: the
cutoff of a UTC age field is counted from ``utc_now`` (``TargetSpec.utc_fields``), of the others
from ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..errors import InvalidRecord
from ..handles import normalize_platform
from ..status import MENTION_STATUSES

DELETE = "Delete"
ANONYMIZE = "Anonymize"
ACTIONS = (DELETE, ANONYMIZE)

ANONYMIZED_ID_PREFIX = "anon:"
MAX_KEEP_DAYS = 36_500  # 100 years: anything longer is a typo
MAX_BATCH_SIZE = 10_000
MIN_BATCH_SIZE = 100
START_BATCH_SIZE = 250  # a run starts small and adapts (``next_batch_size``)
TARGET_BATCH_SECONDS = 0.5  # per write transaction: batches shrink or grow to stay near it
CONDITION_KEYS = ("platform", "linked", "status", "age_field")

IDEA_STATUSES = ("Open", "Under Review", "Planned", "In Progress", "Implemented", "Declined", "Duplicate")


@dataclass(frozen=True)
class TargetSpec:
	"""How one retention target maps onto a doctype."""

	doctype: str
	age_fields: tuple[str, ...]
	platform_field: str | None = None
	party_field: str | None = None
	status_field: str | None = None
	statuses: tuple[str, ...] = ()
	# Filters that select rows an Anonymize run has not handled yet; None: cannot be anonymized.
	anonymize_pending: tuple[tuple[str, str, Any], ...] | None = None
	# Delete empties this field instead of deleting the row (raw payloads live on the Mention).
	clear_field: str | None = None
	# Age fields stored in UTC (post times); the others are Frappe's site-local stamps.
	utc_fields: tuple[str, ...] = ()


_NOT_ANONYMIZED = (("external_id", "not like", ANONYMIZED_ID_PREFIX + "%"),)

TARGETS: dict[str, TargetSpec] = {
	"Mention": TargetSpec(
		"Mention",
		age_fields=("posted_at", "creation", "modified"),
		platform_field="platform",
		party_field="party",
		status_field="status",
		statuses=MENTION_STATUSES,
		anonymize_pending=_NOT_ANONYMIZED,
		utc_fields=("posted_at",),
	),
	"Social Profile": TargetSpec(
		"Social Profile",
		age_fields=("last_seen", "first_seen", "creation", "modified"),
		platform_field="platform",
		party_field="party",
		anonymize_pending=_NOT_ANONYMIZED,
		utc_fields=("last_seen", "first_seen"),
	),
	# An idea is anonymized on erasure of its submitter; retention only deletes ideas.
	"Idea": TargetSpec(
		"Idea", age_fields=("creation", "modified"), status_field="status", statuses=IDEA_STATUSES
	),
	# A vote is nothing but "who voted": there is nothing left to keep once the voter is gone.
	"Idea Vote": TargetSpec("Idea Vote", age_fields=("creation",), party_field="party"),
	# A contest entry names the entrant; anonymizing keeps the row (winner, coupon) for the draw record.
	"Contest Entry": TargetSpec(
		"Social Contest Entry",
		age_fields=("entered_at", "creation"),
		party_field="party",
		anonymize_pending=(("person", "not like", ANONYMIZED_ID_PREFIX + "%"),),
	),
	# Error logs and raw payloads hold untrusted source data that cannot be redacted reliably.
	"Ingest Error": TargetSpec("Social Ingest Error", age_fields=("creation", "modified")),
	"Raw Payload": TargetSpec(
		"Mention",
		age_fields=("creation", "posted_at"),
		platform_field="platform",
		party_field="party",
		status_field="status",
		statuses=MENTION_STATUSES,
		clear_field="raw_payload",
		utc_fields=("posted_at",),
	),
}


@dataclass(frozen=True)
class RetentionPolicy:
	"""One retention policy; see the module doc for the rules :func:`validate_policy` enforces."""

	name: str
	target: str
	conditions: Mapping[str, Any] = field(default_factory=dict)
	keep_days: int = 0
	action: str = DELETE
	enabled: bool = True
	applies_to_all: bool = False


@dataclass(frozen=True)
class RetentionPlan:
	"""What a run of one policy does: the doctype, filters, action and the field to clear."""

	policy: str
	doctype: str
	action: str
	filters: list[tuple[str, str, Any]]
	cutoff: datetime
	clear_field: str | None = None
	# the run walks the rows in (age_field, name) order, one platform of ``platforms`` at a time
	# (empty: all in one walk), so an index (platform, age field) serves each batch's read
	age_field: str = "creation"
	platform_field: str | None = None
	platforms: tuple[str, ...] = ()


def validate_policy(policy: RetentionPolicy | Mapping) -> RetentionPolicy:
	"""Validate a policy (or a mapping such as a policy doc) and return it normalized.

	Raises InvalidRecord naming the field for: a missing name, an unknown target or
	action, Anonymize on a target that cannot be anonymized, keep_days that is not a
	whole number from 1 to 36,500, unknown or inapplicable conditions, no age field,
	and a policy with no conditions that is not marked ``applies_to_all``.
	"""
	if isinstance(policy, Mapping):
		policy = policy_from_dict(policy)
	elif not isinstance(policy, RetentionPolicy):
		raise InvalidRecord("retention policy must be a RetentionPolicy or a mapping")

	name = str(policy.name or "").strip()
	if not name:
		raise InvalidRecord("retention policy needs a name", "name", code="retention.name_missing")

	target = _match(policy.target, TARGETS, "target", "retention target")
	spec = TARGETS[target]
	action = _match(policy.action, ACTIONS, "action", "retention action")
	if action == ANONYMIZE and spec.anonymize_pending is None:
		raise InvalidRecord(
			f"{target} records cannot be anonymized, only deleted",
			"action",
			code="retention.cannot_anonymize",
			target=target,
		)

	keep_days = _validate_keep_days(policy.keep_days)
	conditions = _validate_conditions(policy.conditions, spec, target)
	_validate_scope(conditions, policy.applies_to_all, action, target, keep_days)
	return RetentionPolicy(
		name=name,
		target=target,
		conditions=conditions,
		keep_days=keep_days,
		action=action,
		enabled=bool(policy.enabled),
		applies_to_all=bool(policy.applies_to_all),
	)


def _validate_keep_days(keep_days: Any) -> int:
	"""A whole number of days from 1 to ``MAX_KEEP_DAYS``."""
	if isinstance(keep_days, bool) or not isinstance(keep_days, int):
		raise InvalidRecord(
			f"keep_days must be a whole number of days, not {keep_days!r}",
			"keep_days",
			code="retention.keep_days",
			keep_days=keep_days,
			max=MAX_KEEP_DAYS,
		)
	if keep_days < 1:
		raise InvalidRecord(
			f"keep_days must be at least 1 (got {keep_days})",
			"keep_days",
			code="retention.keep_days",
			keep_days=keep_days,
			max=MAX_KEEP_DAYS,
		)
	if keep_days > MAX_KEEP_DAYS:
		raise InvalidRecord(
			f"keep_days must be at most {MAX_KEEP_DAYS} (got {keep_days})",
			"keep_days",
			code="retention.keep_days",
			keep_days=keep_days,
			max=MAX_KEEP_DAYS,
		)
	return keep_days


def _validate_scope(
	conditions: dict[str, Any], applies_to_all: bool, action: str, target: str, keep_days: int
) -> None:
	"""A policy selects by platform, linked or status, or says it applies to all (never both)."""
	selecting = [key for key in ("platform", "linked", "status") if key in conditions]
	if not selecting and not applies_to_all:
		raise InvalidRecord(
			f"policy has no conditions: it would {action.lower()} every {target} older than "
			f"{keep_days} days; add a platform, linked or status condition, or mark it as applying to all",
			"conditions",
			code="retention.no_conditions",
			action=action,
			target=target,
			keep_days=keep_days,
		)
	if selecting and applies_to_all:
		raise InvalidRecord(
			f"a policy that applies to all {target} records cannot also have conditions "
			f"({', '.join(selecting)})",
			"applies_to_all",
			code="retention.all_with_conditions",
			target=target,
		)


def policy_from_dict(data: Mapping) -> RetentionPolicy:
	"""Build a policy from a mapping; conditions may be nested or flat (a doc's own fields)."""
	conditions = data.get("conditions")
	if conditions is None:
		conditions = {key: data[key] for key in CONDITION_KEYS if data.get(key) not in (None, "", [])}
	keep_days = data.get("keep_days")
	if isinstance(keep_days, str) and keep_days.strip().lstrip("-").isdigit():
		keep_days = int(keep_days)
	return RetentionPolicy(
		name=data.get("name") or data.get("policy_name") or "",
		target=data.get("target") or "",
		conditions=conditions,
		keep_days=keep_days,
		action=data.get("action") or "",
		enabled=bool(data.get("enabled", True)),
		applies_to_all=bool(data.get("applies_to_all")),
	)


def _match(value: Any, choices, fieldname: str, label: str) -> str:
	key = str(value or "").strip().lower()
	for choice in choices:
		if choice.lower() == key:
			return choice
	raise InvalidRecord(
		f"unknown {label} {str(value or '')[:40]!r}; expected one of {', '.join(choices)}",
		fieldname,
		code=f"retention.unknown_{fieldname}",
		choices=tuple(choices),
		value=str(value or "")[:40],
	)


def _validate_conditions(conditions: Any, spec: TargetSpec, target: str) -> dict[str, Any]:
	if conditions is None:
		conditions = {}
	if not isinstance(conditions, Mapping):
		raise InvalidRecord("conditions must be a mapping", "conditions")
	unknown = sorted(set(conditions) - set(CONDITION_KEYS))
	if unknown:
		raise InvalidRecord(
			f"unknown condition {unknown[0]!r}; expected {', '.join(CONDITION_KEYS)}", "conditions"
		)
	out: dict[str, Any] = {"age_field": _age_field(conditions, spec, target)}
	platforms = _as_list(conditions.get("platform"))
	if platforms:
		out["platform"] = _platforms(platforms, spec, target)
	linked = _as_linked(conditions.get("linked"))
	if linked is not None:
		if not spec.party_field:
			raise InvalidRecord(
				f"{target} records are never linked to a party",
				"linked",
				code="retention.linked",
				target=target,
			)
		out["linked"] = linked
	statuses = _as_list(conditions.get("status"))
	if statuses:
		out["status"] = _statuses(statuses, spec, target)
	return out


def _age_field(conditions: Mapping, spec: TargetSpec, target: str) -> str:
	age_field = str(conditions.get("age_field") or "").strip()
	if not age_field:
		raise InvalidRecord(
			f"policy needs an age field to count days from (one of {', '.join(spec.age_fields)})",
			"age_field",
			code="retention.age_field",
			target=target,
			choices=spec.age_fields,
		)
	if age_field not in spec.age_fields:
		raise InvalidRecord(
			f"{age_field!r} is not an age field of {target}; expected one of {', '.join(spec.age_fields)}",
			"age_field",
			code="retention.age_field",
			target=target,
			choices=spec.age_fields,
		)
	return age_field


def _platforms(platforms: list[str], spec: TargetSpec, target: str) -> list[str]:
	if not spec.platform_field:
		raise InvalidRecord(
			f"{target} records have no platform to filter on",
			"platform",
			code="retention.platform",
			target=target,
		)
	normalized = []
	for value in platforms:
		platform = normalize_platform(value)
		if not platform:
			raise InvalidRecord(
				f"unknown platform {str(value)[:40]!r}",
				"platform",
				code="retention.platform",
				target=target,
			)
		if platform not in normalized:
			normalized.append(platform)
	return normalized


def _statuses(statuses: list[str], spec: TargetSpec, target: str) -> list[str]:
	if not spec.status_field:
		raise InvalidRecord(
			f"{target} records have no status to filter on",
			"status",
			code="retention.status",
			target=target,
		)
	normalized = []
	for value in statuses:
		status = _match(value, spec.statuses, "status", f"{target} status")
		if status not in normalized:
			normalized.append(status)
	return normalized


def _as_list(value: Any) -> list[str]:
	if value in (None, ""):
		return []
	if isinstance(value, str):
		return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]
	if isinstance(value, list | tuple | set | frozenset):
		return [str(v).strip() for v in value if str(v).strip()]
	raise InvalidRecord(f"condition value must be text or a list, not {type(value).__name__}", "conditions")


def _as_linked(value: Any) -> bool | None:
	if value is None or value == "" or (isinstance(value, str) and value.strip().lower() in ("any", "")):
		return None
	if isinstance(value, bool):
		return value
	key = str(value).strip().lower()
	if key in ("1", "true", "yes", "linked"):
		return True
	if key in ("0", "false", "no", "unlinked", "not linked"):
		return False
	raise InvalidRecord(f"linked must be yes, no or any, not {str(value)[:20]!r}", "linked")


def cutoff(policy: RetentionPolicy, now: datetime, utc_now: datetime | None = None) -> datetime:
	"""Records whose age field is before this moment have expired.

	``now`` is the site's time as Frappe stores it (naive, system time zone), ``utc_now`` the same
	instant in naive UTC: an age field stored in UTC (``TargetSpec.utc_fields``, e.g. ``posted_at``)
	is measured from ``utc_now``, the others from ``now``. Without ``utc_now`` both are ``now``.
	"""
	spec = TARGETS.get(policy.target)
	reference = now
	if utc_now is not None and spec and policy.conditions.get("age_field") in spec.utc_fields:
		reference = utc_now
	return reference - timedelta(days=policy.keep_days)


def to_filters(
	policy: RetentionPolicy, now: datetime, utc_now: datetime | None = None
) -> list[tuple[str, str, Any]]:
	"""The filters selecting what ``policy`` touches at ``now``, for frappe.get_all / db.count.

	``now`` / ``utc_now``: see :func:`cutoff`; the cutoff is passed as a "YYYY-MM-DD HH:MM:SS"
	string. The policy is validated first.
	"""
	policy = validate_policy(policy)
	spec = TARGETS[policy.target]
	conditions = policy.conditions
	moment = cutoff(policy, now, utc_now).replace(tzinfo=None, microsecond=0)
	filters: list[tuple[str, str, Any]] = [(conditions["age_field"], "<", moment.isoformat(sep=" "))]
	if "platform" in conditions:
		platforms = conditions["platform"]
		if len(platforms) == 1:
			filters.append((spec.platform_field, "=", platforms[0]))
		else:
			filters.append((spec.platform_field, "in", list(platforms)))
	if "linked" in conditions:
		filters.append((spec.party_field, "is", "set" if conditions["linked"] else "not set"))
	if "status" in conditions:
		filters.append((spec.status_field, "in", list(conditions["status"])))
	if policy.action == ANONYMIZE:
		filters.extend(spec.anonymize_pending or ())
	elif spec.clear_field:
		filters.append((spec.clear_field, "is", "set"))
	return filters


def plan(policy: RetentionPolicy, now: datetime, utc_now: datetime | None = None) -> RetentionPlan:
	"""Everything a run (or a preview) of ``policy`` needs, as plain data (``utc_now``: :func:`cutoff`)."""
	policy = validate_policy(policy)
	spec = TARGETS[policy.target]
	return RetentionPlan(
		policy=policy.name,
		doctype=spec.doctype,
		action=policy.action,
		filters=to_filters(policy, now, utc_now),
		cutoff=cutoff(policy, now, utc_now),
		clear_field=spec.clear_field if policy.action == DELETE else None,
		age_field=policy.conditions["age_field"],
		platform_field=spec.platform_field,
		platforms=tuple(policy.conditions.get("platform") or ()),
	)


def describe(policy: RetentionPolicy) -> str:
	"""One line for the audit log, e.g. "Anonymize Mention (unlinked) after 90 days of posted_at"."""
	policy = validate_policy(policy)
	parts = []
	conditions = policy.conditions
	if "platform" in conditions:
		parts.append("/".join(conditions["platform"]))
	if "linked" in conditions:
		parts.append("linked" if conditions["linked"] else "unlinked")
	if "status" in conditions:
		parts.append("status " + "/".join(conditions["status"]))
	scope = f" ({', '.join(parts)})" if parts else " (all)"
	return (
		f"{policy.action} {policy.target}{scope} after {policy.keep_days} days of {conditions['age_field']}"
	)


def default_policies() -> list[RetentionPolicy]:
	"""The policies created on install (editable afterwards).

	Mentions are anonymized rather than deleted so volume and sentiment statistics
	survive; unlinked authors' posts go after 90 days, linked ones after two years.
	Error logs and raw payloads are only needed for retries and debugging: 30 days.
	"""
	return [
		RetentionPolicy(
			"Unlinked mentions after 90 days",
			"Mention",
			{"linked": False, "age_field": "posted_at"},
			90,
			ANONYMIZE,
		),
		RetentionPolicy(
			"Linked mentions after 2 years",
			"Mention",
			{"linked": True, "age_field": "posted_at"},
			730,
			ANONYMIZE,
		),
		RetentionPolicy(
			"Ingest error logs after 30 days",
			"Ingest Error",
			{"age_field": "creation"},
			30,
			DELETE,
			applies_to_all=True,
		),
		RetentionPolicy(
			"Raw payloads after 30 days",
			"Raw Payload",
			{"age_field": "creation"},
			30,
			DELETE,
			applies_to_all=True,
		),
	]


def batch_limit(configured: int) -> int:
	"""The largest batch of a run: the configured size within [``MIN_BATCH_SIZE``, ``MAX_BATCH_SIZE``]."""
	return max(MIN_BATCH_SIZE, min(MAX_BATCH_SIZE, int(configured)))


def first_batch_size(largest: int) -> int:
	"""The first batch of a run: small (``START_BATCH_SIZE``), never above the run's largest."""
	return min(largest, START_BATCH_SIZE)


def next_batch_size(current: int, seconds: float, target_seconds: float, smallest: int, largest: int) -> int:
	"""The size of the next batch after one whose write transaction took ``seconds``.

	Batches halve when a transaction ran over ``target_seconds`` and double when it took
	less than half of it, staying within [``smallest``, ``largest``] (``largest`` wins when
	it is below ``smallest``: a small configured size is never exceeded).
	"""
	if isinstance(current, bool) or not isinstance(current, int) or current < 1:
		raise InvalidRecord(f"batch size must be a whole number >= 1, not {current!r}", "batch_size")
	if largest > MAX_BATCH_SIZE:
		raise InvalidRecord(f"batch size must be at most {MAX_BATCH_SIZE}", "batch_size")
	if seconds > target_seconds:
		return max(smallest if largest >= smallest else largest, current // 2)
	if seconds < target_seconds / 2:
		return min(largest, current * 2)
	return current
