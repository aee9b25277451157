"""The ingest pipeline: one path from a normalized :class:`Post` to a stored, enrichable Mention.

Polling, the webhook, file imports, the buffer's drain and retries all call :class:`Ingestor`.
Per page of posts, the decisions are the engine's plan (``engine.ingest_plan.plan_page``:
listening rules, repeats, stored duplicates and edits — an edit only from the source that
stored the mention —, suppression, withheld authors); this module loads the facts the plan
asks for and writes it:

1. facts, one query each per page: the stored mentions of the page's posts; suppression of
   what would be written (the privacy module's check); the authors' existing profiles (one
   query, shared by the consent check ``privacy.consent.withheld_authors`` and the profile
   refresh) and their consent log;
2. the authors' Social Profiles: the page's new authors in one multi-row INSERT after the
   engine's ``normalize_profile`` (the controller's rule too), with their linking keys, match
   jobs and global search entries (:meth:`Ingestor._insert_new_profiles`); a profile only the
   controller may create, and every profile of a failed bulk INSERT, goes through the
   controller one by one. Known authors: changed identity fields through the controller
   (validation, linking), last seen / followers / mention count in one UPDATE per page;
3. new Mentions and their rule rows as multi-row INSERTs (``INSERT IGNORE`` on the unique
   (platform, external_id) key: a row a parallel worker inserted first is detected
   afterwards and reported as duplicate, so nothing is stored twice); edits through the
   Mention controller;
4. enrichment (language, sentiment) is enqueued for new and edited mentions.

An item that fails in steps 2-3 is rolled back to a savepoint, logged in Social Ingest
Error (with its payload and traceback, retryable) and answered "failed"; the rest of the
page is kept.
"""

from __future__ import annotations

import json
import traceback
from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.model.naming import make_autoname
from frappe.utils import cint, get_datetime, now_datetime, validate_email_address
from frappe.utils.global_search import get_formatted_value, sync_value_in_queue

from social_crm import privacy, settings
from social_crm.engine.analysis.rules import Rule, RuleMatcher, compile_rules
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.ingest_plan import (  # the outcome shape every ingest path answers with
	ACCEPTED,
	DROPPED,
	DUPLICATE,
	FAILED,
	REJECTED,
	SUPPRESSED,
	UPDATED,
	AuthorWork,
	IngestStats,
	PagePlan,
	RecordResult,
	plan_page,
)
from social_crm.engine.ingest_plan import short_error as _short
from social_crm.engine.privacy.anonymize import is_erased_profile
from social_crm.engine.profiles import normalize_profile
from social_crm.engine.records import Author, Post
from social_crm.engine.status import mention_status
from social_crm.engine.text import clean_display
from social_crm.insight import rollup
from social_crm.linking import keys as linking_keys
from social_crm.linking.jobs import enqueue_match
from social_crm.listening.enrichment import enrich_mentions
from social_crm.privacy.consent import (
	ERASED,
	LISTENING_STOPPED,
	WITHHELD_PROFILE_FIELDS,
	load_author_profiles,
	withheld_authors,
)
from social_crm.privacy.suppression import post_key
from social_crm.social_crm.doctype.social_ingest_error.ingest_error_log import (
	log_ingest_error,
)
from social_crm.sql import insert_many
from social_crm.support import issues

MAX_INT = 2**31 - 1  # Int columns are 32-bit
MAX_RAW_PAYLOAD_CHARS = 200_000
MAX_MATCHED_TERMS_CHARS = 140
ENRICH_BATCH = 500
UNCHECKED = "unchecked"
WITHHELD_REASONS = {
	ERASED: "the author's profile was erased",
	LISTENING_STOPPED: "the author withdrew from or objected to listening",
	UNCHECKED: "the author's consent could not be checked (see the error log)",
}
PROFILE_IDENTITY_FIELDS = ("handle", "display_name", "profile_url", "website", "email", "bio")
# What ingest reads of a page's existing profiles (the consent check's fields included).
PAGE_PROFILE_FIELDS = tuple(
	dict.fromkeys(
		(
			*WITHHELD_PROFILE_FIELDS,
			"customer",
			"match_status",
			"last_seen",
			"followers",
			"avatar_url",
			*PROFILE_IDENTITY_FIELDS,
		)
	)
)
# Doctypes whose rows make a site react to new Social Profiles (then they are inserted one by one).
PROFILE_HOOK_DOCTYPES = {
	"Webhook": {"webhook_doctype": "Social Profile", "enabled": 1},
	"Notification": {"document_type": "Social Profile", "enabled": 1},
	"Server Script": {"reference_doctype": "Social Profile", "disabled": 0, "script_type": "DocType Event"},
	"Assignment Rule": {"document_type": "Social Profile", "disabled": 0},
}


