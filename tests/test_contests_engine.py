from social_crm.engine.contests import draw, eligible, has_hashtag, new_seed


def test_hashtag_whole_tag_case_insensitive():
	assert has_hashtag("Win it! #GrindGiveaway now", "#grindgiveaway")
	assert has_hashtag("#grindgiveaway", "grindgiveaway")
	assert not has_hashtag("#grindgiveaway2026", "grindgiveaway")
	assert not has_hashtag("grindgiveaway", "grindgiveaway")
	assert not has_hashtag("anything", "")


def test_one_entry_per_person_with_consent():
	entries = [
		{"key": "e2", "person": "p1", "at": "2026-12-01 10:00", "consent": True},
		{"key": "e1", "person": "p1", "at": "2026-12-01 09:00", "consent": True},
		{"key": "e3", "person": "p2", "at": "2026-12-01 08:00", "consent": False},
		{"key": "e4", "person": "p3", "at": "2026-12-01 11:00", "consent": True},
	]
	assert [e["key"] for e in eligible(entries)] == ["e1", "e4"]


def test_draw_is_reproducible_and_order_independent():
	keys = [f"e{i}" for i in range(50)]
	seed = new_seed()
	first = draw(keys, seed, 3)
	assert len(set(first)) == 3
	assert draw(list(reversed(keys)), seed, 3) == first
	assert draw(keys, "fixed-seed", 3) == draw(keys, "fixed-seed", 3)
	assert draw(keys, "a", 50) != draw(keys, "b", 50)
	assert draw(keys[:2], seed, 5) and len(draw(keys[:2], seed, 5)) == 2
	assert draw([], seed, 3) == []


def test_anonymized_entry_keeps_a_keyed_hash_of_the_person_only():
	from social_crm.engine.contests import ENTRY_CLEAR, anonymize_entry_fields, is_anonymized_entry

	entry = {
		"name": "SCRM-CE-00001",
		"contest": "Giveaway",
		"person": "email:anna@example.com",
		"email": "anna@example.com",
		"social_profile": "P1",
		"party_type": "Contact",
		"party": "Anna",
	}
	updates = anonymize_entry_fields(entry, "site-secret")
	assert all(updates[f] is None for f in ENTRY_CLEAR)
	assert updates["person"].startswith("anon:") and "anna" not in updates["person"]
	assert updates["entry_key"] == "Giveaway|" + updates["person"]
	# the same person gives the same hash (one entry per person stays checkable), another secret does not
	assert anonymize_entry_fields(dict(entry), "site-secret")["person"] == updates["person"]
	assert anonymize_entry_fields(dict(entry), "other")["person"] != updates["person"]
	assert is_anonymized_entry({**entry, **updates})
	assert anonymize_entry_fields({**entry, **updates}, "site-secret") == {}
	# the draw only knows entry names: it gives the same winners after anonymization
	assert draw(["SCRM-CE-00001", "SCRM-CE-00002"], "seed", 1) == draw(
		["SCRM-CE-00002", "SCRM-CE-00001"], "seed", 1
	)
