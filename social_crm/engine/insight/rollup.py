"""Bucketing rule of the mention rollup: which aggregate rows one mention counts in.

The rollup (doctype *Social Mention Rollup*) holds how many mentions fall in each
(hour, dimension, value, platform, sentiment, language, rule kind). Every mention counts
**once** in each of these rows:

* ``All`` — value ``""``: every mention (volume, sentiment trend, negative share);
* ``Rule`` — value = each distinct listening rule it matched (alert series, Share of Voice
  by rule, Sentiment Trend filtered by a rule), with the sentiment towards that rule
  (aspect sentiment: a competitor does not get the praise meant for us);
* ``Kind`` — value = each distinct kind of its matches (Brand, Product, ...; "Our Brand"
  of share of voice is ``Kind`` = Brand);
* ``Competitor`` — value = each distinct competitor voice of its Competitor matches: the
  rule's linked Competitor record, else the rule's name;
* ``Series`` — value = each distinct listening rule, per sentiment only (platform, language
  and kinds empty): the alert job's hourly series per rule reads these few rows, whose
  number follows hours x rules x sentiments, not how many platforms and languages the
  busy hours fill;
* ``Item`` — value = each distinct Item of its matched Product rules (:func:`item_keys`), per
  platform and sentiment towards that item only, and per UTC **day** only (no hourly rows);
  beside them (``match_kind`` = ``Rule``) value = each of those Product rules, per platform:
  the *Mentions by Item* report reads days x (items x sentiments + rules) x platforms rows.

Because a mention is counted once per (dimension, value), "a mention matching two rules of
one group counts once" holds in the aggregate as it does in a ``count(distinct ...)``.

The hour is the UTC hour of ``posted_at`` (naive datetimes are UTC, as the app stores
them; aware ones are converted). Each row exists twice: per hour (grain ``Hour``: the alert
series) and per UTC day (grain ``Day``, the same counts summed over the day: charts and
reports over weeks read 24 times fewer rows). ``match_kind`` is the kind of the match behind a
``Rule``/``Kind``/``Competitor`` row (``""`` for ``All``), so reports can filter on the
match's kind; ``rule_kind`` is the mention's own kind.

Writers hand the rows before and after a change to :func:`deltas`; it answers the count
change per key, which the Frappe layer adds with ``INSERT ... ON DUPLICATE KEY UPDATE``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import cached_property

from ..errors import InvalidRecord

ALL = "All"
RULE = "Rule"
KIND = "Kind"
COMPETITOR = "Competitor"
SERIES = "Series"
DIMENSIONS = (ALL, RULE, KIND, COMPETITOR, SERIES)
ITEM = "Item"
DAILY_DIMENSIONS = (ITEM,)  # rows per UTC day only (grain Day)
PRODUCT_KIND = "Product"
ITEM_RULE = "Rule"  # match_kind of the Item dimension's per-rule rows (value = the rule)
HOUR = "Hour"
DAY = "Day"
GRAINS = (HOUR, DAY)
# the start of a row's name: rows of one grain, dimension and hour are neighbours in the table
# (daily names start with "D"; no hourly code is "D", and names compare case-insensitively)
_CODES = {ALL: "A", RULE: "R", KIND: "K", COMPETITOR: "C", SERIES: "S", ITEM: "I"}
_GRAIN_PREFIX = {HOUR: "", DAY: "D"}
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
	grain: str = HOUR

	@cached_property  # a frozen dataclass's instance dict still takes it; writers sort and bind by name
	def name(self) -> str:
		"""Stable primary key of the row: dimension code and hour first (see :func:`name_range`)."""
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
				self.grain,
			)
		)
		digest = hashlib.md5(raw.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]
		return f"{_GRAIN_PREFIX[self.grain]}{_CODES[self.dimension]}{self.bucket:%Y%m%d%H}-{digest}"


def sql_name(dimension: str, grain: str, bucket: str, parts: Sequence[str]) -> str:
	"""MariaDB expression computing :attr:`RollupKey.name` in a set-based rebuild.

	``bucket`` is the SQL expression of the row's bucket, ``parts`` those of value, platform,
	sentiment, language, rule kind and match kind (already trimmed strings, never NULL);
	dimension and grain are constants. Mirrors the Python property exactly (the rebuild
	test compares the two); a statement using it must not take parameters (plain ``%``).
	"""
	if dimension not in _CODES or grain not in _GRAIN_PREFIX or len(parts) != 6:
		raise InvalidRecord("sql_name needs a known dimension and grain and six parts", "dimension")
	fields = [f"date_format({bucket}, '%Y-%m-%d %H')", f"'{dimension}'", *parts, f"'{grain}'"]
	return (
		f"concat('{_GRAIN_PREFIX[grain]}{_CODES[dimension]}', date_format({bucket}, '%Y%m%d%H'), '-',"
		f" left(md5(concat_ws(char(31 using utf8mb4), {', '.join(fields)})), 20))"
	)


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


def day_bucket(moment: datetime | date | str) -> datetime:
	"""Start of the UTC day ``moment`` falls in, as a naive datetime."""
	return hour_bucket(moment).replace(hour=0)


def is_midnight(moment: datetime | date) -> bool:
	"""Whether ``moment`` is a UTC day boundary (a date, or a datetime at 00:00:00 UTC)."""
	if not isinstance(moment, datetime):
		return isinstance(moment, date)
	if moment.tzinfo is not None:
		moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
	return moment == day_bucket(moment)


def name_range(
	dimension: str, start: datetime | date, end: datetime | date, grain: str = HOUR
) -> tuple[str, str]:
	"""[low, high) of the row names of ``dimension`` and ``grain`` for buckets in [start, end).

	Names sort by dimension, then hour, so this range is one contiguous stretch of the
	table's primary key: readers scan exactly the rows they sum, in storage order.
	"""
	if dimension not in _CODES:
		raise InvalidRecord(f"unknown rollup dimension {dimension!r}", "dimension")
	if grain not in _GRAIN_PREFIX:
		raise InvalidRecord(f"unknown rollup grain {grain!r}", "grain")
	code = _GRAIN_PREFIX[grain] + _CODES[dimension]
	if grain == DAY:
		last = day_bucket(end)
		high = last if is_midnight(end) else last + timedelta(days=1)
		return f"{code}{day_bucket(start):%Y%m%d%H}", f"{code}{high:%Y%m%d%H}"
	return f"{code}{hour_bucket(start):%Y%m%d%H}", f"{code}{_ceil_hour(end):%Y%m%d%H}"


def _ceil_hour(moment: datetime | date) -> datetime:
	floor = hour_bucket(moment)
	exact = moment if isinstance(moment, datetime) else floor
	if exact.tzinfo is not None:
		exact = exact.astimezone(timezone.utc).replace(tzinfo=None)
	return floor if exact == floor else floor + timedelta(hours=1)


def _text(value) -> str:
	return str(value or "").strip()[:MAX_VALUE]


def match_sentiment(mention: Mapping, match: Mapping) -> str:
	"""The sentiment a mention counts with for one matched rule (aspect sentiment).

	A person's label (``human_sentiment``) wins; else the match's own sentiment (the post's
	sentiment towards that rule, ``engine.analysis.aspects``); else the post's.
	"""
	return (
		_text(mention.get("human_sentiment"))
		or _text(match.get("sentiment"))
		or _text(mention.get("sentiment"))
	)


def group_sentiment(sentiments: Iterable[str], overall: str) -> str:
	"""One sentiment for several matches that count once (a kind, a competitor voice): theirs
	when they agree, else the post's ``overall`` sentiment."""
	distinct = set(sentiments)
	return distinct.pop() if len(distinct) == 1 else overall


