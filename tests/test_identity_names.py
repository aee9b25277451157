"""Identity resolution: accent folding, name keys, similarity and company mentions."""

import pytest

from social_crm.engine.identity import name_key, name_similarity
from social_crm.engine.identity.names import fold, mentions_company, name_parts


@pytest.mark.parametrize(
	"a, b",
	[
		("Zoë Müller", "Zoe Mueller"),
		("Zoë Müller", "zoe muller"),
		("Müller, Zoë", "Dr. Zoe Müller"),
		("José García", "Jose Garcia"),
		("Łukasz Dvořák", "Lukasz Dvorak"),
		("Søren Østergaard", "Soren Ostergaard"),
		("Jürgen Großmann", "Juergen Grossmann"),
		("Anna M. Schmidt", "Anna Schmidt"),
		("ACME Tools GmbH", "Acme Tools"),
		("Brightwave Official", "Brightwave Inc."),
	],
)
def test_name_key_equal_for_spelling_variants(a, b):
	assert name_key(a) == name_key(b) != ""


@pytest.mark.parametrize(
	"a, b", [("Anna Schmidt", "Anna Schmitt"), ("Anna Schmidt", "Anne Schmidt"), ("Zoë", "Zoë Müller")]
)
def test_name_key_differs_for_other_names(a, b):
	assert name_key(a) != name_key(b)


def test_fold_strips_accents_and_spells_umlauts_on_request():
	assert fold("Zoë Müller-Straße") == "zoe muller-strasse"
	assert fold("Zoë Müller", german=True) == "zoe mueller"


@pytest.mark.parametrize(
	"profile_name, party_name",
	[
		("Zoe Mueller", "Zoë Müller"),
		("Zoe Muller", "Zoë Müller"),
		("JOSE GARCIA", "José García"),
		("García, José", "José García"),
		("Anna Schmidt | ACME", "Anna Schmidt"),
		("Anna Schmidt (she/her) 🚀", "Anna Schmidt"),
	],
)
def test_similarity_is_full_for_accent_order_and_decoration_variants(profile_name, party_name):
	assert name_similarity(profile_name, [party_name]) == 1.0


def test_similarity_of_near_misses_and_different_names():
	near = name_similarity("Anna Schmitt", ["Anna Schmidt"])
	assert 0.85 < near < 1.0
	assert name_similarity("Paul Weber", ["Anna Schmidt"]) < 0.5
	assert name_similarity("", ["Anna Schmidt"]) == 0.0
	assert name_similarity("Anna Schmidt", []) == 0.0


def test_name_parts_split_display_name_decorations():
	assert name_parts("Anna Schmidt | ACME (she/her)") == ["Anna Schmidt | ACME", "Anna Schmidt", "ACME"]
	assert name_parts("Anna Schmidt @ ACME") == ["Anna Schmidt @ ACME", "Anna Schmidt", "ACME"]
	assert name_parts("🚀") == []


@pytest.mark.parametrize(
	"text, company, expected",
	[
		("Engineer at ACME Tools", "ACME Tools GmbH", True),
		("Engineer @AcmeTools", "ACME Tools GmbH", True),
		("Sales bei Müller AG", "Mueller AG", True),
		("I love acme", "ACME Tools GmbH", False),
		("Fan of Acmetool", "Acme GmbH", False),  # whole words only
		("AB testing", "AB", False),  # too short to look for
		("", "ACME", False),
	],
)
def test_mentions_company(text, company, expected):
	assert mentions_company(text, company) is expected
