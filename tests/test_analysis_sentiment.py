"""Default offline sentiment: English (VADER), German (lexicon + negation/intensifiers), fallbacks."""

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from social_crm.engine.analysis import lexicons
from social_crm.engine.analysis.sentiment import (
	LABELS,
	LEXICON_LANGUAGES,
	AnalyzerUnavailable,
	DefaultAnalyzer,
	SentimentResult,
	english_marks,
	get_analyzer,
	label_for,
	lexicon_polarity,
	vader_polarity,
	without_names,
)

ENGLISH = [
	("I love this coffee, the staff are wonderful!", "Positive"),
	("Best customer support I have ever had. Thank you!", "Positive"),
	("This is the worst service ever, I am so disappointed.", "Negative"),
	("The app keeps crashing. Terrible, broken and useless.", "Negative"),
	("The store opens at 9 am on Mondays.", "Neutral"),
	("Our new catalogue is published on the website.", "Neutral"),
]
GERMAN = [
	("Das Produkt ist super, ich bin total begeistert!", "Positive"),
	("Ich liebe diesen Kaffee ❤️", "Positive"),
	("Vielen Dank für die schnelle und freundliche Hilfe!", "Positive"),
	("Der Service war wirklich schlecht und viel zu teuer.", "Negative"),
	("Ich bin sehr enttäuscht, die Lieferung kam kaputt an.", "Negative"),
	("Totaler Mist, nie wieder.", "Negative"),
	("Der Zug fährt um 8 Uhr ab.", "Neutral"),
	("Heute ist Dienstag.", "Neutral"),
]


@pytest.fixture(scope="module")
def analyzer():
	return get_analyzer("default")


@pytest.mark.parametrize("text, label", ENGLISH)
def test_english(analyzer, text, label):
	result = analyzer.analyze([text], ["en"])[0]
	assert result.label == label, result
	assert result.method == "vader-en"


@pytest.mark.parametrize("text, label", GERMAN)
def test_german(analyzer, text, label):
	result = analyzer.analyze([text], ["de"])[0]
	assert result.label == label, result
	assert result.method == "lexicon-de"


def test_scores_are_polarities_in_range(analyzer):
	texts = [t for t, _ in ENGLISH + GERMAN]
	langs = ["en"] * len(ENGLISH) + ["de"] * len(GERMAN)
	results = analyzer.analyze(texts, langs)
	assert len(results) == len(texts)
	for result in results:
		assert result.label in LABELS
		assert -1.0 <= result.score <= 1.0
		assert result.label == label_for(result.score)


def test_german_negation_before_and_after():
	assert lexicon_polarity("Das Essen ist gut.", "de") > 0
	assert lexicon_polarity("Das Essen ist nicht gut.", "de") < 0
	assert lexicon_polarity("Das ist nicht schlecht.", "de") > 0
	assert lexicon_polarity("Kein Problem!", "de") > 0
	# verb-second: the negation comes after the verb
	assert lexicon_polarity("Das gefällt mir.", "de") > 0
	assert lexicon_polarity("Das gefällt mir nicht.", "de") < 0
	assert lexicon_polarity("Ich empfehle das Produkt nicht.", "de") < 0
	# "nicht nur ... sondern auch" is not a negation
	assert lexicon_polarity("nicht nur gut, sondern auch günstig", "de") > 0


def test_german_intensifiers_and_dampeners():
	plain = lexicon_polarity("Der Kaffee ist gut.", "de")
	assert lexicon_polarity("Der Kaffee ist sehr gut.", "de") > plain
	assert lexicon_polarity("Der Kaffee ist extrem gut.", "de") > plain
	assert 0 < lexicon_polarity("Der Kaffee ist etwas gut.", "de") < plain
	assert lexicon_polarity("Der Kaffee ist sehr schlecht.", "de") < lexicon_polarity(
		"Der Kaffee ist schlecht.", "de"
	)
	# "echt" is +1 in the word list but here only an intensifier
	assert lexicon_polarity("echt", "de") == 0
	assert lexicon_polarity("Der Kaffee ist gut!!!", "de") > plain


