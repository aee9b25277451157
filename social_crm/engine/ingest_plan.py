"""The ingest of one page of posts as a plan: what to insert, update, drop or reject, per record.

Pure decisions beside the thin writer ``social_crm.listening.pipeline`` (as frappe/crm's
``reconciliation.py`` beside its job): :func:`plan_page` takes the normalized posts, the
compiled listening rules and a :class:`PageFacts` (the stored state it asks about, loaded by
the Frappe layer once per page) and returns a :class:`PagePlan`. The writer stores the
plan's inserts and updates; whatever fails while writing becomes that record's ``failed``.

Every ingest path (poll, webhook, import, retry) answers with the same outcome per record,
:class:`RecordResult`, whose ``status`` is one of the constants below.

The order of the checks, and why:

1. listening rules: a post no enabled rule matches is dropped; a post that breaks the
   matcher fails alone (and is logged); a post repeated within the page is a duplicate;
2. stored mentions of the page (one lookup for the rest): same text and title, or an
   anonymized copy = duplicate; changed text or title = an update, but only from the source
   that stored it (:func:`~social_crm.engine.records.edit_allowed`), else a duplicate;
3. suppression (erased people and posts), asked only about what would be written;
4. withheld authors (consent withdrawn or objected, erased profile), asked only about the
   authors of what is still to be written: nothing of theirs is stored or refreshed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from social_crm.engine.analysis.rules import RuleMatch, RuleMatcher, match_rules
from social_crm.engine.records import Post, edit_allowed

ACCEPTED = "accepted"
UPDATED = "updated"
DUPLICATE = "duplicate"
DROPPED = "dropped"
SUPPRESSED = "suppressed"
REJECTED = "rejected"
FAILED = "failed"
STATUS_ORDER = (ACCEPTED, UPDATED, DUPLICATE, DROPPED, SUPPRESSED, REJECTED, FAILED)

AuthorKey = tuple[str, str]  # (platform, author external id)


@dataclass
class RecordResult:
	"""What happened to one record; ``status`` is one of the constants above."""

	status: str
	platform: str = ""
	external_id: str = ""
	mention: str | None = None
	reason: str = ""

	def as_dict(self) -> dict:
		out = {"status": self.status}
		if self.platform:
			out["platform"] = self.platform
		if self.external_id:
			out["external_id"] = self.external_id
		if self.mention:
			out["mention"] = self.mention
		if self.reason:
			out["reason"] = self.reason
		return out


@dataclass
class IngestStats:
	"""Counts of outcomes by status over the pages of one ingest."""

	counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

	def add(self, results: list[RecordResult]) -> None:
		for result in results:
			self.counts[result.status] += 1

	def summary(self) -> str:
		return ", ".join(f"{self.counts[key]} {key}" for key in STATUS_ORDER if self.counts.get(key))

	def as_dict(self) -> dict[str, int]:
		return dict(self.counts)


class PageFacts(Protocol):
	"""The stored state a plan asks about, loaded by the Frappe layer (one query or so each).

	``existing``: {(platform, external id): stored mention} for these posts; a stored mention
	has ``name``, ``source``, ``text``, ``title`` and ``anonymized`` attributes.
	``suppressed``: indexes (into the given list) of posts that must not be stored.
	``withheld``: {author key: reason} of authors nothing may be stored or refreshed of.
	"""

	def existing(self, posts: list[Post]) -> dict[tuple[str, str], Any]: ...

	def suppressed(self, posts: list[Post]) -> set[int]: ...

	def withheld(self, authors: set[AuthorKey]) -> dict[AuthorKey, str]: ...


@dataclass
class Write:
	"""A record to store: ``mention`` is the stored mention an update changes (None: insert)."""

	index: int
	post: Post
	matches: list[RuleMatch]
	mention: str | None = None

	@property
	def author_key(self) -> AuthorKey:
		return author_key(self.post)


@dataclass
class AuthorWork:
	"""One author of the page's writes: the newest and the oldest of their posts."""

	latest: Post
	first: Post


