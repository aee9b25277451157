from datetime import datetime

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy.anonymize import (
	Person,
	anonymize_idea_fields,
	anonymize_mention_fields,
	anonymize_profile_fields,
	fold,
	is_anonymized,
	is_erased_profile,
	is_redacted,
	record_is_by,
	redact,
	redact_references,
	redact_references_in,
	scrub_import_text,
	search_terms,
)
from social_crm.engine.privacy.suppression import post_key, profile_key


def test_names_are_redacted_ignoring_case_and_accents_and_transliteration():
	text = "Jürgen Müller wrote; JURGEN MULLER agreed, Juergen Mueller too. Müller's idea."
	assert redact(text, names=["Jürgen Müller"]) == "[name] wrote; [name] agreed, [name] too. [name]'s idea."


def test_names_are_whole_words_only():
	text = "Ann and Annabel planned in Leeds with Lee."
	assert redact(text, names=["Ann Lee"]) == "[name] and Annabel planned in Leeds with [name]."


def test_name_parts_can_be_kept():
	text = "Anna Schmidt said hi, Schmidt again"
	assert redact(text, names=["Anna Schmidt"], name_parts=False) == "[name] said hi, Schmidt again"


def test_particles_and_short_parts_are_not_redacted_alone():
	text = "Ludwig van Beethoven; van Gogh; Li Wei; Li"
	assert redact(text, names=["Ludwig van Beethoven", "Li Wei"]) == "[name]; van Gogh; [name]; Li"


def test_sharp_s_and_hyphenated_names():
	assert redact("STRAUSS and Strauß", names=["Strauß"]) == "[name] and [name]"
	assert redact("Anna-Lena Berg came", names=["Anna-Lena Berg"]) == "[name] came"


def test_handles_with_and_without_at_and_mastodon_forms():
	text = "cc @alice@mastodon.social and alice@mastodon.social and @alice; not @alice@other.example or @alicebob"
	assert redact(text, handles=["alice@mastodon.social"]) == (
		"cc [handle] and [handle] and [handle]; not @alice@other.example or @alicebob"
	)


def test_plain_handles_reddit_and_bluesky():
	text = "u/kat_99 and /u/kat_99 said kat_99 rocks; @kat_990 no. ping @kat.bsky.social."
	assert redact(text, handles=["kat_99", "kat.bsky.social"]) == (
		"[handle] and [handle] said [handle] rocks; @kat_990 no. ping [handle]."
	)


def test_all_emails_and_urls_are_redacted():
	text = "Mail me: A.Person+x@Example.COM or bob@foo.org. See https://example.com/a?b=1, www.foo.de/x and (http://x.io)."
	assert redact(text) == "Mail me: [email] or [email]. See [url], [url] and ([url])."


def test_given_urls_are_redacted_without_scheme_too():
	text = "my page mastodon.social/@alice/123 and example.org/alice"
	assert redact(text, urls=["https://mastodon.social/@alice"]) == "my page [url] and example.org/alice"


def test_redact_of_empty_text_and_placeholders_survive():
	assert redact(None, names=["x"]) == ""
	assert redact("", names=["x"]) == ""
	# A person called "Name" must not eat the placeholders.
	assert redact("Name wrote to a@b.io", names=["Name"]) == "[name] wrote to [email]"


def test_fold():
	assert fold("Ærøskøbing Łódź") == "aeroskobing lodz"


def test_anonymize_mention_fields():
	record = {
		"name": "MEN-0001",
		"platform": "Mastodon",
		"external_id": "11223344",
		"url": "https://mastodon.social/@alice/11223344",
		"author": "SP-0001",
		"author_handle": "alice@mastodon.social",
		"author_name": "Alice Wonder",
		"party_type": "Customer",
		"party": "CUST-1",
		"customer": "CUST-1",
		"title": "",
		"text": "I am Alice Wonder (@alice), write to alice@wonder.example",
		"posted_at": datetime(2024, 3, 5, 14, 37, 12),
		"sentiment": "Positive",
		"language": "en",
	}
	updates = anonymize_mention_fields(
		record, {"display_name": "Alice Wonder", "handle": "alice@mastodon.social"}, "s3cret"
	)
	assert updates == {
		"author": None,
		"author_handle": None,
		"author_name": None,
		"party_type": None,
		"party": None,
		"customer": None,
		"url": None,
		"text": "I am [name] ([handle]), write to [email]",
		"title": "",
		"external_id": "anon:" + post_key("Mastodon", "11223344", "s3cret"),
		"posted_at": datetime(2024, 3, 5, 14, 0),
	}
	assert "sentiment" not in updates and "language" not in updates
	again = anonymize_mention_fields({**record, **updates}, None, "s3cret")
	assert again["external_id"] == updates["external_id"]
	assert is_anonymized({**record, **updates})
	assert not is_anonymized(record)


def test_anonymize_mention_uses_names_copied_on_the_record_without_person():
	record = {
		"platform": "X",
		"external_id": "1",
		"author_name": "Bo Peep",
		"author_handle": "bopeep",
		"text": "Bo Peep here, @bopeep",
	}
	assert anonymize_mention_fields(record)["text"] == "[name] here, [handle]"