def test_german_inflected_forms_and_contrast():
	assert lexicon_polarity("Ein schönes Wochenende und schöne Grüße", "de") > 0
	assert lexicon_polarity("Die schlechteste Pizza der Stadt", "de") < 0
	assert lexicon_polarity("Ich hasse Montage.", "de") < 0
	assert lexicon_polarity("Das Essen war gut, aber der Kellner war unfreundlich.", "de") < 0
	assert lexicon_polarity("Der Kellner war unfreundlich, aber das Essen war hervorragend.", "de") > 0


def test_german_emoji_and_emoticons():
	assert lexicon_polarity("Neuer Laden in der Stadt 😍", "de") > 0
	assert lexicon_polarity("Neuer Laden in der Stadt :(", "de") < 0


def test_german_lexicon_is_read_from_the_installed_package():
	lexicon = LEXICON_LANGUAGES["de"].lexicon()
	assert len(lexicon) > 7_000
	assert lexicon["gut"][0] > 0 and lexicon["schlecht"][0] < 0
	assert "echt" not in lexicon and "nicht" not in lexicon


def test_fallbacks(analyzer):
	texts = ["Wat mooi :)", "今天天气很好", "Great stuff", "", "   "]
	results = analyzer.analyze(texts, ["sv", "zh", "unknown", "en", "de"])
	assert results[0].method == "vader-fallback" and results[0].label == "Positive"
	assert results[1] == SentimentResult("Neutral", 0.0, "unsupported")
	assert results[2].method == "vader-fallback" and results[2].label == "Positive"
	assert results[3].label == "Neutral" and results[3].score == 0.0
	assert results[4].label == "Neutral"


def test_languages_optional_and_length_checked(analyzer):
	assert analyzer.analyze(["I love it"], None)[0].label == "Positive"
	with pytest.raises(ValueError):
		analyzer.analyze(["a", "b"], ["en"])
	assert analyzer.analyze([], []) == []


def test_deterministic(analyzer):
	texts = [t for t, _ in GERMAN]
	assert analyzer.analyze(texts, ["de"] * len(texts)) == analyzer.analyze(texts, ["de"] * len(texts))


def test_threshold_and_labels():
	assert label_for(0.05) == "Positive"
	assert label_for(-0.05) == "Negative"
	assert label_for(0.049) == "Neutral"
	strict = DefaultAnalyzer(threshold=0.99)
	assert strict.analyze_one("I like it", "en").label == "Neutral"


def test_factory_rejects_unknown_backend():
	assert isinstance(get_analyzer(), DefaultAnalyzer)
	with pytest.raises(AnalyzerUnavailable, match="unknown sentiment analyzer"):
		get_analyzer("bert")


def test_the_default_analyzer_ignores_the_flair_models_folder(tmp_path):
	# enrichment passes the site's models folder whatever the configured analyzer is
	assert isinstance(get_analyzer("default", "", models_dir=tmp_path), DefaultAnalyzer)


def test_importing_sentiment_does_not_import_flair():
	import subprocess
	import sys

	code = (
		"import sys, social_crm.engine.analysis.sentiment as s\n"
		"s.get_analyzer('default').analyze(['gut'], ['de'])\n"
		"print(any(m == 'flair' or m.startswith('flair.') or m == 'torch' for m in sys.modules))"
	)
	out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
	assert out.strip() == "False"


@pytest.mark.parametrize(
	"text, language, label",
	[
		("C'est magnifique, le service est excellent !", "fr", "Positive"),
		("Le produit est vraiment mauvais et le support est nul.", "fr", "Negative"),
		("Ce n'est pas bon du tout.", "fr", "Negative"),
		("Je n'aime pas cette application.", "fr", "Negative"),
		("Le colis sera livré mardi.", "fr", "Neutral"),
		("Wat een prachtig en lekker ontbijt, echt geweldig!", "nl", "Positive"),
		("De app is slecht en waardeloos.", "nl", "Negative"),
		("Het eten was niet lekker.", "nl", "Negative"),
		("Het pakket kwam dinsdag aan.", "nl", "Neutral"),
	],
)
def test_french_and_dutch_lexicons(analyzer, text, language, label):
	result = analyzer.analyze([text], [language])[0]
	assert result.method == f"lexicon-{language}"
	assert result.label == label, (text, result)


def test_contrast_and_not_only_per_language():
	from social_crm.engine.analysis.sentiment import lexicon_polarity

	assert lexicon_polarity("Bon, mais vraiment mauvais.", "fr") < 0
	assert lexicon_polarity("Lekker, maar erg slecht.", "nl") < 0
	assert lexicon_polarity("Het is niet alleen mooi, maar ook goed.", "nl") > 0
	assert lexicon_polarity("l'excellent café", "fr") > 0  # elision


