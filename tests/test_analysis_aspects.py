"""Aspect sentiment: each matched rule gets the sentiment of the clauses that name it."""

from social_crm.engine.analysis.aspects import aspect_sentiments, clauses, without_terms
from social_crm.engine.analysis.sentiment import DefaultAnalyzer

ANALYZER = DefaultAnalyzer()


def labels(text, language, rule_terms):
	return {rule: r.label for rule, r in aspect_sentiments(text, language, rule_terms, ANALYZER).items()}


def test_praise_for_us_is_not_given_to_the_competitor():
	text = "I love my new Quill phone, but the Rivalzo one is awful"
	got = labels(text, "en", {"Quill": ["quill"], "Rivalzo": ["rivalzo"]})
	assert got == {"Quill": "Positive", "Rivalzo": "Negative"}
	german = "Das Quill Handy ist großartig. Das Rivalzo Handy ist leider schlecht."
	assert labels(german, "de", {"Quill": ["#quill", "quill"], "Rivalzo": ["rivalzo"]}) == {
		"Quill": "Positive",
		"Rivalzo": "Negative",
	}


def test_one_rule_or_the_same_clause_gets_the_overall_sentiment():
	overall = ANALYZER.analyze_one("Quill and Rivalzo are both great", "en")
	got = aspect_sentiments(
		"Quill and Rivalzo are both great", "en", {"Q": ["quill"], "R": ["rivalzo"]}, ANALYZER
	)
	assert got == {"Q": overall, "R": overall}
	single = aspect_sentiments("Quill is great. Weather is bad.", "en", {"Q": ["quill"]}, ANALYZER)
	assert single["Q"] == ANALYZER.analyze_one("Quill is great. Weather is bad.", "en")


def test_rule_not_found_in_text_falls_back_to_overall():
	text = "Quill is wonderful; shipping was slow"
	got = aspect_sentiments(text, "en", {"Q": ["quill"], "H": ["@quillhelp"]}, ANALYZER)
	assert got["Q"].label == "Positive" and got["H"] == ANALYZER.analyze_one(text, "en")


def test_clauses():
	assert clauses("Gut. Aber teuer!\nNa ja") == ["Gut", "teuer", "Na ja"]
	assert clauses("") == []


def test_listened_for_terms_are_names_not_sentiment_words():
	assert (
		without_terms("Glad bags ripped again. #glad @Glad", ["glad"]) == "Name bags ripped again. Name Name"
	)
	assert without_terms("Best Buy is the best", ["best buy", "#bestbuy"]) == "Name is the best"
	assert without_terms("Gladly, Amazon", ["glad", "", "#"]) == "Gladly, Amazon"  # whole words only
	post = "Glad bags ripped again, useless"
	assert ANALYZER.analyze_one(post, "en").label == "Neutral"  # "glad": the brand's name lifts it
	assert aspect_sentiments(post, "en", {"Glad": ["glad"]}, ANALYZER)["Glad"].label == "Negative"
	assert ANALYZER.analyze_one("Glad bags ripped again", "en").label == "Positive"
	assert (
		aspect_sentiments("Glad bags ripped again", "en", {"G": ["glad"]}, ANALYZER)["G"].label == "Neutral"
	)
	two = "Dove soap dried my skin, awful. Joy soap works"
	assert ANALYZER.analyze_one("Joy soap works", "en").label == "Positive"  # "joy" scored
	assert labels(two, "en", {"Dove": ["dove"], "Joy": ["joy"]}) == {"Dove": "Negative", "Joy": "Neutral"}
