"""Response-time rollup rules: buckets, row keys, deltas and percentiles from buckets."""

import math
import random
from collections import Counter
from datetime import date, datetime

from social_crm.engine.insight.response import (
	BOUNDS,
	EXACT_UP_TO,
	MAX_MINUTES,
	OPEN_BUCKET,
	WITHIN_MINUTES,
	Histogram,
	ResponseKey,
	bucket_of,
	bucket_range,
	day_ranges,
	name_range,
	percentile,
	response_deltas,
	response_key,
	response_keys,
	sql_bucket,
)


def nearest_rank(values, fraction):
	values = sorted(values)
	rank = max(1, math.ceil(len(values) * fraction))
	return values[rank - 1]


def histogram(values):
	h = Histogram()
	for m in values:
		h.add(1, 0, bucket_of(m), 1, m)
	return h


def test_whole_minutes_up_to_an_hour_have_a_bucket_each():
	assert [bucket_of(m) for m in (None, -3, 0, 0.01, 1, 1.5, 59, 60)] == [0, 0, 0, 1, 1, 2, 59, 60]
	assert bucket_of(60.01) == EXACT_UP_TO + 1 == bucket_of(63)
	assert bucket_of(63.01) == EXACT_UP_TO + 2
	assert bucket_of(MAX_MINUTES) == OPEN_BUCKET - 1
	assert bucket_of(MAX_MINUTES + 0.5) == OPEN_BUCKET
	# "within 1 hour" is exact: the buckets up to 60 hold exactly the minutes <= 60
	for m in (0, 12.34, 59.99, 60, 60.001, 61, 700):
		assert (bucket_of(m) <= WITHIN_MINUTES) == (m <= 60)


def test_every_value_lies_in_its_bucket_and_buckets_are_at_most_five_percent_plus_a_minute():
	rng = random.Random(7)
	for m in [rng.uniform(0, MAX_MINUTES) for _ in range(3000)] + [rng.randint(0, 900) for _ in range(500)]:
		low, high = bucket_range(bucket_of(m))
		assert low < m <= high or m == 0
	for bucket in range(EXACT_UP_TO + 1, OPEN_BUCKET):
		low, high = bucket_range(bucket)
		assert 0 < high - low <= 0.05 * low + 1
	assert list(BOUNDS) == sorted(set(BOUNDS))


def test_sql_bucket_is_the_same_rule():
	# interval(N, b0, b1, ...) is MariaDB's count of bounds <= N (the integration test runs it)
	expression = sql_bucket("m.response_minutes")
	assert expression.startswith("interval(ceiling(greatest(ifnull(m.response_minutes, 0), 0)) - 1, 0, 1, 2")
	for m in (0, 0.2, 1, 59.5, 60, 60.5, 63, 64, 1000.25, MAX_MINUTES, MAX_MINUTES + 1):
		whole = math.ceil(max(m, 0))
		interval = sum(1 for b in BOUNDS if b <= whole - 1)  # MariaDB: bounds <= N
		assert interval == bucket_of(m)


def test_percentile_is_exact_for_whole_minutes_up_to_an_hour():
	rng = random.Random(3)
	for _ in range(200):
		values = [rng.randint(0, 60) for _ in range(rng.randint(1, 40))]
		h = histogram(values)
		for fraction in (0.5, 0.9):
			assert h.percentile(fraction) == nearest_rank(values, fraction)


def test_percentile_error_is_within_the_stated_bound():
	rng = random.Random(11)
	for _ in range(300):
		values = [round(rng.choice((rng.uniform(0, 60), rng.lognormvariate(5, 1.5))), 2) for _ in range(60)]
		values = [min(v, MAX_MINUTES) for v in values]
		h = histogram(values)
		for fraction in (0.5, 0.9):
			true = nearest_rank(values, fraction)
			bound = 1 if true <= EXACT_UP_TO else 0.05 * true + 1
			assert abs(h.percentile(fraction) - true) <= bound + 1e-9, (true, h.percentile(fraction))


def test_single_response_and_open_bucket_are_their_own_values():
	assert percentile({}, 0.5) == 0.0
	assert histogram([412.37]).percentile(0.9) == 412.37
	assert histogram([MAX_MINUTES + 100, MAX_MINUTES + 300]).percentile(0.5) == MAX_MINUTES + 200


