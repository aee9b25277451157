"""The redaction pre-check (a pattern runs only where its folded form occurs in the folded text)
must never skip a match: the result equals running every pattern, also for the characters that
re's IGNORECASE treats as equal although they differ (long s / s, Kelvin sign / k, dotted I / i,
final sigma / sigma)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from social_crm.engine.privacy.anonymize import (
	EMAIL,
	HANDLE,
	_email_patterns,
	_handle_patterns,
	fold,
	redact,
)

TRICKY = "aAsSſkKKiIİıßẞéÉeµμσςΣøØ"
ALPHABET = TRICKY + "bclmnotu0@._-/ "
HANDLE_CHARS = TRICKY + "bclmnotu0._"


def _all_handle_patterns(text: str, handle: str) -> str:
	for pattern in _handle_patterns([handle]):  # no folded text: every pattern
		text = pattern.sub(HANDLE, text)
	return text


def _checked_handle_patterns(text: str, handle: str) -> str:
	for pattern in _handle_patterns([handle], fold(text)):
		text = pattern.sub(HANDLE, text)
	return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
	before=st.text(ALPHABET, max_size=12),
	after=st.text(ALPHABET, max_size=12),
	handle=st.text(HANDLE_CHARS, min_size=1, max_size=8),
	shown=st.text(HANDLE_CHARS, min_size=1, max_size=8),
	federated=st.booleans(),
)
def test_handle_precheck_never_skips_a_match(before, after, handle, shown, federated):
	if federated:
		handle = f"{handle}@example.social"
	text = f"{before} @{shown} {after} {handle.swapcase()}"
	assert _checked_handle_patterns(text, handle) == _all_handle_patterns(text, handle)


@settings(max_examples=300, deadline=None)
@given(text=st.text(ALPHABET, max_size=30), local=st.text(HANDLE_CHARS, min_size=1, max_size=6))
def test_email_precheck_never_skips_a_match(text, local):
	email = f"{local}@example.org"
	text = f"{text} {email.upper()} {text}"
	expected = text
	for pattern in _email_patterns((email,)):
		expected = pattern.sub(EMAIL, expected)
	got = text
	for pattern in _email_patterns(tuple(e for e in (email,) if fold(e) in fold(text))):
		got = pattern.sub(EMAIL, got)
	assert got == expected


def test_ignorecase_equivalents_are_still_redacted():
	# re's IGNORECASE matches these pairs; the folded pre-check must let them through
	assert redact("hi @ſam there", handles=["sam"]) == "hi [handle] there"
	assert redact("hi @\u212aate there", handles=["kate"]) == "hi [handle] there"
	assert redact("mail ANNA@EXAMPLE.ORG now", emails=["anna@example.org"]) == "mail [email] now"
	assert redact("Grüße von JÜRGEN", names=["Jurgen"]) == "Grüße von [name]"


def test_text_without_the_person_is_unchanged():
	text = "Bench post 17 about the brand, nothing personal"
	assert redact(text, names=["Ada Lovelace"], handles=["user9@bench.social"], emails=["x@y.org"]) == text
