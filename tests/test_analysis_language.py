"""Language detection: the detectors, hint handling, cleaning, short text, restriction to allowed languages."""

import subprocess
import sys

import pytest

from social_crm.engine.analysis import language
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
BLEND = language.BLEND_WEIGHTS[("lingua", "words")]


@pytest.mark.parametrize("detector", ["auto", "py3langid", "lingua", "langdetect"])
@pytest.mark.parametrize("text, code", [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_sentences_are_detected(text, code, detector):
	result = detect_language(text, allowed=LISTENED, detector=detector)
	assert result.code == code
	assert result.method == detector
	assert result.confidence >= 0.9


def test_default_detector_blends_for_the_sites_languages_and_is_py3langid_without_them():
	assert detect_language(GERMAN, allowed=LISTENED).method == "auto"
	short = detect_language("gut gemacht", allowed=LISTENED)
	assert short == LanguageResult("de", short.confidence, "auto")
	# without the site's languages lingua (all 75 languages: >1 GB) and wordfreq are not used
	assert detect_language("gut gemacht").method == "py3langid"
	assert detect_language(GERMAN).method == "py3langid"


@pytest.mark.parametrize(
	"text, code",
	[
		# py3langid and lingua alone get these wrong restricted to the site's languages;
		# the words' frequencies in each language settle them
		("hat es", "de"),
		("go to", "en"),
		("it is", "en"),
		("be a", "en"),
		("time zone", "en"),
		("wie is", "nl"),
	],
)
def test_word_frequencies_decide_short_texts(text, code):
	assert detect_language(text, allowed=LISTENED, detector="py3langid").code != code
	assert detect_language(text, allowed=LISTENED, detector="lingua").code != code
	assert detect_language(text, allowed=LISTENED).code == code


def test_word_frequencies_alone_are_a_unigram_model():
	known = frozenset(LISTENED)
	probabilities = language._word_probabilities("das ist gut", known)
	assert set(probabilities) == known and abs(sum(probabilities.values()) - 1) < 1e-9
	assert max(probabilities, key=probabilities.get) == "de" and probabilities["de"] > 0.9
	# a word no list has counts as WORD_FLOOR_LOG10 everywhere: no language gains from it
	logs = language._word_log_frequencies("xqzvbw", known)
	assert set(logs.values()) == {language.WORD_FLOOR_LOG10}
	# French / Italian elisions are looked up by their parts
	assert language._word_log10(language._frequency_list("fr"), "l'homme") > language.WORD_FLOOR_LOG10
	assert language._word_probabilities("!!!", known) is None


@pytest.mark.parametrize(
	("text", "code"),
	[("dubbelzinnig of", "nl"), ("ter verificatie", "nl"), ("duplicati qui", "it")],
)
def test_the_ending_of_a_word_no_list_has_is_evidence(monkeypatch, text, code):
	# "dubbelzinnig", "verificatie", "duplicati" are in no list: their endings (-nig, -tie, -ati)
	# are typical of Dutch / Italian words; without that evidence "of" / "ter" / "qui" decided
	assert detect_language(text, allowed=LISTENED).code == code
	monkeypatch.setattr(language, "ENDING_WEIGHT", 0.0)
	monkeypatch.setattr(language, "_token_cache", {})
	monkeypatch.setattr(language, "_word_tables", {})
	assert detect_language(text, allowed=LISTENED).code != code


def test_only_lower_case_unknown_words_get_ending_evidence():
	known = frozenset(LISTENED)
	logs = language._word_logs(["dubbelzinnig"], known)
	assert max(logs, key=logs.get) == "nl" and logs["nl"] > language.WORD_FLOOR_LOG10 > logs["es"]
	assert abs(sum(logs.values()) / len(logs) - language.WORD_FLOOR_LOG10) < 1e-9  # centred on the floor
	# capitalised (a name, "Mader"; a sentence's first word): no evidence, the floor everywhere
	assert set(language._word_logs(["Dubbelzinnig"], known).values()) == {language.WORD_FLOOR_LOG10}
	# a listed word is its frequency, in every case
	assert language._word_logs(["Haus"], known)["de"] == language._word_logs(["haus"], known)["de"]
	assert language._word_logs(["haus"], known)["de"] == language._frequency_list("de")["haus"]


def test_short_texts_blend_what_is_installed(monkeypatch):
	assert detect_language("go to", allowed=LISTENED).code == "en"
	monkeypatch.setattr(language, "lingua_available", lambda: False)
	# no lingua: py3langid and the words (BLEND_WEIGHTS[("words",)])
	assert detect_language("go to", allowed=LISTENED) == LanguageResult(
		"en", detect_language("go to", allowed=LISTENED).confidence, "auto"
	)
	monkeypatch.setattr(language, "wordfreq_available", lambda: False)
	# neither lingua nor wordfreq: py3langid alone, for short and long texts
	assert detect_language("go to", allowed=LISTENED) == LanguageResult(
		"es", detect_language("go to", allowed=LISTENED).confidence, "py3langid"
	)
	assert detect_language(GERMAN, allowed=LISTENED) == LanguageResult(
		"de", detect_language(GERMAN, allowed=LISTENED).confidence, "py3langid"
	)


def test_long_texts_the_words_are_sure_of_skip_py3langid(monkeypatch):
	asked = []
	real = language._py3langid
	monkeypatch.setattr(language, "_py3langid", lambda known: asked.append(known) or real(known))
	result = detect_language(GERMAN, allowed=LISTENED)
	assert result == LanguageResult("de", 1.0, "auto")
	assert asked == []  # the words make German more than WORDS_SURE_GAP likelier: py3langid not asked
	logs = language._word_logs(language._tokens(GERMAN), frozenset(LISTENED))
	first, second = sorted(logs.values(), reverse=True)[:2]
	assert first - second >= language.WORDS_SURE_GAP
	# names are words of every language (a close call): py3langid is asked
	detect_language("Lionel Messi Cristiano Ronaldo Neymar", allowed=LISTENED)
	assert asked


class RecordingLingua:
	def __init__(self, real):
		self.real, self.calls = real, []

	def compute_language_confidence_values(self, text):
		self.calls.append(text)
		return self.real.compute_language_confidence_values(text)


@pytest.mark.parametrize("text", ["das ist", "the house", "gracias amigos", "Geburtstagsfeier"])
def test_short_texts_the_words_decide_alone_skip_lingua_with_the_same_answer(monkeypatch, text):
	known = frozenset(LISTENED)
	complete = language._detect_short(text, known, complete=True)
	lingua = RecordingLingua(language._lingua_detector(known))
	monkeypatch.setattr(language, "_lingua_detector", lambda k: lingua)
	result, _, alone = language._detect_short(text, known)
	assert alone and lingua.calls == [] and result.code == complete[0].code
	# the words' lead is larger than lingua's whole weight could make up
	probabilities = language._word_probabilities(text, known)
	first, second = sorted(probabilities.values(), reverse=True)[:2]
	assert BLEND["words"] * (first - second) > BLEND["lingua"]
	assert result.confidence == round(first, 4)


def test_short_texts_a_close_call_asks_lingua(monkeypatch):
	known = frozenset(LISTENED)
	lingua = RecordingLingua(language._lingua_detector(known))
	monkeypatch.setattr(language, "_lingua_detector", lambda k: lingua)
	assert language._detect_short("in Brand", known)[2] is False
	assert lingua.calls == ["in Brand"]


def test_a_short_text_its_words_decided_alone_is_blended_in_a_batch_when_the_prior_could_change_it(
	monkeypatch,
):
	known = frozenset(LISTENED)
	texts = [*GERMAN_PAGE, "the house", "danke"]
	prior = language._batch_prior(
		[language._detect_scored(t, "", known, 0.7, None, "auto") for t in texts], known
	)
	full = {
		text: language._best(
			{c: v + prior[c] for c, v in language._detect_short(text, known, True)[1].items()}
		)
		for text in ("the house", "danke")
	}
	lingua = RecordingLingua(language._lingua_detector(known))
	monkeypatch.setattr(language, "_lingua_detector", lambda k: lingua)
	results = detect_languages(texts, allowed=LISTENED)
	# "the house": English words, in a German batch the prior could outweigh their lead: lingua asked
	assert results[-2] == full["the house"] and results[-2].code == "en"
	# "danke": the prior favours the words' language already: lingua not asked
	assert results[-1].code == full["danke"].code == "de"
	assert lingua.calls == ["the house"]


def test_word_lookups_are_remembered_per_token():
	known = frozenset(LISTENED)
	tokens = language._tokens("Das ist wirklich gut, danke euch")
	first = language._word_logs(tokens, known)
	cache = language._token_cache[tuple(sorted(known))]
	assert "wirklich" in cache and len(cache["wirklich"]) == len(known)
	assert language._word_logs(tokens, known) == first
	# the same sums as looking every token up in every list
	for code in known:
		table = language._frequency_list(code)
		expected = sum(language._word_log10(table, token) for token in tokens if token.casefold() in table)
		expected += language.WORD_FLOOR_LOG10 * sum(token.casefold() not in table for token in tokens)
		expected += sum(  # lower-case words missing from the list: their ending's evidence
			language._ending_evidence(token, tuple(sorted(known)))[sorted(known).index(code)]
			for token in tokens
			if token.casefold() not in table and token[:1].islower()
		)
		assert abs(first[code] - expected) < 1e-9
	assert language._word_logs([], known) == dict.fromkeys(known, 0.0)


def test_long_texts_add_word_evidence_to_py3langid():
	# py3langid alone calls this Italian (restricted to the site's languages)
	text = "A la URL le falta la barra inicial y también el nombre del servidor."
	assert detect_language(text, allowed=LISTENED, detector="py3langid").code in ("it", "es")
	assert detect_language(text, allowed=LISTENED).code == "es"


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
	assert result.code == "de" and result.method == "auto"


def test_only_text_without_language_signal_is_unknown():
	assert detect_language("") == LanguageResult(UNKNOWN, 0.0, "too-short")
	assert detect_language("x 1 2 3 !!! 🎉").code == UNKNOWN
	assert detect_language("@anna https://example.com/x me@example.org").code == UNKNOWN
	# a post of hashtags only is read from their words
	assert detect_language("@anna #kaffee https://example.com/x", allowed=LISTENED).code == "de"
	assert detect_language("Hallo Welt", allowed=LISTENED).code == "de"
	# langdetect keeps its old floor: it guesses wildly on a few letters
	assert detect_language("Hallo Welt", detector="langdetect").code == UNKNOWN
	assert not detect_language("lol", detector="langdetect").is_known


def test_mentions_urls_and_hashtags_are_stripped_first():
	assert clean_for_detection("@anna schau mal https://example.com/x #Kaffee toll") == "schau mal toll"
	only_noise = "@someone @another #42 https://example.com/some/long/path?q=1 me@example.org :-)"
	assert detect_language(only_noise).code == UNKNOWN
	noisy_german = "@CoffeeShop_Official #breakfast #coffee https://example.com " + GERMAN
	assert detect_language(noisy_german).code == "de"
	# without stripping, the English handle and hashtags would decide a two-word German post
	assert (
		detect_language("@CoffeeShop_Official #breakfast #coffee sehr lecker", allowed=LISTENED).code == "de"
	)


def test_twitter_noise_is_stripped_and_only_hashtag_posts_are_read_from_their_words():
	assert clean_for_detection("RT @anna: Ach ja... :DD xD http") == ": Ach ja..."
	assert clean_for_detection("RTL zeigt :Doku") == "RTL zeigt :Doku"
	assert clean_for_detection("schönes Wetter #sunshine") == "schönes Wetter"
	assert language._hashtag_words("RT #FrohesNeuesJahr #allen_zusammen #x2") == [
		"Frohes",
		"Neues",
		"Jahr",
		"allen",
		"zusammen",
		"x2",
	]
	# a post of hashtags only is read from those hashtag words that are words of a language
	assert detect_language("#FrohesNeuesJahr #allen", allowed=LISTENED).code == "de"
	assert detect_language("#BuonNatale 🎄", allowed=LISTENED).code == "it"
	# a brand name is no language
	assert detect_language("#quillbrand 👍", allowed=LISTENED) == LanguageResult(UNKNOWN, 0.0, "too-short")
	assert detect_language("#x #1 🎉", allowed=LISTENED).code == UNKNOWN
	# only "auto" (it has the word lists) reads hashtags
	assert detect_language("#FrohesNeuesJahr", allowed=LISTENED, detector="py3langid").code == UNKNOWN


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
	# py3langid and "auto" always name their most likely language
	assert detect_language(ENGLISH, min_confidence=1.01).code == "en"
	assert detect_language(ENGLISH, min_confidence=1.01, allowed=LISTENED).code == "en"


def test_batch_with_hints():
	results = detect_languages([ENGLISH, GERMAN, "ok"], hints=["", "", "de"])
	assert [r.code for r in results] == ["en", "de", "de"]
	with pytest.raises(ValueError):
		detect_languages([ENGLISH], hints=["en", "de"])
	with pytest.raises(ValueError):
		detect_languages([ENGLISH], detector="cld9")


def test_batch_answers_as_one_by_one_and_detects_a_repeated_text_once(monkeypatch):
	texts = [ENGLISH, "gut gemacht", ENGLISH, "", "gut gemacht", "about the", ENGLISH]
	hints = ["", "", "", "de", "", "", "fr"]
	kwargs = {"allowed": LISTENED, "min_confidence": 0.7}
	one_by_one = [detect_language(t, hint=h, **kwargs) for t, h in zip(texts, hints, strict=True)]
	calls = []
	real = language._detect_scored
	monkeypatch.setattr(language, "_detect_scored", lambda *a: calls.append(a[0]) or real(*a))
	# fewer than BATCH_PRIOR_MIN longer texts: no prior, the same answers
	assert detect_languages(texts, hints=hints, **kwargs) == one_by_one
	assert sorted(calls) == sorted(["", ENGLISH, ENGLISH, "gut gemacht", "about the"])


@pytest.mark.parametrize("detector", ["py3langid", "lingua"])
def test_batch_of_another_detector_is_detect_language_one_by_one(monkeypatch, detector):
	texts = [*[f"Heute Morgen habe ich {n} Kaffee getrunken." for n in range(25)], "sexy", "sexy"]
	kwargs = {"allowed": LISTENED, "detector": detector}
	one_by_one = [detect_language(t, **kwargs) for t in texts]
	calls = []
	real = language.detect_language
	monkeypatch.setattr(language, "detect_language", lambda *a: calls.append(a[0]) or real(*a))
	assert detect_languages(texts, **kwargs) == one_by_one
	assert len(calls) == 26  # no prior; the repeated text once


GERMAN_PAGE = [f"Heute Morgen habe ich im Laden an der Ecke {n} Kaffee getrunken." for n in range(20)]


@pytest.mark.parametrize("text", ["sexy", "super", "mega", "oh man echt hart"])
def test_a_batch_that_is_mostly_german_reads_an_ambiguous_text_as_german(text):
	assert detect_language(text, allowed=LISTENED).code != "de"
	assert detect_languages([*GERMAN_PAGE, text], allowed=LISTENED)[-1].code == "de"
	# short of BATCH_PRIOR_MIN longer texts ("oh man echt hart" is one itself): no prior
	assert detect_languages([*GERMAN_PAGE[2:], text], allowed=LISTENED)[-1].code != "de"
	# only "auto" uses the batch
	assert detect_languages([*GERMAN_PAGE, text], allowed=LISTENED, detector="lingua")[-1] == (
		detect_language(text, allowed=LISTENED, detector="lingua")
	)


@pytest.mark.parametrize("text", ["super", "mega", "oh man echt hart"])
def test_the_sites_recent_languages_give_a_page_of_one_post_the_prior(text):
	alone = detect_language(text, allowed=LISTENED).code
	assert alone != "de"
	german_site = {"de": 900, "en": 80, "fr": 20, "unknown": 500, "xx": 7}  # unlisted codes are ignored
	assert detect_languages([text], allowed=LISTENED, background=german_site)[0].code == "de"
	assert detect_languages([text], allowed=LISTENED, background={"en": 1000})[0].code in (alone, "en")
	# no background, or an empty one: the text alone, as before
	assert detect_languages([text], allowed=LISTENED, background={})[0].code == alone
	assert detect_languages([text], allowed=LISTENED, background={"de": 0})[0].code == alone
	# the background weighs as BACKGROUND_TEXTS longer texts: in a page of 300 French posts French leads
	scored = [language._detect_scored(FRENCH, "", frozenset(LISTENED), 0.7, None, "auto")] * 300
	prior = language._batch_prior(scored, frozenset(LISTENED), german_site)
	assert max(prior, key=prior.get) == "fr" and prior["de"] > prior["en"] > prior["nl"]
	assert language._batch_prior(scored[:1], frozenset(LISTENED), german_site)["de"] == max(
		language._batch_prior(scored[:1], frozenset(LISTENED), german_site).values()
	)
	# clear answers stay
	assert detect_languages([ENGLISH, FRENCH], allowed=LISTENED, background=german_site)[0].code == "en"
	assert detect_languages([ENGLISH, FRENCH], allowed=LISTENED, background=german_site)[1].code == "fr"


def test_the_batch_prior_keeps_clear_answers_and_does_not_depend_on_order():
	texts = [*GERMAN_PAGE, "happy", ENGLISH, FRENCH, "gut gemacht", "sexy"]
	results = detect_languages(texts, allowed=LISTENED)
	assert [r.code for r in results[20:]] == ["en", "en", "fr", "de", "de"]
	assert all(r.method == "auto" for r in results)
	assert list(reversed(detect_languages(list(reversed(texts)), allowed=LISTENED))) == results
	prior = language._batch_prior(
		[language._detect_scored(t, "", frozenset(LISTENED), 0.7, None, "auto") for t in texts],
		frozenset(LISTENED),
	)
	assert max(prior, key=prior.get) == "de" and prior["de"] > 0 > prior["nl"]
	assert all(abs(v) <= language.BATCH_PRIOR_MAX_LOG10 < language.SURE_GAP for v in prior.values())
	# hints still win inside a batch
	assert detect_languages([*GERMAN_PAGE, "sexy"], hints=[""] * 20 + ["en"], allowed=LISTENED)[-1] == (
		LanguageResult("en", 1.0, "hint")
	)


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
