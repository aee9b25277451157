"""Identity resolution: each signal alone, their combinations, conflicts, ambiguity and thresholds."""

import pytest

from social_crm.engine.identity import (
	AUTO_LINK_THRESHOLD,
	REVIEW_THRESHOLD,
	PartyFacts,
	ProfileFacts,
	rank,
	related,
	score,
	scoring,
)
from social_crm.engine.identity.scoring import noisy_or

ACME = PartyFacts(
	"Customer", "ACME Tools GmbH", display_name="ACME Tools GmbH", website="https://www.acme-tools.de"
)


def contact(
	name="C-1",
	first="Anna",
	last="Schmidt",
	emails=("anna.schmidt@acme-tools.de",),
	handles=(),
	customer=ACME,
):
	return PartyFacts(
		"Contact",
		name,
		display_name=f"{first} {last}",
		first_name=first,
		last_name=last,
		company_name=customer.display_name if customer else "",
		emails=list(emails),
		handles=list(handles),
		customer=customer.name if customer else "",
	)


def signals(candidate):
	return sorted(candidate.signals())


# -- each rule alone -----------------------------------------------------------------------


def test_email_alone_links():
	party = contact(emails=["anna.private@gmail.com"])
	profile = ProfileFacts("Reddit", handle="zz_top", email="ANNA.PRIVATE@gmail.com")
	candidate = score(profile, party)
	assert signals(candidate) == ["email"]
	assert candidate.score == scoring.EMAIL_WEIGHT >= AUTO_LINK_THRESHOLD
	assert rank(profile, [party]).action == "link"


# -- self-asserted evidence proposes a review, never a link -----------------------------------


def test_email_only_in_the_bio_is_self_asserted_and_goes_to_review():
	party = contact(emails=["anna.private@gmail.com"])
	profile = ProfileFacts("Reddit", handle="zz_top", bio="mail me: ANNA.PRIVATE@gmail.com")
	candidate = score(profile, party)
	assert signals(candidate) == ["email"]
	assert candidate.score == scoring.EMAIL_WEIGHT >= AUTO_LINK_THRESHOLD  # as strong as ever ...
	decision = rank(profile, [party])
	assert decision.action == "review"  # ... but only proposes the link
	assert "self-asserted" in decision.note
	assert scoring.verified_score(profile, candidate, party) == 0


def test_rss_author_email_is_self_asserted():
	party = contact(emails=["anna.schmidt@acme-tools.de"])
	feed = ProfileFacts("RSS", handle="", display_name="x", email="anna.schmidt@acme-tools.de")
	assert score(feed, party).score >= AUTO_LINK_THRESHOLD
	assert rank(feed, [party]).action == "review"
	# the same address in the email field of a profile a platform or a person filled in links
	assert rank(ProfileFacts("Webhook", handle="as", email="anna.schmidt@acme-tools.de"), [party]).action == (
		"link"
	)


def test_company_and_domain_named_only_in_the_bio_never_link():
	party = contact()
	profile = ProfileFacts(
		"X", handle="q", display_name="Anna Schmidt", bio="Engineer at ACME Tools, anna.schmidt@acme-tools.de"
	)
	assert score(profile, party).score >= AUTO_LINK_THRESHOLD
	assert rank(profile, [party]).action == "review"
	# the company's domain as the profile's own website is verified evidence: that links
	own = ProfileFacts(
		"X", handle="q", display_name="Anna Schmidt", bio="at ACME Tools", website="https://acme-tools.de"
	)
	assert rank(own, [party]).action == "link"


def test_discourse_handle_without_its_forum_only_proposes_a_review():
	profile = ProfileFacts("Discourse", handle="anna", profile_url="https://forum.acme.de/u/anna")
	assert profile.handle == "anna"  # facts take the handle as stored; the controller scopes it
	scoped = ProfileFacts("Discourse", handle="anna@forum.acme.de")
	bare = contact(emails=[], handles=[("Discourse", "anna")])
	decision = rank(scoped, [bare])
	assert signals(decision.best) == ["handle_user"]
	assert decision.action == "review"
	# even with the weights turned up (auto-link at the user part's weight) it stays a review
	assert rank(scoped, [bare], auto_link=scoring.HANDLE_USER_PART_WEIGHT, review=0.5).action == "review"
	full = contact(emails=[], handles=[("Discourse", "Anna@Forum.Acme.de")])
	assert rank(scoped, [full]).action == "link"


