from datetime import datetime

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy.retention import (
	RetentionPolicy,
	batch_limit,
	cutoff,
	default_policies,
	describe,
	first_batch_size,
	next_batch_size,
	plan,
	policy_from_dict,
	to_filters,
	validate_policy,
)

NOW = datetime(2024, 6, 30, 12, 0, 0)


def policy(**kw):
	data = {
		"name": "p",
		"target": "Mention",
		"conditions": {"linked": False, "age_field": "posted_at"},
		"keep_days": 90,
		"action": "Anonymize",
	}
	data.update(kw)
	return RetentionPolicy(**data)


def test_default_policies_are_valid_and_cover_the_issue():
	policies = {p.name: validate_policy(p) for p in default_policies()}
	unlinked = policies["Unlinked mentions after 90 days"]
	assert (unlinked.target, unlinked.keep_days, unlinked.conditions["linked"]) == ("Mention", 90, False)
	linked = policies["Linked mentions after 2 years"]
	assert (linked.keep_days, linked.conditions["linked"]) == (730, True)
	errors = policies["Ingest error logs after 30 days"]
	assert (errors.target, errors.keep_days, errors.action, errors.applies_to_all) == (
		"Ingest Error",
		30,
		"Delete",
		True,
	)
	assert policies["Raw payloads after 30 days"].target == "Raw Payload"


def test_unlinked_mentions_filters():
	assert to_filters(policy(), NOW) == [
		("posted_at", "<", "2024-04-01 12:00:00"),
		("party", "is", "not set"),
		("external_id", "not like", "anon:%"),
	]


def test_utc_age_fields_count_from_utc_now_desk_stamps_from_site_time():
	site_now = datetime(2024, 6, 30, 7, 0, 0)  # New York, 12:00 UTC
	assert to_filters(policy(), site_now, utc_now=NOW)[0] == ("posted_at", "<", "2024-04-01 12:00:00")
	by_creation = policy(conditions={"linked": False, "age_field": "creation"})
	assert to_filters(by_creation, site_now, utc_now=NOW)[0] == ("creation", "<", "2024-04-01 07:00:00")
	assert plan(policy(), site_now, utc_now=NOW).cutoff == datetime(2024, 4, 1, 12, 0)
	assert to_filters(policy(), site_now)[0] == ("posted_at", "<", "2024-04-01 07:00:00")  # one clock


def test_cutoff_counts_calendar_days_across_a_leap_year():
	linked = policy(conditions={"linked": True, "age_field": "posted_at"}, keep_days=730)
	assert cutoff(linked, NOW) == datetime(2022, 7, 1, 12, 0)
	assert to_filters(linked, NOW)[:2] == [("posted_at", "<", "2022-07-01 12:00:00"), ("party", "is", "set")]


def test_microseconds_are_dropped_from_the_cutoff_string():
	assert to_filters(policy(keep_days=1), datetime(2024, 1, 2, 3, 4, 5, 678))[0] == (
		"posted_at",
		"<",
		"2024-01-01 03:04:05",
	)


def test_platform_and_status_conditions():
	one = policy(conditions={"platform": "twitter", "age_field": "creation"}, action="Delete")
	assert to_filters(one, NOW) == [("creation", "<", "2024-04-01 12:00:00"), ("platform", "=", "X")]
	many = policy(
		conditions={
			"platform": ["mastodon", "Bluesky", "Mastodon"],
			"status": "ignored, New",
			"age_field": "posted_at",
		},
		action="Delete",
	)
	assert to_filters(many, NOW)[1:] == [
		("platform", "in", ["Mastodon", "Bluesky"]),
		("status", "in", ["Ignored", "New"]),
	]


def test_raw_payload_delete_clears_a_field_on_the_mention():
	raw = next(p for p in default_policies() if p.target == "Raw Payload")
	result = plan(raw, NOW)
	assert result.doctype == "Mention"
	assert result.action == "Delete"
	assert result.clear_field == "raw_payload"
	assert result.filters == [("creation", "<", "2024-05-31 12:00:00"), ("raw_payload", "is", "set")]


def test_catch_all_policy_has_only_the_age_filter():
	errors = next(p for p in default_policies() if p.target == "Ingest Error")
	result = plan(errors, NOW)
	assert result.doctype == "Social Ingest Error"
	assert result.filters == [("creation", "<", "2024-05-31 12:00:00")]
	assert result.clear_field is None


def test_policy_with_no_conditions_needs_applies_to_all():
	bare = policy(conditions={"age_field": "posted_at"}, action="Delete")
	with pytest.raises(InvalidRecord, match="no conditions") as err:
		validate_policy(bare)
	assert err.value.field == "conditions"
	assert validate_policy(
		policy(conditions={"age_field": "posted_at"}, action="Delete", applies_to_all=True)
	)


def test_applies_to_all_with_conditions_is_contradictory():
	with pytest.raises(InvalidRecord) as err:
		validate_policy(policy(applies_to_all=True))
	assert err.value.field == "applies_to_all"


@pytest.mark.parametrize("days", [0, -5, 1.5, True, "30", None, 36_501])
def test_bad_keep_days(days):
	with pytest.raises(InvalidRecord) as err:
		validate_policy(policy(keep_days=days))
	assert err.value.field == "keep_days"


