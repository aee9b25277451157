"""The rollup's bucketing rule (social_crm.engine.insight.rollup), plain Python."""

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.insight.rollup import (
	ALL,
	COMPETITOR,
	DAY,
	HOUR,
	ITEM,
	ITEM_RULE,
	KIND,
	RULE,
	SERIES,
	RollupKey,
	deltas,
	hour_bucket,
	is_midnight,
	item_keys,
	mention_keys,
	name_range,
	rule_items,
	with_coarser,
)
from social_crm.engine.privacy.anonymize import Person, anonymize_mention_fields

POSTED = datetime(2026, 12, 1, 14, 37, 12, 5000)


def hourly(keys):
	return {k for k in keys if k.grain == HOUR}


def mention(**values):
	return {
		"posted_at": POSTED,
		"platform": "Mastodon",
		"sentiment": "Negative",
		"language": "de",
		"rule_kind": "Brand",
		**values,
	}


def test_hour_bucket_truncates_to_the_utc_hour():
	assert hour_bucket(POSTED) == datetime(2026, 12, 1, 14)
	berlin = timezone(timedelta(hours=1))
	assert hour_bucket(datetime(2026, 12, 1, 0, 30, tzinfo=berlin)) == datetime(2026, 11, 30, 23)
	assert hour_bucket("2026-12-01 14:59:59.999999") == datetime(2026, 12, 1, 14)
	with pytest.raises(InvalidRecord):
		hour_bucket("yesterday")
	with pytest.raises(InvalidRecord):
		hour_bucket(17)


def test_a_mention_counts_once_per_dimension_and_value():
	both = mention_keys(
		mention(),
		[
			{"listening_rule": "acme", "kind": "Brand"},
			{"listening_rule": "acme-de", "kind": "Brand"},
			{"listening_rule": "globex", "kind": "Competitor"},
			{"listening_rule": "globex-typo", "kind": "Competitor"},
			{"listening_rule": "initech", "kind": "Competitor"},
			{"listening_rule": "acme", "kind": "Brand"},  # the same rule twice counts once
			{"listening_rule": None, "kind": "Brand"},  # no rule: nowhere
		],
		competitors={"globex": "Globex Corp", "globex-typo": "Globex Corp"},
	)
	keys = hourly(both)
	# every hourly row has its daily twin: the same key at the start of the UTC day
	daily = {k for k in both if k.grain == DAY}
	assert {(k.dimension, k.value, k.sentiment) for k in daily} == {
		(k.dimension, k.value, k.sentiment) for k in keys
	}
	assert {k.bucket for k in daily} == {datetime(2026, 12, 1)}
	assert len(both) == 2 * len(keys)
	by_dimension = Counter(k.dimension for k in keys)
	assert by_dimension == {ALL: 1, RULE: 5, KIND: 2, COMPETITOR: 2, SERIES: 5}
	series = {k for k in keys if k.dimension == SERIES}
	assert {(k.platform, k.language, k.rule_kind, k.match_kind, k.sentiment) for k in series} == {
		("", "", "", "", "Negative")
	}
	assert {k.value for k in keys if k.dimension == COMPETITOR} == {"Globex Corp", "initech"}
	assert {k.value for k in keys if k.dimension == KIND} == {"Brand", "Competitor"}
	all_key = next(k for k in keys if k.dimension == ALL)
	assert (all_key.value, all_key.match_kind) == ("", "")
	assert {k.bucket for k in keys} == {datetime(2026, 12, 1, 14)}
	assert {k.match_kind for k in keys if k.dimension == RULE and k.value == "initech"} == {"Competitor"}


