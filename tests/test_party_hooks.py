"""Customer, Lead and Contact: hooks declared once, each naming the doctype's own module.

``hooks.py`` builds the party doctypes' ``doc_events``, ``doctype_js``, timeline and dashboard
hooks in one loop over ``PARTY_TYPES``; each event is one handler (an explicit sequence inside
``overrides/<doctype>.py``), never a list that depends on hook order.
"""

from __future__ import annotations

import ast
from pathlib import Path

from social_crm import hooks
from social_crm.engine.parties import PARTY_TYPES

ROOT = Path(__file__).resolve().parent.parent
EVENTS = {"on_update", "before_rename", "after_rename", "on_trash"}


def defined_names(dotted: str) -> set[str]:
	"""Top-level functions and assignments of the module ``dotted`` names."""
	path = ROOT / (dotted.replace(".", "/") + ".py")
	tree = ast.parse(path.read_text(encoding="utf-8"))
	names = set()
	for node in tree.body:
		if isinstance(node, ast.FunctionDef):
			names.add(node.name)
		elif isinstance(node, ast.Assign):
			names.update(t.id for t in node.targets if isinstance(t, ast.Name))
	return names


def assert_resolves(path: str) -> None:
	module, name = path.rsplit(".", 1)
	assert name in defined_names(module), f"{path} is not defined"


def test_each_party_event_is_one_handler_in_the_doctypes_module():
	for party in PARTY_TYPES:
		events = hooks.doc_events[party]
		assert set(events) == EVENTS, party
		for event, handler in events.items():
			assert isinstance(handler, str), f"{party}.{event}: one handler, not a hook-order list"
			assert handler == f"social_crm.overrides.{party.lower()}.{event}"
			assert_resolves(handler)


def test_timeline_dashboard_and_form_scripts_are_declared_for_every_party():
	for party in PARTY_TYPES:
		(timeline,) = hooks.additional_timeline_content[party]
		assert_resolves(timeline)
		assert_resolves(hooks.override_doctype_dashboards[party])
		assert hooks.doctype_js[party] == ["public/js/party_social.js", "public/js/party_privacy.js"]
	# the loop's helpers are not hooks themselves
	assert not any(name.isupper() and "PARTY" in name for name in vars(hooks) if not name.startswith("_"))
