import pytest

from social_crm.engine.ideas.similarity import SimilarityIndex, fold, ngrams, words

IDEAS = [
	("I1", "Dark chocolate with sea salt", "A bar of dark chocolate with a pinch of sea salt."),
	("I2", "Vegan ice cream", "Please offer ice cream without dairy, made with oat milk."),
	("I3", "Dark mode for the app", "The mobile app should have a dark theme for night use."),
	("I4", "Schokoladeneis mit Haselnuss", "Ein Eis aus Schokolade mit ganzen Haselnüssen."),
	("I5", "Recyclable packaging", "Use paper instead of plastic for the wrappers."),
	("I6", "Export orders as CSV", "I want to download my order history as a CSV file."),
	("I7", "Gluten-free cookies", "Cookies without wheat for people with coeliac disease."),
]

SAME_IDEA = [
	("Sea salt dark chocolate bar", "", "I1"),
	("Dairy-free ice cream", "Ice cream made from oat milk would be great", "I2"),
	("Eis mit Schokolade und Haselnüssen", "", "I4"),
	("Night theme in the mobile app", "dark colours please", "I3"),
	("Plastic-free wrappers", "packaging from paper", "I5"),
	("<b>Export</b> my orders to CSV", "<script>alert('x')</script>", "I6"),
]

UNRELATED = [
	("Faster delivery", "Orders take too long to arrive"),
	("More flavours of tea", "green tea, mint tea"),
	("Download invoices as PDF", ""),
	("Bigger font on labels", "I cannot read the ingredients"),
]


@pytest.fixture(scope="module")
def index():
	return SimilarityIndex(IDEAS)


@pytest.mark.parametrize("title, description, expected", SAME_IDEA)
def test_rewordings_find_the_existing_idea_first(index, title, description, expected):
	results = index.suggest(title, description)
	assert results, "expected a suggestion"
	assert results[0][0] == expected
	assert results[0][1] >= 0.4
	assert all(score < 0.3 for _, score, _ in index.suggest(title, description, min_score=0)[1:])


@pytest.mark.parametrize("title, description", UNRELATED)
def test_unrelated_ideas_get_no_suggestion(index, title, description):
	assert index.suggest(title, description) == []
	assert all(score < 0.2 for _, score, _ in index.suggest(title, description, min_score=0))


def test_identical_idea_scores_near_one_with_a_reason(index):
	[(idea, score, reason)] = index.suggest(
		"Vegan ice cream", "Please offer ice cream without dairy, made with oat milk.", limit=1
	)
	assert idea == "I2"
	assert score == pytest.approx(1.0, abs=0.001)
	assert reason.startswith("similar title (100%); text 100% alike; shared words: ")
	assert reason.endswith("shared words: cream, vegan, ice, without")  # title words first


def test_results_are_sorted_limited_and_exclude_works(index):
	results = index.suggest("dark chocolate", "dark", limit=5, min_score=0)
	scores = [score for _, score, _ in results]
	assert scores == sorted(scores, reverse=True)
	assert len(results) == 5
	assert [r[0] for r in results[:2]] == ["I1", "I3"]
	assert index.suggest("dark chocolate", "dark", limit=1, min_score=0, exclude=["I1"])[0][0] == "I3"
	assert index.suggest("dark chocolate", limit=0) == []


def test_accent_and_case_folding():
	index = SimilarityIndex([("A", "Crème brûlée flavour", "")])
	assert index.suggest("CREME BRULEE FLAVOR")[0][0] == "A"


def test_german_inflection_and_compounds_match_through_ngrams():
	index = SimilarityIndex([("A", "Neue Sorten für Kräutertee", ""), ("B", "Lieferung am Samstag", "")])
	[(idea, score, _)] = index.suggest("Neue Teesorte mit Kräutern")
	assert idea == "A" and score > 0.3


def test_stopword_only_or_empty_input_gives_nothing(index):
	assert index.suggest("", "") == []
	assert index.suggest("the and und der", "bitte please") == []
	assert SimilarityIndex().suggest("Dark chocolate") == []


def test_add_replace_and_remove():
	index = SimilarityIndex()
	index.add("X", "Oat milk latte", "")
	assert index.suggest("oat milk latte")[0][0] == "X"
	index.add("X", "Bigger parking lot", "")
	assert index.suggest("oat milk latte") == []
	assert len(index) == 1
	index.remove("X")
	index.remove("missing")
	assert len(index) == 0 and index.suggest("Bigger parking lot") == []


def test_script_content_is_not_indexed():
	index = SimilarityIndex([("S", "Safe title", "<script>stealcookies()</script>")])
	assert index.suggest("stealcookies", min_score=0.05) == []


def test_helpers():
	assert fold("Straße Äpfel Øl") == "strasse apfel ol"
	assert words("The <b>best</b> Idee für Äpfel, a b 42") == ["best", "apfel", "42"]
	assert ngrams("ab") == [" ab", "ab ", " ab "]
	assert ngrams("eis")[:3] == [" ei", "eis", "is "]
