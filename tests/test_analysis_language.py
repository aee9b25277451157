"""Language detection: the detectors, hint handling, cleaning, short text, restriction to allowed languages."""

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
	supported_languages,
)

ENGLISH = "I really enjoyed the new coffee at the shop on the corner this morning, the staff were friendly."
GERMAN = "Heute Morgen habe ich im Laden an der Ecke einen neuen Kaffee probiert, und er war wirklich gut."
FRENCH = "Ce matin, j'ai goûté un nouveau café dans la boutique du coin et il était vraiment très bon."


LISTENED = ["en", "de", "fr", "es", "it", "nl", "pt"]


@pytest.mark.parametrize("detector", ["auto", "py3langid", "lingua", "langdetect"])
@pytest.mark.parametrize("text, code", [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_sentences_are_detected(text, code, detector):
	result = detect_language(text, allowed=LISTENED, detector=detector)
	assert result.code == code
	assert result.method == ("py3langid" if detector == "auto" else detector)
	assert result.confidence >= 0.9


def test_default_detector_is_py3langid_for_sentences_and_lingua_for_short_texts():
	assert detect_language(GERMAN).method == "py3langid"
	short = detect_language("gut gemacht", allowed=LISTENED)
	assert short == LanguageResult("de", short.confidence, "auto")
	# without the site's languages lingua (all 75 languages: >1 GB) is not used
	assert detect_language("gut gemacht").method == "py3langid"


@pytest.mark.parametrize(
	"word, code",
	[("Dankeschön", "de"), ("Geburtstagsfeier", "de"), ("beautiful", "en"), ("merveilleux", "fr")],
)
def test_single_words_with_the_sites_languages(word, code):
	assert detect_language(word, allowed=LISTENED).code == code


def test_unknown_detector_is_an_error():
	with pytest.raises(ValueError):
		detect_language(ENGLISH, detector="cld9")


def test_hint_wins_when_valid():
	assert detect_language(ENGLISH, hint="de-DE") == LanguageResult("de", 1.0, "hint")
	assert detect_language("", hint="EN").code == "en"


def test_invalid_hint_is_ignored():
	assert detect_language(GERMAN, hint="xx-123").code == "de"
	assert detect_language(GERMAN, hint="german language").code == "de"


def test_hint_outside_allowed_languages_is_ignored():
	result = detect_language(GERMAN, hint="fr", allowed=["en", "de"])
	assert result.code == "de" and result.method == "py3langid"


def test_only_text_without_language_signal_is_unknown():
	assert detect_language("") == LanguageResult(UNKNOWN, 0.0, "too-short")
	assert detect_language("x 1 2 3 !!! 🎉").code == UNKNOWN
	assert detect_language("@anna #kaffee https://example.com/x").code == UNKNOWN
	assert detect_language("Hallo Welt", allowed=LISTENED).code == "de"
	# langdetect keeps its old floor: it guesses wildly on a few letters
	assert detect_language("Hallo Welt", detector="langdetect").code == UNKNOWN
	assert not detect_language("lol", detector="langdetect").is_known


def test_mentions_urls_and_hashtags_are_stripped_first():
	assert clean_for_detection("@anna schau mal https://example.com/x #Kaffee toll") == "schau mal toll"
	only_noise = "@someone @another #coffee #morning https://example.com/some/long/path?q=1 me@example.org"
	assert detect_language(only_noise).code == UNKNOWN
	noisy_german = "@CoffeeShop_Official #breakfast #coffee https://example.com " + GERMAN
	assert detect_language(noisy_german).code == "de"
	# without stripping, the English handle and hashtags would decide a two-word German post
	assert (
		detect_language("@CoffeeShop_Official #breakfast #coffee sehr lecker", allowed=LISTENED).code == "de"
	)


@pytest.mark.parametrize("detector", ["auto", "langdetect"])
def test_deterministic_across_calls_and_processes(detector):
	texts = [
		"ciao bella",
		"gut gemacht, danke euch allen",
		"merci beaucoup mes amis",
		"das ist gut so",
		ENGLISH,
	]
	kwargs = {"min_letters": 1, "min_confidence": 0, "detector": detector, "allowed": LISTENED}
	first = detect_languages(texts, **kwargs)
	for _ in range(3):
		assert detect_languages(texts, **kwargs) == first
	# reversed order gives the same answers per text (fresh detector per call)
	assert list(reversed(detect_languages(list(reversed(texts)), **kwargs))) == first
	code = (
		"from social_crm.engine.analysis.language import detect_languages\n"
		f"print([r.code + ':' + str(r.confidence) for r in detect_languages({texts!r}, **{kwargs!r})])"
	)
	runs = {
		subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
		for _ in range(2)
	}
	assert len(runs) == 1
	assert runs.pop().strip() == str([f"{r.code}:{r.confidence}" for r in first])


@pytest.mark.parametrize("detector", ["auto", "langdetect"])
def test_allowed_languages_restrict_short_texts(detector):
	# Short German phrase; restricted to en/de it must come out German.
	assert (
		detect_language("gut gemacht, danke", allowed=["en", "de"], min_letters=5, detector=detector).code
		== "de"
	)
	assert (
		detect_language("thanks, well done", allowed=["en", "de"], min_letters=5, detector=detector).code
		== "en"
	)
	result = detect_language(FRENCH, allowed=["en", "de"], detector=detector)
	assert result.code in ("en", "de", UNKNOWN)
	assert result.code != "fr"


def test_one_allowed_language_is_the_answer_for_text_with_letters():
	assert detect_language("Kaffee", allowed=["de"]) == LanguageResult("de", 1.0, "py3langid")
	assert detect_language("12 !!", allowed=["de"]).code == UNKNOWN


@pytest.mark.parametrize("detector", ["auto", "langdetect"])
def test_unknown_allowed_codes_mean_no_restriction(detector):
	assert detect_language(FRENCH, allowed=["xx"], detector=detector).code == "fr"


def test_low_confidence_is_unknown_for_langdetect():
	kwargs = {"detector": "langdetect", "min_letters": 1}
	result = detect_language("Kaffee coffee café", min_confidence=0.999999, **kwargs)
	if result.confidence < 0.999999:
		assert result.code == UNKNOWN and result.method == "low-confidence"
	strict = detect_language(ENGLISH, min_confidence=1.01, detector="langdetect")
	assert strict.code == UNKNOWN and strict.method == "low-confidence"
	# py3langid always names its most likely language
	assert detect_language(ENGLISH, min_confidence=1.01).code == "en"


def test_batch_with_hints():
	results = detect_languages([ENGLISH, GERMAN, "ok"], hints=["", "", "de"])
	assert [r.code for r in results] == ["en", "de", "de"]
	with pytest.raises(ValueError):
		detect_languages([ENGLISH], hints=["en", "de"])


def test_chinese_variants_are_normalized():
	assert detect_language("今天天气很好，我们一起去公园散步吧，然后喝咖啡。").code == "zh"
	assert (
		detect_language("今天天气很好，我们一起去公园散步吧，然后喝咖啡。", detector="langdetect").code
		== "zh"
	)
	assert "zh" in supported_languages() and "zh-cn" not in supported_languages()


def test_normalize_language_code():
	assert normalize_language_code("de_AT") == "de"
	assert normalize_language_code("EN-us") == "en"
	assert normalize_language_code("") == ""
	assert normalize_language_code("deutsch") == ""