@dataclass
class _Profile:
	name: str
	party_type: str | None = None
	party: str | None = None
	customer: str | None = None
	in_review: bool = False  # unlinked and waiting in the linking review queue


def load_rule_matcher() -> RuleMatcher:
	"""Compile all enabled Listening Rules (invalid ones are skipped; their form shows why)."""
	rules = frappe.get_all(
		"Listening Rule",
		filters={"enabled": 1},
		fields=["name", "kind", "terms", "exclusions", "languages"],
		order_by="creation asc",
	)
	sources: dict[str, list[str]] = defaultdict(list)
	if rules:
		for row in frappe.get_all(
			"Listening Rule Source",
			filters={"parenttype": "Listening Rule", "parent": ("in", [r.name for r in rules])},
			fields=["parent", "source"],
		):
			sources[row.parent].append(row.source)
	return compile_rules(
		(
			Rule(
				name=r.name,
				kind=r.kind,
				terms=r.terms or "",
				exclusions=r.exclusions or "",
				languages=r.languages or "",
				sources=sources.get(r.name, []),
			)
			for r in rules
		),
		skip_invalid=True,
	)


def _suppression_check():
	"""A callable ``(posts) -> set of indexes to drop``: the privacy module's page-wise
	``suppressed_posts`` (looked up at call time, so it can be patched)."""
	return lambda posts: set(privacy.suppressed_posts(posts))


