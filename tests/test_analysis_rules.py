"""Listening rules: phrases (accents, word boundaries), hashtags, accounts, exclusions, filters, validation."""

import pytest

from social_crm.engine.analysis.rules import (
	MAX_TERM_CHARS,
	Rule,
	RuleMatcher,
	compile_rules,
	fold,
	match_rules,
	parse_terms,
	validate_rule,
)
from social_crm.engine.errors import InvalidRecord


def names(matches):
	return [m.rule.name for m in matches]


BRAND = Rule("Cafe Nova", "Brand", ["Café Nova", "#cafenova", "@novacafe"], exclusions=["job offer", "#jobs"])


@pytest.mark.parametrize(
	"text",
	[
		"I love cafe nova!",
		"CAFÉ NOVA rocks",
		"Meet me at Café-Nova.",
		"café\nnova",
		"(Café Nova)",
		"Cafe\u0301 Nova",
	],
)
def test_phrase_is_case_and_accent_insensitive(text):
	matches = match_rules(text, [BRAND])
	assert names(matches) == ["Cafe Nova"]
	assert matches[0].matched_terms == ("Café Nova",)


@pytest.mark.parametrize(
	"text", ["novara cafe", "cafe novara", "cafénova", "my cafe is nova", "supercafe nova"]
)
def test_phrase_needs_whole_words(text):
	assert match_rules(text, [BRAND]) == []


def test_single_word_boundaries_unicode():
	rule = Rule("nova", "Product", ["nova"])
	assert names(match_rules("Nova!", [rule])) == ["nova"]
	assert match_rules("novara", [rule]) == []
	assert match_rules("supernova", [rule]) == []
	assert match_rules("novaé", [rule]) == []  # é is a letter: no boundary
	assert names(match_rules("«nova»", [rule])) == ["nova"]
	assert match_rules("@nova said hi", [rule]) == []  # an account, not the word
	straße = Rule("street", "Campaign", ["Straße"])
	assert names(match_rules("STRASSE gesperrt", [straße])) == ["street"]


def test_special_characters_in_phrases():
	rule = Rule("cpp", "Product", ["C++", "AT&T"])
	assert match_rules("I write c++ daily", [rule])[0].matched_terms == ("C++",)
	assert match_rules("at&t outage", [rule])[0].matched_terms == ("AT&T",)
	assert match_rules("cat", [rule]) == []


def test_hashtags():
	assert match_rules("Breakfast #CafeNova", [BRAND])[0].matched_terms == ("#cafenova",)
	assert match_rules("Breakfast #CaféNova", [BRAND])[0].matched_terms == ("#cafenova",)
	assert match_rules("Breakfast #cafenovara", [BRAND]) == []
	assert match_rules("Breakfast", [BRAND], hashtags=["CafeNova"])[0].matched_terms == ("#cafenova",)
	hashtag_only = Rule("tag", "Campaign", ["#summer24"])
	assert match_rules("summer24 is here", [hashtag_only]) == []


def test_accounts_match_author_or_mentions():
	assert names(match_rules("hello", [BRAND], author_handle="NovaCafe")) == ["Cafe Nova"]
	assert names(match_rules("hello", [BRAND], author_handle="@novacafe@mastodon.social")) == ["Cafe Nova"]
	assert names(match_rules("thanks @NovaCafe!", [BRAND])) == ["Cafe Nova"]
	assert names(match_rules("cc @novacafe@mastodon.social", [BRAND])) == ["Cafe Nova"]
	assert match_rules("hello @novacafe2", [BRAND]) == []
	assert match_rules("novacafe", [BRAND]) == []
	scoped = Rule("scoped", "Person", ["@alice@mastodon.social"])
	assert names(match_rules("x", [scoped], author_handle="alice@mastodon.social")) == ["scoped"]
	assert match_rules("x", [scoped], author_handle="alice@other.example") == []
	assert match_rules("x", [scoped], author_handle="alice") == []


def test_exclusions_veto():
	assert match_rules("Cafe Nova job offer: barista wanted", [BRAND]) == []
	assert match_rules("Cafe Nova is hiring #Jobs", [BRAND]) == []
	assert names(match_rules("Cafe Nova offers jobs", [BRAND])) == ["Cafe Nova"]


def test_language_filter():
	rule = Rule("de-only", "Brand", ["nova"], languages=["de"])
	assert names(match_rules("nova ist toll", [rule], language="de")) == ["de-only"]
	assert names(match_rules("nova ist toll", [rule], language="de-AT")) == ["de-only"]
	assert match_rules("nova is great", [rule], language="en") == []
	# language not known: not filtered out
	assert names(match_rules("nova", [rule], language="unknown")) == ["de-only"]
	assert names(match_rules("nova", [rule])) == ["de-only"]


