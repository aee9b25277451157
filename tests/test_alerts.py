import math
import random
from datetime import datetime, timedelta, timezone

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.insight.alerts import (
	SENTIMENT_SWING,
	VOLUME_SPIKE,
	AlertConfig,
	detect,
	episode_key,
	fill_series,
	floor_bucket,
	query_range,
	swing_score,
	volume_score,
)

HOUR = timedelta(hours=1)
NOW = datetime(2024, 5, 10, 12, 20)  # the last complete hourly bucket is 11:00
END = datetime(2024, 5, 10, 12, 0)
START = END - timedelta(days=9)  # lookback 2 days + window 7 days


def poisson(rng, lam):
	limit, k, p = math.exp(-lam), 0, 1.0
	while True:
		p *= rng.random()
		if p < limit:
			return k
		k += 1


def flat(total=20, negative=4, start=START, end=END):
	out, t = [], start
	while t < end:
		out.append((t, total, negative))
		t += HOUR
	return out


def noisy(seed, lam=20.0, share=0.2, start=START, end=END):
	rng = random.Random(seed)
	out, t = [], start
	while t < end:
		n = poisson(rng, lam)
		out.append((t, n, sum(rng.random() < share for _ in range(n))))
		t += HOUR
	return out


def add(series, extra):
	"""extra: {bucket: (added_total, added_negative)}"""
	return [(t, n + extra.get(t, (0, 0))[0], k + extra.get(t, (0, 0))[1]) for t, n, k in series]


def test_volume_score_known_values():
	assert volume_score(30, [10] * 10) == (10.0, pytest.approx(20 / math.sqrt(10)))
	assert volume_score(5, [0] * 24) == (0.0, 5.0)  # scale floor of 1 on an empty baseline
	center, z = volume_score(40, [10, 20, 30, 20, 20])  # median 20, MAD 0 -> Poisson floor sqrt(20)
	assert center == 20 and z == pytest.approx(20 / math.sqrt(20))
	center, z = volume_score(100, [0, 50, 100, 50, 50, 0, 100])  # median 50, MAD 50
	assert center == 50 and z == pytest.approx(50 / (1.4826 * 50))
	assert volume_score(3, []) == (0.0, 0.0)


def test_swing_score_known_values():
	share, base, z = swing_score(24, 30, 1008, 5040)
	assert (share, base) == (0.8, 0.2)
	pooled = 1032 / 5070
	assert z == pytest.approx(0.6 / math.sqrt(pooled * (1 - pooled) * (1 / 30 + 1 / 5040)))
	assert z == pytest.approx(8.14, abs=0.01)
	assert swing_score(0, 10, 0, 100)[2] == 0.0
	assert swing_score(1, 0, 5, 10) == (0.0, 0.0, 0.0)


def test_flat_series_never_alerts():
	assert detect(flat(), NOW) == []
	assert detect(flat(0, 0), NOW) == []


@pytest.mark.parametrize("seed", range(8))
def test_noisy_series_does_not_alert(seed):
	assert detect(noisy(seed), NOW) == []


@pytest.mark.parametrize("seed", range(4))
def test_noisy_busy_series_does_not_alert(seed):
	assert detect(noisy(100 + seed, lam=300, share=0.3), NOW) == []


@pytest.mark.parametrize("seed", range(4))
def test_low_volume_series_does_not_alert(seed):
	# ~1 mention an hour; a burst of 8 (5 negative) is noise, not an episode.
	series = add(noisy(200 + seed, lam=1.0, share=0.3), {END - 5 * HOUR: (8, 5)})
	assert detect(series, NOW) == []


def test_spike_of_three_hours_alerts_exactly_once():
	onset = END - 6 * HOUR
	series = add(noisy(1), {onset: (80, 16), onset + HOUR: (120, 24), onset + 2 * HOUR: (60, 12)})
	alerts = detect(series, NOW, rule="Brand")
	assert [a.kind for a in alerts] == [VOLUME_SPIKE]
	alert = alerts[0]
	assert alert.bucket == onset
	assert alert.peak_bucket == onset + HOUR
	assert alert.last_bucket == onset + 2 * HOUR
	assert alert.buckets == 3
	assert alert.value >= 120 and 15 <= alert.baseline <= 25
	assert alert.z > 10
	assert alert.episode_key == "Brand:spike:2024-05-10T06:00"
	assert alert.active and not alert.continued and alert.should_notify
	assert alert.mentions_range() == (onset, onset + 3 * HOUR)


