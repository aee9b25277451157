#!/usr/bin/env python3
"""List the app's user-facing strings and check them against translations/de.csv.

    python scripts/translatable_strings.py            # strings missing a German translation
    python scripts/translatable_strings.py --all      # every translatable string

Collects what Frappe translates: ``_("...")`` in Python, ``__("...")`` in JavaScript,
and doctype / report / workspace JSON (names, labels, descriptions, Select options).
Plain Python (no frappe), so the check runs with the engine tests.
"""

import ast
import csv
import json
import pathlib
import re
import sys

APP = pathlib.Path(__file__).resolve().parent.parent / "social_crm"
JS_CALL = re.compile(r"""__\(\s*(["'`])((?:\\.|(?!\1).)*)\1""", re.S)
JSON_KEYS = ("label", "description")


def python_strings(path: pathlib.Path):
	tree = ast.parse(path.read_text(), filename=str(path))
	for node in ast.walk(tree):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Name)
			and node.func.id == "_"
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
		):
			yield node.args[0].value


def js_strings(path: pathlib.Path):
	for match in JS_CALL.finditer(path.read_text()):
		quote, text = match.group(1), match.group(2)
		if quote == "`" and "${" in text:
			continue
		yield text.replace("\\" + quote, quote).replace("\\n", "\n")


def json_strings(path: pathlib.Path):
	try:
		data = json.loads(path.read_text())
	except ValueError:
		return
	if not isinstance(data, dict) or data.get("doctype") not in (
		"DocType",
		"Report",
		"Workspace",
		"Number Card",
		"Dashboard Chart",
	):
		return
	if data.get("doctype") == "DocType" and data.get("module") != "Social CRM":
		return
	if data.get("name"):
		yield data["name"]
	for field in data.get("fields", []) + data.get("links", []) + data.get("shortcuts", []):
		for key in JSON_KEYS:
			if field.get(key):
				yield field[key]
		if field.get("fieldtype") == "Select" and field.get("options"):
			# options that are identifiers (e.g. "posted_at") are values, not words to translate
			yield from (
				opt for opt in field["options"].split("\n") if opt and not re.fullmatch(r"[a-z_]+", opt)
			)
	if data.get("doctype") in ("Number Card", "Dashboard Chart") and data.get("label"):
		yield data["label"]


def collect() -> set[str]:
	strings: set[str] = set()
	for path in APP.rglob("*"):
		if "node_modules" in path.parts or "engine" in path.relative_to(APP).parts[:1]:
			continue
		if path.suffix == ".py":
			strings.update(python_strings(path))
		elif path.suffix == ".js":
			strings.update(js_strings(path))
		elif path.suffix == ".json" and path.parent.name == path.stem:
			strings.update(json_strings(path))
		elif path.suffix == ".html":
			strings.update(re.findall(r"""_\(\s*"((?:\\.|[^"\\])*)"\s*\)""", path.read_text()))
	return {s for s in strings if s.strip() and not s.strip().isdigit()}


def translations() -> dict[str, str]:
	path = APP / "translations" / "de.csv"
	if not path.exists():
		return {}
	with path.open(newline="") as f:
		return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def missing() -> list[str]:
	known = translations()
	return sorted(s for s in collect() if not known.get(s))


if __name__ == "__main__":
	rows = sorted(collect()) if "--all" in sys.argv else missing()
	print("\n".join(rows))
	sys.exit(1 if rows and "--all" not in sys.argv else 0)