class _PageFacts:
	"""The stored state the plan of one page asks about (``engine.ingest_plan.PageFacts``)."""

	def __init__(self, ingestor: Ingestor):
		self.ingestor = ingestor

	def existing(self, posts: list[Post]) -> dict:
		return self.ingestor._existing_mentions(posts)

	def suppressed(self, posts: list[Post]) -> set[int]:
		return self.ingestor._suppressed(posts)

	def withheld(self, authors: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
		"""Reasons by author; the authors' profiles, loaded by the same query, wait for the writer."""
		why, self.ingestor._page_profiles = self.ingestor._withheld(authors)
		return {key: WITHHELD_REASONS.get(code, code) for key, code in why.items()}


class Ingestor:
	"""Stores pages of posts for one origin (a source's poll, a webhook call, an import).

	Rules, settings and author profiles are cached for the Ingestor's lifetime (one job or
	one request). ``enrichment``: "enqueue" (default), "inline" (run in this process) or "none".
	"""

	def __init__(
		self,
		source: str | None = None,
		origin: str = "Poll",
		enrichment: str = "enqueue",
		log_errors: bool = True,
	):
		self.source = source or None
		self.log_errors = log_errors
		self.origin = origin
		self.enrichment = enrichment
		self.keep_raw = settings.keep_raw_payloads()
		self.matcher = load_rule_matcher()
		self.is_suppressed = _suppression_check()
		self.profiles: dict[tuple[str, str], _Profile] = {}
		self.stats = IngestStats()
		self._touched: dict[str, dict] = {}  # profile -> fields to refresh, flushed per page
		self._added: dict[str, int] = {}  # profile -> mentions added in this page
		self._page_profiles: dict = {}  # the page's existing profiles, loaded with the consent check
		self.bulk_profiles: bool | None = None  # new profiles in bulk (None: not checked yet)

	# ------------------------------------------------------------------ entry point

	def ingest(self, posts: list[Post]) -> list[RecordResult]:
		"""Store a page of posts; one RecordResult per post, in order.

		The decisions are the engine's plan (``engine.ingest_plan.plan_page``), asking this
		Ingestor's page facts; this layer writes what it planned.
		"""
		self._touched, self._added, self._page_profiles = {}, {}, {}  # nothing left from a failed page
		plan = plan_page(posts, self.matcher, _PageFacts(self), source=self.source)
		for post, reason in plan.errors:
			self._log(post, reason)
		results = dict(plan.results)
		if plan.writes:
			results.update(self._write(plan))
		done = [results[i] for i in sorted(results)]
		self.stats.add(done)
		return done

	def _log(self, post: Post, reason: str) -> None:
		if self.log_errors:
			log_ingest_error(post, reason, source=self.source, origin=self.origin)

	def _suppressed(self, posts: list[Post]) -> set[int]:
		"""Indexes of ``posts`` that must not be stored (erased people / posts)."""
		if not self.is_suppressed or not posts:
			return set()
		try:
			return self.is_suppressed(posts)
		except Exception:
			# Never store a post we could not check: log and treat the page as suppressed.
			frappe.log_error(title="Social CRM: suppression check failed", message=traceback.format_exc())
			return set(range(len(posts)))

	# ------------------------------------------------------------------ storing

	def _write(self, plan: PagePlan) -> dict[int, RecordResult]:
		"""Write the plan: the authors' profiles first (a record whose author could not be saved
		fails), then new mentions, then edits; profile refreshes and enrichment once per page."""
		out: dict[int, RecordResult] = {}
		failed = self._upsert_profiles(plan.authors(), self._page_profiles)
		for write in plan.drop_writes(lambda write: write.author_key not in failed):
			post = write.post
			out[write.index] = RecordResult(
				FAILED, post.platform, post.external_id, reason=failed[write.author_key]
			)
		to_enrich: list[str] = []
		if plan.inserts:
			inserted = self._insert_mentions([(w.index, w.post, w.matches) for w in plan.inserts], out)
			rollup.inserted(inserted)
			to_enrich.extend(inserted)
			issues.enqueue_rule_issues(inserted)
		for write in plan.updates:
			out[write.index] = result = self._update_mention(write.mention, write.post, write.matches)
			if result.status == UPDATED:
				to_enrich.append(write.mention)
		self._flush_profiles(self._added)
		self._added = {}
		if to_enrich:
			self._enrich(to_enrich)
		return out

	def _withheld(self, authors: set[tuple[str, str]]) -> tuple[dict[tuple[str, str], str], dict]:
		"""{(platform, author id): why} for authors nothing may be stored of (consent, erasure), and
		the authors' existing profiles ({(platform, author id): row}, one query for both uses)."""
		if not authors:
			return {}, {}
		try:
			rows = self._load_profiles(sorted(authors))
			return withheld_authors(authors, profiles=rows), rows
		except Exception:
			# Never store a post whose author we could not check: log and withhold the page.
			frappe.log_error(title="Social CRM: consent check failed", message=traceback.format_exc())
			return {key: UNCHECKED for key in authors}, {}

	def _existing_mentions(self, posts: list[Post]) -> dict[tuple[str, str], frappe._dict]:
		by_platform: dict[str, list[str]] = defaultdict(list)
		for post in posts:
			by_platform[post.platform].append(post.external_id)
		found = {}
		for platform, ids in by_platform.items():
			for row in frappe.get_all(
				"Mention",
				filters={"platform": platform, "external_id": ("in", ids)},
				fields=["name", "platform", "external_id", "source", "text", "title", "anonymized"],
			):
				found[(row.platform, row.external_id)] = row
		return found

	# ------------------------------------------------------------------ profiles

	def _upsert_profiles(
		self, authors: dict[tuple[str, str], AuthorWork], rows: dict
	) -> dict[tuple[str, str], str]:
		"""Create or refresh each author's Social Profile; returns {author key: error} for failures.

		``rows``: the authors' existing profiles (:meth:`_load_profiles`); the others are new and
		created for the whole page at once (:meth:`_create_profiles`).
		"""
		failed: dict[tuple[str, str], str] = {}
		now = now_datetime()
		new = []
		for key, work in authors.items():
			post, row = work.latest, rows.get(key)
			if row is None:
				new.append((key, post, work.first))
				continue
			self.profiles[key] = _Profile(
				row.name, row.party_type, row.party, row.customer, row.match_status == "Needs Review"
			)
			try:
				self._refresh_profile(row, post, now)
			except Exception as exc:
				self.profiles.pop(key, None)
				failed[key] = f"author profile could not be saved: {_short(exc)}"
				self._log(post, failed[key])
		if new:
			failed.update(self._create_profiles(new))
		return failed

	def _load_profiles(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], frappe._dict]:
		"""The existing profiles of the page's authors, with every field ingest reads of them."""
		return load_author_profiles(keys, PAGE_PROFILE_FIELDS)

	def _create_profiles(self, items: list[tuple[tuple[str, str], Post, Post]]) -> dict[tuple[str, str], str]:
		"""The page's new authors: one multi-row INSERT (then their linking keys at once).

		A profile the bulk rules do not cover (:meth:`_bulk_profile_row` says None) and every
		profile of a bulk INSERT that failed go through the controller one by one.
		"""
		bulk, slow = [], []
		for key, post, first_post in sorted(items, key=lambda item: item[0]):  # one lock order
			row = self._bulk_profile_row(post, first_post)
			(bulk if row else slow).append((key, post, first_post, row))
		if bulk:
			savepoint = "social_crm_profiles"
			frappe.db.savepoint(savepoint)
			try:
				self._insert_new_profiles([row for *_, row in bulk])
			except Exception:
				frappe.db.rollback(save_point=savepoint)
				slow.extend(bulk)
			else:
				for key, _post, _first, row in bulk:
					self.profiles[key] = _Profile(row["name"])
		failed: dict[tuple[str, str], str] = {}
		for key, post, first_post, _row in slow:
			savepoint = "social_crm_profile"
			frappe.db.savepoint(savepoint)
			try:
				self.profiles[key] = self._create_profile(post, first_post)
			except Exception as exc:
				frappe.db.rollback(save_point=savepoint)
				self.profiles.pop(key, None)
				failed[key] = f"author profile could not be saved: {_short(exc)}"
				self._log(post, failed[key])
		return failed

	def _bulk_profile_row(self, post: Post, first_post: Post) -> dict | None:
		"""The new profile's row as the controller would store it, or None when only the
		controller may create it: the engine rejects a field (the controller says why), Frappe
		would change or refuse a value (HTML sanitizing, a Data field's length, a platform not in
		the options), or the site reacts to new profiles (Webhook, Notification, Server Script)."""
		if self.bulk_profiles is None:
			self.bulk_profiles = _bulk_profiles_allowed()
		if not self.bulk_profiles:
			return None
		try:
			values = normalize_profile(_profile_fields(post))
		except InvalidRecord:
			return None
		meta = _profile_meta()
		if values["platform"] not in meta["platforms"]:
			return None
		for fieldname, value in values.items():
			if isinstance(value, str) and (
				"<" in value or ">" in value or len(value) > meta["lengths"].get(fieldname, len(value))
			):
				return None
		values.update(
			name=make_autoname("hash", "Social Profile"),
			party_name="",
			link_method="",  # Select fields without a value are stored as "" by Frappe
			match_status="",
			link_confidence=0,
			first_seen=first_post.posted_at_naive_utc,
			last_seen=post.posted_at_naive_utc,
		)
		return values

	def _insert_new_profiles(self, rows: list[dict]) -> None:
		"""What ``insert()`` + ``on_update`` do for a new, unlinked profile, for many at once:
		the row (one INSERT; the unique (platform, external_id) key still stops a profile another
		worker created meanwhile, and the page then falls back to the controller), its linking
		keys (one select + one insert), its match job (after commit, deduplicated per profile),
		its global search entry and one list refresh for the desk. No Version row: Frappe writes
		none for a plain insert either."""
		now, user = now_datetime(), frappe.session.user
		for row in rows:
			row.update(creation=now, modified=now, owner=user, modified_by=user)
		insert_many(
			"Social Profile", NEW_PROFILE_FIELDS, [tuple(row[f] for f in NEW_PROFILE_FIELDS) for row in rows]
		)
		linking_keys.sync_profiles(rows)
		for row in rows:
			enqueue_match(row["name"])  # a new profile has no human decision yet (profile_on_update)
		_queue_global_search(rows)
		frappe.publish_realtime(
			"list_update",
			{"doctype": "Social Profile", "name": rows[0]["name"], "user": user},
			after_commit=True,
		)

	def _create_profile(self, post: Post, first_post: Post) -> _Profile:
		author = post.author
		doc = frappe.get_doc(
			{
				"doctype": "Social Profile",
				**_profile_fields(post),
				"first_seen": first_post.posted_at_naive_utc,
				"last_seen": post.posted_at_naive_utc,
			}
		)
		doc.flags.absent_checked = True  # _load_profiles found no profile for this key
		try:
			doc.insert(ignore_permissions=True)
		except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
			# A parallel worker created this author a moment ago (the unique (platform,
			# external_id) key made our insert wait for its commit, then fail): use theirs.
			frappe.db.rollback(save_point="social_crm_profile")
			frappe.db.savepoint("social_crm_profile")
			row = _committed_profile(post.platform, author.external_id)
			if not row:
				raise
			return _Profile(
				row.name, row.party_type, row.party, row.customer, row.match_status == "Needs Review"
			)
		return _Profile(doc.name, doc.party_type, doc.party, doc.customer)

	def _refresh_profile(self, row: frappe._dict, post: Post, now) -> None:
		author = post.author
		if is_erased_profile(row):
			return  # an erased or redacted person's profile keeps its anonymized values
		changed = {}
		for fieldname in PROFILE_IDENTITY_FIELDS:
			value = getattr(author, fieldname, "") or ""
			if fieldname == "email" and not _valid_email(value):
				value = ""
			if value and value != (row.get(fieldname) or ""):
				changed[fieldname] = value
		if not changed:
			self._touch_profile(row.name, post, row, now)  # no query: one UPDATE for the page
			return
		# Identity facts changed: through the controller, so validation and linking run.
		savepoint = "social_crm_profile"
		frappe.db.savepoint(savepoint)
		try:
			doc = frappe.get_doc("Social Profile", row.name)
			doc.update(changed)
			doc.followers = min(author.followers, MAX_INT) or doc.followers
			doc.avatar_url = author.avatar_url or doc.avatar_url
			if not doc.last_seen or post.posted_at_naive_utc > doc.last_seen:
				doc.last_seen = post.posted_at_naive_utc
			doc.save(ignore_permissions=True)
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			raise

	def _touch_profile(self, name: str, post: Post, row: frappe._dict | None, now) -> None:
		"""Cheap refresh (last seen, followers, avatar), written for the whole page in one UPDATE."""
		author = post.author
		touch = self._touched.setdefault(name, {"last_seen": None, "followers": None, "avatar_url": None})
		seen = post.posted_at_naive_utc
		if touch["last_seen"] is None or seen > touch["last_seen"]:
			touch["last_seen"] = seen
		if author.followers:
			touch["followers"] = min(author.followers, MAX_INT)
		if author.avatar_url:
			touch["avatar_url"] = author.avatar_url

	def _flush_profiles(self, added: dict[str, int]) -> None:
		"""One UPDATE for the page: touched profiles' fields and new mention counts (increments,
		so parallel workers never lose a count)."""
		names = sorted(set(self._touched) | set(added))
		self._touched, touched = {}, self._touched
		if not names:
			return
		sets, params = [], []

		def case(column: str, values: dict[str, object], expression: str) -> None:
			if not values:
				return
			whens = " ".join(["WHEN %s THEN " + expression] * len(values))
			sets.append(f"`{column}` = CASE `name` {whens} ELSE `{column}` END")
			for name, value in values.items():
				params.extend([name, value] if expression == "%s" else [name, value, value])

		case(
			"last_seen",
			{n: t["last_seen"] for n, t in touched.items() if t["last_seen"]},
			"IF(`last_seen` IS NULL OR `last_seen` < %s, %s, `last_seen`)",
		)
		case("followers", {n: t["followers"] for n, t in touched.items() if t["followers"]}, "%s")
		case("avatar_url", {n: t["avatar_url"] for n, t in touched.items() if t["avatar_url"]}, "%s")
		if added:
			whens = " ".join(["WHEN %s THEN %s"] * len(added))
			sets.append(f"`mention_count` = IFNULL(`mention_count`, 0) + CASE `name` {whens} ELSE 0 END")
			for name, count in added.items():
				params.extend([name, count])
		if not sets:
			return
		placeholders = ", ".join(["%s"] * len(names))
		frappe.db.sql(
			f"UPDATE `tabSocial Profile` SET {', '.join(sets)} WHERE `name` IN ({placeholders})",
			(*params, *names),
		)

	# ------------------------------------------------------------------ mentions

	def _insert_mentions(self, new: list[tuple[int, Post, list]], out: dict[int, RecordResult]) -> list[str]:
		now = now_datetime()
		user = frappe.session.user
		mention_rows, names = [], {}
		for i, post, matches in new:
			name = frappe.generate_hash(length=10)
			names[i] = name
			profile = self.profiles[(post.platform, post.author.external_id)]
			mention_rows.append(self._mention_row(name, post, matches, profile, now, user))

		savepoint = "social_crm_mentions"
		frappe.db.savepoint(savepoint)
		try:
			insert_many("Mention", MENTION_FIELDS, mention_rows, ignore_duplicates=True)
			stored = set(
				frappe.get_all("Mention", filters={"name": ("in", list(names.values()))}, pluck="name")
			)
			child_rows = []
			for i, _post, matches in new:
				if names[i] in stored:
					child_rows.extend(_rule_rows(names[i], matches, now, user))
			insert_many("Mention Rule Match", RULE_MATCH_FIELDS, child_rows)
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			return self._insert_one_by_one(new, names, out, now, user)

		inserted: list[str] = []
		per_profile: dict[str, int] = defaultdict(int)
		for i, post, _matches in new:
			if names[i] in stored:
				out[i] = RecordResult(ACCEPTED, post.platform, post.external_id, names[i])
				inserted.append(names[i])
				per_profile[self.profiles[(post.platform, post.author.external_id)].name] += 1
			else:
				out[i] = RecordResult(
					DUPLICATE, post.platform, post.external_id, reason="stored by a parallel ingest"
				)
		for name, count in per_profile.items():
			self._added[name] = self._added.get(name, 0) + count
		return inserted

	def _insert_one_by_one(self, new, names, out, now, user) -> list[str]:
		"""Fallback after a failed bulk insert: isolate the bad rows, keep the good ones."""
		inserted: list[str] = []
		per_profile: dict[str, int] = defaultdict(int)
		for i, post, matches in new:
			profile = self.profiles[(post.platform, post.author.external_id)]
			savepoint = "social_crm_mention"
			frappe.db.savepoint(savepoint)
			try:
				row = self._mention_row(names[i], post, matches, profile, now, user)
				insert_many("Mention", MENTION_FIELDS, [row])
				insert_many("Mention Rule Match", RULE_MATCH_FIELDS, _rule_rows(names[i], matches, now, user))
			except Exception as exc:
				frappe.db.rollback(save_point=savepoint)
				if frappe.db.is_unique_key_violation(exc) or frappe.db.is_duplicate_entry(exc):
					out[i] = RecordResult(
						DUPLICATE, post.platform, post.external_id, reason="stored by a parallel ingest"
					)
					continue
				reason = f"could not be stored: {_short(exc)}"
				self._log(post, reason)
				out[i] = RecordResult(FAILED, post.platform, post.external_id, reason=reason)
				continue
			out[i] = RecordResult(ACCEPTED, post.platform, post.external_id, names[i])
			inserted.append(names[i])
			per_profile[profile.name] += 1
		for name, count in per_profile.items():
			self._added[name] = self._added.get(name, 0) + count
		return inserted

	def _mention_row(self, name, post: Post, matches, profile: _Profile, now, user) -> tuple:
		raw = None
		if self.keep_raw and post.raw:
			raw = json.dumps(post.raw, default=str, ensure_ascii=False)
			if len(raw) > MAX_RAW_PAYLOAD_CHARS:
				raw = None
		values = {
			"name": name,
			"creation": now,
			"modified": now,
			"modified_by": user,
			"owner": user,
			"platform": post.platform,
			"source": self.source,
			"external_id": post.external_id,
			"url": post.url or None,
			"author": profile.name,
			# bulk insert skips Frappe's sanitizer: display strings are cleaned here (issue 12, item 13)
			"author_handle": clean_display(post.author.handle, 140),
			"author_name": clean_display(post.author.display_name or post.author.handle, 140),
			"posted_at": post.posted_at_naive_utc,
			"title": clean_display(post.title, 280) or None,
			"text": post.text,
			# the platform's language tag until enrichment decides (it is the detector's hint)
			"language": post.language_hint or None,
			"rule_kind": matches[0].kind,
			"party_type": profile.party_type if profile.party else None,
			"party": profile.party,
			"customer": profile.customer,
			"status": mention_status(None, bool(profile.party), profile.in_review),
			"in_reply_to": post.in_reply_to or None,
			"likes": min(post.likes, MAX_INT),
			"reposts": min(post.reposts, MAX_INT),
			"replies": min(post.replies, MAX_INT),
			"raw_payload": raw,
		}
		return tuple(values[f] for f in MENTION_FIELDS)

	def _update_mention(self, name: str, post: Post, matches) -> RecordResult:
		"""An edited post: new text/title/engagement, matches recomputed, enrichment redone."""
		savepoint = "social_crm_mention_update"
		frappe.db.savepoint(savepoint)
		try:
			doc = frappe.get_doc("Mention", name)
			doc.text = post.text
			doc.title = post.title[:280]
			doc.url = post.url or doc.url
			doc.likes = min(post.likes, MAX_INT)
			doc.reposts = min(post.reposts, MAX_INT)
			doc.replies = min(post.replies, MAX_INT)
			doc.set("matched_rules", [])
			for match in matches:
				doc.append(
					"matched_rules",
					{
						"listening_rule": match.name,
						"kind": match.kind,
						"matched_terms": ", ".join(match.matched_terms)[:MAX_MATCHED_TERMS_CHARS],
					},
				)
			doc.rule_kind = matches[0].kind
			doc.language = post.language_hint or None
			doc.sentiment = None
			doc.sentiment_score = 0
			doc.enriched_on = None
			if self.keep_raw and post.raw:
				doc.raw_payload = json.dumps(post.raw, default=str, ensure_ascii=False)
			doc.save(ignore_permissions=True)
		except Exception as exc:
			frappe.db.rollback(save_point=savepoint)
			reason = f"edited post could not be updated: {_short(exc)}"
			self._log(post, reason)
			return RecordResult(FAILED, post.platform, post.external_id, name, reason)
		return RecordResult(UPDATED, post.platform, post.external_id, name, "text changed")

	# ------------------------------------------------------------------ enrichment

	def _enrich(self, names: list[str]) -> None:
		enqueue_enrichment(names, self.enrichment)


