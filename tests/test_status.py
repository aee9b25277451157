"""The one Mention status function."""

from social_crm.engine.status import (
	CONVERTED,
	IGNORED,
	LINKED,
	NEEDS_REVIEW,
	NEW,
	RESPONDED,
	mention_status,
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