def test_a_mention_counts_once_per_item_with_the_sentiment_towards_it():
	items = rule_items(
		[
			{"name": "oat", "kind": "Product", "item": "OAT-1"},
			{"name": "oat-alias", "kind": "Product", "item": " OAT-1 "},
			{"name": "soy", "kind": "Product", "item": "SOY-1"},
			{"name": "rice", "kind": "Product", "item": ""},  # no Item: counts for none
			{"name": "acme", "kind": "Brand", "item": "OAT-1"},  # not a Product rule: counts for none
		]
	)
	assert items == {"oat": "OAT-1", "oat-alias": "OAT-1", "soy": "SOY-1"}
	matches = [
		{"listening_rule": "oat", "kind": "Product", "sentiment": "Positive"},
		{"listening_rule": "oat-alias", "kind": "Product", "sentiment": "Positive"},
		{"listening_rule": "soy", "kind": "Product", "sentiment": "Positive"},
		{"listening_rule": "soy", "kind": "Product", "sentiment": "Negative"},  # same rule again: once
		{"listening_rule": "rice", "kind": "Product"},
		{"listening_rule": "acme", "kind": "Brand", "sentiment": "Negative"},
	]
	both = item_keys(mention(), matches, items)
	keys = {k for k in both if k.match_kind == ""}
	# one daily row per Item (two rules of OAT-1 count once), keyed by day, platform, sentiment only
	assert {(k.value, k.sentiment) for k in keys} == {("OAT-1", "Positive"), ("SOY-1", "Positive")}
	assert {(k.dimension, k.grain, k.bucket, k.platform, k.language, k.rule_kind) for k in both} == {
		(ITEM, DAY, datetime(2026, 12, 1), "Mastodon", "", "")
	}
	assert all(k.name.startswith("DI2026120100-") for k in both)
	# and one per rule of an Item (no sentiment): which rules of an Item have mentions
	assert {(k.value, k.sentiment) for k in both - keys} == {("oat", ""), ("oat-alias", ""), ("soy", "")}
	assert {k.match_kind for k in both - keys} == {ITEM_RULE}

	# rules of one Item that disagree: the post's sentiment; a person's label wins over all
	def item_sentiments(record, rule_matches):
		return {k.sentiment for k in item_keys(record, rule_matches, items) if not k.match_kind}

	mixed = [{**matches[0], "sentiment": "Negative"}, matches[1]]
	assert item_sentiments(mention(sentiment="Neutral"), mixed) == {"Neutral"}
	assert item_sentiments(mention(human_sentiment="Positive", sentiment="Negative"), mixed) == {"Positive"}
	assert item_keys(mention(posted_at=None), matches, items) == set()
	assert item_keys(mention(), matches, {}) == set()
	assert not [k for k in mention_keys(mention(), matches) if k.dimension == ITEM]


def test_missing_values_are_empty_strings_and_no_posted_at_counts_nowhere():
	(key,) = hourly(mention_keys(mention(sentiment=None, language=None, rule_kind=None, platform=None)))
	assert (key.sentiment, key.language, key.rule_kind, key.platform) == ("", "", "", "")
	assert mention_keys(mention(posted_at=None)) == set()


def test_key_name_is_stable_starts_with_dimension_and_hour_and_differs_per_key():
	(key,) = hourly(mention_keys(mention()))
	(same,) = hourly(mention_keys(mention(posted_at=POSTED.replace(minute=1))))
	(other,) = hourly(mention_keys(mention(sentiment="Positive")))
	(daily,) = mention_keys(mention()) - {key}
	assert daily.name.startswith("DA2026120100-")
	assert key.name == same.name
	assert key.name != other.name
	assert key.name.startswith("A2026120114-")
	assert len(key.name) <= 140


def test_deltas_add_up_to_the_recount():
	rng = random.Random(7)
	rules = [("brand", "Brand"), ("prod", "Product"), ("comp", "Competitor"), ("comp2", "Competitor")]

	def random_row():
		return (
			mention(
				posted_at=POSTED + timedelta(minutes=rng.randrange(0, 600)),
				sentiment=rng.choice(["Positive", "Neutral", "Negative", None]),
				language=rng.choice(["en", "de", None]),
				platform=rng.choice(["Mastodon", "Reddit"]),
			),
			[{"listening_rule": r, "kind": k} for r, k in rng.sample(rules, rng.randrange(0, 3))],
		)

	def keys_of(rows):
		return [mention_keys(m, matches, {"comp": "Comp Inc"}) for m, matches in rows.values()]

	rows = {i: random_row() for i in range(200)}
	rollup = Counter()
	for key, n in deltas([], keys_of(rows)).items():
		rollup[key] += n
	for _step in range(300):
		before = dict(rows)
		i = rng.randrange(0, 260)
		if i in rows and rng.random() < 0.3:
			del rows[i]
		else:
			rows[i] = random_row()
		changed = {j for j in set(before) | set(rows) if before.get(j) != rows.get(j)}
		change = deltas(
			keys_of({j: before[j] for j in changed if j in before}),
			keys_of({j: rows[j] for j in changed if j in rows}),
		)
		assert all(n != 0 for n in change.values())
		assert list(change) == sorted(change)
		for key, n in change.items():
			rollup[key] += n
	recount = Counter(key for keys in keys_of(rows) for key in keys)
	assert +rollup == recount
	assert all(n >= 0 for n in rollup.values())