@pytest.mark.parametrize(
	"platform, recorded, seen",
	[
		("X", "@AnnaS", "annas"),
		("X", "annas", "@ANNAS"),
		("Mastodon", "https://chaos.social/@AnnaS", "@annas@chaos.social"),
		("Mastodon", "@AnnaS@Chaos.Social", "annas@chaos.social"),
		("Reddit", "u/Anna_S", "/u/anna_s"),
	],
)
def test_handle_alone_links_whatever_the_spelling(platform, recorded, seen):
	party = contact(emails=[], handles=[(platform, recorded)])
	profile = ProfileFacts(platform, handle=seen)
	candidate = score(profile, party)
	assert signals(candidate) == ["handle"]
	assert candidate.score == scoring.HANDLE_WEIGHT
	assert rank(profile, [party]).action == "link"


def test_handle_on_another_platform_does_not_count():
	party = contact(emails=[], handles=[("X", "annas")])
	assert score(ProfileFacts("Bluesky", handle="annas"), party).score == 0


def test_mastodon_handle_on_another_server_is_not_the_handle():
	party = contact(emails=[], handles=[("Mastodon", "annas@mastodon.social")])
	candidate = score(ProfileFacts("Mastodon", handle="annas@chaos.social"), party)
	assert "handle" not in candidate.signals()
	assert candidate.score == 0


def test_user_part_without_server_goes_to_review():
	party = contact(emails=[], handles=[("Mastodon", "@annas")])
	profile = ProfileFacts("Mastodon", handle="annas@chaos.social")
	candidate = score(profile, party)
	assert signals(candidate) == ["handle_user"]
	assert rank(profile, [party]).action == "review"


def test_customer_domain_alone_goes_to_review():
	profile = ProfileFacts("Mastodon", handle="news@mastodon.social", website="https://blog.acme-tools.de/")
	candidate = score(profile, ACME)
	assert signals(candidate) == ["domain"]
	assert candidate.score == scoring.DOMAIN_WEIGHTS["Customer"]
	assert rank(profile, [ACME]).action == "review"


def test_contact_domain_alone_stays_below_review():
	# Somebody at ACME, but nothing says it is Anna.
	profile = ProfileFacts("X", handle="paulw", display_name="Paul Weber", email="p.weber@acme-tools.de")
	candidate = score(profile, contact())
	assert signals(candidate) == ["domain"]
	assert candidate.score < REVIEW_THRESHOLD


def test_name_alone_is_weak():
	profile = ProfileFacts("X", handle="annas", display_name="Anna Schmidt")
	candidate = score(profile, contact())
	assert signals(candidate) == ["name"]
	assert candidate.score == scoring.NAME_WEIGHT < REVIEW_THRESHOLD
	assert rank(profile, [contact()]).action == "none"


def test_customer_named_in_bio_alone_is_weak():
	profile = ProfileFacts("X", handle="fan", display_name="Paul", bio="Big fan of ACME Tools!")
	candidate = score(profile, ACME)
	assert signals(candidate) == ["company"]
	assert candidate.score == scoring.CUSTOMER_MENTION_WEIGHT


# -- free-mail and platform domains never match ----------------------------------------------


@pytest.mark.parametrize(
	"profile_kwargs",
	[
		{"email": "someone.else@gmail.com"},
		{"website": "https://gmail.com"},
		{"website": "https://linktr.ee/anna"},
		{"bio": "https://mastodon.social/@anna and https://www.linkedin.com/in/anna"},
		{"email": "x@hotmail.co.uk"},
	],
)
def test_free_mail_and_platform_domains_never_match(profile_kwargs):
	party = PartyFacts(
		"Lead",
		"L-1",
		display_name="Paul Weber",
		emails=["anna@gmail.com", "y@hotmail.co.uk"],
		website="https://linktr.ee/paul",
	)
	customer = PartyFacts(
		"Customer", "Mastodon gGmbH", display_name="Mastodon gGmbH", website="https://mastodon.social"
	)
	profile = ProfileFacts("X", handle="someone", **profile_kwargs)
	assert score(profile, party).score == 0
	assert score(profile, customer).score == 0