def mention_keys(
	mention: Mapping, matches: Iterable[Mapping] = (), competitors: Mapping[str, str] | None = None
) -> set[RollupKey]:
	"""The rollup rows one mention counts in (once each).

	``mention`` has ``posted_at``, ``platform``, ``sentiment``, ``language``, ``rule_kind``
	(and ``human_sentiment``); ``matches`` are its rule matches (``listening_rule``,
	``kind``, ``sentiment``); ``competitors`` maps a rule name to its linked Competitor
	(missing or empty: the rule's own name is the voice). ``All`` rows carry the post's
	sentiment; ``Rule`` rows the sentiment towards that rule (:func:`match_sentiment`);
	``Kind`` and ``Competitor`` rows that of their rules (:func:`group_sentiment`). A mention
	without ``posted_at`` counts nowhere.
	"""
	if not mention.get("posted_at"):
		return set()
	competitors = competitors or {}
	base = {
		"bucket": hour_bucket(mention["posted_at"]),
		"platform": _text(mention.get("platform")),
		"language": _text(mention.get("language")),
		"rule_kind": _text(mention.get("rule_kind")),
	}
	overall = _text(mention.get("sentiment"))
	keys = {RollupKey(dimension=ALL, value="", match_kind="", sentiment=overall, **base)}
	seen_rules: set[str] = set()
	kinds: dict[str, list[str]] = {}
	voices: dict[str, list[str]] = {}
	for match in matches:
		rule = _text(match.get("listening_rule"))
		if not rule or rule in seen_rules:
			continue  # a rule counts a mention once, as count(distinct) does
		seen_rules.add(rule)
		kind = _text(match.get("kind"))
		sentiment = match_sentiment(mention, match)
		rule_key = RollupKey(dimension=RULE, value=rule, match_kind=kind, sentiment=sentiment, **base)
		keys.add(rule_key)
		keys.add(series_key(rule_key))
		if kind:
			kinds.setdefault(kind, []).append(sentiment)
		if kind == COMPETITOR_KIND:
			voices.setdefault(_text(competitors.get(rule)) or rule, []).append(sentiment)
	for dimension, groups, match_kind in ((KIND, kinds, None), (COMPETITOR, voices, COMPETITOR_KIND)):
		for value, sentiments in groups.items():
			group = group_sentiment(sentiments, overall)
			kind = match_kind or value
			keys.add(RollupKey(dimension=dimension, value=value, match_kind=kind, sentiment=group, **base))
	return keys | {day_key(key) for key in keys}


