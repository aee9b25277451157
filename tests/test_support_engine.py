from social_crm.engine.support import conversation_key, matching_keywords, parse_keywords


def test_parse_keywords_splits_folds_and_dedupes():
	assert parse_keywords("Broken, kaputt\nREFUND\nbroken\n\n") == ["broken", "kaputt", "refund"]
	assert parse_keywords(None) == []


def test_matching_keywords_whole_words_only():
	keywords = parse_keywords("broken, kaputt, money back")
	assert matching_keywords("My grinder is KAPUTT!", keywords) == ["kaputt"]
	assert matching_keywords("I want my money back, it is broken", keywords) == ["broken", "money back"]
	assert matching_keywords("unbroken record", keywords) == []
	assert matching_keywords("", keywords) == []


def test_conversation_key_follows_the_thread_to_its_root():
	parents = {"2": "1", "3": "2", "1": None}
	assert conversation_key("Mastodon", "3", "2", parents) == "Mastodon:1"
	assert conversation_key("Mastodon", "1", None, parents) == "Mastodon:1"
	# unknown parent: the parent id is the root we know of
	assert conversation_key("Mastodon", "9", "8", parents) == "Mastodon:8"
	# cycles end
	assert conversation_key("Reddit", "a", "b", {"b": "a", "a": "b"}) == "Reddit:b"
