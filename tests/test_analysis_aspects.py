"""Aspect sentiment: each matched rule gets the sentiment of the clauses that name it."""

from social_crm.engine.analysis.aspects import aspect_sentiments, clauses
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