def enqueue_enrichment(names: list[str], mode: str = "enqueue") -> None:
	"""Language and sentiment for stored mentions: every ingest path and the Mention controller call this.

	``mode``: "enqueue" (a job per batch, after commit, deduplicated), "inline" or "none".
	"""
	if mode == "none" or not names:
		return
	for start in range(0, len(names), ENRICH_BATCH):
		batch = names[start : start + ENRICH_BATCH]
		if mode == "inline":
			enrich_mentions(batch)
		else:
			frappe.enqueue(
				"social_crm.listening.enrichment.enrich_mentions",
				queue="default",
				timeout=1200,
				job_id=f"social_crm:enrich:{batch[0]}",
				deduplicate=True,
				enqueue_after_commit=True,
				names=batch,
			)


class SuppressedMention(frappe.ValidationError):
	"""The post or its author was erased: it is not stored again."""


def post_of_mention(doc) -> Post:
	"""The engine Post of a Mention document (for the checks every ingest path runs)."""
	author = Author(external_id="")
	if doc.author:
		row = frappe.db.get_value("Social Profile", doc.author, ["external_id", "handle"], as_dict=True)
		if row:
			author = Author(external_id=row.external_id or "", handle=row.handle or "")
	posted_at = get_datetime(doc.posted_at) if doc.posted_at else now_datetime()
	return Post(
		platform=doc.platform or "",
		external_id=doc.external_id or "",
		author=author,
		text=doc.text or "",
		title=doc.title or "",
		posted_at=posted_at,
		language_hint=doc.language or "",
		source=doc.source or "",
	)