def test_coarser_rows_summed_from_hourly_counts_equal_each_mentions_own_keys():
	"""What removals grouped on the database server rely on: the Series and daily counts derived
	from the hourly All / Rule / Kind / Competitor counts equal those of every mention's keys."""
	rng = random.Random(11)
	rules = [("brand", "Brand"), ("prod", "Product"), ("comp", "Competitor"), ("comp2", "Competitor")]
	per_mention = Counter()
	hourly_only = Counter()
	for _ in range(300):
		row = mention(
			posted_at=POSTED + timedelta(minutes=rng.randrange(-900, 900)),
			sentiment=rng.choice(["Positive", "Neutral", "Negative", None]),
			platform=rng.choice(["Mastodon", "Reddit"]),
		)
		matches = [
			{"listening_rule": r, "kind": k, "sentiment": rng.choice(["", "Positive", "Negative"])}
			for r, k in rng.sample(rules, rng.randrange(0, 4))
		]
		keys = mention_keys(row, matches, {"comp": "Comp Inc"})
		per_mention.update(keys)
		hourly_only.update(k for k in keys if k.grain == HOUR and k.dimension != SERIES)
	derived = with_coarser(hourly_only)
	assert derived == per_mention
	assert {k.dimension for k in derived if k.grain == DAY} == {ALL, RULE, KIND, COMPETITOR, SERIES}


def test_an_unchanged_row_gives_no_delta():
	keys = mention_keys(mention(), [{"listening_rule": "brand", "kind": "Brand"}])
	assert deltas([keys], [set(keys)]) == {}
	change = deltas([mention_keys(mention())], [mention_keys(mention(sentiment="Positive"))])
	assert sorted(change.values()) == [-1, -1, 1, 1]  # the hour row and the day row


def test_anonymization_keeps_a_mention_in_its_rollup_rows():
	"""The privacy store writes no rollup delta when it anonymizes: it must not move a key."""
	record = {
		**mention(),
		"name": "m1",
		"external_id": "109",
		"author": "p1",
		"author_name": "Jane Doe",
		"author_handle": "jane@mastodon.social",
		"url": "https://mastodon.social/@jane/109",
		"text": "Jane Doe says ACME is broken",
		"title": "",
		"party_type": "Customer",
		"party": "Jane",
		"customer": "Jane",
	}
	matches = [{"listening_rule": "brand", "kind": "Brand"}]
	changes = anonymize_mention_fields(record, Person(names=["Jane Doe"]), "secret")
	assert changes["posted_at"] != record["posted_at"]  # it does change the time ...
	after = {**record, **changes}
	assert mention_keys(after, matches) == mention_keys(record, matches)  # ... within the hour


def test_keys_sort_for_one_lock_order():
	a = RollupKey(datetime(2026, 1, 1), ALL, "", "", "", "", "", "")
	b = RollupKey(datetime(2026, 1, 2), ALL, "", "", "", "", "", "")
	assert sorted([b, a]) == [a, b]


def test_name_range_holds_exactly_the_rows_of_a_dimension_and_hours():
	from datetime import date

	keys = set()
	for hours in range(0, 72):
		moment = datetime(2026, 11, 30) + timedelta(hours=hours, minutes=17)
		for dimension, matches in ((ALL, []), (RULE, [{"listening_rule": "r", "kind": "Brand"}])):
			keys |= {k for k in mention_keys(mention(posted_at=moment), matches) if k.dimension == dimension}
	start, end = datetime(2026, 12, 1, 5), datetime(2026, 12, 2, 7, 30)
	low, high = name_range(RULE, start, end)
	inside = {k for k in keys if low <= k.name < high}
	expected = {k for k in keys if k.dimension == RULE and k.grain == HOUR and start <= k.bucket < end}
	assert inside == expected and len(expected) == 27  # 05:00 .. 07:00 of the next day
	low, high = name_range(ALL, date(2026, 12, 1), date(2026, 12, 2))
	assert {k for k in keys if low <= k.name < high} == {
		k for k in keys if k.dimension == ALL and k.grain == HOUR and k.bucket.date() == date(2026, 12, 1)
	}
	with pytest.raises(InvalidRecord):
		name_range("Party", start, end)
	low, high = name_range(ALL, date(2026, 12, 1), date(2026, 12, 2), DAY)
	assert {k for k in keys if low <= k.name < high} == {
		k for k in keys if k.dimension == ALL and k.grain == DAY and k.bucket == datetime(2026, 12, 1)
	}
	low, high = name_range(RULE, datetime(2026, 11, 30, 12), datetime(2026, 12, 2, 0, 0, 1), DAY)
	assert {k.bucket for k in keys if low <= k.name < high} == {
		datetime(2026, 11, 30),
		datetime(2026, 12, 1),
		datetime(2026, 12, 2),
	}


def test_is_midnight():
	from datetime import date

	assert is_midnight(date(2026, 12, 1)) and is_midnight(datetime(2026, 12, 1))
	assert not is_midnight(datetime(2026, 12, 1, 0, 0, 1))
	assert is_midnight(datetime(2026, 12, 1, 1, tzinfo=timezone(timedelta(hours=1))))


