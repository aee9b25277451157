"""Every whitelisted method that changes state accepts POST only (no GET with side effects,
which a link or an image tag could trigger with the user's session).

Reads the app's source with ``ast``; a method without ``methods=["POST"]`` must be one of the
read-only ones listed here, each with the reason it only reads."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "social_crm"

READ_ONLY = {
	"get_social_summary": "party form summary",
	"get_consent_overview": "consent shown on a form",
	"get_next_statuses": "idea workflow choices",
	"similar_to_idea": "similar-idea suggestions",
	"verify_draw": "re-runs a recorded draw and compares, stores nothing",
	"get_candidates": "match candidates of a profile",
	"get_open_count": "connection counts on party forms (Frappe's, narrowed to readable rows)",
	"negative_share": "number card",
	"preview": "what a retention policy would remove",
	"get": "dashboard chart source",
	"get_ideas": "portal listing",
	"similar_ideas": "portal suggestions while typing",
	"get_idea": "portal idea page",
	"get_overview": "/my-social: what we store about the session user",
	"export_social_data": "download of a person's data (permission checked)",
	"lead_ads_webhook": "GET is Meta's subscription check, which only echoes the challenge",
}


def whitelisted() -> list[tuple[str, str, list[str] | None]]:
	"""(file, function, methods or None) of every @frappe.whitelist(...) in the app."""
	found = []
	for path in APP.rglob("*.py"):
		tree = ast.parse(path.read_text(), str(path))
		for node in ast.walk(tree):
			if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
				continue
			for deco in node.decorator_list:
				call = deco if isinstance(deco, ast.Call) else None
				target = call.func if call else deco
				if not (isinstance(target, ast.Attribute) and target.attr == "whitelist"):
					continue
				methods = None
				for kw in call.keywords if call else []:
					if kw.arg == "methods":
						methods = [elt.value for elt in kw.value.elts]
				found.append((str(path.relative_to(APP.parent)), node.name, methods))
	return found


def test_the_scan_sees_the_apps_methods():
	names = {name for _, name, _ in whitelisted()}
	assert {"ingest", "erase_social_data", "poll_now", "mark_responded"} <= names


def test_the_read_only_list_names_only_existing_methods():
	names = {name for _, name, _ in whitelisted()}
	assert set(READ_ONLY) <= names, set(READ_ONLY) - names


def test_state_changing_methods_accept_post_only():
	offenders = [
		f"{path}:{name} accepts {methods or 'any method'}"
		for path, name, methods in whitelisted()
		if (methods is None or set(methods) - {"POST"}) and name not in READ_ONLY
	]
	assert not offenders, "\n".join(offenders)