# -- combinations ----------------------------------------------------------------------------


def test_name_and_company_in_bio_goes_to_review():
	profile = ProfileFacts(
		"Mastodon", handle="as@mastodon.social", display_name="Anna Schmidt", bio="Engineer at ACME Tools"
	)
	candidate = score(profile, contact(emails=["anna@gmail.com"]))
	assert signals(candidate) == ["company", "name", "name_at_company"]
	assert REVIEW_THRESHOLD <= candidate.score < AUTO_LINK_THRESHOLD


def test_name_and_own_company_domain_links_accented_variant():
	profile = ProfileFacts(
		"X", handle="zm", display_name="Zoe Mueller", website="https://www.acme-tools.de/team"
	)
	party = contact(first="Zoë", last="Müller", emails=["zoe.mueller@acme-tools.de"])
	candidate = score(profile, party)
	assert signals(candidate) == ["domain", "name", "name_at_company"]
	assert candidate.score >= AUTO_LINK_THRESHOLD
	decision = rank(profile, [party, ACME])
	assert decision.action == "link"
	assert decision.best.key == party.key
	assert decision.best.customer == ACME.name == decision.customer


def test_name_and_domain_only_from_a_bio_link_goes_to_review():
	profile = ProfileFacts(
		"X", handle="zm", display_name="Anna Schmidt", bio="I wrote https://acme-tools.de/blog/x"
	)
	candidate = score(profile, contact())
	assert REVIEW_THRESHOLD <= candidate.score < AUTO_LINK_THRESHOLD


def test_contact_inherits_its_customers_domain():
	party = contact(emails=["anna@gmail.com"])  # nothing on the Contact itself says ACME's domain
	profile = ProfileFacts("X", handle="as", display_name="Anna Schmidt", website="https://acme-tools.de")
	assert "domain" not in score(profile, party).signals()
	with_customer = score(profile, party, customer=ACME)
	assert "domain" in with_customer.signals() and with_customer.score >= AUTO_LINK_THRESHOLD
	decision = rank(profile, [ACME, party])
	assert decision.action == "link" and decision.best.key == party.key


def test_company_account_links_to_the_customer():
	profile = ProfileFacts(
		"Mastodon",
		handle="acme@mastodon.social",
		display_name="ACME Tools Official",
		website="https://acme-tools.de",
	)
	decision = rank(profile, [ACME])
	assert signals(decision.best) == ["domain", "name"]
	assert decision.action == "link" and decision.customer == ACME.name


def test_near_miss_name_with_company_domain_is_not_linked():
	profile = ProfileFacts("X", handle="x", display_name="Anna Schmitt", website="https://acme-tools.de")
	decision = rank(profile, [contact(), ACME])
	assert decision.action == "review"
	assert decision.best.key == ACME.key


def test_noisy_or():
	assert noisy_or([]) == 0
	assert noisy_or([0.5, 0.5]) == pytest.approx(0.75)
	assert noisy_or([0.9, 0.0]) == pytest.approx(0.9)
	assert noisy_or([1.5, -1]) == 1.0  # clamped


def test_adding_a_signal_never_lowers_the_score():
	base = ProfileFacts("X", handle="as", display_name="Anna Schmidt")
	more = ProfileFacts("X", handle="as", display_name="Anna Schmidt", bio="at ACME Tools")
	most = ProfileFacts(
		"X", handle="as", display_name="Anna Schmidt", bio="at ACME Tools", email="anna.schmidt@acme-tools.de"
	)
	scores = [score(p, contact()).score for p in (base, more, most)]
	assert scores == sorted(scores) and scores[0] < scores[-1]


# -- penalties and conflicts -----------------------------------------------------------------


