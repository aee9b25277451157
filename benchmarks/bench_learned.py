"""The learned sentiment model (``engine.analysis.learned``): accuracy and training cost.

Trained on the XLM-T sentiment **train** split (1,839 labelled tweets per language,
standing in for a site's corrections), reported on the **validation** split (324 per
language) next to the default analyzer; then the cost of one training run on 10,000
labels (the train splits of all six languages, first 10,000 in a seeded shuffle) with its
5-fold cross-validation, as the background job does it. Data read at run time from
``--xlmt`` / ``$SOCIAL_CRM_XLMT_DIR``, never copied; the model is not kept.

Run: ``python benchmarks/bench_learned.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_accuracy import XLMT_LABELS, XLMT_LANGUAGES

from social_crm.engine.analysis.learned import LearnedAnalyzer, dumps, train
from social_crm.engine.analysis.sentiment import LABELS, DefaultAnalyzer


def split(directory: Path, language: str, name: str) -> list[tuple[str, str]]:
	folder = directory / XLMT_LANGUAGES[language]
	texts = (folder / f"{name}_text.txt").read_text(encoding="utf-8").splitlines()
	labels = (folder / f"{name}_labels.txt").read_text(encoding="utf-8").splitlines()
	return [(t, XLMT_LABELS[y.strip()]) for t, y in zip(texts, labels, strict=True) if y.strip()]


def scores(predicted: list[str], gold: list[str]) -> tuple[float, float]:
	accuracy = sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold)
	f1s = []
	for label in LABELS:
		tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
		n_pred, n_gold = predicted.count(label), gold.count(label)
		precision, recall = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
		f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
	return accuracy, sum(f1s) / len(f1s)


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument(
		"--xlmt",
		default=os.environ.get("SOCIAL_CRM_XLMT_DIR")
		or str(REPO.parent / "shared" / "data" / "xlm-t-sentiment"),
	)
	parser.add_argument(
		"--part",
		choices=("all", "languages", "10k"),
		default="all",
		help="per-language table, 10,000-label run, or both",
	)
	parser.add_argument(
		"--window",
		action="store_true",
		help="only the cost of one refit at the job's window (5,000 labels of one language)",
	)
	args = parser.parse_args(argv)
	warnings.filterwarnings("ignore")
	xlmt = Path(args.xlmt)
	if args.window:
		window_cost(xlmt)
		return
	default = DefaultAnalyzer()
	print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores)\n")
	print(
		"| lang | train (n) | CV accuracy on train (C) | used | validation (n) | default acc. / macro-F1 | learned acc. / macro-F1 | with learned where used | train time (CPU) |"
	)
	print("|---|---|---|---|---|---|---|---|---|")
	everything = []
	for lang in XLMT_LANGUAGES if args.part != "10k" else ():
		rows = split(xlmt, lang, "train")
		everything += [(t, y, lang) for t, y in rows]
		started = time.process_time()
		models = train([t for t, _ in rows], [y for _, y in rows], [lang] * len(rows), default=default)
		seconds = time.process_time() - started
		report = models.reports[lang]
		val = split(xlmt, lang, "val")
		texts, gold = [t for t, _ in val], [y for _, y in val]
		base = [r.label for r in default.analyze(texts, [lang] * len(texts))]
		learned = [r.label for r in models.predict(texts, [lang] * len(texts))] if report.used else None
		if learned is None:  # report the model's own numbers even where it is not used
			report.used = True
			learned = [r.label for r in models.predict(texts, [lang] * len(texts))]
			report.used = False
		combined = [r.label for r in LearnedAnalyzer(models, default).analyze(texts, [lang] * len(texts))]
		b, lrn, c = scores(base, gold), scores(learned, gold), scores(combined, gold)
		print(
			f"| {lang} | {len(rows)} | {100 * report.cv_accuracy:.1f} % ({models.models[lang].C:g}) | {'yes' if report.used else 'no'} | {len(val)} "
			f"| {100 * b[0]:.1f} % / {100 * b[1]:.1f} | {100 * lrn[0]:.1f} % / {100 * lrn[1]:.1f} "
			f"| {100 * c[0]:.1f} % / {100 * c[1]:.1f} | {seconds:.1f} s |"
		)
	if args.part == "languages":
		print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
		return
	if not everything:
		everything = [(t, y, lang) for lang in XLMT_LANGUAGES for t, y in split(xlmt, lang, "train")]
	random.Random(10).shuffle(everything)
	sample = everything[:10_000]
	tracemalloc.start()
	started, cpu_started = time.perf_counter(), time.process_time()
	models = train(
		[t for t, _, _ in sample], [y for _, y, _ in sample], [g for _, _, g in sample], default=default
	)
	seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
	peak = tracemalloc.get_traced_memory()[1] / 2**20
	tracemalloc.stop()
	size = len(dumps(models)) / 2**20
	texts = [t for t, _, _ in sample[:3000]]
	langs = [g for _, _, g in sample[:3000]]
	started = time.process_time()
	LearnedAnalyzer(models, default).analyze(texts, langs)
	speed = len(texts) / (time.process_time() - started)
	print(
		f"\nTraining on 10,000 labels ({len(models.models)} languages, C chosen on one fold, 5-fold CV + final fit): {cpu:.1f} s CPU ({seconds:.1f} s wall), "
		f"peak Python memory {peak:.0f} MB, stored model {size:.1f} MB; prediction {speed:,.0f} texts/s per core"
	)
	print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


def window_cost(xlmt: Path, size: int = 5_000) -> None:
	"""One refit as the job does it for a changed language at its cap (MAX_LABELS_PER_LANGUAGE).

	No language has 5,000 labels in XLM-T's train splits, so German, French and Italian
	tweets (all Latin script) are pooled and called one language: the cost depends on the
	number of labels and their length, not on which language they are."""
	pool = [(t, y) for lang in ("de", "fr", "it") for t, y in split(xlmt, lang, "train")]
	random.Random(5).shuffle(pool)
	sample = pool[:size]
	tracemalloc.start()
	started = time.perf_counter()
	models = train(
		[t for t, _ in sample], [y for _, y in sample], ["de"] * len(sample), default=DefaultAnalyzer()
	)
	seconds = time.perf_counter() - started
	peak = tracemalloc.get_traced_memory()[1] / 2**20
	tracemalloc.stop()
	print(
		f"One refit on {len(sample):,} labels of one language (5-fold CV + final fit, default analyzer "
		f"scored on them): {seconds:.1f} s, peak Python memory {peak:.0f} MB, stored model "
		f"{len(dumps(models)) / 2**20:.1f} MB; load average {os.getloadavg()[0]:.2f} (2 cores)"
	)


if __name__ == "__main__":
	main()
