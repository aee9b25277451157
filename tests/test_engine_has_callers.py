"""Every public engine function is called by the app: tested code is code that runs.

A function of ``social_crm/engine`` that only tests call is a rule the Frappe layer does
not use (it has its own copy somewhere, or it is dead): call it, or delete it.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "social_crm"
ENGINE = APP / "engine"

# Public on purpose with no caller in the app: (module path, function) -> why
# Known backlog of issue 11 (each still to be wired into the Frappe layer or deleted); the
# list may only shrink.
ALLOWED: dict[tuple[str, str], str] = {}


def _is_test(path: Path) -> bool:
	return "tests" in path.relative_to(APP).parts or path.name.startswith("test_")


def public_engine_functions() -> dict[tuple[str, str], int]:
	"""{(module path, name): line} of top-level functions and public methods of public classes."""
	found = {}
	for path in sorted(ENGINE.rglob("*.py")):
		tree = ast.parse(path.read_text(encoding="utf-8"))
		module = str(path.relative_to(APP.parent))
		for node in tree.body:
			if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
				found[(module, node.name)] = node.lineno
	return found


def references() -> dict[str, set[str]]:
	"""{name: files} of every name used (loaded or as an attribute) in the app outside tests,
	not counting a function's own definition or a bare re-export."""
	used: dict[str, set[str]] = {}
	for path in APP.rglob("*.py"):
		if _is_test(path):
			continue
		tree = ast.parse(path.read_text(encoding="utf-8"))
		for node in ast.walk(tree):
			if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
				used.setdefault(node.id, set()).add(str(path))
			elif isinstance(node, ast.Attribute):
				used.setdefault(node.attr, set()).add(str(path))
	return used


def test_every_public_engine_function_has_a_caller_outside_tests():
	used = references()
	orphans = [
		f"{module}:{line} {name}()"
		for (module, name), line in public_engine_functions().items()
		if name not in used and (module, name) not in ALLOWED
	]
	assert not orphans, (
		"engine functions only tests call (use them in the app or delete them):\n" + "\n".join(orphans)
	)


def test_the_scan_sees_engine_functions_and_their_callers():
	functions = public_engine_functions()
	assert ("social_crm/engine/status.py", "mention_status") in functions
	assert "mention_status" in references()  # the Mention controller calls it
	assert not any(name.startswith("_") for _m, name in functions)
