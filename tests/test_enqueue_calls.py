"""Every background job the app enqueues can run on any worker of any machine, once.

Jobs scale out by starting more ``bench worker`` processes (README: "start more workers on
more machines"). That only holds when each ``frappe.enqueue`` call names its queue (so an
operator can give a queue its own workers), sets a timeout that fits the job (Frappe's
default is 300 s on short/default), and passes a ``job_id`` with ``deduplicate=True`` (Frappe
then skips the enqueue while a job of that id is queued or running, and namespaces the id by
site). The jobs themselves are idempotent (row locks, unique keys); the id keeps the queue
from filling with copies of the same work during a burst.

A call that cannot follow this is listed in ``EXEMPT`` with the reason; the list may only
shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "social_crm"
REQUIRED = ("queue", "timeout", "job_id", "deduplicate")

# (file relative to the repository, function containing the call) -> why it is exempt
EXEMPT: dict[tuple[str, str], str] = {}


def enqueue_calls():
	"""(file, enclosing function, call node) for every frappe.enqueue / enqueue_doc call of the app."""
	for path in sorted(APP.rglob("*.py")):
		if "tests" in path.relative_to(APP).parts:
			continue
		finder = _Finder()
		finder.visit(ast.parse(path.read_text(), filename=str(path)))
		for name, call in finder.calls:
			yield str(path.relative_to(APP.parent)), name, call


class _Finder(ast.NodeVisitor):
	"""Collects enqueue calls with the name of the innermost function around each."""

	def __init__(self):
		self.scope = ["<module>"]
		self.calls = []

	def visit_FunctionDef(self, node):
		self.scope.append(node.name)
		self.generic_visit(node)
		self.scope.pop()

	visit_AsyncFunctionDef = visit_FunctionDef

	def visit_Call(self, node):
		if _is_enqueue(node.func):
			self.calls.append((self.scope[-1], node))
		self.generic_visit(node)


def _is_enqueue(func) -> bool:
	if isinstance(func, ast.Attribute):
		return func.attr in ("enqueue", "enqueue_doc") and getattr(func.value, "id", None) == "frappe"
	return isinstance(func, ast.Name) and func.id in ("enqueue", "enqueue_doc")


def problems_of(call: ast.Call) -> list[str]:
	keywords = {k.arg: k.value for k in call.keywords if k.arg}
	problems = [f"no {name}=" for name in REQUIRED if name not in keywords]
	dedupe = keywords.get("deduplicate")
	if dedupe is not None and not (isinstance(dedupe, ast.Constant) and dedupe.value is True):
		problems.append("deduplicate is not True")
	job_id = keywords.get("job_id")
	if isinstance(job_id, ast.JoinedStr) and "generate_hash" in ast.unparse(job_id):
		problems.append("job_id is random (dedupe can never match)")
	return problems


def test_the_scan_finds_the_apps_enqueue_calls():
	found = {(path, name) for path, name, _ in enqueue_calls()}
	# a scan that found nothing would pass anything
	assert ("social_crm/listening/buffer.py", "enqueue_drain") in found
	assert ("social_crm/linking/jobs.py", "enqueue_unique") in found
	assert len(found) >= 15


def test_every_enqueue_names_queue_timeout_and_a_deduplicated_job_id():
	offenders = []
	for path, name, call in enqueue_calls():
		problems = problems_of(call)
		if problems and (path, name) not in EXEMPT:
			offenders.append(f"{path}:{call.lineno} in {name}(): {', '.join(problems)}")
	assert not offenders, "enqueue calls that do not scale out safely:\n" + "\n".join(offenders)


def test_exemptions_are_still_needed():
	still = {(path, name) for path, name, call in enqueue_calls() if problems_of(call)}
	assert not set(EXEMPT) - still, "remove exemptions of calls that are fixed"


def test_the_check_can_fail():
	bad = ast.parse('frappe.enqueue("m", queue="long", job_id=f"x:{frappe.generate_hash()}")').body[0].value
	assert problems_of(bad) == ["no timeout=", "no deduplicate=", "job_id is random (dedupe can never match)"]
	off = ast.parse('frappe.enqueue("m", queue="q", timeout=1, job_id="a", deduplicate=False)').body[0].value
	assert problems_of(off) == ["deduplicate is not True"]