def test_two_separate_spikes_are_two_episodes_and_a_gap_within_cooldown_is_one():
	first, second = END - 40 * HOUR, END - 10 * HOUR
	series = add(flat(), {first: (100, 20), second: (100, 20), second + 3 * HOUR: (100, 20)})
	alerts = detect(series, NOW, rule="R")
	assert [(a.kind, a.bucket, a.buckets) for a in alerts] == [
		(VOLUME_SPIKE, first, 1),
		(VOLUME_SPIKE, second, 2),
	]
	assert alerts[0].episode_key != alerts[1].episode_key
	assert not alerts[0].active  # ended 30 hours ago
	assert alerts[1].active


def test_hourly_job_simulation_notifies_once_per_episode():
	onset = END - 20 * HOUR
	extra = {onset + i * HOUR: (90, 18) for i in range(4)}  # a 4-hour episode
	extra[onset + 12 * HOUR] = (100, 20)  # a second episode after the cooldown
	series = add(noisy(7), extra)
	notified = {}
	for hour in range(-24, 1):
		now = NOW + hour * HOUR
		visible = [row for row in series if row[0] + HOUR <= floor_bucket(now)]  # only complete buckets
		for alert in detect(visible, now, rule="R"):
			if alert.should_notify and alert.episode_key not in notified:
				notified[alert.episode_key] = now
	assert sorted(notified) == ["R:spike:2024-05-09T16:00", "R:spike:2024-05-10T04:00"]
	# Each was notified in the first run after its first bucket was complete.
	assert notified["R:spike:2024-05-09T16:00"] == NOW - 19 * HOUR


def test_sentiment_swing_alerts_without_volume_spike():
	bucket = END - 3 * HOUR
	series = [(t, 30, 24 if t == bucket else 6) for t, _, _ in flat()]
	alerts = detect(series, NOW, rule="R")
	assert [(a.kind, a.bucket) for a in alerts] == [(SENTIMENT_SWING, bucket)]
	assert alerts[0].value == 0.8
	assert alerts[0].baseline == 0.2
	assert alerts[0].z == pytest.approx(8.14, abs=0.01)
	assert alerts[0].episode_key == "R:swing:2024-05-10T09:00"


def test_small_share_lift_on_a_big_spike_is_a_spike_not_a_swing():
	bucket = END - 2 * HOUR
	series = add(flat(100, 20), {bucket: (900, 280)})  # share 0.3 vs 0.2: significant, but only +0.1
	assert [a.kind for a in detect(series, NOW)] == [VOLUME_SPIKE]


def test_all_negative_but_few_mentions_does_not_swing():
	series = [(t, 8 if t == END - HOUR else 20, 8 if t == END - HOUR else 4) for t, _, _ in flat()]
	assert detect(series, NOW) == []


def test_missing_buckets_count_as_zero():
	# Only two hours in the series have mentions; the rest of the week is silent.
	series = [(END - 30 * HOUR, 3, 0), (END - 2 * HOUR, 12, 1)]
	alerts = detect(series, NOW)
	assert [(a.kind, a.bucket, a.baseline) for a in alerts] == [(VOLUME_SPIKE, END - 2 * HOUR, 0.0)]
	filled = fill_series(series, END - 4 * HOUR, END)
	assert filled == [
		(END - 4 * HOUR, 0, 0),
		(END - 3 * HOUR, 0, 0),
		(END - 2 * HOUR, 12, 1),
		(END - HOUR, 0, 0),
	]


