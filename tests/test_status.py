"""The one Mention status function."""

import pytest

from social_crm.engine.status import (
	CASE_CLOSED,
	CONVERTED,
	CONVERTED_TO_LEAD,
	IGNORED,
	LINKED,
	MARKED_IGNORED,
	MARKED_RESPONDED,
	NEEDS_REVIEW,
	NEW,
	REPLIED,
	RESPONDED,
	mention_status,
	status_after,
	status_changes,
)


def test_automatic_statuses_follow_the_author():
	assert mention_status(None, has_party=False, author_in_review=False) == NEW
	assert mention_status("", has_party=True, author_in_review=False) == LINKED
	assert mention_status(None, has_party=False, author_in_review=True) == NEEDS_REVIEW
	assert mention_status(NEEDS_REVIEW, has_party=True, author_in_review=True) == LINKED
	assert mention_status(LINKED, has_party=False, author_in_review=False) == NEW
	assert mention_status(LINKED, has_party=False, author_in_review=True) == NEEDS_REVIEW
	assert mention_status(NEEDS_REVIEW, has_party=False, author_in_review=False) == NEW


def test_worked_statuses_are_kept():
	for status in (CONVERTED, RESPONDED, IGNORED):
		for party in (True, False):
			for review in (True, False):
				assert mention_status(status, party, review) == status


def test_status_changes_for_bulk_writers():
	assert status_changes(True, False) == {NEW: LINKED, NEEDS_REVIEW: LINKED}
	assert status_changes(False, False) == {LINKED: NEW, NEEDS_REVIEW: NEW}
	assert status_changes(False, True) == {NEW: NEEDS_REVIEW, LINKED: NEEDS_REVIEW}


def test_peoples_actions_set_the_worked_statuses():
	assert status_after(NEW, REPLIED) == RESPONDED
	assert status_after(IGNORED, REPLIED) == RESPONDED  # answering an ignored post answers it
	assert status_after(LINKED, MARKED_RESPONDED) == RESPONDED
	assert status_after(RESPONDED, MARKED_IGNORED) == IGNORED


def test_a_closed_case_answers_its_open_mentions_only():
	for current in (None, NEW, LINKED, NEEDS_REVIEW, CONVERTED):
		assert status_after(current, CASE_CLOSED) == RESPONDED
	assert status_after(IGNORED, CASE_CLOSED) == IGNORED
	assert status_after(RESPONDED, CASE_CLOSED) == RESPONDED


def test_a_lead_converts_only_an_automatic_status():
	for current in (None, NEW, LINKED, NEEDS_REVIEW):
		assert status_after(current, CONVERTED_TO_LEAD) == CONVERTED
	assert status_after(RESPONDED, CONVERTED_TO_LEAD) == RESPONDED
	with pytest.raises(ValueError):
		status_after(NEW, "shouted at")
