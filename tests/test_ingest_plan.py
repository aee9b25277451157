"""plan_page: the ingest of one page as pure decisions (what to insert, update, drop, reject)."""

from dataclasses import dataclass
from datetime import datetime, timezone

from social_crm.engine.analysis.rules import Rule, RuleMatcher, compile_rules
from social_crm.engine.ingest_plan import (
	DROPPED,
	DUPLICATE,
	FAILED,
	SUPPRESSED,
	IngestStats,
	RecordResult,
	plan_page,
)
from social_crm.engine.records import Post

MATCHER = compile_rules([Rule(name="brand", kind="Brand", terms=["zephyrco"], exclusions=["zephyrco jobs"])])


def post(external_id, text="zephyrco rocks", author="ann", day=1, title=""):
	return Post.from_dict(
		{
			"platform": "Mastodon",
			"external_id": external_id,
			"text": text,
			"title": title,
			"posted_at": datetime(2026, 11, day, 10, tzinfo=timezone.utc),
			"author": {"handle": f"{author}@example.social"},
		}
	)


@dataclass
class Stored:
	name: str
	text: str
	title: str = ""
	source: str | None = None
	anonymized: int = 0


class Facts:
	"""In-memory page facts that record what the plan asked."""

	def __init__(self, existing=None, suppressed=None, withheld=None):
		self.stored = existing or {}
		self.suppressed_ids = suppressed or set()
		self.withheld_authors = withheld or {}
		self.asked = []

	def existing(self, posts):
		self.asked.append(("existing", [p.external_id for p in posts]))
		return {k: v for k, v in self.stored.items() if k[1] in {p.external_id for p in posts}}

	def suppressed(self, posts):
		self.asked.append(("suppressed", [p.external_id for p in posts]))
		return {i for i, p in enumerate(posts) if p.external_id in self.suppressed_ids}

	def withheld(self, authors):
		self.asked.append(("withheld", sorted(authors)))
		return {a: why for a, why in self.withheld_authors.items() if a in authors}


def test_drops_repeats_and_new_posts_are_planned_per_record():
	facts = Facts()
	plan = plan_page(
		[post("1"), post("2", "nothing to see"), post("1"), post("3", "zephyrco jobs here")], MATCHER, facts
	)
	assert [w.index for w in plan.inserts] == [0]
	assert plan.inserts[0].matches[0].name == "brand"
	assert {i: r.status for i, r in plan.results.items()} == {1: DROPPED, 2: DUPLICATE, 3: DROPPED}
	assert plan.results[2].reason == "repeated in this batch"
	# facts are asked once each, only about what a rule matched / what would be written
	assert facts.asked == [
		("existing", ["1"]),
		("suppressed", ["1"]),
		("withheld", [("Mastodon", "ann@example.social")]),
	]


def test_stored_posts_are_duplicates_or_updates_from_their_own_source_only():
	existing = {
		("Mastodon", "same"): Stored("M1", "zephyrco rocks"),
		("Mastodon", "edited"): Stored("M2", "zephyrco was ok"),
		("Mastodon", "other"): Stored("M3", "zephyrco was ok", source="Other Source"),
		("Mastodon", "anon"): Stored("M4", "redacted", anonymized=1),
	}
	plan = plan_page(
		[post("same"), post("edited"), post("other"), post("anon")], MATCHER, Facts(existing=existing)
	)
	assert [(w.index, w.mention) for w in plan.updates] == [(1, "M2")]
	assert not plan.inserts
	assert {i: (r.status, r.mention) for i, r in plan.results.items()} == {
		0: (DUPLICATE, "M1"),
		2: (DUPLICATE, "M3"),
		3: (DUPLICATE, "M4"),
	}
	assert "another source" in plan.results[2].reason
	# the same page from "Other Source" may edit its own copy, not the unsourced one
	plan = plan_page(
		[post("other"), post("edited")], MATCHER, Facts(existing=existing), source="Other Source"
	)
	assert [w.mention for w in plan.updates] == ["M3"]
	assert plan.results[1].status == DUPLICATE


def test_suppressed_posts_and_withheld_authors_are_not_written():
	facts = Facts(
		suppressed={"erased-post"},
		withheld={("Mastodon", "wanda@example.social"): "the author withdrew from or objected to listening"},
	)
	plan = plan_page(
		[post("erased-post"), post("w1", author="wanda"), post("ok", author="otto")], MATCHER, facts
	)
	assert [w.post.external_id for w in plan.writes] == ["ok"]
	assert plan.results[0].status == SUPPRESSED
	assert plan.results[1].status == SUPPRESSED and "withdrew" in plan.results[1].reason
	# the consent check is asked only about authors still to be written
	assert facts.asked[-1] == (
		"withheld",
		[("Mastodon", "otto@example.social"), ("Mastodon", "wanda@example.social")],
	)


def test_a_post_that_breaks_the_matcher_fails_alone_and_is_logged():
	class Broken(RuleMatcher):
		def match(self, post_text, **kwargs):
			if "boom" in post_text:
				raise RuntimeError("bad pattern")
			return super().match(post_text, **kwargs)

	plan = plan_page([post("b", "zephyrco boom"), post("ok")], Broken(MATCHER._rules), Facts())
	assert plan.results[0].status == FAILED
	assert plan.results[0].reason == "listening rules could not be applied: RuntimeError: bad pattern"
	assert [(p.external_id, reason) for p, reason in plan.errors] == [("b", plan.results[0].reason)]
	assert [w.index for w in plan.inserts] == [1]


def test_authors_of_the_writes_with_their_newest_and_oldest_post():
	plan = plan_page(
		[post("a", day=5), post("b", day=2), post("c", day=9), post("d", author="otto")], MATCHER, Facts()
	)
	authors = plan.authors()
	ann = authors[("Mastodon", "ann@example.social")]
	assert (ann.first.external_id, ann.latest.external_id) == ("b", "c")
	assert set(authors) == {("Mastodon", "ann@example.social"), ("Mastodon", "otto@example.social")}


def test_nothing_is_asked_for_a_page_without_matches():
	facts = Facts()
	plan = plan_page([post("x", "nothing")], MATCHER, facts)
	assert facts.asked == [] and not plan.writes


def test_outcome_shape_and_stats():
	result = RecordResult("accepted", "Mastodon", "1", "M1")
	assert result.as_dict() == {
		"status": "accepted",
		"platform": "Mastodon",
		"external_id": "1",
		"mention": "M1",
	}
	stats = IngestStats()
	stats.add([result, RecordResult(DROPPED), RecordResult(DROPPED)])
	assert stats.summary() == "1 accepted, 2 dropped"
