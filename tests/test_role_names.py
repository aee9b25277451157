"""Role names live in ``social_crm/permissions.py`` (Python) and ``social_crm.bundle.js`` (desk JS).

Everything else uses the constants and checks of ``permissions.py`` (``has_any_role``,
``ensure_privacy_officer``, ``social_managers`` …) or, in the desk, ``social_crm.is_*()``.
A role written out again somewhere is a second home for a rule about who may do what.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "social_crm"

# Frappe / ERPNext roles the app refers to, and its own
ROLE_NAMES = frozenset(
	{
		"Social CRM Manager",
		"Social CRM User",
		"System Manager",
		"Sales User",
		"Sales Manager",
		"Accounts User",
		"Accounts Manager",
		"Support Team",
		"Website Manager",
		"Customer",
	}
)
# "Customer" is a doctype as much as a role: only role-shaped uses of it count (below)
AMBIGUOUS = frozenset({"Customer"})

PYTHON_HOME = APP / "permissions.py"
JS_HOME = APP / "public" / "js" / "social_crm.bundle.js"
# declarative places that must name roles as data
ALLOWED = {
	APP / "hooks.py": "fixtures (the app's roles, filtered by name) and the portal menu's role",
}


def _is_test(path: Path) -> bool:
	return "tests" in path.relative_to(APP).parts or path.name.startswith("test_")


def _role_literals(tree: ast.AST) -> list[tuple[int, str]]:
	found = []
	for node in ast.walk(tree):
		if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ROLE_NAMES:
			if node.value not in AMBIGUOUS:
				found.append((node.lineno, node.value))
		elif isinstance(node, ast.Call):
			# has_role("Customer") / get_users_with_role("Customer") / only_for([...])
			func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
			if "role" in func.lower() or func == "only_for":
				for arg in ast.walk(node):
					if isinstance(arg, ast.Constant) and arg.value in AMBIGUOUS:
						found.append((arg.lineno, arg.value))
		elif isinstance(node, ast.Compare):
			# "Customer" in frappe.get_roles()
			for side in [node.left, *node.comparators]:
				if isinstance(side, ast.Call) and "role" in ast.unparse(side.func).lower():
					for arg in [node.left, *node.comparators]:
						if isinstance(arg, ast.Constant) and arg.value in AMBIGUOUS:
							found.append((arg.lineno, arg.value))
	return found


def python_role_literals() -> list[str]:
	found = []
	for path in sorted(APP.rglob("*.py")):
		if path == PYTHON_HOME or path in ALLOWED or _is_test(path):
			continue
		tree = ast.parse(path.read_text(encoding="utf-8"))
		found += [f"{path.relative_to(APP.parent)}:{line} {value!r}" for line, value in _role_literals(tree)]
	return found


JS_ROLE = re.compile("[\"'](" + "|".join(re.escape(r) for r in sorted(ROLE_NAMES - AMBIGUOUS)) + ")[\"']")


def js_role_literals() -> list[str]:
	found = []
	for path in sorted(APP.rglob("*.js")):
		# the built bundle (public/dist, made by `bench build`, not tracked) is the source again
		if path == JS_HOME or {"node_modules", "dist"} & set(path.parts) or path.name.startswith("test_"):
			continue
		for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
			if JS_ROLE.search(line) and not line.lstrip().startswith("//"):
				found.append(f"{path.relative_to(APP.parent)}:{number} {line.strip()}")
	return found


def test_no_role_name_outside_permissions_in_python():
	found = python_role_literals()
	assert not found, (
		"role names outside social_crm/permissions.py (use its constants and checks):\n" + "\n".join(found)
	)


def test_no_role_name_outside_the_bundle_in_desk_js():
	found = js_role_literals()
	assert not found, (
		"role names in desk JS outside social_crm.bundle.js (use social_crm.is_*()):\n" + "\n".join(found)
	)


def test_the_scan_finds_role_literals():
	tree = ast.parse(
		'x = "Social CRM Manager"\n'
		'if "System Manager" not in frappe.get_roles(): pass\n'
		'frappe.has_role("Customer")\n'
		'"Customer" in frappe.get_roles()\n'
		'frappe.get_doc("Customer", name)\n'
		'message = _("Only a System Manager can do this")\n'
	)
	assert sorted(set(_role_literals(tree))) == [
		(1, "Social CRM Manager"),
		(2, "System Manager"),
		(3, "Customer"),
		(4, "Customer"),
	]
	assert JS_ROLE.search('frappe.user.has_role(["Social CRM Manager"])')
	# the homes themselves hold the names
	assert "Social CRM Manager" in PYTHON_HOME.read_text(encoding="utf-8")
	assert "Social CRM Manager" in JS_HOME.read_text(encoding="utf-8")