def test_source_filter():
	rule = Rule("masto", "Brand", ["nova"], sources=["Mastodon", "Bluesky"])
	assert names(match_rules("nova", [rule], source="mastodon")) == ["masto"]
	assert match_rules("nova", [rule], source="Reddit") == []
	everywhere = Rule("all", "Brand", ["nova"])
	assert names(match_rules("nova", [everywhere], source="Reddit")) == ["all"]


def test_disabled_rules_and_multiple_rules():
	rules = [
		Rule("a", "Brand", ["nova"]),
		Rule("b", "Competitor", ["rival", "nova"]),
		Rule("c", "Brand", ["nova"], enabled=False),
	]
	matches = match_rules("nova beats rival", rules)
	assert names(matches) == ["a", "b"]
	assert matches[1].matched_terms == ("rival", "nova")
	assert matches[1].kind == "Competitor"


def test_validation_errors():
	with pytest.raises(InvalidRecord, match="at least one term") as err:
		validate_rule(Rule("x", "Brand", []))
	assert err.value.field == "terms"
	with pytest.raises(InvalidRecord, match="at least one term"):
		validate_rule(Rule("x", "Brand", " , \n"))
	with pytest.raises(InvalidRecord, match="longer than") as err:
		validate_rule(Rule("x", "Brand", ["a" * (MAX_TERM_CHARS + 1)]))
	assert err.value.field == "terms"
	with pytest.raises(InvalidRecord, match="kind must be one of") as err:
		validate_rule(Rule("x", "Topic", ["nova"]))
	assert err.value.field == "kind"
	with pytest.raises(InvalidRecord, match="name is missing"):
		validate_rule(Rule("", "Brand", ["nova"]))
	with pytest.raises(InvalidRecord, match="hashtag"):
		validate_rule(Rule("x", "Brand", ["#two words"]))
	with pytest.raises(InvalidRecord, match="hashtag"):
		validate_rule(Rule("x", "Brand", ["#"]))
	with pytest.raises(InvalidRecord, match="account"):
		validate_rule(Rule("x", "Brand", ["@bad handle!"]))
	with pytest.raises(InvalidRecord, match="no letters or digits"):
		validate_rule(Rule("x", "Brand", ["!!!"]))
	with pytest.raises(InvalidRecord, match="ISO 639") as err:
		validate_rule(Rule("x", "Brand", ["nova"], languages=["german"]))
	assert err.value.field == "languages"
	with pytest.raises(InvalidRecord, match="exclusions"):
		validate_rule(Rule("x", "Brand", ["nova"], exclusions=["#"]))
	with pytest.raises(InvalidRecord):
		compile_rules([Rule("x", "Brand", [])])
	assert len(compile_rules([Rule("x", "Brand", []), BRAND], skip_invalid=True)) == 1


def test_validate_cleans():
	clean = validate_rule(Rule(" n ", "brand", "Café Nova, cafe nova,\n#x", languages=["DE-at", "de"]))
	assert clean.name == "n" and clean.kind == "Brand"
	assert clean.terms == ["Café Nova", "#x"]
	assert clean.languages == ["de"]


def test_parse_terms():
	assert parse_terms("Café Nova, #cafenova\n@novacafe\n\n  cafe nova ") == [
		"Café Nova",
		"#cafenova",
		"@novacafe",
	]
	assert parse_terms('"Smith, John", Nova') == ["Smith, John", "Nova"]
	assert parse_terms("") == [] and parse_terms(None) == []


def test_fold():
	assert fold("Café") == "cafe"
	assert fold("STRAßE") == "strasse"
	assert fold("Ünïcödé") == "unicode"


def test_compiled_matcher_matches_among_many_rules():
	"""Correctness with many rules; their speed is measured in benchmarks/bench_enrichment.py."""
	rules = [
		Rule(
			f"rule{i}",
			"Brand",
			[f"brand{i}", f"Prodüct {i} Max", f"#tag{i}", f"@acct{i}"],
			exclusions=[f"spam{i}"],
		)
		for i in range(50)
	]
	matcher = compile_rules(rules)
	assert isinstance(matcher, RuleMatcher)
	post = (
		"Just tried the new Prodüct 7 max from @acct3 and it is brilliant, way better than the old one. "
		"Highly recommended for everyone who likes coffee in the morning #tag12 https://example.com/x"
	)
	assert names(matcher.match(post)) == ["rule3", "rule7", "rule12"]
	assert names(matcher.match(post.replace("@acct3", "someone"), language="en", source="Mastodon")) == [
		"rule7",
		"rule12",
	]
	assert names(matcher.match(post + " spam7")) == ["rule3", "rule12"]


def test_split_query_classifies_terms_as_the_matcher_does():
	from social_crm.engine.analysis.rules import split_query

	assert split_query("Café Nova, #cafenova\n@novacafe\n#") == (
		["Café Nova", "@novacafe", "#"],
		["cafenova"],
	)
	assert split_query(None) == ([], [])
