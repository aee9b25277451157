"""End-to-end listening pipeline on a real site, one process (= one worker's work).

ingest (suppression check, rule matching, dedupe lookup, Social Profile upsert, Mention
insert) -> commit -> enrichment (language + default sentiment) -> commit, page by page as
the poll job and the enrichment job do. Compared with a plain bulk insert of the same
Mention rows (+ their rule rows). Then the same posts again (all duplicates: a second poll).

Run with the bench's python:

    /opt/frappe-bench/env/bin/python benchmarks/bench_pipeline.py --site listen.localhost [--count 5000]

Rows get the external id prefix "bench-pl-" and are removed at the end (unless --keep).
Auto-linking is switched off while measuring (its jobs are measured by the linking
benchmark); the setting is restored afterwards.
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect

PREFIX = "bench-pl-"
RULE_PREFIX = "Bench PL "
PAGE = 500

EN = [
	"The new {b} coffee is really great and I love it",
	"{b} support was terrible and nobody answered my emails",
	"My {b} order arrived on Tuesday morning as planned",
	"The {b} app keeps crashing since the last update",
	"{b} is fine but a bit expensive for what you get",
	"Switched from {c} to {b} and it made my whole week, thank you",
]
DE = [
	"Der neue {b} Kaffee ist wirklich super und ich liebe ihn",
	"Der {b} Support war furchtbar und niemand hat geantwortet",
	"Meine {b} Bestellung kam am Dienstag wie geplant an",
	"Die {b} App stürzt seit dem letzten Update ständig ab",
	"{b} ist gut, aber ein bisschen zu teuer im Vergleich zu {c}",
	"Vielen Dank an {b}, ihr habt mir die Woche gerettet",
]
OFF_TOPIC = [
	"Lovely weather in Hamburg today, going for a walk",
	"Heute gibt es Kartoffelsuppe, mal sehen wie sie wird",
	"Anyone watching the game tonight?",
]
EXTRAS = ["", " #coffee", " https://example.com/p/123", " 😀", "!!", " @friend"]


def make_posts(count: int, authors: int, seed: int = 11, first_id: int = 0, hints: float = 0.5):
	from social_crm.engine.records import Post

	rng = random.Random(seed)
	start = datetime(2026, 11, 1, tzinfo=timezone.utc)
	posts = []
	for i in range(count):
		off_topic = rng.random() < 0.2
		lang = "en" if rng.random() < 0.5 else "de"
		if off_topic:
			text = rng.choice(OFF_TOPIC)
		else:
			template = rng.choice(EN if lang == "en" else DE)
			text = template.format(b=rng.choice(["NovaCafe", "Nova Cafe", "#novacafe"]), c="BeanCo")
		text += rng.choice(EXTRAS)
		author = rng.randrange(authors)
		posts.append(
			Post.from_dict(
				{
					"platform": "Mastodon",
					"external_id": f"{PREFIX}{first_id + i}",
					"url": f"https://bench.example/@a{author}/{i}",
					"text": text,
					"posted_at": start + timedelta(seconds=37 * i),
					# by default half the posts carry the platform's language tag, as Mastodon's do
					"language": lang if rng.random() < hints else "",
					"author": {
						"handle": f"{PREFIX}a{author}@bench.example",
						"display_name": f"Bench Author {author}",
						"followers": rng.randrange(5000),
					},
					"likes": rng.randrange(50),
				}
			)
		)
	return posts


def ensure_rules(frappe):
	rules = [
		("Brand", "NovaCafe\nNova Cafe\n#novacafe"),
		("Competitor", "BeanCo"),
		("Product", "Nova Cafe app\nNovaCafe app"),
	]
	for kind, terms in rules:
		name = f"{RULE_PREFIX}{kind}"
		if not frappe.db.exists("Listening Rule", name):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": name, "kind": kind, "terms": terms}
			).insert()


def cleanup(frappe):
	names = frappe.get_all("Mention", filters={"external_id": ("like", f"{PREFIX}%")}, pluck="name")
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		frappe.db.delete("Mention Rule Match", {"parent": ("in", chunk)})
		frappe.db.delete("Mention", {"name": ("in", chunk)})
	profiles = frappe.get_all("Social Profile", filters={"external_id": ("like", f"{PREFIX}%")}, pluck="name")
	for start in range(0, len(profiles), 1000):
		frappe.db.delete(
			"Social Match Key",
			{"reference_doctype": "Social Profile", "reference_name": ("in", profiles[start : start + 1000])},
		)
	frappe.db.delete("Social Profile", {"external_id": ("like", f"{PREFIX}%")})
	frappe.db.delete("Social Ingest Error", {"external_id": ("like", f"{PREFIX}%")})
	frappe.db.commit()  # nosemgrep: benchmark cleanup


def run_pipeline(frappe, posts):
	from social_crm.listening.enrichment import enrich_mentions
	from social_crm.listening.pipeline import Ingestor

	ingestor = Ingestor(origin="Import", enrichment="none")
	ingest_s = enrich_s = ingest_cpu = 0.0
	stored = 0
	cpu0 = time.process_time()
	for start in range(0, len(posts), PAGE):
		t0, c0 = time.perf_counter(), time.process_time()
		results = ingestor.ingest(posts[start : start + PAGE])
		frappe.db.commit()  # nosemgrep: one transaction per page, as the poll job does
		t1 = time.perf_counter()
		ingest_cpu += time.process_time() - c0
		names = [r.mention for r in results if r.status in ("accepted", "updated")]
		enrich_mentions(names)
		frappe.db.commit()  # nosemgrep: as the enrichment job does
		t2 = time.perf_counter()
		ingest_s += t1 - t0
		enrich_s += t2 - t1
		stored += len(names)
	stats = ingestor.stats.as_dict()
	stats["python_cpu_s"] = round(time.process_time() - cpu0, 2)  # this process only, not MariaDB
	stats["ingest_cpu_s"] = round(ingest_cpu, 2)
	return ingest_s, enrich_s, stored, stats


def run_bulk_baseline(frappe, posts):
	"""The same Mention rows (+ rule rows) with a plain bulk insert: no checks, no profiles, no analysis."""
	from frappe.utils import now_datetime

	from social_crm.engine.analysis.language import detect_language
	from social_crm.listening.pipeline import MENTION_FIELDS, RULE_MATCH_FIELDS, _rule_rows, load_rule_matcher

	matcher = load_rule_matcher()
	rows, children = [], []
	now = now_datetime()
	for post in posts:
		matches = matcher.match(post.text)
		if not matches:
			continue
		name = frappe.generate_hash(length=10)
		values = {
			"name": name,
			"creation": now,
			"modified": now,
			"modified_by": "Administrator",
			"owner": "Administrator",
			"platform": post.platform,
			"source": None,
			"external_id": "bulk-" + post.external_id,
			"url": post.url,
			"author": None,
			"author_handle": post.author.handle,
			"author_name": post.author.display_name,
			"posted_at": post.posted_at_naive_utc,
			"title": None,
			"text": post.text,
			"language": post.language_hint or None,
			"rule_kind": matches[0].kind,
			"party_type": None,
			"party": None,
			"customer": None,
			"status": "New",
			"in_reply_to": None,
			"likes": post.likes,
			"reposts": 0,
			"replies": 0,
			"raw_payload": None,
		}
		rows.append(tuple(values[f] for f in MENTION_FIELDS))
		children.extend(_rule_rows(name, matches, now, "Administrator"))
	t0 = time.perf_counter()
	for start in range(0, len(rows), PAGE):
		frappe.db.bulk_insert("Mention", MENTION_FIELDS, rows[start : start + PAGE])
		frappe.db.commit()  # nosemgrep: same commit pattern as the pipeline
	frappe.db.bulk_insert("Mention Rule Match", RULE_MATCH_FIELDS, children)
	frappe.db.commit()  # nosemgrep
	elapsed = time.perf_counter() - t0
	names = [r[0] for r in rows]
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		frappe.db.delete("Mention Rule Match", {"parent": ("in", chunk)})
		frappe.db.delete("Mention", {"name": ("in", chunk)})
	frappe.db.commit()  # nosemgrep
	return elapsed, len(rows)


def time_enrichment_parts() -> dict[str, float]:
	"""Wall seconds enrichment spends detecting languages and scoring sentiment, summed as it runs."""
	from social_crm.listening import enrichment

	parts = {"language": 0.0, "sentiment": 0.0}
	detect, learned = enrichment._languages, enrichment.learned_analyzer

	def languages(*args):
		t0 = time.perf_counter()
		try:
			return detect(*args)
		finally:
			parts["language"] += time.perf_counter() - t0

	class Timed:
		def __init__(self, analyzer):
			self.analyzer = analyzer

		def analyze(self, texts, languages=None):
			t0 = time.perf_counter()
			try:
				return self.analyzer.analyze(texts, languages)
			finally:
				parts["sentiment"] += time.perf_counter() - t0

		def analyze_one(self, text, language=""):
			return self.analyze([text], [language])[0]

	enrichment._languages = languages
	enrichment.learned_analyzer = lambda base: Timed(learned(base))
	return parts


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--count", type=int, default=5000)
	parser.add_argument("--authors", type=int, default=1000)
	parser.add_argument(
		"--hints", type=float, default=0.5, help="share of posts with the platform's language tag (0: none)"
	)
	own, _ = parser.parse_known_args()
	args = connect(__doc__)
	import frappe

	cleanup(frappe)
	ensure_rules(frappe)
	linking = frappe.db.get_single_value("Social CRM Settings", "enable_auto_linking")
	frappe.db.set_single_value("Social CRM Settings", "enable_auto_linking", 0)
	frappe.db.commit()  # nosemgrep
	try:
		posts = make_posts(own.count, own.authors, hints=own.hints)
		parts = time_enrichment_parts()
		# warm up: langdetect profiles, lexicons, rule cache (not measured)
		from social_crm.engine.analysis.language import detect_language
		from social_crm.listening.enrichment import get_configured_analyzer

		detect_language("warm up the language profiles please")
		get_configured_analyzer().analyze(["warm up", "aufwärmen bitte"], ["en", "de"])

		ingest_s, enrich_s, stored, stats = run_pipeline(frappe, posts)
		total = ingest_s + enrich_s
		# the same authors post again: profiles exist (the steady state of a running site)
		cold_parts = dict(parts)
		warm_posts = make_posts(own.count, own.authors, seed=12, first_id=own.count, hints=own.hints)
		w_ingest_s, w_enrich_s, w_stored, w_stats = run_pipeline(frappe, warm_posts)
		w_total = w_ingest_s + w_enrich_s
		t0 = time.perf_counter()
		from social_crm.listening.pipeline import Ingestor

		again = Ingestor(origin="Import", enrichment="none")
		for start in range(0, len(posts), PAGE):
			again.ingest(posts[start : start + PAGE])
			frappe.db.commit()  # nosemgrep
		second_s = time.perf_counter() - t0
		bulk_s, bulk_rows = run_bulk_baseline(frappe, posts)

		print(f"cold: {len(posts)} posts from {own.authors} new authors; outcome: {stats}")
		print(f"  ingest (rules, dedupe, suppression, profiles, mentions): {ingest_s:.2f} s")
		print(f"  enrichment (consent, language, sentiment):               {enrich_s:.2f} s")
		print(
			f"    of which language detection {cold_parts['language']:.2f} s, sentiment {cold_parts['sentiment']:.2f} s"
		)
		print(
			f"  end to end: {total:.2f} s = {stored / total:.0f} mentions/s ({len(posts) / total:.0f} posts/s)"
		)
		print(f"warm: {len(warm_posts)} new posts from the same (known) authors; outcome: {w_stats}")
		print(f"  ingest: {w_ingest_s:.2f} s, enrichment: {w_enrich_s:.2f} s")
		language_s, sentiment_s = (parts[k] - cold_parts[k] for k in ("language", "sentiment"))
		print(f"    of which language detection {language_s:.2f} s, sentiment {sentiment_s:.2f} s")
		print(
			f"  end to end: {w_total:.2f} s = {w_stored / w_total:.0f} mentions/s "
			f"({len(warm_posts) / w_total:.0f} posts/s)"
		)
		print(
			f"second pass, all duplicates: {second_s:.2f} s = {len(posts) / second_s:.0f} posts/s; "
			f"outcome: {again.stats.as_dict()}"
		)
		print(
			f"plain bulk insert of the same {bulk_rows} rows: {bulk_s:.2f} s = {bulk_rows / bulk_s:.0f} rows/s; "
			f"pipeline / bulk time: cold {total / bulk_s:.1f}x, "
			f"warm {w_total / (bulk_s * w_stored / bulk_rows):.1f}x"
		)
		# enrichment is its own job in production (enqueued after commit): the ingest alone
		print(
			f"ingest only (enrichment enqueued, not waited for): cold {stored / ingest_s:.0f} mentions/s, "
			f"{ingest_s / bulk_s:.1f}x bulk; warm {w_stored / w_ingest_s:.0f} mentions/s, "
			f"{w_ingest_s / (bulk_s * w_stored / bulk_rows):.1f}x bulk"
		)
	finally:
		frappe.db.set_single_value("Social CRM Settings", "enable_auto_linking", linking)
		frappe.db.commit()  # nosemgrep
		if not args.keep:
			cleanup(frappe)
			for kind in ("Brand", "Competitor", "Product"):
				frappe.delete_doc("Listening Rule", f"{RULE_PREFIX}{kind}", force=True, ignore_missing=True)
			frappe.db.commit()  # nosemgrep
		frappe.destroy()


if __name__ == "__main__":
	main()
