from datetime import datetime, timedelta, timezone

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy.consent import (
	ConsentEntry,
	derive_state,
	normalize_purpose,
	own_choice,
	stops_ingest,
	validate_entry,
)

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def entry(purpose, status="Granted", basis="Consent", days_ago=10, expires_in=None, **kw):
	at = NOW - timedelta(days=days_ago)
	expires = NOW + timedelta(days=expires_in) if expires_in is not None else None
	kw.setdefault("source", "web form")
	return ConsentEntry(purpose, basis, status, at, expires, **kw)


def test_no_entries_uses_default_basis_for_listening_and_linking_only():
	state = derive_state([], NOW)
	assert state.allows("Listening")
	assert state.allows("Linking")
	assert not state.allows("Marketing")
	assert state.basis("Listening") == "Legitimate Interest"
	assert state.basis("Marketing") is None
	assert state.summary() == (
		"Listening: Legitimate Interest (default) · Linking: Legitimate Interest (default) · Marketing: —"
	)


def test_withdrawal_stops_the_purpose_and_is_not_replaced_by_the_default():
	state = derive_state([entry("Linking", "Withdrawn", days_ago=1)], NOW)
	assert not state.allows("Linking")
	assert state.allows("Listening")
	assert state.blocked() == ["Linking"]
	assert state.summary().split(" · ")[1] == "Linking: Withdrawn"


def test_objection_to_legitimate_interest_stops_listening():
	state = derive_state([entry("analytics", "Objected", basis="Legitimate Interest", days_ago=2)], NOW)
	assert not state.allows("Listening")
	assert not state.allows("enrichment")
	assert state.purposes["Listening"].status == "Objected"


def test_latest_entry_per_purpose_wins_regardless_of_input_order():
	entries = [
		entry("Marketing", "Granted", days_ago=1),
		entry("Marketing", "Granted", days_ago=30),
		entry("Marketing", "Withdrawn", days_ago=10),
	]
	state = derive_state(entries, NOW)
	assert state.allows("Marketing")
	assert state.purposes["Marketing"].since == NOW - timedelta(days=1)
	assert derive_state(entries[1:], NOW).allows("Marketing") is False


def test_simultaneous_grant_and_withdrawal_resolve_to_withdrawal():
	entries = [entry("Marketing", "Withdrawn", days_ago=3), entry("Marketing", "Granted", days_ago=3)]
	assert not derive_state(entries, NOW).allows("Marketing")
	assert not derive_state(list(reversed(entries)), NOW).allows("Marketing")


def test_expired_grant_falls_back_to_default():
	expired_marketing = ConsentEntry(
		"Marketing", "Consent", "Granted", NOW - timedelta(days=400), NOW - timedelta(days=35), "event"
	)
	expired_listening = ConsentEntry(
		"Listening", "Consent", "Granted", NOW - timedelta(days=400), NOW - timedelta(days=1), "event"
	)
	state = derive_state([expired_marketing, expired_listening], NOW)
	assert not state.allows("Marketing")
	assert state.purposes["Marketing"].origin == "expired"
	assert state.allows("Listening")
	assert state.basis("Listening") == "Legitimate Interest"
	assert state.summary().endswith("Marketing: Expired")


def test_expiry_exactly_now_counts_as_expired():
	grant = ConsentEntry("Marketing", "Consent", "Granted", NOW - timedelta(days=1), NOW, "event")
	assert not derive_state([grant], NOW).allows("Marketing")
	assert derive_state([grant], NOW - timedelta(seconds=1)).allows("Marketing")


def test_live_grant_with_expiry_shows_date_and_next_change():
	state = derive_state([entry("Marketing", expires_in=30, days_ago=5)], NOW)
	assert state.allows("Marketing")
	assert state.next_change() == NOW + timedelta(days=30)
	assert "Marketing: Consent until 2024-07-01" in state.summary()


def test_entry_dated_after_now_is_not_yet_in_effect():
	future = ConsentEntry("Linking", "Consent", "Withdrawn", NOW + timedelta(hours=2))
	assert derive_state([future], NOW).allows("Linking")
	assert not derive_state([future], NOW + timedelta(hours=3)).allows("Linking")


def test_default_basis_consent_or_none_means_nothing_without_a_grant():
	for default in (None, "", "Consent", "consent"):
		state = derive_state([], NOW, default_basis_for_public=default)
		assert not state.allows("Listening")
		assert state.summary() == "Listening: — · Linking: — · Marketing: —"
	granted = derive_state([entry("Listening")], NOW, default_basis_for_public=None)
	assert granted.allows("Listening") and granted.basis("Listening") == "Consent"


def test_contract_cannot_be_the_default_for_public_posts():
	with pytest.raises(InvalidRecord) as err:
		derive_state([], NOW, default_basis_for_public="Contract")
	assert err.value.field == "default_basis_for_public"