def test_negative_days_message_is_clear():
	with pytest.raises(InvalidRecord, match=r"keep_days must be at least 1 \(got -5\)"):
		validate_policy(policy(keep_days=-5))


@pytest.mark.parametrize(
	"changes, field",
	[
		({"name": "  "}, "name"),
		({"target": "Customer"}, "target"),
		({"action": "Archive"}, "action"),
		({"target": "Ingest Error", "action": "Anonymize"}, "action"),
		({"target": "Idea Vote", "action": "Anonymize"}, "action"),
		({"conditions": {"linked": False}}, "age_field"),
		({"conditions": {"linked": False, "age_field": "modified_on"}}, "age_field"),
		({"conditions": {"linked": False, "age_field": "posted_at", "owner": "x"}}, "conditions"),
		({"conditions": {"status": ["Archived"], "age_field": "posted_at"}}, "status"),
		({"conditions": {"platform": "Myspace", "age_field": "posted_at"}}, "platform"),
		({"conditions": {"linked": "maybe", "age_field": "posted_at"}}, "linked"),
		({"conditions": "linked"}, "conditions"),
		(
			{
				"target": "Ingest Error",
				"action": "Delete",
				"conditions": {"linked": True, "age_field": "creation"},
			},
			"linked",
		),
		(
			{"target": "Idea", "action": "Delete", "conditions": {"platform": "X", "age_field": "creation"}},
			"platform",
		),
		(
			{"target": "Social Profile", "conditions": {"status": "New", "age_field": "last_seen"}},
			"status",
		),
	],
)
def test_invalid_policies(changes, field):
	with pytest.raises(InvalidRecord) as err:
		validate_policy(policy(**changes))
	assert err.value.field == field


def test_normalization_of_names_and_case():
	p = validate_policy(
		policy(
			target="social profile",
			action="anonymize",
			conditions={"linked": "Unlinked", "age_field": "last_seen"},
		)
	)
	assert (p.target, p.action, p.conditions) == (
		"Social Profile",
		"Anonymize",
		{"age_field": "last_seen", "linked": False},
	)


def test_policy_from_a_flat_doc_mapping():
	doc = {
		"name": "Old Reddit",
		"target": "Mention",
		"platform": "reddit",
		"linked": "",
		"status": "Ignored\nNew",
		"age_field": "posted_at",
		"keep_days": "30",
		"action": "Delete",
		"enabled": 0,
	}
	p = validate_policy(doc)
	assert p.keep_days == 30
	assert p.enabled is False
	assert p.conditions == {"age_field": "posted_at", "platform": ["Reddit"], "status": ["Ignored", "New"]}
	assert policy_from_dict(doc).name == "Old Reddit"


def test_describe():
	assert describe(policy()) == "Anonymize Mention (unlinked) after 90 days of posted_at"
	errors = next(p for p in default_policies() if p.target == "Ingest Error")
	assert describe(errors) == "Delete Ingest Error (all) after 30 days of creation"


def test_a_run_starts_small_within_the_configured_bounds():
	assert batch_limit(1000) == 1000
	assert batch_limit(5) == 100  # never below the smallest
	assert batch_limit(50_000) == 10_000  # never above the largest
	assert first_batch_size(1000) == 250
	assert first_batch_size(120) == 120  # a small run starts at its own size


def test_next_batch_size_keeps_transactions_near_the_target():
	assert next_batch_size(250, 0.9, 0.5, 100, 1000) == 125  # too slow: halve
	assert next_batch_size(150, 0.9, 0.5, 100, 1000) == 100  # never below the smallest
	assert next_batch_size(250, 0.1, 0.5, 100, 1000) == 500  # fast: double
	assert next_batch_size(800, 0.1, 0.5, 100, 1000) == 1000  # never above the largest
	assert next_batch_size(250, 0.3, 0.5, 100, 1000) == 250  # near the target: keep
	assert next_batch_size(50, 0.9, 0.5, 100, 50) == 50  # a configured size below the smallest wins


@pytest.mark.parametrize("current, largest", [(0, 10), (-3, 10), (True, 10), (1.5, 10), (10, 10_001)])
def test_next_batch_size_rejects_bad_input(current, largest):
	with pytest.raises(InvalidRecord):
		next_batch_size(current, 0.1, 0.5, 1, largest)


def test_contest_entries_can_be_anonymized_or_deleted():
	anonymize = plan(
		policy(target="Contest Entry", conditions={"linked": True, "age_field": "entered_at"}), NOW
	)
	assert anonymize.doctype == "Social Contest Entry"
	assert anonymize.filters == [
		("entered_at", "<", "2024-04-01 12:00:00"),
		("party", "is", "set"),
		("person", "not like", "anon:%"),
	]
	delete = plan(
		policy(
			target="Contest Entry",
			action="Delete",
			conditions={"age_field": "entered_at"},
			applies_to_all=True,
		),
		NOW,
	)
	assert delete.filters == [("entered_at", "<", "2024-04-01 12:00:00")]
	with pytest.raises(InvalidRecord) as e:
		validate_policy(policy(target="Contest Entry", conditions={"age_field": "posted_at", "linked": True}))
	assert e.value.field == "age_field"