def _post_key_suppressed(post: Post) -> bool:
	"""A mention without an author: only its own post key can suppress it."""
	key = post_key(post.platform, post.external_id)
	return bool(key and frappe.db.exists("Social Suppression Key", key))


def admit_mention(doc) -> None:
	"""Mention.before_insert for a mention not written by the Ingestor (REST, desk, scripts).

	The same checks as webhook and poll: suppression (an erased person's or post's record is
	refused), the author's consent (a Listening withdrawal or objection refuses it, as does an
	anonymized or redacted author) and the listening rules (their matches are recorded when the
	caller gave none; a mention a person stores on purpose is kept even when no rule matches it).
	"""
	post = post_of_mention(doc)
	check = _suppression_check()
	if check and (check([post]) if post.author.external_id else _post_key_suppressed(post)):
		frappe.throw(
			_("This post or its author was erased and is not stored again"),
			SuppressedMention,
			title=_("Suppressed"),
		)
	if post.author.external_id and withheld_authors({(post.platform, post.author.external_id)}):
		frappe.throw(
			_("The author of this post was erased or withdrew from listening: it is not stored"),
			SuppressedMention,
			title=_("Suppressed"),
		)
	if doc.matched_rules:
		return
	matches = load_rule_matcher().match(
		f"{post.title}\n{post.text}" if post.title else post.text,
		language=post.language_hint or None,
		source=doc.source or None,
		author_handle=post.author.handle,
	)
	for match in matches:
		doc.append(
			"matched_rules",
			{
				"listening_rule": match.name,
				"kind": match.kind,
				"matched_terms": ", ".join(match.matched_terms)[:MAX_MATCHED_TERMS_CHARS],
			},
		)
	if matches and not doc.rule_kind:
		doc.rule_kind = matches[0].kind