@dataclass
class PagePlan:
	"""``results``: records decided without writing; ``errors``: (post, reason) to log;
	``inserts`` / ``updates``: what the writer stores (it answers those records itself)."""

	results: dict[int, RecordResult] = field(default_factory=dict)
	errors: list[tuple[Post, str]] = field(default_factory=list)
	inserts: list[Write] = field(default_factory=list)
	updates: list[Write] = field(default_factory=list)

	def decide(self, index: int, post: Post, status: str, reason: str, mention: str | None = None) -> None:
		self.results[index] = RecordResult(status, post.platform, post.external_id, mention, reason)

	@property
	def writes(self) -> list[Write]:
		return self.inserts + self.updates

	def authors(self) -> dict[AuthorKey, AuthorWork]:
		"""The authors of the writes, each with their newest and oldest post of the page."""
		out: dict[AuthorKey, AuthorWork] = {}
		for write in self.writes:
			post, key = write.post, write.author_key
			work = out.get(key)
			if work is None:
				out[key] = AuthorWork(post, post)
				continue
			if post.posted_at > work.latest.posted_at:
				work.latest = post
			if post.posted_at < work.first.posted_at:
				work.first = post
		return out

	def drop_writes(self, keep) -> list[Write]:
		"""Remove the writes ``keep(write)`` says False to; returns the removed ones."""
		removed = [write for write in self.writes if not keep(write)]
		gone = {id(write) for write in removed}
		self.inserts = [write for write in self.inserts if id(write) not in gone]
		self.updates = [write for write in self.updates if id(write) not in gone]
		return removed


def author_key(post: Post) -> AuthorKey:
	return (post.platform, post.author.external_id)


def match_text(post: Post) -> str:
	"""The text listening rules see: the title (when there is one) and the text."""
	return f"{post.title}\n{post.text}" if post.title else post.text


def short_error(exc: BaseException) -> str:
	"""An exception as one bounded line for a record's reason and the error log."""
	return f"{type(exc).__name__}: {exc}"[:500]


def plan_page(
	posts: list[Post], matcher: RuleMatcher, facts: PageFacts, source: str | None = None
) -> PagePlan:
	"""The plan for one page of posts from ``source`` (None: the webhook or an import).

	Facts are asked for only when needed: stored mentions for the posts a rule matches,
	suppression for what would be written, withheld authors for what is still left.
	"""
	plan = PagePlan()
	candidates: list[Write] = []
	seen: set[tuple[str, str]] = set()
	for index, post in enumerate(posts):
		try:
			matches = match_rules(
				match_text(post),
				matcher,
				language=post.language_hint or None,
				source=source,
				author_handle=post.author.handle,
			)
		except Exception as exc:
			# one post that breaks the matcher costs only itself
			reason = f"listening rules could not be applied: {short_error(exc)}"
			plan.errors.append((post, reason))
			plan.decide(index, post, FAILED, reason)
			continue
		if not matches:
			plan.decide(index, post, DROPPED, "no listening rule matches")
		elif (post.platform, post.external_id) in seen:
			plan.decide(index, post, DUPLICATE, "repeated in this batch")
		else:
			seen.add((post.platform, post.external_id))
			candidates.append(Write(index, post, matches))
	if candidates:
		_classify(plan, candidates, facts.existing([write.post for write in candidates]), source)
		_apply_privacy(plan, facts)
	return plan


def _classify(plan: PagePlan, candidates: list[Write], existing: dict, source: str | None) -> None:
	"""New posts are inserts; a stored post is a duplicate, or an update from its own source."""
	for write in candidates:
		post = write.post
		row = existing.get((post.platform, post.external_id))
		if row is None:
			plan.inserts.append(write)
		elif row.anonymized or ((row.text or "") == post.text and (row.title or "") == post.title):
			plan.decide(write.index, post, DUPLICATE, "already stored", row.name)
		elif not edit_allowed(row.source, source):
			plan.decide(
				write.index,
				post,
				DUPLICATE,
				"stored by another source; only that source may edit it",
				row.name,
			)
		else:
			write.mention = row.name
			plan.updates.append(write)


def _apply_privacy(plan: PagePlan, facts: PageFacts) -> None:
	"""Suppressed records and withheld authors' records are answered "suppressed", not written."""
	pending = plan.writes
	suppressed = facts.suppressed([write.post for write in pending]) if pending else set()
	if suppressed:
		drop = {id(pending[k]) for k in suppressed}
		for write in plan.drop_writes(lambda write: id(write) not in drop):
			plan.decide(write.index, write.post, SUPPRESSED, "the author or post was erased")
	authors = {write.author_key for write in plan.writes}
	withheld = facts.withheld(authors) if authors else {}
	if withheld:
		for write in plan.drop_writes(lambda write: write.author_key not in withheld):
			plan.decide(write.index, write.post, SUPPRESSED, withheld[write.author_key])