def test_fill_series_floors_and_sums_duplicates_and_ignores_out_of_range():
	rows = [
		(END - HOUR + timedelta(minutes=5), 2, 1),
		(END - HOUR, 3, 0),
		(END, 50, 50),
		(START - HOUR, 9, 9),
	]
	assert fill_series(rows, END - HOUR, END) == [(END - HOUR, 5, 1)]


def test_incomplete_current_bucket_is_not_evaluated():
	series = add(flat(), {END: (500, 100)})  # the bucket 12:00-13:00 is still running at 12:20
	assert detect(series, NOW) == []


def test_new_rule_needs_min_history():
	created = END - 2 * timedelta(days=1)
	series = add(flat(start=created), {END - HOUR: (100, 20)})
	assert detect(series, NOW, start=created) == []
	created = END - 4 * timedelta(days=1)
	series = add(flat(start=created), {END - HOUR: (100, 20)})
	assert [a.kind for a in detect(series, NOW, start=created)] == [VOLUME_SPIKE]


def test_episode_older_than_lookback_is_marked_continued():
	shift = END - 60 * HOUR  # volume tripled 60 hours ago and stayed there
	series = [(t, 60 if t >= shift else 20, 12 if t >= shift else 4) for t, _, _ in flat()]
	alerts = detect(series, NOW, rule="R")
	assert len(alerts) == 1
	assert alerts[0].continued and alerts[0].active and not alerts[0].should_notify
	assert alerts[0].bucket == END - timedelta(days=2)


def test_episode_key_is_stable_while_the_episode_goes_on():
	onset = END - 5 * HOUR
	series = add(flat(), {onset + i * HOUR: (100, 20) for i in range(5)})
	keys = {a.episode_key for h in range(3) for a in detect(series, NOW - h * HOUR)}
	assert keys == {"*:spike:2024-05-10T07:00"}


def test_daily_buckets():
	day = timedelta(days=1)
	config = AlertConfig(bucket="day", lookback=2 * day)
	end = datetime(2024, 5, 10)
	series = [(end - i * day, 200 + (i % 3) * 10, 40) for i in range(1, 12)]
	series.append((end - day, 900, 180))
	series = [row for row in series if row[0] != end - day or row[1] == 900]
	alerts = detect(series, datetime(2024, 5, 10, 8, 0), config, rule="R")
	assert [(a.kind, a.bucket) for a in alerts] == [(VOLUME_SPIKE, end - day)]
	assert alerts[0].episode_key == "R:spike:2024-05-09T00:00"
	assert query_range(datetime(2024, 5, 10, 8, 0), config) == (end - 9 * day, end)


def test_timezone_aware_input_works_and_mixing_is_rejected():
	aware = [(t.replace(tzinfo=timezone.utc), n, k) for t, n, k in add(flat(), {END - HOUR: (100, 20)})]
	assert len(detect(aware, NOW.replace(tzinfo=timezone.utc))) == 1
	with pytest.raises(InvalidRecord, match="naive"):
		detect(aware, NOW)


@pytest.mark.parametrize(
	"row, message",
	[
		((END - HOUR, -1, 0), "negative"),
		((END - HOUR, 5, 6), "more negative"),
		(("2024-05-10", 5, 1), "datetime"),
		((END - HOUR, 5), "each bucket"),
	],
)
def test_bad_series_rows(row, message):
	with pytest.raises(InvalidRecord, match=message):
		detect([row], NOW)


@pytest.mark.parametrize(
	"config",
	[
		AlertConfig(bucket="week"),
		AlertConfig(window=timedelta(minutes=30)),
		AlertConfig(min_history=timedelta(days=8)),
		AlertConfig(volume_z=0),
		AlertConfig(min_count=0),
		AlertConfig(cooldown_buckets=0),
	],
)
def test_bad_config(config):
	with pytest.raises(InvalidRecord):
		detect([], NOW, config)


def test_episode_key():
	assert episode_key("", SENTIMENT_SWING, END) == "*:swing:2024-05-10T12:00"
	assert len(episode_key("r" * 500, VOLUME_SPIKE, END)) < 140
	with pytest.raises(InvalidRecord):
		episode_key("R", "Other", END)