MENTION_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"platform",
	"source",
	"external_id",
	"url",
	"author",
	"author_handle",
	"author_name",
	"posted_at",
	"title",
	"text",
	"language",
	"rule_kind",
	"party_type",
	"party",
	"customer",
	"status",
	"in_reply_to",
	"likes",
	"reposts",
	"replies",
	"raw_payload",
)

RULE_MATCH_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"parent",
	"parentfield",
	"parenttype",
	"idx",
	"listening_rule",
	"kind",
	"matched_terms",
)


def _rule_rows(parent: str, matches, now, user) -> list[tuple]:
	return [
		(
			frappe.generate_hash(length=10),
			now,
			now,
			user,
			user,
			parent,
			"matched_rules",
			"Mention",
			idx,
			match.name,
			match.kind,
			", ".join(match.matched_terms)[:MAX_MATCHED_TERMS_CHARS],
		)
		for idx, match in enumerate(matches, start=1)
	]


NEW_PROFILE_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"platform",
	"external_id",
	"handle",
	"display_name",
	"profile_url",
	"website",
	"email",
	"avatar_url",
	"bio",
	"followers",
	"verified",
	"influence_score",
	"party_name",
	"link_method",
	"match_status",
	"link_confidence",
	"first_seen",
	"last_seen",
)