def test_anonymize_profile_fields():
	record = {
		"platform": "Bluesky",
		"external_id": "did:plc:abc",
		"handle": "kat.bsky.social",
		"display_name": "Kat",
		"email": "kat@example.com",
		"bio": "I like tea",
		"party_type": "Lead",
		"party": "LEAD-1",
		"link_confidence": 87,
		"do_not_auto_link": 0,
		"followers": 1234,
		"last_seen": datetime(2024, 3, 5, 14, 37),
	}
	updates = anonymize_profile_fields(record, "k")
	assert updates == {
		"handle": None,
		"display_name": None,
		"email": None,
		"bio": None,
		"party_type": None,
		"party": None,
		"link_confidence": 0,
		"external_id": "anon:" + profile_key("Bluesky", "did:plc:abc", "k"),
		"do_not_auto_link": 1,
		"last_seen": datetime(2024, 3, 5),
	}


def test_anonymize_idea_and_dispatch():
	record = {
		"title": "Kat wants oat milk",
		"description": "Kat Meyer (kat@example.com) asks",
		"website_user": "kat@example.com",
		"party": "C1",
	}
	person = Person(names=["Kat Meyer"], emails=["kat@example.com"])
	assert anonymize_idea_fields(record, person) == {
		"website_user": None,
		"party": None,
		"title": "[name] wants oat milk",
		"description": "[name] ([email]) asks",
	}


def test_unknown_platform_still_gets_a_stable_anonymous_id():
	record = {"name": "MEN-9", "platform": "", "external_id": "x1", "text": "hi"}
	first = anonymize_mention_fields(record)["external_id"]
	assert first.startswith("anon:") and first == anonymize_mention_fields(record)["external_id"]
	assert "x1" not in first


def test_a_single_string_is_one_value_not_letters():
	assert redact("a cat and Anna", names="Anna", handles="cat") == "a [handle] and [name]"


# -- profiles ingest must never write to again -------------------------------------------------


def test_a_personal_data_deletion_request_redaction_is_recognised():
	# what Frappe's PDDR writes: "[REDACTED]" in Data fields, the field name in a Small Text (bio)
	redacted = {"external_id": "42", "handle": "[REDACTED]", "display_name": "[REDACTED]", "bio": "bio"}
	assert is_redacted(redacted)
	assert is_erased_profile(redacted)
	assert is_redacted({"display_name": "[REDACTED]: Removed due to Personal Data Deletion Request"})
	assert is_redacted({"handle": "REDACTED"})
	assert not is_redacted({"handle": "anna", "display_name": "Anna Redactedson", "bio": "I redact texts"})


def test_anonymized_profiles_are_erased_by_id_or_flag():
	assert is_erased_profile({"external_id": "anon:abc", "handle": None})
	assert is_erased_profile({"external_id": "42", "anonymized": 1})
	assert not is_erased_profile({"external_id": "42", "anonymized": 0, "handle": "anna"})


# --- erasure: traces of a person in other people's data ------------------------------------------


def test_redact_references_touches_only_the_given_handle_and_email():
	text = "Thanks @greta@mastodon.social (@greta) and greta@example.com; bob@example.org, https://x.org/a"
	assert redact_references(text, ["greta@mastodon.social"], ["greta@example.com"]) == (
		"Thanks [handle] ([handle]) and [email]; bob@example.org, https://x.org/a"
	)
	assert redact_references("nothing here", ["greta"], []) == "nothing here"
	assert redact_references(None, ["greta"]) == ""
	assert redact_references_in({"a": ["hi @greta"], "n": 3}, ["greta"]) == {"a": ["hi [handle]"], "n": 3}


def test_search_terms_are_handles_and_emails_of_useful_length():
	person = Person(
		names=["Greta G"], handles=["@greta@mastodon.social", "u/al"], emails=["Greta@Example.com"]
	)
	assert search_terms(person, ["SP-1", "ab"]) == ["greta@mastodon.social", "greta@example.com", "sp-1"]


def test_record_is_by_compares_author_handle_id_and_post_id():
	assert record_is_by({"author": {"handle": "@Greta@mastodon.social"}}, ["greta@mastodon.social"])
	assert record_is_by({"author_handle": "greta"}, ["greta@mastodon.social"])  # local part, no host
	assert not record_is_by({"author_handle": "greta@other.host"}, ["greta@mastodon.social"])
	assert record_is_by({"author_id": "42"}, author_ids=["42"])
	assert record_is_by({"external_id": "p1"}, post_ids=["p1"])
	assert not record_is_by({"author_handle": "bob", "text": "@greta"}, ["greta"])
	assert not record_is_by("not a record", ["greta"])


def test_scrub_import_text_removes_own_records_and_redacts_others():
	jsonl = '{"author_handle": "greta", "text": "mine"}\n{"author_handle": "bob", "text": "hi @greta"}\n'
	assert scrub_import_text(jsonl, False, ["greta"]) == (
		'{"author_handle": "bob", "text": "hi [handle]"}\n',
		1,
		1,
	)
	array = '[{"author_id": "7"}, {"author_id": "8", "text": "mail greta@example.com"}]'
	text, removed, redacted = scrub_import_text(array, False, [], ["greta@example.com"], ["7"])
	assert (removed, redacted) == (1, 1) and "[email]" in text and '"7"' not in text
	csv_text = "platform,author_handle,text\nReddit,u/greta,a\nReddit,bob,hey u/greta\n"
	assert scrub_import_text(csv_text, True, ["greta"]) == (
		"platform,author_handle,text\nReddit,bob,hey [handle]\n",
		1,
		1,
	)