def test_other_handle_on_the_same_platform_lowers_the_score():
	profile = ProfileFacts(
		"X", handle="anna_new", display_name="Anna Schmidt", website="https://acme-tools.de"
	)
	plain = score(profile, contact())
	with_other = score(profile, contact(handles=[("X", "anna_old")]))
	assert "other_handle" in with_other.signals()
	assert with_other.score == pytest.approx(plain.score * scoring.OTHER_HANDLE_FACTOR, abs=1e-4)
	assert with_other.score < AUTO_LINK_THRESHOLD <= plain.score


def test_handle_and_email_pointing_at_different_parties_go_to_review():
	anna = contact("C-1", handles=[("X", "annas")], emails=[])
	paul = contact("C-2", first="Paul", last="Weber", emails=["paul@weber.example"], customer=None)
	profile = ProfileFacts("X", handle="annas", bio="paul@weber.example")
	alone = rank(profile, [anna])
	assert alone.action == "link"
	decision = rank(profile, [anna, paul])
	assert decision.action == "review"
	assert {c.key for c in decision.candidates} == {anna.key, paul.key}
	for candidate in decision.candidates:
		assert "conflict" in candidate.signals()
		assert candidate.score < AUTO_LINK_THRESHOLD


def test_email_on_a_contact_and_its_customer_is_no_conflict():
	shared = PartyFacts(
		"Customer", "ACME Tools GmbH", display_name="ACME Tools GmbH", emails=["info@acme-tools.de"]
	)
	info = contact(emails=["info@acme-tools.de"], customer=shared)
	profile = ProfileFacts("X", handle="acme", email="info@acme-tools.de")
	decision = rank(profile, [shared, info])
	assert decision.action == "link"
	assert not any("conflict" in c.signals() for c in decision.candidates)


# -- ambiguity ---------------------------------------------------------------------------------


def test_two_contacts_of_the_same_name_at_one_customer_go_to_review():
	first = contact("C-1", emails=["a.schmidt@acme-tools.de"])
	second = contact("C-2", emails=["anna.schmidt@acme-tools.de"])
	profile = ProfileFacts("X", handle="as", display_name="Anna Schmidt", website="https://acme-tools.de")
	assert score(profile, first).score >= AUTO_LINK_THRESHOLD
	decision = rank(profile, [first, second, ACME])
	assert decision.ambiguous and decision.action == "review"
	assert "C-2" in decision.note or "C-1" in decision.note


def test_same_name_at_different_customers_without_company_evidence_is_not_linked():
	other = PartyFacts("Customer", "Blau AG", display_name="Blau AG", website="https://blau.de")
	first = contact("C-1")
	second = contact("C-2", emails=["anna@blau.de"], customer=other)
	profile = ProfileFacts("X", handle="as", display_name="Anna Schmidt")
	decision = rank(profile, [first, second, ACME, other])
	assert decision.ambiguous and decision.action == "none"


def test_same_name_at_different_customers_with_company_evidence_links_the_right_one():
	other = PartyFacts("Customer", "Blau AG", display_name="Blau AG", website="https://blau.de")
	first = contact("C-1")
	second = contact("C-2", emails=["anna@blau.de"], customer=other)
	profile = ProfileFacts(
		"X", handle="as", display_name="Anna Schmidt", bio="Working at Blau", website="https://blau.de"
	)
	decision = rank(profile, [first, second, ACME, other])
	assert decision.action == "link" and decision.best.key == second.key
	assert not decision.ambiguous


def test_contact_and_its_customer_are_related_not_rivals():
	anna = score(ProfileFacts("X", handle="a"), contact())
	customer = score(ProfileFacts("X", handle="a"), ACME)
	assert related(anna, customer) and related(customer, anna)
	other = score(ProfileFacts("X", handle="a"), contact("C-2"))
	assert not related(anna, other)  # two people at one company


# -- thresholds and determinism -------------------------------------------------------------