def _bulk_profiles_allowed() -> bool:
	"""False while the site has a Webhook, Notification, Server Script or Assignment Rule on
	Social Profile: then each new profile is inserted through the controller so they run."""
	return not any(frappe.db.exists(doctype, filters) for doctype, filters in PROFILE_HOOK_DOCTYPES.items())


def _profile_meta() -> dict:
	"""The Select options of ``platform`` and the lengths of the Data fields of Social Profile."""
	cached = getattr(frappe.local, "social_crm_profile_meta", None)
	if cached:
		return cached
	meta = frappe.get_meta("Social Profile")
	cached = frappe.local.social_crm_profile_meta = {
		"platforms": set((meta.get_field("platform").options or "").split("\n")) - {""},
		"lengths": {
			df.fieldname: cint(df.length) or frappe.db.VARCHAR_LEN
			for df in meta.fields
			if df.fieldtype == "Data"
		},
	}
	return cached


def _queue_global_search(rows: list[dict]) -> None:
	"""The global search entries ``update_global_search`` queues for each inserted profile."""
	if frappe.local.conf.get("disable_global_search"):
		return
	meta = frappe.get_meta("Social Profile")
	fields = meta.get_global_search_fields()
	title_field = meta.title_field
	for row in rows:
		content = [get_formatted_value(row[df.fieldname], df) for df in fields if row.get(df.fieldname)]
		if content:
			sync_value_in_queue(
				{
					"doctype": "Social Profile",
					"name": row["name"],
					"content": " ||| ".join(content),
					"published": 0,
					"title": str(row.get(title_field) or row["name"])[: int(frappe.db.VARCHAR_LEN)],
					"route": "",
				}
			)


