"""Swing and spike alerts per listening rule.

Input is one rule's series of buckets ``(bucket_start, total_count, negative_count)``,
hourly or daily. Buckets missing from the series (a SQL ``GROUP BY`` leaves out empty
hours) count as zero; leaving them out would inflate the baseline. Each bucket is
compared with its own trailing window (default 7 days) before it, never including
itself.

**Volume spike** — robust z-score of the bucket's count against the trailing window::

    z = (count - median) / max(1.4826 * MAD, sqrt(max(median, 1)))

Median and MAD (median absolute deviation; x 1.4826 estimates a standard deviation)
are used instead of mean and standard deviation because the window itself contains
earlier spikes, and a single spike would inflate a mean/std baseline and hide the
next one. MAD is 0 on flat or mostly-empty series, so the scale has a floor: the
Poisson standard deviation ``sqrt(median)`` (mention counts are at least that noisy),
and never below 1. A bucket alerts when ``z >= volume_z`` (default 4) and its count
is at least ``min_count`` (default 10) and at least ``min_lift`` (default 2) times the
median, so a quiet rule going from 1 to 4 mentions, or a busy one moving by a few
percent, does not alert.

**Sentiment swing** — two-proportion z-test of the bucket's negative share against
the pooled share of the trailing window::

    p1 = negative / total, p0 = window negatives / window total
    p  = (negative + window negatives) / (total + window total)
    z  = (p1 - p0) / sqrt(p * (1 - p) * (1/total + 1/window total))

The test accounts for the uncertainty of both shares, so a short or quiet baseline
needs a larger difference. Because mentions are not independent (threads, reposts)
the binomial variance is too small; the threshold is therefore high (``swing_z``,
default 4) and a bucket also needs ``min_total`` mentions (10), ``min_negative``
negative ones (5), a window of at least ``min_baseline_total`` mentions (30) and a
share at least ``min_share_lift`` (0.15) above the baseline.

**Episodes** — alerting buckets of one kind belong to the same episode while the gap
between them is at most ``cooldown_buckets`` buckets (default 6). An episode is
reported once: its ``episode_key`` is built from the rule, the kind and its first
alerting bucket, which does not change while the episode goes on, so the job stores
the key and notifies only keys it has not seen (``Alert.should_notify`` also says
whether the episode is still going). Only buckets inside the lookback (default 2
days) are evaluated; an episode already alerting at the start of the lookback began
earlier and was reported then, so it comes back with ``continued=True``.

**Assumptions** — no seasonality model: the baseline is the whole trailing window, not
"the same hour last week". Daily and weekly rhythms widen the robust scale (night
hours lower the median, day hours raise the MAD), which costs sensitivity at night
but does not cause false alerts during ordinary busy hours. Daily buckets avoid the
daily rhythm; a 7-day window holds each weekday once. Late mentions (a source catching
up) land in past buckets and can only strengthen an existing alert. A new rule is
evaluated once it has ``min_history`` (3 days) of data.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from ..errors import InvalidRecord

VOLUME_SPIKE = "Volume Spike"
SENTIMENT_SWING = "Sentiment Swing"
KINDS = (VOLUME_SPIKE, SENTIMENT_SWING)
_KIND_CODES = {VOLUME_SPIKE: "spike", SENTIMENT_SWING: "swing"}

MAD_TO_SD = 1.4826
BUCKETS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


@dataclass(frozen=True)
class AlertConfig:
	"""Thresholds and windows; the defaults suit hourly buckets (see the module doc)."""

	bucket: str = "hour"
	window: timedelta = timedelta(days=7)
	lookback: timedelta = timedelta(days=2)
	min_history: timedelta = timedelta(days=3)
	volume_z: float = 4.0
	min_count: int = 10
	min_lift: float = 2.0
	swing_z: float = 4.0
	min_total: int = 10
	min_negative: int = 5
	min_share_lift: float = 0.15
	min_baseline_total: int = 30
	cooldown_buckets: int = 6

	@property
	def bucket_size(self) -> timedelta:
		"""Length of one bucket."""
		return BUCKETS[self.bucket]

	@property
	def cooldown(self) -> timedelta:
		"""Largest gap between alerting buckets of one episode."""
		return self.bucket_size * self.cooldown_buckets

	def validate(self) -> AlertConfig:
		"""Raise InvalidRecord for settings that make no sense; return self."""
		if self.bucket not in BUCKETS:
			raise InvalidRecord(f"bucket must be one of {', '.join(BUCKETS)}, not {self.bucket!r}", "bucket")
		size = BUCKETS[self.bucket]
		for name in ("window", "lookback", "min_history"):
			if getattr(self, name) < size:
				raise InvalidRecord(f"{name} must be at least one {self.bucket}", name)
		if self.min_history > self.window:
			raise InvalidRecord("min_history cannot be longer than the window", "min_history")
		for name in ("volume_z", "swing_z", "min_lift", "min_share_lift"):
			if getattr(self, name) <= 0:
				raise InvalidRecord(f"{name} must be positive", name)
		for name in ("min_count", "min_total", "min_negative", "min_baseline_total", "cooldown_buckets"):
			if getattr(self, name) < 1:
				raise InvalidRecord(f"{name} must be at least 1", name)
		return self


@dataclass(frozen=True)
class Alert:
	"""One episode of one kind. ``bucket`` is where it began; value/baseline/z are at its peak."""

	kind: str
	bucket: datetime
	value: float
	baseline: float
	z: float
	episode_key: str
	rule: str = ""
	peak_bucket: datetime | None = None
	last_bucket: datetime | None = None
	buckets: int = 1
	active: bool = True
	continued: bool = False
	bucket_size: timedelta = BUCKETS["hour"]

	@property
	def should_notify(self) -> bool:
		"""Still going and not carried over from before the lookback (notify if the key is new)."""
		return self.active and not self.continued

	def mentions_range(self) -> tuple[datetime, datetime]:
		"""[from, to) of ``posted_at`` for the mentions behind this alert."""
		return self.bucket, (self.last_bucket or self.bucket) + self.bucket_size


def floor_bucket(moment: datetime, bucket: str = "hour") -> datetime:
	"""Start of the hour or day ``moment`` falls in (keeps its time zone, if any)."""
	if bucket == "hour":
		return moment.replace(minute=0, second=0, microsecond=0)
	if bucket == "day":
		return moment.replace(hour=0, minute=0, second=0, microsecond=0)
	raise InvalidRecord(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}", "bucket")


def query_range(now: datetime, config: AlertConfig | None = None) -> tuple[datetime, datetime]:
	"""[start, end) of the buckets :func:`detect` needs at ``now``: lookback plus window."""
	config = (config or AlertConfig()).validate()
	end = floor_bucket(now, config.bucket)
	return end - config.lookback - config.window, end


def volume_score(count: float, baseline: Sequence[float]) -> tuple[float, float]:
	"""Return (median, robust z) of ``count`` against the baseline counts."""
	if not baseline:
		return 0.0, 0.0
	center = median(baseline)
	mad = median(abs(x - center) for x in baseline)
	scale = max(MAD_TO_SD * mad, math.sqrt(max(center, 1.0)))
	return float(center), (count - center) / scale


def swing_score(
	negative: int, total: int, baseline_negative: int, baseline_total: int
) -> tuple[float, float, float]:
	"""Return (share, baseline share, two-proportion z) of the negative share."""
	if total <= 0 or baseline_total <= 0:
		return 0.0, 0.0, 0.0
	share = negative / total
	base_share = baseline_negative / baseline_total
	pooled = (negative + baseline_negative) / (total + baseline_total)
	variance = pooled * (1 - pooled) * (1 / total + 1 / baseline_total)
	if variance <= 0:
		return share, base_share, 0.0
	return share, base_share, (share - base_share) / math.sqrt(variance)


def fill_series(
	series: Iterable[tuple[datetime, int, int]], start: datetime, end: datetime, bucket: str = "hour"
) -> list[tuple[datetime, int, int]]:
	"""Contiguous buckets in [start, end); missing ones are zero, duplicates are summed.

	Raises InvalidRecord for negative counts or more negatives than mentions.
	"""
	size = BUCKETS[bucket]
	totals: dict[datetime, list[int]] = {}
	for row in series:
		try:
			moment, total, negative = row
		except (TypeError, ValueError):
			raise InvalidRecord("each bucket must be (bucket_start, total_count, negative_count)", "series")
		if not isinstance(moment, datetime):
			raise InvalidRecord("bucket_start must be a datetime", "series")
		if (moment.tzinfo is None) != (start.tzinfo is None):
			raise InvalidRecord("bucket times and now must both be naive or both be timezone-aware", "series")
		total, negative = int(total or 0), int(negative or 0)
		if total < 0 or negative < 0:
			raise InvalidRecord(f"counts must not be negative (bucket {moment:%Y-%m-%d %H:%M})", "series")
		if negative > total:
			raise InvalidRecord(
				f"more negative mentions than mentions (bucket {moment:%Y-%m-%d %H:%M})", "series"
			)
		key = floor_bucket(moment, bucket)
		if start <= key < end:
			cell = totals.setdefault(key, [0, 0])
			cell[0] += total
			cell[1] += negative
	out = []
	moment = start
	while moment < end:
		total, negative = totals.get(moment, (0, 0))
		out.append((moment, total, negative))
		moment += size
	return out


def detect(
	series: Iterable[tuple[datetime, int, int]],
	now: datetime,
	config: AlertConfig | None = None,
	rule: str = "",
	start: datetime | None = None,
) -> list[Alert]:
	"""Volume spikes and sentiment swings of one rule, one :class:`Alert` per episode.

	Only complete buckets (ending at or before ``now``) inside the lookback are
	evaluated. ``start`` is where the rule's data begins (e.g. the rule's creation);
	by default the start of :func:`query_range`. Alerts are ordered by onset.
	"""
	config = (config or AlertConfig()).validate()
	range_start, end = query_range(now, config)
	start = floor_bucket(start, config.bucket) if start else range_start
	rows = fill_series(series, start, end, config.bucket)
	if not rows:
		return []
	first_eval = max(end - config.lookback, start + config.min_history)
	cut_by_lookback = end - config.lookback > start + config.min_history
	flags = _flag_buckets(rows, first_eval, config)
	last_complete = end - config.bucket_size
	alerts = [
		_episode_alert(
			episode, kind, rule, config, last_complete, cut_by_lookback and episode[0][0] == first_eval
		)
		for kind, flagged in flags.items()
		for episode in _episodes(flagged, config.cooldown)
	]
	return sorted(alerts, key=lambda a: (a.bucket, a.kind))


def _flag_buckets(
	rows: list[tuple[datetime, int, int]], first_eval: datetime, config: AlertConfig
) -> dict[str, list[tuple[datetime, float, float, float]]]:
	"""``{kind: [(bucket, value, baseline, z)]}`` of the evaluated buckets that cross a threshold,
	each against the window of buckets before it."""
	size = config.bucket_size
	window_len = round(config.window / size)
	history_len = round(config.min_history / size)
	flags: dict[str, list[tuple[datetime, float, float, float]]] = {kind: [] for kind in KINDS}
	for i, (moment, total, negative) in enumerate(rows):
		if moment < first_eval or i < history_len:
			continue
		window = rows[max(0, i - window_len) : i]
		counts = [row[1] for row in window]
		center, z = volume_score(total, counts)
		if z >= config.volume_z and total >= config.min_count and total >= config.min_lift * center:
			flags[VOLUME_SPIKE].append((moment, float(total), center, z))

		base_total = sum(counts)
		base_negative = sum(row[2] for row in window)
		if (
			total >= config.min_total
			and negative >= config.min_negative
			and base_total >= config.min_baseline_total
		):
			share, base_share, z = swing_score(negative, total, base_negative, base_total)
			if z >= config.swing_z and share - base_share >= config.min_share_lift:
				flags[SENTIMENT_SWING].append((moment, share, base_share, z))
	return flags


def _episode_alert(
	episode: list[tuple], kind: str, rule: str, config: AlertConfig, last_complete: datetime, continued: bool
) -> Alert:
	"""The alert of one episode of flagged buckets: its onset, its peak (highest z), whether it goes on."""
	onset = episode[0][0]
	peak = max(episode, key=lambda row: row[3])
	return Alert(
		kind=kind,
		bucket=onset,
		value=round(peak[1], 4),
		baseline=round(peak[2], 4),
		z=round(peak[3], 2),
		episode_key=episode_key(rule, kind, onset),
		rule=rule,
		peak_bucket=peak[0],
		last_bucket=episode[-1][0],
		buckets=len(episode),
		active=last_complete - episode[-1][0] <= config.cooldown,
		continued=continued,
		bucket_size=config.bucket_size,
	)


def _episodes(flagged: list[tuple], cooldown: timedelta) -> list[list[tuple]]:
	episodes: list[list[tuple]] = []
	for row in flagged:
		if episodes and row[0] - episodes[-1][-1][0] <= cooldown:
			episodes[-1].append(row)
		else:
			episodes.append([row])
	return episodes


def episode_key(rule: str, kind: str, onset: datetime) -> str:
	"""Stable id of one episode: rule, kind and first alerting bucket (at most 140 chars)."""
	code = _KIND_CODES.get(kind)
	if not code:
		raise InvalidRecord(f"unknown alert kind {kind!r}", "kind")
	rule = rule or "*"
	if len(rule) > 100:
		rule = hashlib.sha256(rule.encode("utf-8")).hexdigest()[:32]
	return f"{rule}:{code}:{onset:%Y-%m-%dT%H:%M}"
