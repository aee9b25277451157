"""The engine must never import frappe (or erpnext): it is tested anywhere with plain pytest."""

import ast
import pathlib
import subprocess
import sys

ENGINE = pathlib.Path(__file__).resolve().parent.parent / "social_crm" / "engine"
FORBIDDEN = ("frappe", "erpnext")


def _imported_modules(path: pathlib.Path):
	tree = ast.parse(path.read_text(), filename=str(path))
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			for alias in node.names:
				yield alias.name, node.lineno
		elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			yield node.module, node.lineno
		elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__" and node.args:
			arg = node.args[0]
			if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
				yield arg.value, node.lineno
		elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
			arg = node.args[0]
			if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
				yield arg.value, node.lineno


def test_engine_has_modules():
	assert len(list(ENGINE.rglob("*.py"))) >= 5


def test_no_engine_module_imports_frappe():
	offenders = []
	for path in sorted(ENGINE.rglob("*.py")):
		for module, lineno in _imported_modules(path):
			if module.split(".")[0] in FORBIDDEN:
				offenders.append(f"{path.relative_to(ENGINE.parent.parent)}:{lineno} imports {module}")
	assert not offenders, "engine must stay plain Python:\n" + "\n".join(offenders)


def test_importing_every_engine_module_loads_no_frappe():
	"""Import them all in a fresh interpreter and check sys.modules afterwards."""
	modules = []
	for path in sorted(ENGINE.rglob("*.py")):
		rel = path.relative_to(ENGINE.parent.parent).with_suffix("")
		parts = list(rel.parts)
		if parts[-1] == "__init__":
			parts = parts[:-1]
		modules.append(".".join(parts))
	code = (
		"import importlib, sys\n"
		f"for m in {modules!r}:\n"
		"    importlib.import_module(m)\n"
		"bad = sorted(m for m in sys.modules if m.split('.')[0] in ('frappe', 'erpnext'))\n"
		"print(','.join(bad))\n"
	)
	root = ENGINE.parent.parent
	result = subprocess.run(
		[sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
	)
	assert result.returncode == 0, result.stderr
	assert result.stdout.strip() == "", f"frappe modules loaded: {result.stdout}"
