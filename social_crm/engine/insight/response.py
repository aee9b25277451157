"""Response-time rollup: which row a mention counts in, and percentiles from its buckets.

The *Response Times* report counts mentions per assignee, platform and week: how many were
answered, ignored or are waiting, the mean, median and 90th percentile of the first-response
minutes and the share answered within an hour. Its rollup (doctype *Social Response Rollup*)
holds, per UTC day of ``posted_at`` x assignee x platform x responded x ignored x
response-time bucket, how many mentions there are (``mention_count``) and the sum of their
response minutes (``minutes``). Each row exists per day (grain ``Day``) and per week (grain
``Week``, ``day`` = its Monday, the same counts summed): a reader of a date range takes the
whole weeks inside it from the weekly rows, and a week it cuts from its days inside or as the
whole week minus its days outside, whichever is fewer (:func:`day_ranges`): 30 days ending
today read about 5 weekly rows and one daily row per key instead of 30.

* *responded* is "has a first response" (``first_response_at`` set), *ignored* is status
  Ignored; a mention can be both (ignored after it was answered), as the report counts it;
* the mean is exact (sum of minutes / responded), and so is "answered within 1 hour" (the
  buckets 0..60 hold exactly the minutes <= 60);
* median and 90th percentile come from the buckets (:func:`percentile`): **exact** when the
  minutes are whole numbers up to 60, within **1 minute** for other minutes up to 60, within
  one bucket (**<= 5 % of the value + 1 minute**) from 60 minutes up to 30 days; above 30
  days (one open bucket) the estimate is the mean of those responses.

Buckets (:func:`bucket_of`) depend on the minutes rounded up to whole minutes (``c``):
bucket ``c`` for ``c <= 60`` (bucket 0: no time), then bucket ``60 + i`` for ``c`` in
(``BOUNDS[59 + i]``, ``BOUNDS[60 + i]``] with integer bounds growing by 5 % (63, 67, 70, ...),
and one last bucket above :data:`MAX_MINUTES`. :func:`sql_bucket` is the same rule in
MariaDB for the set-based rebuild.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..status import IGNORED
from .rollup import day_bucket

WITHIN_MINUTES = 60  # "answered within 1 hour"
EXACT_UP_TO = 60  # whole-minute buckets up to here
GROWTH = 1.05  # then buckets about 5 % wide
MAX_MINUTES = 30 * 24 * 60  # the last bounded bucket ends at 30 days
DAY = "Day"
WEEK = "Week"
_PREFIX = {DAY: "", WEEK: "W"}  # daily names start with the date's digits, weekly ones with W


def _bounds() -> tuple[int, ...]:
	bounds = list(range(EXACT_UP_TO + 1))
	upper = float(EXACT_UP_TO)
	while bounds[-1] < MAX_MINUTES:
		upper *= GROWTH
		bound = min(MAX_MINUTES, max(bounds[-1] + 1, math.ceil(upper)))
		bounds.append(bound)
	return tuple(bounds)


BOUNDS = _bounds()  # upper bound (whole minutes, inclusive) of each bucket
OPEN_BUCKET = len(BOUNDS)  # responses later than MAX_MINUTES


def bucket_of(minutes) -> int:
	"""Bucket of a response time in minutes (None and negative count as 0)."""
	whole = math.ceil(max(float(minutes or 0), 0.0))
	return bisect_left(BOUNDS, whole)  # == OPEN_BUCKET above MAX_MINUTES


def bucket_range(bucket: int) -> tuple[float, float]:
	"""(lower, upper] minutes of a bucket (bucket 0 is exactly 0; the open bucket has no upper)."""
	if bucket <= 0:
		return 0.0, 0.0
	if bucket >= OPEN_BUCKET:
		return float(MAX_MINUTES), math.inf
	return float(BOUNDS[bucket - 1]), float(BOUNDS[bucket])


def sql_bucket(minutes: str) -> str:
	"""MariaDB twin of :func:`bucket_of` for a column of minutes (``interval()`` is a bisect)."""
	whole = f"ceiling(greatest(ifnull({minutes}, 0), 0))"
	return f"interval({whole} - 1, {', '.join(str(b) for b in BOUNDS)})"


@dataclass(frozen=True, order=True)
class ResponseKey:
	"""One rollup row's identity (``minutes`` rides along: the mention's own response time)."""

	day: date
	assigned_to: str
	platform: str
	responded: int
	ignored: int
	bucket: int
	grain: str = DAY
	minutes: float = 0.0

	@property
	def row(self) -> ResponseKey:
		"""The key without the mention's minutes: the row it counts in."""
		return replace(self, minutes=0.0)

	@property
	def name(self) -> str:
		"""Grain and day first: the rows of a date range are one stretch of the primary key."""
		digest = row_digest(self.assigned_to, self.platform, self.responded, self.ignored, self.bucket)
		return f"{_PREFIX[self.grain]}{self.day:%Y%m%d}-{digest}"