def series_key(rule_key: RollupKey) -> RollupKey:
	"""The alert job's Series row of an hourly Rule row: rule x sentiment towards it per hour
	(a mention counts in it once per rule, as in the Rule row)."""
	return RollupKey(rule_key.bucket, SERIES, rule_key.value, "", rule_key.sentiment, "", "", "")


def day_key(key: RollupKey) -> RollupKey:
	"""The daily row of an hourly row (a mention lies in one hour, so it counts once in its day)."""
	return RollupKey(
		key.bucket.replace(hour=0),
		key.dimension,
		key.value,
		key.platform,
		key.sentiment,
		key.language,
		key.rule_kind,
		key.match_kind,
		DAY,
	)


def with_coarser(hourly: Mapping[RollupKey, int]) -> Counter:
	"""Counts of hourly All / Rule / Kind / Competitor rows (grouped from some mentions, as the
	rebuild does) with the rows :func:`mention_keys` derives from them: each Rule row's Series
	row, and every hourly row's daily row."""
	out: Counter = Counter()
	for key, count in hourly.items():
		out[key] += count
		if key.dimension == RULE:
			out[series_key(key)] += count
	for key, count in list(out.items()):
		out[day_key(key)] += count
	return out


def rule_items(rules: Iterable[Mapping]) -> dict[str, str]:
	"""{listening rule: its Item} of the rules a mention counts for an Item through.

	``rules`` have ``name``, ``kind`` and ``item``; only rules of kind Product that link an
	Item count (the *Mentions by Item* report's raw query applies the same condition).
	"""
	out = {}
	for rule in rules:
		name, item = _text(rule.get("name")), _text(rule.get("item"))
		if name and item and _text(rule.get("kind")) == PRODUCT_KIND:
			out[name] = item
	return out


def item_keys(
	mention: Mapping, matches: Iterable[Mapping] = (), items: Mapping[str, str] | None = None
) -> set[RollupKey]:
	"""The daily ``Item`` rows one mention counts in: once per distinct Item of its matched rules.

	``items`` maps a listening rule to its Item (:func:`rule_items`); a mention matching two
	rules of one Item counts once for it, with the sentiment towards the Item: a person's
	label, else that of its rules when they agree, else the post's (:func:`match_sentiment`,
	:func:`group_sentiment`). Keyed by UTC day, Item, platform and that sentiment only; and
	once per such rule (``match_kind`` :data:`ITEM_RULE`, value the rule, no sentiment): which
	of an Item's rules have mentions in a range.
	"""
	if not mention.get("posted_at") or not items:
		return set()
	seen_rules: set[str] = set()
	groups: dict[str, list[str]] = {}
	for match in matches:
		rule = _text(match.get("listening_rule"))
		if not rule or rule in seen_rules:
			continue
		seen_rules.add(rule)
		item = _text(items.get(rule))
		if item:
			groups.setdefault(item, []).append(match_sentiment(mention, match))
	overall, platform = _text(mention.get("sentiment")), _text(mention.get("platform"))
	day = day_bucket(mention["posted_at"])
	keys = {
		RollupKey(
			bucket=day,
			dimension=ITEM,
			value=item,
			platform=platform,
			sentiment=group_sentiment(sentiments, overall),
			language="",
			rule_kind="",
			match_kind="",
			grain=DAY,
		)
		for item, sentiments in groups.items()
	}
	for rule in seen_rules:
		if _text(items.get(rule)):
			keys.add(
				RollupKey(
					bucket=day,
					dimension=ITEM,
					value=rule,
					platform=platform,
					sentiment="",
					language="",
					rule_kind="",
					match_kind=ITEM_RULE,
					grain=DAY,
				)
			)
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