def _committed_profile(platform: str, external_id: str) -> frappe._dict | None:
	"""The Social Profile another transaction committed, read with a locking read.

	Under REPEATABLE READ a plain SELECT answers from this transaction's snapshot, taken
	before the other worker committed, and would not find the row the unique key just
	reported; a locking read (``LOCK IN SHARE MODE``) reads the latest committed version.
	"""
	rows = frappe.db.sql(
		"""select name, party_type, party, customer, match_status from `tabSocial Profile`
		where platform = %s and external_id = %s lock in share mode""",
		(platform, external_id),
		as_dict=True,
	)
	return rows[0] if rows else None


def _profile_fields(post: Post) -> dict:
	"""A new Social Profile's values from the post's author (bulk insert and controller alike)."""
	author = post.author
	return {
		"platform": post.platform,
		"external_id": author.external_id,
		"handle": author.handle,
		"display_name": author.display_name or author.handle,
		"profile_url": author.profile_url,
		"avatar_url": author.avatar_url,
		"bio": author.bio,
		"followers": min(author.followers, MAX_INT),
		"verified": int(author.verified),
		"website": author.website,
		"email": author.email if _valid_email(author.email) else "",
	}


def _valid_email(value: str) -> bool:
	if not value:
		return False
	return bool(validate_email_address(value))