def row_digest(assigned_to: str, platform: str, responded: int, ignored: int, bucket: int) -> str:
	raw = "\x1f".join((assigned_to, platform, str(responded), str(ignored), str(bucket)))
	return hashlib.md5(raw.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def sql_row_name(
	grain: str, day: str, assigned_to: str, platform: str, responded: str, ignored: str, bucket: str
) -> str:
	"""MariaDB expression of :attr:`ResponseKey.name` (parts never NULL; no parameters: plain ``%``)."""
	return (
		f"concat('{_PREFIX[grain]}', date_format({day}, '%Y%m%d'), '-', left(md5(concat_ws(char(31 using utf8mb4),"
		f" {assigned_to}, {platform}, {responded}, {ignored}, {bucket})), 16))"
	)


def monday(day: date) -> date:
	return day - timedelta(days=day.weekday())


def day_ranges(start: date, end: date, today: date | None = None) -> list[tuple[str, date, date, int]]:
	"""(grain, first, end, sign) pieces whose rows, added (sign 1) or subtracted (sign -1), count
	the days [start, end) once: the whole Monday-to-Sunday weeks inside from the weekly rows; a
	week the range cuts from its days inside, or as its whole weekly row minus its days outside
	when those are fewer (days after ``today`` count as none: nothing is posted there yet). So a
	30-day range ending today reads about five weeks of rows and a day, not up to twelve days."""
	if start >= end:
		return []
	week = timedelta(days=7)
	first_week = start if start == monday(start) else monday(start) + week
	last_week = monday(end)
	pieces: list[tuple[str, date, date, int]] = []
	if first_week < last_week:
		pieces.append((WEEK, first_week, last_week, 1))
	for cut in sorted({monday(start), monday(end - timedelta(days=1))}):
		if start <= cut and cut + week <= end:
			continue  # a whole week: already in the weekly piece
		inside = (max(start, cut), min(end, cut + week))
		outside = [(cut, inside[0]), (inside[1], cut + week)]
		if _days_with_posts(outside, today) < _days_with_posts([inside], today):
			pieces.append((WEEK, cut, cut + week, 1))
			pieces += [(DAY, low, high, -1) for low, high in outside if low < high]
		else:
			pieces.append((DAY, *inside, 1))
	return sorted(pieces, key=lambda piece: (piece[1], piece[0]))


def _days_with_posts(spans: list[tuple[date, date]], today: date | None) -> int:
	"""Days in ``spans`` up to ``today`` (all of them without it): what reading their rows costs."""
	days = 0
	for low, high in spans:
		if today is not None:
			high = min(high, today + timedelta(days=1))
		days += max(0, (high - low).days)
	return days


def name_range(grain: str, start: date, end: date) -> tuple[str, str]:
	"""[low, high) of the row names of ``grain`` for the days (week starts) in [start, end)."""
	return f"{_PREFIX[grain]}{start:%Y%m%d}", f"{_PREFIX[grain]}{end:%Y%m%d}"


def response_keys(mention: Mapping) -> set[ResponseKey]:
	"""The rows one mention counts in: its day's and its week's (none without ``posted_at``)."""
	key = response_key(mention)
	if key is None:
		return set()
	return {key, week_key(key)}


def week_key(key: ResponseKey) -> ResponseKey:
	"""The weekly row (its Monday) a daily row's mentions count in too."""
	return replace(key, day=monday(key.day), grain=WEEK)


def response_key(mention: Mapping) -> ResponseKey | None:
	"""The daily row one mention counts in (None without ``posted_at``).

	``mention`` has ``posted_at``, ``assigned_to``, ``platform``, ``status``,
	``first_response_at`` and ``response_minutes``.
	"""
	if not mention.get("posted_at"):
		return None
	responded = 1 if mention.get("first_response_at") else 0
	minutes = float(mention.get("response_minutes") or 0) if responded else 0.0
	return ResponseKey(
		day=day_bucket(mention["posted_at"]).date(),
		assigned_to=str(mention.get("assigned_to") or ""),
		platform=str(mention.get("platform") or ""),
		responded=responded,
		ignored=1 if mention.get("status") == IGNORED else 0,
		bucket=bucket_of(minutes) if responded else 0,
		minutes=minutes,
	)


def response_deltas(
	before: Iterable[ResponseKey | None], after: Iterable[ResponseKey | None]
) -> dict[ResponseKey, tuple[int, float]]:
	"""(count, minutes) change per row from the mentions' keys before and after a write,
	sorted by row; rows whose count and minutes do not change are left out."""
	count: Counter = Counter()
	minutes: Counter = Counter()
	for sign, keys in ((-1, before), (1, after)):
		for key in keys:
			if key is not None:
				count[key.row] += sign
				minutes[key.row] += sign * key.minutes
	return {
		row: (count[row], round(minutes[row], 6))
		for row in sorted(count)
		if count[row] or abs(minutes[row]) > 1e-9
	}


@dataclass
class Histogram:
	"""What the report needs of one group of mentions, summed from rollup rows."""

	mentions: int = 0
	responded: int = 0
	ignored: int = 0
	waiting: int = 0
	minutes: float = 0.0
	within: int = 0
	buckets: dict | None = None  # bucket: [count, minutes]

	def add(self, responded: int, ignored: int, bucket: int, count: int, minutes: float) -> None:
		count, minutes = int(count or 0), float(minutes or 0)
		self.mentions += count
		if ignored:
			self.ignored += count
		if not responded:
			if not ignored:
				self.waiting += count
			return
		self.responded += count
		self.minutes += minutes
		if bucket <= WITHIN_MINUTES:
			self.within += count
		if self.buckets is None:
			self.buckets = {}
		slot = self.buckets.setdefault(int(bucket), [0, 0.0])
		slot[0] += count
		slot[1] += minutes

	def merge(self, other: Histogram) -> None:
		self.mentions += other.mentions
		self.responded += other.responded
		self.ignored += other.ignored
		self.waiting += other.waiting
		self.minutes += other.minutes
		self.within += other.within
		for bucket, (count, minutes) in (other.buckets or {}).items():
			if self.buckets is None:
				self.buckets = {}
			slot = self.buckets.setdefault(bucket, [0, 0.0])
			slot[0] += count
			slot[1] += minutes

	def percentile(self, fraction: float) -> float:
		return percentile(self.buckets or {}, fraction)


def percentile(buckets: Mapping[int, tuple[int, float] | list], fraction: float) -> float:
	"""Nearest-rank percentile estimated from {bucket: (count, sum of minutes)} (0 when empty).

	Finds the bucket holding the rank and interpolates linearly inside it; a bucket of one
	response (or whose responses all lie on its upper bound) gives its exact value, the open
	bucket its mean. Error bounds: see the module docstring.
	"""
	total = sum(int(count) for count, _ in buckets.values())
	if not total:
		return 0.0
	rank = max(1, math.ceil(total * fraction))
	seen = 0
	for bucket in sorted(buckets):
		count, minutes = int(buckets[bucket][0]), float(buckets[bucket][1])
		if count <= 0:
			continue
		if seen + count >= rank:
			low, high = bucket_range(bucket)
			if count == 1 or bucket >= OPEN_BUCKET or abs(minutes - count * high) < 1e-6:
				return minutes / count
			return low + (high - low) * (rank - seen) / count
		seen += count
	return 0.0  # not reached: the ranks add up to total
