"""Throughput of enrichment on one core: language detection, default sentiment, rule matching.

Texts are generated here from templates (English and German, short like posts), so the
benchmark needs no data set. Run: ``python benchmarks/bench_enrichment.py [--count N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from social_crm.engine.analysis.language import detect_language, detect_languages
from social_crm.engine.analysis.rules import Rule, compile_rules
from social_crm.engine.analysis.sentiment import get_analyzer

EN_SUBJECTS = ["The new coffee", "Their support team", "This app", "The delivery", "Our order", "The store"]
EN_PREDICATES = [
	"is really great and I love it",
	"was terrible and nobody answered my emails",
	"arrived on Tuesday morning as planned",
	"keeps crashing since the last update",
	"is fine but a bit expensive for what you get",
	"made my whole week, thank you so much",
]
DE_SUBJECTS = [
	"Der neue Kaffee",
	"Das Support-Team",
	"Diese App",
	"Die Lieferung",
	"Unsere Bestellung",
	"Der Laden",
]
DE_PREDICATES = [
	"ist wirklich super und ich liebe ihn",
	"war furchtbar und niemand hat geantwortet",
	"kam am Dienstag wie geplant an",
	"stürzt seit dem letzten Update ständig ab",
	"ist gut, aber ein bisschen zu teuer",
	"hat mir die ganze Woche gerettet, vielen Dank",
]
EXTRAS = ["", " #coffee", " @novacafe", " https://example.com/p/123", " 😀", " :(", "!!"]


def generate(count: int, seed: int = 7) -> list[tuple[str, str]]:
	"""(text, language) pairs, half English, half German."""
	rng = random.Random(seed)
	out = []
	for i in range(count):
		if i % 2:
			text = f"{rng.choice(DE_SUBJECTS)} {rng.choice(DE_PREDICATES)}{rng.choice(EXTRAS)}"
			out.append((text, "de"))
		else:
			text = f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_PREDICATES)}{rng.choice(EXTRAS)}"
			out.append((text, "en"))
	return out


def rate(label: str, count: int, func) -> float:
	"""Texts per second of CPU time of this process (= per core, whatever else the machine runs); wall too."""
	started, cpu_started = time.perf_counter(), time.process_time()
	func()
	elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
	per_second = count / cpu
	print(
		f"{label:<56} {per_second:>10,.0f} texts/s per core   ({count} in {cpu:.2f} s CPU, "
		f"{count / elapsed:,.0f}/s wall)"
	)
	return per_second


def xlmt_tweets(directory: str) -> list[tuple[str, str]]:
	"""(text, language) of the XLM-T validation tweets of six languages, if the folder is there."""
	from bench_accuracy import XLMT_LANGUAGES

	out = []
	for lang, name in XLMT_LANGUAGES.items():
		path = os.path.join(directory, name, "val_text.txt")
		if os.path.isfile(path):
			with open(path, encoding="utf-8") as handle:
				out += [(line, lang) for line in handle.read().splitlines() if line.strip()]
	return out


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--count", type=int, default=4000)
	parser.add_argument(
		"--xlmt",
		default=os.environ.get("SOCIAL_CRM_XLMT_DIR")
		or os.path.join(
			os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "xlm-t-sentiment"
		),
		help="XLM-T sentiment folder: its validation tweets are timed too when present",
	)
	args = parser.parse_args(argv)
	data = generate(args.count)
	texts = [t for t, _ in data]
	languages = [lang for _, lang in data]
	analyzer = get_analyzer("default")

	# warm up: profiles, lexicons, emoji table
	detect_language("warming up the language profiles now")
	analyzer.analyze(
		["gut", "good", "bon", "bueno", "buono", "bom", "goed"], ["de", "en", "fr", "es", "it", "pt", "nl"]
	)

	print(f"python {sys.version.split()[0]}, one process (one core), {args.count} generated posts (EN/DE)")
	print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores)")
	listened = ["en", "de", "fr", "es", "it", "nl", "pt"]
	rate(
		"language: langdetect (seed 0), allowed=[en, de]",
		len(texts),
		lambda: detect_languages(texts, allowed=["en", "de"], detector="langdetect"),
	)
	rate("language: default (auto), no restriction", len(texts), lambda: detect_languages(texts))
	rate(
		"language: default (auto), allowed=7 languages",
		len(texts),
		lambda: detect_languages(texts, allowed=listened),
	)
	rate("language: platform hint present", len(texts), lambda: detect_languages(texts, hints=languages))
	rate(
		"sentiment: default, English (VADER)",
		len(texts) // 2,
		lambda: analyzer.analyze(texts[::2], languages[::2]),
	)
	rate(
		"sentiment: default, German (lexicon)",
		len(texts) // 2,
		lambda: analyzer.analyze(texts[1::2], languages[1::2]),
	)

	def both():
		detected = detect_languages(texts, allowed=listened)
		analyzer.analyze(texts, [r.code for r in detected])

	detect_languages(texts[:50], allowed=listened)  # load the restricted models
	rate("language + sentiment, default (no hint, 7 languages)", len(texts), both)
	tweets = xlmt_tweets(args.xlmt)
	if tweets:
		tweet_texts = [t for t, _ in tweets] * 2
		tweet_langs = [lang for _, lang in tweets] * 2
		rate(
			"sentiment: default, XLM-T val tweets, 6 languages (x2)",
			len(tweet_texts),
			lambda: analyzer.analyze(tweet_texts, tweet_langs),
		)

		def both_tweets():
			detected = detect_languages(tweet_texts, allowed=listened)
			analyzer.analyze(tweet_texts, [r.code for r in detected])

		detect_languages(tweet_texts[:400], allowed=listened)  # lingua's models load on the first short text
		rate("language + sentiment, XLM-T val tweets (no hint, 7 allowed)", len(tweet_texts), both_tweets)

	rules = [
		Rule(
			f"rule{i}",
			"Brand",
			[f"brand{i}", f"Prodüct {i} Max", f"#tag{i}", f"@acct{i}"],
			exclusions=[f"spam{i}"],
		)
		for i in range(50)
	] + [Rule("coffee", "Product", ["coffee", "Kaffee", "#coffee"])]
	matcher = compile_rules(rules)
	rate(
		"rules: 51 compiled rules (204 terms) per post",
		len(texts),
		lambda: [
			matcher.match(t, language=lang, source="Mastodon", author_handle="someone") for t, lang in data
		],
	)


if __name__ == "__main__":
	main()