def test_mappings_and_naive_datetimes_are_accepted():
	state = derive_state(
		[
			{
				"purpose": "linking",
				"basis": "legitimate interest",
				"status": "objected",
				"at": "2024-05-01T10:00:00",
			}
		],
		datetime(2024, 6, 1, 12, 0),
	)
	assert not state.allows("Linking")
	assert state.purposes["Linking"].since == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


def test_to_dict_is_plain_data():
	data = derive_state([entry("Linking", "Withdrawn", days_ago=1)], NOW).to_dict()
	assert data["Linking"] == {
		"allowed": False,
		"basis": "Consent",
		"status": "Withdrawn",
		"origin": "log",
		"since": "2024-05-31T12:00:00+00:00",
		"expires": None,
	}
	assert data["Listening"]["origin"] == "default"


@pytest.mark.parametrize(
	"changes, field",
	[
		({"purpose": "profiling"}, "purpose"),
		({"purpose": ""}, "purpose"),
		({"basis": "Vital Interest"}, "basis"),
		({"status": "Maybe"}, "status"),
		({"at": None}, "at"),
		({"at": "yesterday"}, "at"),
		({"expires": NOW - timedelta(days=20)}, "expires"),
		({"expires": NOW - timedelta(days=10)}, "expires"),
		({"status": "Withdrawn", "expires": NOW + timedelta(days=10)}, "expires"),
		({"source": "", "evidence": ""}, "evidence"),
		({"source": "x" * 141}, "source"),
		({"evidence": "x" * 2001}, "evidence"),
	],
)
def test_invalid_entries_are_rejected_with_the_field(changes, field):
	data = {"purpose": "Marketing", "basis": "Consent", "status": "Granted", "at": NOW - timedelta(days=10)}
	data["source"] = "web form"
	data.update(changes)
	with pytest.raises(InvalidRecord) as err:
		validate_entry(data, NOW)
	assert err.value.field == field


def test_future_dates_beyond_tolerance_are_rejected_on_input():
	ok = {
		"purpose": "Linking",
		"basis": "Legitimate Interest",
		"status": "Objected",
		"at": NOW + timedelta(minutes=4),
	}
	assert validate_entry(ok, NOW).at == NOW + timedelta(minutes=4)
	with pytest.raises(InvalidRecord, match="future"):
		validate_entry({**ok, "at": NOW + timedelta(minutes=6)}, NOW)


def test_legitimate_interest_grant_needs_no_evidence_but_consent_does():
	li = {"purpose": "Listening", "basis": "Legitimate Interest", "status": "Granted", "at": NOW}
	assert validate_entry(li).basis == "Legitimate Interest"
	with pytest.raises(InvalidRecord, match="evidence"):
		validate_entry({**li, "basis": "Consent"})


def test_purpose_aliases_and_the_persons_own_choice():
	assert normalize_purpose("Analytics") == "Listening"
	assert normalize_purpose(" marketing contact ") == "Marketing"
	w = own_choice("linking", False, NOW, source="email from subject")
	assert (w.purpose, w.status, w.basis) == ("Linking", "Withdrawn", "Consent")
	assert not derive_state([w], NOW).allows("Linking")
	g = own_choice("marketing", True, NOW, source="portal")
	assert (g.purpose, g.status, g.basis) == ("Marketing", "Granted", "Consent")
	assert derive_state([g], NOW).allows("Marketing")
	with pytest.raises(InvalidRecord):
		own_choice("Marketing", True, NOW)  # a grant without source or evidence proves nothing


# -- what stops storage at ingest --------------------------------------------------------------


def test_only_a_listening_withdrawal_or_objection_stops_ingest():
	assert not stops_ingest([], NOW)  # no entry: the default (or its absence) decides later, not ingest
	assert stops_ingest([entry("Listening", "Withdrawn", days_ago=1)], NOW)
	assert stops_ingest([entry("Listening", "Objected", basis="Legitimate Interest", days_ago=1)], NOW)
	assert not stops_ingest([entry("Linking", "Withdrawn", days_ago=1)], NOW)
	assert not stops_ingest([entry("Marketing", "Objected", days_ago=1)], NOW)


def test_a_later_grant_lifts_the_stop_and_a_future_withdrawal_is_not_in_effect_yet():
	withdrawn = entry("Listening", "Withdrawn", days_ago=5)
	assert not stops_ingest([withdrawn, entry("Listening", "Granted", days_ago=1)], NOW)
	assert stops_ingest([entry("Listening", "Granted", days_ago=5), withdrawn], NOW + timedelta(days=1))
	assert not stops_ingest([entry("Listening", "Withdrawn", days_ago=-3)], NOW)
	# an expired grant does not undo an older withdrawal's absence: no entry in effect, no stop
	assert not stops_ingest([entry("Listening", "Granted", days_ago=30, expires_in=-1)], NOW)