def test_sql_name_mirrors_the_name_layout():
	from social_crm.engine.insight.rollup import sql_name

	expression = sql_name(RULE, DAY, "t.b", ["t.v", "t.p", "t.s", "t.l", "t.rk", "t.mk"])
	assert expression.startswith("concat('DR', date_format(t.b, '%Y%m%d%H'), '-'")
	assert "'Rule'" in expression and "'Day'" in expression and "left(md5(" in expression
	with pytest.raises(InvalidRecord):
		sql_name("Party", DAY, "t.b", ["a"] * 6)
	with pytest.raises(InvalidRecord):
		sql_name(RULE, DAY, "t.b", ["a"] * 5)


# --- per party and week ----------------------------------------------------------------------------


def test_week_bucket_is_the_monday_of_the_utc_day():
	from datetime import date

	from social_crm.engine.insight.rollup import sql_week, week_bucket

	assert week_bucket(POSTED) == date(2026, 11, 30)  # Tuesday 1 Dec -> Monday 30 Nov
	assert week_bucket(datetime(2026, 11, 30, 0, 0)) == date(2026, 11, 30)
	assert week_bucket(datetime(2026, 11, 29, 23, 59)) == date(2026, 11, 23)  # Sunday
	berlin = timezone(timedelta(hours=1))
	assert week_bucket(datetime(2026, 11, 30, 0, 30, tzinfo=berlin)) == date(2026, 11, 23)  # UTC Sunday
	assert sql_week("m.posted_at") == "date_sub(date(m.posted_at), interval weekday(m.posted_at) day)"


def test_a_contacts_mention_counts_for_the_contact_and_its_customer():
	from social_crm.engine.insight.rollup import PartyKey, party_keys

	week = datetime(2026, 11, 30).date()
	own = party_keys(mention(party_type="Customer", party="ACME", customer="ACME"))
	assert own == {PartyKey("Customer", "ACME", week, "Negative")}
	contact = party_keys(mention(party_type="Contact", party="Jane", customer="ACME", sentiment=None))
	assert contact == {PartyKey("Contact", "Jane", week, ""), PartyKey("Customer", "ACME", week, "")}
	assert party_keys(mention(party_type="Lead", party="L-1")) == {PartyKey("Lead", "L-1", week, "Negative")}
	assert party_keys(mention()) == set()  # unlinked
	assert party_keys(mention(posted_at=None, party_type="Lead", party="L-1")) == set()


def test_a_partys_rows_are_one_stretch_of_names():
	from social_crm.engine.insight.rollup import PartyKey, party_prefix

	rows = [
		PartyKey(party_type, party, (datetime(2026, 1, 5) + timedelta(days=7 * w)).date(), s)
		for party_type, party in (("Customer", "ACME"), ("Contact", "ACME"), ("Customer", "ACME 2"))
		for w in range(60)
		for s in ("Positive", "Neutral", "Negative", "")
	]
	prefix = party_prefix("Customer", "ACME")
	inside = {k for k in rows if k.name.startswith(prefix)}  # readers: name like 'prefix%'
	assert set(prefix[1:-1]) <= set("0123456789abcdef")  # nothing LIKE would treat as a wildcard
	assert inside == {k for k in rows if (k.party_type, k.party) == ("Customer", "ACME")}
	assert len({k.name for k in rows}) == len(rows)


def test_summarize_counts_labels_unanalysed_and_the_trend_weeks():
	from datetime import date

	from social_crm.engine.insight.rollup import summarize, trend_weeks

	weeks = trend_weeks(date(2026, 12, 2), 3)
	assert weeks == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
	rows = [
		(date(2026, 11, 30), "Positive", 2),
		(datetime(2026, 11, 16), "Negative", 1),
		(date(2025, 1, 6), "Positive", 5),  # before the trend: counted, not in the series
		(date(2026, 11, 30), "", 3),
		(date(2026, 11, 23), None, 1),
	]
	out = summarize(rows, weeks, ["Positive", "Neutral", "Negative"])
	assert out["counts"] == {"Positive": 7, "Neutral": 0, "Negative": 1}
	assert (out["unanalyzed"], out["total"]) == (4, 12)
	assert out["series"] == {"Positive": [0, 0, 2], "Neutral": [0, 0, 0], "Negative": [1, 0, 0]}


def test_anonymization_takes_a_mention_out_of_its_party_rows():
	"""The privacy store writes party deltas when it anonymizes: the party is cleared."""
	from social_crm.engine.insight.rollup import party_keys

	record = {**mention(), "name": "m1", "external_id": "1", "party_type": "Contact", "party": "Jane"}
	record["customer"] = "ACME"
	after = {**record, **anonymize_mention_fields(record, Person(names=["Jane"]), "secret")}
	assert party_keys(record) and party_keys(after) == set()