def test_histogram_counts_states_like_the_report():
	h = Histogram()
	h.add(0, 0, 0, 5, 0)  # waiting
	h.add(0, 1, 0, 2, 0)  # ignored
	h.add(1, 1, bucket_of(30), 1, 30)  # answered, later ignored: both
	h.add(1, 0, bucket_of(90), 3, 270)
	assert (h.mentions, h.responded, h.ignored, h.waiting, h.within) == (11, 4, 3, 5, 1)
	assert h.minutes / h.responded == 75
	total = Histogram()
	total.merge(h)
	total.merge(h)
	assert (total.mentions, total.responded, total.buckets[bucket_of(90)]) == (22, 8, [6, 540.0])


def test_response_key_and_deltas():
	mention = {
		"posted_at": datetime(2026, 11, 3, 23, 59),
		"assigned_to": "a@example.com",
		"platform": "Mastodon",
		"status": "Responded",
		"first_response_at": datetime(2026, 11, 4, 1, 0),
		"response_minutes": 61.0,
	}
	key = response_key(mention)
	assert (key.day, key.responded, key.ignored, key.bucket, key.minutes) == (
		date(2026, 11, 3),
		1,
		0,
		61,
		61.0,
	)
	assert key.name.startswith("20261103-") and key.name == key.row.name
	waiting = response_key({**mention, "first_response_at": None, "status": "Ignored", "assigned_to": None})
	assert (waiting.assigned_to, waiting.responded, waiting.ignored, waiting.bucket, waiting.minutes) == (
		"",
		0,
		1,
		0,
		0.0,
	)
	assert response_key({**mention, "posted_at": None}) is None
	other = response_key({**mention, "response_minutes": 62.5})
	assert other.row == key.row
	change = response_deltas([key, waiting], [other, None])
	assert change == {key.row: (0, 1.5), waiting.row: (-1, 0.0)}
	assert response_deltas([key], [key]) == {}
	assert isinstance(next(iter(change)), ResponseKey)
	assert name_range("Day", date(2026, 11, 1), date(2026, 12, 1)) == ("20261101", "20261201")
	assert name_range("Week", date(2026, 11, 2), date(2026, 11, 30)) == ("W20261102", "W20261130")
	week = {k.grain: k for k in response_keys(mention)}
	assert week["Week"].day == date(2026, 11, 2) and week["Week"].name.startswith("W20261102-")
	assert week["Day"] == key and response_keys({**mention, "posted_at": None}) == set()


def test_day_ranges_count_each_day_once_with_whole_weeks_from_the_weekly_rows():
	start = date(2026, 10, 1)
	for today in (None, date(2026, 10, 20), date(2026, 11, 30)):
		for offset in range(0, 15):
			for length in range(0, 40):
				first = date.fromordinal(start.toordinal() + offset)
				end = date.fromordinal(first.toordinal() + length)
				counted = Counter()
				for grain, low, high, sign in day_ranges(first, end, today):
					assert low < high and sign in (1, -1)
					if grain == "Week":
						assert low.weekday() == 0 and high.weekday() == 0 and sign == 1
					for d in range(low.toordinal(), high.toordinal()):
						counted[date.fromordinal(d)] += sign
				assert +counted == Counter(
					date.fromordinal(d) for d in range(first.toordinal(), end.toordinal())
				)
				assert all(n >= 0 for n in counted.values())


def test_a_cut_week_is_read_as_its_week_minus_the_fewer_days_outside():
	# 30 days ending today (Wednesday 2 Dec): Tue 3 Nov .. Wed 2 Dec
	pieces = day_ranges(date(2026, 11, 3), date(2026, 12, 3), today=date(2026, 12, 2))
	assert sorted(pieces) == sorted(
		[
			("Week", date(2026, 11, 2), date(2026, 11, 9), 1),
			("Day", date(2026, 11, 2), date(2026, 11, 3), -1),  # one day outside instead of six inside
			("Week", date(2026, 11, 9), date(2026, 11, 30), 1),
			("Week", date(2026, 11, 30), date(2026, 12, 7), 1),
			("Day", date(2026, 12, 3), date(2026, 12, 7), -1),  # days after today: nothing posted yet
		]
	)
	# in the past, three days inside a week are fewer than its four outside
	pieces = day_ranges(date(2026, 11, 3), date(2026, 11, 12), today=date(2026, 12, 2))
	assert ("Day", date(2026, 11, 9), date(2026, 11, 12), 1) in pieces