# --- per party and week ----------------------------------------------------------------------------
#
# The Customer / Lead / Contact form's social summary (counts per sentiment, weekly trend) reads a
# second rollup: mentions per (party type, party, week, sentiment). A mention counts under its own
# Lead or Contact, and under the Customer of its denormalized ``customer`` field — a Customer's own
# mentions and those of its Contacts, as the form always counted them.

CUSTOMER = "Customer"
PARTY_OWN_TYPES = ("Lead", "Contact")  # a Customer's rows come from the mention's ``customer``


@dataclass(frozen=True, order=True)
class PartyKey:
	"""One per-party weekly row's identity: ``week`` is the Monday of the mention's UTC day."""

	party_type: str
	party: str
	week: date
	sentiment: str

	@cached_property
	def name(self) -> str:
		"""Party first, then week: a party's rows are one stretch of the primary key (:func:`party_prefix`)."""
		digest = hashlib.md5(self.sentiment.encode("utf-8"), usedforsecurity=False).hexdigest()[:6]
		return f"{party_prefix(self.party_type, self.party)}{self.week:%Y%m%d}-{digest}"


def party_prefix(party_type: str, party: str) -> str:
	"""Start of the row names of one party (all its weeks and sentiments)."""
	raw = f"{_text(party_type)}\x1f{_text(party)}"
	return "P" + hashlib.md5(raw.encode("utf-8"), usedforsecurity=False).hexdigest()[:20] + "-"


def week_bucket(moment: datetime | date | str) -> date:
	"""Monday of the UTC day ``moment`` falls in (weeks start on Monday)."""
	day = day_bucket(moment).date()
	return day - timedelta(days=day.weekday())


def sql_week(column: str) -> str:
	"""MariaDB twin of :func:`week_bucket` for a stored (naive UTC) datetime column."""
	return f"date_sub(date({column}), interval weekday({column}) day)"


def sql_party_name(party_type: str, party: str, week: str, sentiment: str) -> str:
	"""MariaDB expression computing :attr:`PartyKey.name` (parts are trimmed strings, never NULL)."""
	return (
		f"concat('P', left(md5(concat({party_type}, char(31 using utf8mb4), {party})), 20), '-',"
		f" date_format({week}, '%Y%m%d'), '-', left(md5({sentiment}), 6))"
	)


def party_keys(mention: Mapping) -> set[PartyKey]:
	"""The per-party weekly rows one mention counts in: its Lead or Contact, and its Customer."""
	if not mention.get("posted_at"):
		return set()
	week, sentiment = week_bucket(mention["posted_at"]), _text(mention.get("sentiment"))
	keys = set()
	party_type, party = _text(mention.get("party_type")), _text(mention.get("party"))
	if party_type in PARTY_OWN_TYPES and party:
		keys.add(PartyKey(party_type, party, week, sentiment))
	customer = _text(mention.get("customer"))
	if customer:
		keys.add(PartyKey(CUSTOMER, customer, week, sentiment))
	return keys


def trend_weeks(today: date, weeks: int) -> list[date]:
	"""The Mondays of the last ``weeks`` weeks, oldest first, the current week last."""
	current = today - timedelta(days=today.weekday())
	return [current - timedelta(days=7 * (weeks - 1 - i)) for i in range(weeks)]


def summarize(rows: Iterable[tuple], weeks: Sequence[date], labels: Sequence[str]) -> dict:
	"""Counts per sentiment label, the rest as unanalysed, and the weekly series over ``weeks``.

	``rows`` are (week, sentiment, mentions) of one party over all its history, from the
	rollup or from the mentions themselves (both readers hand the same shape).
	"""
	counts = {label: 0 for label in labels}
	series = {label: [0] * len(weeks) for label in labels}
	index = {week: i for i, week in enumerate(weeks)}
	unanalyzed = 0
	for week, sentiment, count in rows:
		count = int(count or 0)
		if sentiment in counts:
			counts[sentiment] += count
			i = index.get(week.date() if isinstance(week, datetime) else week)
			if i is not None:
				series[sentiment][i] += count
		else:
			unanalyzed += count
	return {
		"total": sum(counts.values()) + unanalyzed,
		"counts": counts,
		"unanalyzed": unanalyzed,
		"series": series,
	}
