"""Social CRM Settings are read in one place, ``social_crm/settings.py``.

A read elsewhere brings back the scattered ``get_single_value(...) or 50`` defaults that
issue 11 removed. The scan reads the app's source with ``ast``: outside the settings
module, its doctype's folder and tests, no code names the doctype (``"Social CRM
Settings"`` as a string; docstrings and messages that only mention it are fine) and no
Frappe document or password call is given ``settings.DOCTYPE``.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "social_crm"
DOCTYPE = "Social CRM Settings"
HOME = {
	"social_crm/settings.py",
	"social_crm/social_crm/doctype/social_crm_settings/social_crm_settings.py",
}
READERS = {
	"get_single_value",
	"get_singles_value",
	"get_singles_dict",
	"get_single",
	"get_doc",
	"get_cached_doc",
	"get_cached_value",
	"get_value",
	"set_value",
	"set_single_value",
	"get_decrypted_password",
	"set_encrypted_password",
}


def _is_test(path: Path) -> bool:
	return "tests" in path.relative_to(APP).parts or path.name.startswith("test_")


def _docstrings(tree: ast.AST) -> set[int]:
	ids = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
			body = node.body
			if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
				ids.add(id(body[0].value))
	return ids


def direct_reads(source: str, filename: str = "<src>") -> list[str]:
	"""Lines of ``source`` that name the settings doctype or hand ``settings.DOCTYPE`` to Frappe."""
	tree = ast.parse(source, filename)
	docstrings = _docstrings(tree)
	found = []
	for node in ast.walk(tree):
		if isinstance(node, ast.Constant) and node.value == DOCTYPE and id(node) not in docstrings:
			found.append(f"{filename}:{node.lineno} names {DOCTYPE!r}")
		elif isinstance(node, ast.Call):
			func = node.func
			name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
			first = node.args[0] if node.args else None
			if (
				name in READERS
				and isinstance(first, ast.Attribute)
				and first.attr == "DOCTYPE"
				and isinstance(first.value, ast.Name)
				and first.value.id == "settings"
			):
				found.append(f"{filename}:{node.lineno} {name}(settings.DOCTYPE, ...)")
	return found


def test_settings_are_read_only_through_the_settings_module():
	offenders = []
	for path in sorted(APP.rglob("*.py")):
		module = str(path.relative_to(APP.parent))
		if module in HOME or _is_test(path):
			continue
		offenders += direct_reads(path.read_text(encoding="utf-8"), module)
	assert not offenders, (
		"read Social CRM Settings through social_crm.settings (add an accessor there):\n"
		+ "\n".join(offenders)
	)


def test_the_scan_finds_direct_reads_and_spares_docstrings():
	assert direct_reads('x = frappe.db.get_single_value("Social CRM Settings", "timeline_limit") or 50')
	assert direct_reads('doc = frappe.get_cached_doc("Social CRM Settings")')
	assert direct_reads("doc = frappe.get_doc(settings.DOCTYPE)")
	assert not direct_reads(
		'def f():\n\t"""Reads Social CRM Settings."""\n\treturn settings.timeline_limit()'
	)
	assert not direct_reads('msg = _("No secret is set in Social CRM Settings")')


def test_the_settings_module_has_an_accessor_for_every_default():
	tree = ast.parse((APP / "settings.py").read_text(encoding="utf-8"))
	functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
	defaults = next(
		node.value
		for node in tree.body
		if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "DEFAULTS"
	)
	fieldnames = {key.value for key in defaults.keys}
	# settings read together or under a clearer name
	aliases = {
		"auto_link_threshold": "link_thresholds",
		"review_threshold": "link_thresholds",
		"enable_auto_linking": "auto_linking_enabled",
		"languages": "language_codes",
		"on_listening_withdrawal": "listening_withdrawal_action",
	}
	missing = {f for f in fieldnames if aliases.get(f, f) not in functions}
	assert not missing, missing
