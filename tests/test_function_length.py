"""No function of the app is longer than ``MAX_LINES`` without a stated reason.

A long function does several jobs (read, decide, write, log); cut it at its natural seams
(issue 11). Counted from the ``def`` line to the function's last line, docstring included,
decorators not; methods and nested functions are counted on their own (``Class.method``,
``outer.inner``). Reads the source with ``ast``; test modules are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "social_crm"
MAX_LINES = 60

# (module path, qualified name) -> why it may be longer. Issue 11's backlog: the list may only
# shrink (a test fails when an entry is no longer too long, or no longer exists).
ALLOWED: dict[tuple[str, str], str] = {}


def _is_test(path: Path) -> bool:
	return "tests" in path.relative_to(APP).parts or path.name.startswith("test_")


def function_lengths(source: str) -> dict[str, int]:
	"""{qualified name: lines} of every function and method in ``source``."""
	found: dict[str, int] = {}

	def visit(node: ast.AST, prefix: str) -> None:
		for child in ast.iter_child_nodes(node):
			if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
				name = prefix + child.name
				found[name] = max(found.get(name, 0), child.end_lineno - child.lineno + 1)
				visit(child, name + ".")
			elif isinstance(child, ast.ClassDef):
				visit(child, prefix + child.name + ".")
			else:
				visit(child, prefix)

	visit(ast.parse(source), "")
	return found


def scan() -> dict[tuple[str, str], int]:
	found = {}
	for path in sorted(APP.rglob("*.py")):
		if _is_test(path):
			continue
		module = str(path.relative_to(APP.parent))
		for name, lines in function_lengths(path.read_text(encoding="utf-8")).items():
			found[(module, name)] = lines
	return found


def test_no_function_is_longer_than_the_limit():
	too_long = [
		f"{module} {name}(): {lines} lines"
		for (module, name), lines in sorted(scan().items())
		if lines > MAX_LINES and (module, name) not in ALLOWED
	]
	assert not too_long, (
		f"functions over {MAX_LINES} lines (cut them at their seams, or allow one with a reason):\n"
		+ "\n".join(too_long)
	)


def test_the_allowlist_only_shrinks():
	lengths = scan()
	stale = sorted(key for key in ALLOWED if lengths.get(key, 0) <= MAX_LINES)
	assert not stale, f"no longer too long (or gone): remove from ALLOWED {stale}"


def test_every_allowed_function_has_a_reason():
	assert all(reason.strip() for reason in ALLOWED.values())


def test_the_scan_measures_functions_methods_and_nested_ones():
	source = (
		"@decorator\n"
		"def f():\n"
		"\t'''doc'''\n"
		"\tdef inner():\n"
		"\t\treturn 1\n"
		"\treturn inner\n"
		"\n"
		"class C:\n"
		"\tdef m(self):\n"
		"\t\tpass\n"
	)
	assert function_lengths(source) == {"f": 5, "f.inner": 2, "C.m": 2}
	long_one = "def g():\n" + "\tx = 1\n" * MAX_LINES
	assert function_lengths(long_one)["g"] == MAX_LINES + 1
