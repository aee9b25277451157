"""Identity resolution: domains, handle normalization and the lookup keys used for indexed queries."""

import pytest

from social_crm.engine.errors import InvalidRecord
from social_crm.engine.identity import (
	LookupKeys,
	PartyFacts,
	ProfileFacts,
	is_generic_domain,
	lookup_keys,
	organization_domain,
	party_lookup_keys,
	profile_domains,
	profile_emails,
	registrable_domain,
)
from social_crm.engine.identity.domains import FREE_MAIL_DOMAINS, PLATFORM_DOMAINS


@pytest.mark.parametrize(
	"value, expected",
	[
		("https://www.acme.de/about", "acme.de"),
		("https://shop.eu.acme.com:8443/x?y=1", "acme.com"),
		("http://www.acme.co.uk", "acme.co.uk"),
		("anna@mail.acme.com.au", "acme.com.au"),
		("ACME.DE", "acme.de"),
		("https://acme.github.io/docs", "acme.github.io"),
		("http://192.168.1.10/", ""),
		("not a url", ""),
		("", ""),
	],
)
def test_registrable_domain(value, expected):
	assert registrable_domain(value) == expected


@pytest.mark.parametrize(
	"value",
	[
		"anna@gmail.com",
		"x@googlemail.com",
		"x@hotmail.de",
		"x@hotmail.co.uk",
		"x@yahoo.fr",
		"x@yandex.ru",
		"x@gmx.net",
		"x@web.de",
		"x@t-online.de",
		"x@proton.me",
		"https://mastodon.social/@anna",
		"https://chaos.social/@anna",
		"https://social.tchncs.de/@anna",
		"https://bsky.app/profile/anna.bsky.social",
		"https://anna.bsky.social",
		"https://x.com/anna",
		"https://www.linkedin.com/in/anna",
		"https://linktr.ee/anna",
		"https://github.com/anna",
		"https://medium.com/@anna",
		"https://www.youtube.com/@anna",
	],
)
def test_free_mail_and_platform_domains_are_never_organization_domains(value):
	assert organization_domain(value) == ""


def test_every_listed_generic_domain_is_generic():
	for domain in FREE_MAIL_DOMAINS | PLATFORM_DOMAINS:
		assert is_generic_domain(domain), domain
	assert not is_generic_domain("acme.de")
	assert not is_generic_domain("hotmailer.com")  # a brand must be the whole first label


@pytest.mark.parametrize(
	"platform, raw, normalized",
	[
		("X", "@AnnaS", "annas"),
		("twitter", "AnnaS", "annas"),
		("Mastodon", "@Anna@Chaos.Social", "anna@chaos.social"),
		("Mastodon", "https://chaos.social/@Anna", "anna@chaos.social"),
		("Reddit", "/u/Anna_S", "anna_s"),
		("Bluesky", "@Anna.BSKY.social", "anna.bsky.social"),
	],
)
def test_handles_are_normalized_on_profile_and_party(platform, raw, normalized):
	profile = ProfileFacts(platform, handle=raw)
	party = PartyFacts("Contact", "C-1", handles=[(platform, raw)])
	assert profile.handle == normalized
	assert party.handles == [(profile.platform, normalized)]


def test_profile_emails_from_field_and_bio_including_obfuscated():
	profile = ProfileFacts(
		"Mastodon",
		handle="anna@chaos.social",
		email="Anna@ACME.de",
		bio="Write to anna.s [at] acme-tools [dot] com or ANNA@Gmail.com. Not an email: @anna@chaos.social",
	)
	assert profile_emails(profile) == ["anna.s@acme-tools.com", "anna@acme.de", "anna@gmail.com"]


def test_profile_domains_sources_and_priority():
	profile = ProfileFacts(
		"Bluesky",
		handle="anna.acme-tools.com",  # custom-domain handle, verified by DNS
		website="https://www.acme.de/team",
		bio="Blog: https://blog.anna-writes.net/x and https://linktr.ee/anna, mail anna@acme.de",
	)
	assert profile_domains(profile) == {
		"acme-tools.com": "handle",
		"acme.de": "email",
		"anna-writes.net": "bio",
	}


