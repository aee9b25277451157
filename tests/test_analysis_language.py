"""Language detection: deterministic, hint handling, cleaning, short text, restriction to allowed languages."""

import subprocess
import sys

import pytest

from social_crm.engine.analysis.language import (
	UNKNOWN,
	LanguageResult,
	clean_for_detection,
	detect_language,
	detect_languages,
	normalize_language_code,
)

ENGLISH = "I really enjoyed the new coffee at the shop on the corner this morning, the staff were friendly."
GERMAN = "Heute Morgen habe ich im Laden an der Ecke einen neuen Kaffee probiert, und er war wirklich gut."
FRENCH = "Ce matin, j'ai goûté un nouveau café dans la boutique du coin et il était vraiment très bon."


@pytest.mark.parametrize("text, code", [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_sentences_are_detected(text, code):
	result = detect_language(text)
	assert result.code == code
	assert result.method == "langdetect"
	assert result.confidence >= 0.9


def test_hint_wins_when_valid():
	assert detect_language(ENGLISH, hint="de-DE") == LanguageResult("de", 1.0, "hint")
	assert detect_language("", hint="EN").code == "en"


def test_invalid_hint_is_ignored():
	assert detect_language(GERMAN, hint="xx-123").code == "de"
	assert detect_language(GERMAN, hint="german language").code == "de"


def test_hint_outside_allowed_languages_is_ignored():
	result = detect_language(GERMAN, hint="fr", allowed=["en", "de"])
	assert result.code == "de" and result.method == "langdetect"


def test_short_or_empty_text_is_unknown():
	assert detect_language("") == LanguageResult(UNKNOWN, 0.0, "too-short")
	assert detect_language("ok").code == UNKNOWN
	assert detect_language("Hallo Welt").code == UNKNOWN
	assert not detect_language("lol").is_known


def test_mentions_urls_and_hashtags_are_stripped_first():
	assert clean_for_detection("@anna schau mal https://example.com/x #Kaffee toll") == "schau mal toll"
	only_noise = "@someone @another #coffee #morning https://example.com/some/long/path?q=1 me@example.org"
	assert detect_language(only_noise).code == UNKNOWN
	noisy_german = "@CoffeeShop_Official #breakfast #coffee https://example.com " + GERMAN
	assert detect_language(noisy_german).code == "de"


def test_deterministic_across_calls_and_processes():
	texts = [
		"ciao bella",
		"gut gemacht, danke euch allen",
		"merci beaucoup mes amis",
		"das ist gut so",
		ENGLISH,
	]
	first = detect_languages(texts, min_letters=1, min_confidence=0)
	for _ in range(3):
		assert detect_languages(texts, min_letters=1, min_confidence=0) == first
	# reversed order gives the same answers per text (fresh detector per call)
	assert list(reversed(detect_languages(list(reversed(texts)), min_letters=1, min_confidence=0))) == first
	code = (
		"from social_crm.engine.analysis.language import detect_languages\n"
		f"print([r.code + ':' + str(r.confidence) for r in detect_languages({texts!r}, min_letters=1, min_confidence=0)])"
	)
	runs = {
		subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
		for _ in range(2)
	}
	assert len(runs) == 1
	assert runs.pop().strip() == str([f"{r.code}:{r.confidence}" for r in first])


def test_allowed_languages_restrict_short_texts():
	# Short German phrase; restricted to en/de it must come out German.
	assert detect_language("gut gemacht, danke", allowed=["en", "de"], min_letters=5).code == "de"
	assert detect_language("thanks, well done", allowed=["en", "de"], min_letters=5).code == "en"
	result = detect_language(FRENCH, allowed=["en", "de"])
	assert result.code in ("en", "de", UNKNOWN)
	assert result.code != "fr"


def test_unknown_allowed_codes_mean_no_restriction():
	assert detect_language(FRENCH, allowed=["xx"]).code == "fr"


def test_low_confidence_is_unknown():
	result = detect_language("Kaffee coffee café", min_letters=1, min_confidence=0.999999)
	if result.confidence < 0.999999:
		assert result.code == UNKNOWN and result.method == "low-confidence"
	strict = detect_language(ENGLISH, min_confidence=1.01)
	assert strict.code == UNKNOWN and strict.method == "low-confidence"


def test_batch_with_hints():
	results = detect_languages([ENGLISH, GERMAN, "ok"], hints=["", "", "de"])
	assert [r.code for r in results] == ["en", "de", "de"]
	with pytest.raises(ValueError):
		detect_languages([ENGLISH], hints=["en", "de"])


def test_chinese_variants_are_normalized():
	assert detect_language("今天天气很好，我们一起去公园散步吧，然后喝咖啡。").code == "zh"


def test_normalize_language_code():
	assert normalize_language_code("de_AT") == "de"
	assert normalize_language_code("EN-us") == "en"
	assert normalize_language_code("") == ""
	assert normalize_language_code("deutsch") == ""