def test_german_particles_are_not_sentiment_words():
	from social_crm.engine.analysis.sentiment import GERMAN_PARTICLES, _lexicon

	# the lexicon scores them ("einfach" easy, "klar" clear; "bitte" is found as "bitten") ...
	assert _lexicon("de")["einfach"][0] > 0 and _lexicon("de")["klar"][0] > 0
	assert {"einfach", "wohl", "klar", "bitte"} <= GERMAN_PARTICLES
	# ... but in posts they are particles: no sentiment of their own
	assert lexicon_polarity("Komm einfach vorbei, war wohl klar", "de") == 0
	assert lexicon_polarity("Bitte melden", "de") == 0
	assert DefaultAnalyzer().analyze_one("Das ist natürlich so", "de").label == "Neutral"
	# a negation they stand in still leans negative, and real sentiment words still count
	assert lexicon_polarity("Das geht einfach nicht", "de") < 0
	assert lexicon_polarity("Das ist einfach toll", "de") > 0


def test_german_lexicon_positive_entries_weigh_less():
	from social_crm.engine.analysis.sentiment import GERMAN_POSITIVE_WEIGHT, _lexicon

	lexicon = _lexicon("de")
	assert lexicon["interessant"] == (GERMAN_POSITIVE_WEIGHT, False)  # +1.0 in the package's list
	assert lexicon["schlecht"] == (-1.0, False)  # negative entries keep their valence
	assert lexicon["großartig"] == (1.0, False)  # and so do our own words
	# one positive and one negative word of the list: the negative one decides
	assert lexicon_polarity("Das Essen war gut und das Wetter schlecht", "de") < 0
	# Dutch reads its list unweighted
	assert LEXICON_LANGUAGES["nl"].positive_weight == 1.0


def test_german_emoji_and_emoticons_set_the_tone():
	from social_crm.engine.analysis.sentiment import GERMAN_MARKS_DECIDE, _emoji_valences

	analyzer = DefaultAnalyzer()
	# the words say Negative, the emoticon says the writer is joking
	assert lexicon_polarity("große Katastrophe", "de") < 0 < lexicon_polarity("große Katastrophe :P", "de")
	assert analyzer.analyze_one("Ich lach mir den Arsch weg :'D", "de").label == "Positive"
	assert analyzer.analyze_one("Schön, wieder Stau 😒", "de").label == "Negative"
	# marks of the same sign as the words only add; a faint one does not decide
	assert lexicon_polarity("Super Tag :)", "de") > lexicon_polarity("Super Tag", "de") > 0
	assert abs(_emoji_valences()["😳"]) < GERMAN_MARKS_DECIDE
	assert lexicon_polarity("Das ist toll 😳", "de") > 0  # 😳 is nearly neutral in the ranking
	# Dutch keeps the sum of words and marks
	assert lexicon_polarity("grote ramp, slecht :P", "nl") < 0


def test_english_names_made_of_sentiment_words_are_not_scored():
	analyzer = DefaultAnalyzer()
	event = "EVENT TOMORROW @user Bluegrass Brunch with The Dead String Band, playing the music of the Grateful Dead"
	assert vader_polarity(event) < 0  # VADER alone: "Dead" makes the announcement Negative
	assert without_names(event).endswith("the music of the Name Name")
	assert analyzer.analyze_one(event, "en").label == "Neutral"
	assert vader_polarity("The Super Bowl is on Sunday") > 0.4  # "super": Positive ...
	assert analyzer.analyze_one("The Super Bowl is on Sunday", "en").label == "Neutral"  # ... now a name
	# a sentence's first word, after @mentions/hashtags or . ! ? :, is scored as before
	for text in (
		"Great game yesterday",
		"@user Great game yesterday",
		"#Nats Great game",
		"Sad news. Dead tired",
	):
		assert without_names(text) == text
	assert analyzer.analyze_one("@user Great game yesterday", "en").label == "Positive"
	assert analyzer.analyze_one("Sad news. Dead tired", "en").label == "Negative"
	# a token without letters ("**", "-") neither starts nor ends a sentence
	assert without_names('"** Good! Because it sells') == '"** Good! Because it sells'
	assert without_names("Tonight - Grateful Dead") == "Tonight - Name Name"
	assert without_names("Done ... Great") == "Done ... Great"
	assert without_names("I love the Grateful Dead") == "I love the Name Name"  # lower-case words decide
	assert analyzer.analyze_one("I love the Grateful Dead", "en").label == "Positive"
	# English only: a fallback (unknown language) text keeps VADER's plain score
	assert analyzer.analyze_one("The Super Bowl is on Sunday", "").label == "Positive"