def test_mastodon_instance_counts_as_a_weak_domain_unless_big():
	own = ProfileFacts("Mastodon", handle="anna@social.acme.de")
	big = ProfileFacts("Mastodon", handle="anna@mastodon.social")
	assert profile_domains(own) == {"acme.de": "instance"}
	assert profile_domains(big) == {}


def test_profile_url_domain_only_for_own_site_platforms():
	forum = ProfileFacts("Discourse", handle="anna", profile_url="https://forum.acme.de/u/anna")
	feed = ProfileFacts("RSS", handle="anna", profile_url="https://anna-writes.net/feed")
	assert profile_domains(forum) == {}
	assert profile_domains(feed) == {"anna-writes.net": "profile_url"}


def test_lookup_keys_contain_everything_and_no_free_mail_domain():
	profile = ProfileFacts(
		"Mastodon",
		handle="@Anna@Chaos.Social",
		display_name="Dr. Zoë Müller | ACME Tools",
		email="zoe@gmail.com",
		website="https://www.acme-tools.de",
		bio="also zoe.mueller@acme-tools.de https://twitter.com/zoe https://linktr.ee/zoe",
	)
	keys = lookup_keys(profile)
	assert keys.handles == [("Mastodon", "anna"), ("Mastodon", "anna@chaos.social")]
	assert keys.emails == ["zoe.mueller@acme-tools.de", "zoe@gmail.com"]  # free-mail *addresses* are fine
	assert keys.domains == ["acme-tools.de"]
	assert "muller zo" in keys.name_keys and "acme tools" in keys.name_keys
	for domain in keys.domains:
		assert not is_generic_domain(domain)


def test_lookup_keys_of_a_profile_with_no_signals_are_empty():
	keys = lookup_keys(ProfileFacts("Reddit", handle="", display_name="🦊 N.", bio="Opinions are my own."))
	assert keys == LookupKeys()
	assert keys.is_empty()


def test_lookup_keys_skip_vague_single_word_names():
	assert lookup_keys(ProfileFacts("X", handle="x", display_name="Jo")).name_keys == []
	assert lookup_keys(ProfileFacts("X", handle="x", display_name="Brightwave")).name_keys == ["brightwave"]


def test_party_lookup_keys_meet_profile_lookup_keys():
	party = PartyFacts(
		"Contact",
		"C-1",
		first_name="Zoë",
		last_name="Müller",
		emails=["Zoe.Mueller@ACME-tools.de", "zoe@gmail.com"],
		handles=[("Mastodon", "https://chaos.social/@ZoeM")],
		customer="ACME Tools GmbH",
	)
	keys = party_lookup_keys(party)
	assert keys.domains == ["acme-tools.de"]
	assert keys.handles == [("Mastodon", "zoem@chaos.social")]
	profile = ProfileFacts("Mastodon", handle="ZoeM@chaos.social", display_name="Zoe Mueller")
	profile_keys = lookup_keys(profile)
	assert set(profile_keys.handles) & set(keys.handles)
	assert set(profile_keys.name_keys) & set(keys.name_keys)


def test_party_facts_validation():
	with pytest.raises(InvalidRecord):
		PartyFacts("Supplier", "S-1")
	with pytest.raises(InvalidRecord):
		PartyFacts("Contact", "")
	party = PartyFacts("Lead", "L-1", emails=["not an email", " A@B.DE "])
	assert party.emails == ["a@b.de"]


def test_profile_from_author_record():
	from social_crm.engine.records import Author

	author = Author(
		external_id="1", handle="@Anna", display_name="Anna", website="https://acme.de", email="A@acme.de"
	)
	profile = ProfileFacts.from_author("x", author)
	assert (profile.platform, profile.handle, profile.email) == ("X", "anna", "a@acme.de")
