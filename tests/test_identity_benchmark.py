"""The labelled identity data set is deterministic and big enough, and the linker meets its precision goal."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_identity import PRECISION_GOAL, evaluate, summarize, write_section
from identity_dataset import make_dataset


def _fingerprint(dataset):
	return [
		(p.case, p.truth, p.profile.handle, p.profile.display_name, p.profile.bio) for p in dataset.profiles
	]


def test_dataset_is_seeded_and_large_enough():
	first, again, other = make_dataset(42), make_dataset(42), make_dataset(7)
	assert _fingerprint(first) == _fingerprint(again)
	assert _fingerprint(first) != _fingerprint(other)
	assert len(first.profiles) >= 600
	cases = {p.case for p in first.profiles}
	for needed in ("namesake", "free_mail", "same_name_same_customer", "near_miss", "no_signals", "conflict"):
		assert needed in cases


def test_precision_goal_on_the_labelled_set():
	summary = summarize(evaluate(make_dataset(42)))
	assert summary["link_precision"] >= PRECISION_GOAL
	assert summary["link_recall"] > 0.4
	assert summary["owner_fetched"] > 0.95


def test_write_section_replaces_only_its_own_section(tmp_path):
	readme = tmp_path / "README.md"
	readme.write_text(
		"# Benchmarks\n\n## Other\nkeep me\n\n## Identity resolution (accuracy)\nold\n\n## Later\nkeep too\n"
	)
	write_section("## Identity resolution (accuracy)\n\nnew\n", readme)
	text = readme.read_text()
	assert "old" not in text and "new" in text
	assert "keep me" in text and "keep too" in text
	assert text.index("## Other") < text.index("new") < text.index("## Later")
