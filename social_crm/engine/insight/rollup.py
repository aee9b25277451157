"""Bucketing rule of the mention rollup: which aggregate rows one mention counts in.

The rollup (doctype *Social Mention Rollup*) holds how many mentions fall in each
(hour, dimension, value, platform, sentiment, language, rule kind). Every mention counts
**once** in each of these rows:

* ``All`` — value ``""``: every mention (volume, sentiment trend, negative share);
* ``Rule`` — value = each distinct listening rule it matched (alert series, Share of Voice
  by rule, Sentiment Trend filtered by a rule);
* ``Kind`` — value = each distinct kind of its matches (Brand, Product, ...; "Our Brand"
  of share of voice is ``Kind`` = Brand);
* ``Competitor`` — value = each distinct competitor voice of its Competitor matches: the
  rule's linked Competitor record, else the rule's name.

Because a mention is counted once per (dimension, value), "a mention matching two rules of
one group counts once" holds in the aggregate as it does in a ``count(distinct ...)``.

The hour is the UTC hour of ``posted_at`` (naive datetimes are UTC, as the app stores
them; aware ones are converted). ``match_kind`` is the kind of the match behind a
``Rule``/``Kind``/``Competitor`` row (``""`` for ``All``), so reports can filter on the
match's kind; ``rule_kind`` is the mention's own kind.

Writers hand the rows before and after a change to :func:`deltas`; it answers the count
change per key, which the Frappe layer adds with ``INSERT ... ON DUPLICATE KEY UPDATE``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone

from ..errors import InvalidRecord

ALL = "All"
RULE = "Rule"
KIND = "Kind"
COMPETITOR = "Competitor"
DIMENSIONS = (ALL, RULE, KIND, COMPETITOR)
COMPETITOR_KIND = "Competitor"
MAX_VALUE = 140


@dataclass(frozen=True, order=True)
class RollupKey:
	"""One aggregate row's identity."""

	bucket: datetime
	dimension: str
	value: str
	platform: str
	sentiment: str
	language: str
	rule_kind: str
	match_kind: str

	@property
	def name(self) -> str:
		"""Stable primary key of the row: its hour first (rows of one hour are stored together)."""
		raw = "\x1f".join(
			(
				self.bucket.strftime("%Y-%m-%d %H"),
				self.dimension,
				self.value,
				self.platform,
				self.sentiment,
				self.language,
				self.rule_kind,
				self.match_kind,
			)
		)
		digest = hashlib.md5(raw.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]
		return f"{self.bucket:%Y%m%d%H}-{digest}"


def hour_bucket(moment: datetime | date | str) -> datetime:
	"""Start of the UTC hour ``moment`` falls in, as a naive datetime."""
	if isinstance(moment, str):
		try:
			moment = datetime.fromisoformat(moment.strip())
		except ValueError:
			raise InvalidRecord(f"posted_at is not a date and time: {moment!r}", "posted_at")
	if not isinstance(moment, datetime):
		if isinstance(moment, date):
			moment = datetime(moment.year, moment.month, moment.day)
		else:
			raise InvalidRecord("posted_at must be a datetime", "posted_at")
	if moment.tzinfo is not None:
		moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
	return moment.replace(minute=0, second=0, microsecond=0)


def _text(value) -> str:
	return str(value or "").strip()[:MAX_VALUE]


def mention_keys(
	mention: Mapping, matches: Iterable[Mapping] = (), competitors: Mapping[str, str] | None = None
) -> set[RollupKey]:
	"""The rollup rows one mention counts in (once each).

	``mention`` has ``posted_at``, ``platform``, ``sentiment``, ``language``, ``rule_kind``;
	``matches`` are its rule matches (``listening_rule``, ``kind``); ``competitors`` maps a
	rule name to its linked Competitor (missing or empty: the rule's own name is the voice).
	A mention without ``posted_at`` counts nowhere.
	"""
	if not mention.get("posted_at"):
		return set()
	competitors = competitors or {}
	base = {
		"bucket": hour_bucket(mention["posted_at"]),
		"platform": _text(mention.get("platform")),
		"sentiment": _text(mention.get("sentiment")),
		"language": _text(mention.get("language")),
		"rule_kind": _text(mention.get("rule_kind")),
	}
	keys = {RollupKey(dimension=ALL, value="", match_kind="", **base)}
	seen_rules: set[str] = set()
	for match in matches:
		rule = _text(match.get("listening_rule"))
		if not rule or rule in seen_rules:
			continue  # a rule counts a mention once, as count(distinct) does
		seen_rules.add(rule)
		kind = _text(match.get("kind"))
		keys.add(RollupKey(dimension=RULE, value=rule, match_kind=kind, **base))
		if kind:
			keys.add(RollupKey(dimension=KIND, value=kind, match_kind=kind, **base))
		if kind == COMPETITOR_KIND:
			voice = _text(competitors.get(rule)) or rule
			keys.add(RollupKey(dimension=COMPETITOR, value=voice, match_kind=kind, **base))
	return keys


def deltas(before: Iterable[set[RollupKey]], after: Iterable[set[RollupKey]]) -> dict[RollupKey, int]:
	"""Count change per key from the key sets of the rows before and after a write.

	``before`` holds the key sets of the rows as they were (removed or changed rows),
	``after`` as they are now (inserted or changed rows). Keys whose count does not change
	are left out; the result is sorted by key so writers lock rollup rows in one order.
	"""
	change: Counter = Counter()
	for keys in before:
		for key in keys:
			change[key] -= 1
	for keys in after:
		for key in keys:
			change[key] += 1
	return {key: change[key] for key in sorted(change) if change[key]}