def test_thresholds_are_respected():
	profile = ProfileFacts("X", handle="q", website="https://acme-tools.de")  # verified, medium
	party = ACME
	value = score(profile, party).score
	assert rank(profile, [party]).action == "review"
	assert rank(profile, [party], auto_link=value, review=0.5).action == "link"
	assert rank(profile, [party], auto_link=0.99, review=value + 0.01).action == "none"
	with pytest.raises(ValueError):
		rank(profile, [party], auto_link=0.5, review=0.7)
	# self-asserted evidence stays a review whatever the thresholds
	bio = ProfileFacts("X", handle="as", display_name="Anna Schmidt", bio="Engineer at ACME Tools")
	bio_value = score(bio, contact(emails=[])).score
	assert rank(bio, [contact(emails=[])], auto_link=bio_value, review=0.5).action == "review"


def test_no_candidates_and_no_signals():
	assert rank(ProfileFacts("X", handle="nobody"), []).action == "none"
	decision = rank(ProfileFacts("X", handle="nobody", display_name="Paul"), [contact(), ACME])
	assert decision.action == "none" and decision.best is None and decision.candidates == []


def test_output_is_deterministic_and_independent_of_candidate_order():
	parties = [contact("C-1"), contact("C-2"), ACME, contact("C-3", first="Paul", last="Weber")]
	profile = ProfileFacts("X", handle="as", display_name="Anna Schmidt", website="https://acme-tools.de")
	first = rank(profile, parties).to_dict()
	again = rank(profile, list(reversed(parties))).to_dict()
	assert first == again
	assert [c["party"] for c in first["candidates"]][:2] == ["C-1", "C-2"]  # ties: by type, then name


def test_duplicate_parties_are_scored_once():
	decision = rank(
		ProfileFacts("X", handle="as", email="anna.schmidt@acme-tools.de"), [contact(), contact()]
	)
	assert [c.party for c in decision.candidates] == ["C-1"]
	assert decision.action == "link"


# -- the table in scoring.py's docstring ------------------------------------------------------

LEAD = PartyFacts(
	"Lead",
	"L-1",
	display_name="Anna Schmidt",
	company_name="Schmidt Labs",
	emails=["anna@gmail.com"],
	website="https://schmidt-labs.de",
)


@pytest.mark.parametrize(
	"profile, party, expected, action",
	[
		(
			ProfileFacts("X", handle="q", email="anna@gmail.com"),
			contact(emails=["anna@gmail.com"]),
			0.95,
			"link",
		),
		(ProfileFacts("X", handle="annas"), contact(handles=[("X", "annas")]), 0.92, "link"),
		(
			ProfileFacts("Mastodon", handle="annas@chaos.social"),
			contact(handles=[("Mastodon", "annas")]),
			0.60,
			"review",
		),
		(ProfileFacts("X", handle="q", website="https://acme-tools.de"), ACME, 0.80, "review"),
		(
			ProfileFacts("X", handle="q", display_name="ACME Tools", website="https://acme-tools.de"),
			ACME,
			0.91,
			"link",
		),
		(
			ProfileFacts("X", handle="q", display_name="Paul Weber", website="https://acme-tools.de"),
			contact(),
			0.40,
			"none",
		),
		(
			ProfileFacts("X", handle="q", display_name="Paul Weber", website="https://schmidt-labs.de"),
			LEAD,
			0.50,
			"none",
		),
		(ProfileFacts("X", handle="q", display_name="Anna Schmidt"), contact(), 0.55, "none"),
		(
			ProfileFacts("X", handle="q", display_name="Anna Schmidt", bio="at ACME Tools"),
			contact(emails=[]),
			0.80,
			"review",
		),
		(
			ProfileFacts("X", handle="q", display_name="Anna Schmidt", bio="https://acme-tools.de/x"),
			contact(),
			0.81,
			"review",
		),
		(
			ProfileFacts("X", handle="q", display_name="Anna Schmidt", website="https://acme-tools.de"),
			contact(),
			0.93,
			"link",
		),
		(
			ProfileFacts(
				"X",
				handle="q",
				display_name="Anna Schmidt",
				bio="at ACME Tools",
				website="https://acme-tools.de",
			),
			contact(),
			0.95,
			"link",
		),
	],
)
def test_documented_combinations(profile, party, expected, action):
	assert score(profile, party).score == pytest.approx(expected, abs=0.01)
	assert rank(profile, [party]).action == action