def test_english_glued_and_repeated_emoticons_are_read():
	analyzer = DefaultAnalyzer()
	plain = SentimentIntensityAnalyzer()
	for text, label in (
		("I have to endure this on monday:(", "Negative"),
		("so im going in tomorrow:/", "Negative"),
		("at the airport again :(((", "Negative"),
		("see you all at the launch tomorrow:)", "Positive"),
		("new phone arrived ^^", "Positive"),
	):
		assert plain.polarity_scores(text)["compound"] == 0  # VADER alone reads no mark there
		assert analyzer.analyze_one(text, "en").label == label, text
	assert english_marks("on monday:( #killmenow") == "on monday :( #killmenow"
	assert english_marks("so sad:(((.") == "so sad :(."
	# times, ratios, links and words after a colon are no emoticons
	for text in (
		"at 10:30 today",
		"ratio 1:3",
		"(born 1998)",
		"see http://t.co/x",
		"Note:Dan said",
		"Re:Post",
	):
		assert english_marks(text) == text
	assert analyzer.analyze_one("fine :) ok", "en").label == "Positive"  # VADER's own marks stay
	# X's API sends HTML-escaped text; a link's characters are no emoticon
	assert plain.polarity_scores("see you there &lt;3")["compound"] == 0
	assert analyzer.analyze_one("see you there &lt;3", "en").label == "Positive"
	assert analyzer.analyze_one("new post at https://example.com/a:( tonight", "en").label == "Neutral"


def test_french_names_made_of_sentiment_words_are_not_scored():
	analyzer = DefaultAnalyzer()
	shop = "Rendez-vous au Bon Marché demain à 10h"
	assert lexicons.polarity(shop, "fr") > 0.4  # "bon": the words alone say Positive ...
	assert without_names(shop, "fr") == "Rendez-vous au Name Marché demain à 10h"
	assert analyzer.analyze_one(shop, "fr").label == "Neutral"  # ... a shop's name is Neutral
	assert analyzer.analyze_one("Bon film, bon moment", "fr").label == "Positive"  # first word: scored
	# Spanish, Italian and Portuguese keep their words' scores (no gain on their train splits)
	assert analyzer.analyze_one("Vamos al Bar Bonito mañana", "es").label == "Positive"


def test_english_words_and_forms_vader_lacks():
	plain = SentimentIntensityAnalyzer()  # VADER as shipped
	for text in ("Those idiots kept me on hold", "The senator is corrupt", "Two outages in a week"):
		assert plain.polarity_scores(text)["compound"] >= 0  # VADER alone: Neutral or Positive
		assert DefaultAnalyzer().analyze_one(text, "en").label == "Negative"
	assert DefaultAnalyzer().analyze_one("What a victory for the team", "en").label == "Positive"
	assert lexicons.english_forms("delay") == ["delays", "delayed"]
	assert lexicons.english_forms("party") == ["parties", "partied"]
	assert lexicons.english_forms("smash") == ["smashes", "smashed"]
	assert lexicons.english_forms("love") == ["loves", "loved"]
	assert lexicons.english_forms("blessed") == ["blesseds"]
	additions = lexicons.english_additions({"delay": -1.3, "great": 3.1, "greats": 1.0, "sad": -2.1})
	assert additions["delays"] == additions["delayed"] == -1.3  # a word of 5 letters: its plural and past
	assert "greats" not in additions  # VADER's own entry wins
	assert "sads" not in additions  # shorter words keep VADER's forms only ("kinds" is not "kind")
	assert additions["corrupt"] == pytest.approx(-2.4)  # ENGLISH_EXTRA, on VADER's scale
	assert additions["outages"] == additions["outage"]  # and the forms of ENGLISH_EXTRA's words
	assert not additions.keys() & {"delay", "great", "sad"}
