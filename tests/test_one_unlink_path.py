"""One unlink path: only ``social_crm/linking/unlink.py`` clears a party.

A second implementation of "unlink a profile from its party" (clearing ``party`` on a Social
Profile, its mentions, ideas or votes by hand) shows up here; call ``linking.unlink`` instead
(``unlink_profile``, ``clear_party_on_mentions``; the form takes ``unlinked_values``).
The behaviour of every entry point is asserted in ``social_crm/tests/test_unlink.py``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "social_crm"
HOME = APP / "linking" / "unlink.py"
ALLOWED = {
	# anonymization rules (which identity fields an erasure clears) are the engine's, not an unlink
	APP / "engine" / "privacy" / "anonymize.py": "anonymization field lists",
	# an erased person's consent entries lose the party they named (erasure of the log, not a link)
	APP / "privacy" / "traces.py": "Social Consent Entry erasure",
	# a Mention copies its author's party; one without an author has none (a copy, not an unlink)
	APP / "social_crm" / "doctype" / "mention" / "mention.py": "Mention.copy_party_from_author",
}
PARTY_FIELDS = {"party", "party_type"}
SQL_CLEAR = re.compile(r"\bparty(_type)?\s*=\s*NULL\b", re.IGNORECASE)


def _is_test(path: Path) -> bool:
	return "tests" in path.relative_to(APP).parts or path.name.startswith("test_")


def _is_none(node) -> bool:
	return isinstance(node, ast.Constant) and node.value is None


def party_clears(tree: ast.AST) -> list[int]:
	"""Lines that clear a party: {"party": None}, x.party = None, set_value(..., "party", None),
	a party write with None through set_party_on_mentions / update_mentions, or SQL ``party = NULL``."""
	lines = []
	for node in ast.walk(tree):
		if isinstance(node, ast.Dict):
			for key, value in zip(node.keys, node.values, strict=False):
				if isinstance(key, ast.Constant) and key.value in PARTY_FIELDS and _is_none(value):
					lines.append(node.lineno)
		elif isinstance(node, ast.Assign) and _is_none(node.value):
			for target in node.targets:
				for part in ast.walk(target):
					if isinstance(part, ast.Attribute) and part.attr in PARTY_FIELDS:
						lines.append(node.lineno)
		elif isinstance(node, ast.Call):
			name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
			args = node.args
			if (
				name == "set_value"
				and any(isinstance(a, ast.Constant) and a.value in PARTY_FIELDS for a in args)
				and any(_is_none(a) for a in args)
			):
				lines.append(node.lineno)
			if name in ("set_party_on_mentions", "update_mentions") and len(args) >= 3:
				if _is_none(args[2]) or _is_none(args[1]):
					lines.append(node.lineno)
		elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_CLEAR.search(node.value):
			lines.append(node.lineno)
	return sorted(set(lines))


def test_only_linking_unlink_clears_a_party():
	found = []
	for path in sorted(APP.rglob("*.py")):
		if path == HOME or path in ALLOWED or _is_test(path):
			continue
		lines = party_clears(ast.parse(path.read_text(encoding="utf-8")))
		found += [f"{path.relative_to(APP.parent)}:{line}" for line in lines]
	assert not found, "a party cleared outside social_crm/linking/unlink.py:\n" + "\n".join(found)


def test_the_scan_sees_every_way_of_clearing_a_party():
	tree = ast.parse(
		'frappe.db.set_value("Social Profile", p, {"party_type": None, "party": None})\n'
		"doc.party_type = doc.party = None\n"
		'frappe.db.set_value("Mention", m, "party", None)\n'
		"set_party_on_mentions(profile, None, None, None)\n"
		'frappe.db.sql("update `tabIdea` set party_type=NULL where x=%s", p)\n'
		'set_party_on_mentions(profile, "Customer", name, name)\n'
	)
	assert party_clears(tree) == [1, 2, 3, 4, 5]
	assert party_clears(ast.parse(HOME.read_text(encoding="utf-8")))  # the home does it
