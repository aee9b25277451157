"""Install / uninstall / reinstall check of social_crm on a real site (run by scripts/run-tests).

    cd $BENCH_PATH/sites && ../env/bin/python $REPO/scripts/install_lifecycle.py SITE

SITE must have ERPNext and must not have social_crm installed. The script proves, with the
bench's own commands, that
  1. install-app works on a site whose caches predate the app (a site running for a while),
  2. an install that was interrupted after the doctypes were synced can simply be retried,
  3. uninstall-app leaves nothing of the app behind (fields, columns, roles, doctypes, tables),
  4. install-app works again after that.
It leaves the app installed. Exit code 0 only when every check passes.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import frappe

APP = "social_crm"
MODULE = "Social CRM"
PARTIES = ("Customer", "Lead", "Contact")
OUR_FIELDS = ("social_crm_section", "social_summary", "social_handles")
ROLES = ("Social CRM Manager", "Social CRM User")

results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append((name, bool(ok), detail))
	print(f"  [{'ok' if ok else 'FAIL'}] {name}{(': ' + detail) if detail and not ok else ''}", flush=True)


def bench(site: str, *args: str) -> subprocess.CompletedProcess:
	"""Run a bench command in a new process, as a person would. Our own connection is closed
	first: an open transaction holds metadata locks that uninstall's DROP TABLE would wait on."""
	disconnect()
	cmd = [os.environ.get("BENCH_CLI") or shutil.which("bench") or "bench", "--site", site, *args]
	proc = subprocess.run(cmd, cwd="..", capture_output=True, text=True)
	if proc.returncode:
		print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
	return proc


def disconnect() -> None:
	if getattr(frappe.local, "site", None):
		if getattr(frappe.local, "db", None):
			frappe.db.commit()  # nosemgrep: end our read transaction before another process changes the schema
		frappe.destroy()


def connect(site: str) -> None:
	disconnect()
	frappe.init(site=site, sites_path=".")
	frappe.connect()


def installed(site: str) -> bool:
	connect(site)
	return APP in frappe.get_installed_apps()


def make_caches_stale(site: str) -> None:
	"""What a site that has run since before the app was on the bench has in Redis."""
	connect(site)
	frappe.local.app_modules = None
	frappe.cache.delete_value(["app_modules", "installed_app_modules"])
	frappe.setup_module_map()
	modules = {app: mods for app, mods in frappe.local.app_modules.items() if app != APP}
	frappe.cache.set_value("app_modules", modules)
	frappe.cache.set_value("installed_app_modules", modules)
	frappe.db.get_value("DocType", "Social CRM Settings", "module")  # warm a miss, as a running site would


def check_installed_state(site: str, label: str) -> None:
	connect(site)
	check(f"{label}: app listed as installed", APP in frappe.get_installed_apps())
	check(f"{label}: settings saved with defaults", _settings_saved())
	for party in PARTIES:
		check(
			f"{label}: custom fields on {party}",
			frappe.db.count("Custom Field", {"dt": party, "fieldname": ("in", OUR_FIELDS)})
			== len(OUR_FIELDS),
		)
	check(f"{label}: roles", all(frappe.db.exists("Role", role) for role in ROLES))
	check(f"{label}: retention policies", frappe.db.count("Social Retention Policy") > 0)
	check(f"{label}: Mention table", frappe.db.table_exists("Mention"))


def _settings_saved() -> bool:
	return bool(frappe.db.sql("select count(*) from `tabSingles` where doctype='Social CRM Settings'")[0][0])


def leftovers(site: str) -> dict[str, list]:
	connect(site)
	found: dict[str, list] = {}

	def note(kind, rows):
		if rows:
			found[kind] = list(rows)

	from social_crm.install import get_custom_fields

	added = {doctype: {f["fieldname"] for f in fields} for doctype, fields in get_custom_fields().items()}
	for doctype, fieldnames in added.items():
		note(
			f"custom fields on {doctype}",
			frappe.get_all(
				"Custom Field", {"dt": doctype, "fieldname": ("in", list(fieldnames))}, pluck="name"
			),
		)
		note(f"columns of {doctype}", [c for c in frappe.db.get_table_columns(doctype) if c in fieldnames])
		note(
			f"property setters on {doctype}",
			frappe.get_all(
				"Property Setter", {"doc_type": doctype, "field_name": ("in", list(fieldnames))}, pluck="name"
			),
		)
	note("roles", [r for r in ROLES if frappe.db.exists("Role", r)])
	note("has role", frappe.get_all("Has Role", {"role": ("in", ROLES)}, pluck="name"))
	note("module def", frappe.get_all("Module Def", {"app_name": APP}, pluck="name"))
	for doctype in (
		"DocType",
		"Report",
		"Workspace",
		"Dashboard Chart",
		"Number Card",
		"Page",
		"Print Format",
	):
		if frappe.db.table_exists(doctype):
			note(doctype, frappe.get_all(doctype, {"module": MODULE}, pluck="name"))
	note("tables", [t for t in frappe.db.get_tables() if t[3:] in _our_doctypes()])
	note(
		"scheduled jobs", frappe.get_all("Scheduled Job Type", {"method": ("like", f"{APP}.%")}, pluck="name")
	)
	note("installed apps", [a for a in frappe.get_installed_apps() if a == APP])
	return found


def _our_doctypes() -> set[str]:
	folder = Path(frappe.get_app_path(APP, "social_crm", "doctype"))
	names = set()
	for path in folder.glob("*/*.json"):
		if path.stem == path.parent.name:
			names.add(json.loads(path.read_text())["name"])
	return names


def main(site: str) -> int:
	connect(site)
	if APP in frappe.get_installed_apps():
		print(f"{site} already has {APP}; the lifecycle check needs a site without it", file=sys.stderr)
		return 2

	print("1. install-app on a site whose caches predate the app")
	make_caches_stale(site)
	proc = bench(site, "install-app", APP)
	check("install-app exits 0", proc.returncode == 0)
	check_installed_state(site, "after install")

	print("2. retry of an install interrupted after the doctypes were synced")
	connect(site)
	from frappe.installer import remove_from_installed_apps

	remove_from_installed_apps(APP)  # what a crash after sync_for leaves: tables, module def, no listing
	frappe.db.delete("Singles", {"doctype": "Social CRM Settings"})
	frappe.db.commit()  # nosemgrep: simulating a crash that left this state behind
	proc = bench(site, "install-app", APP)
	check("retried install-app exits 0", proc.returncode == 0)
	check_installed_state(site, "after retry")

	print("3. uninstall-app leaves nothing behind")
	proc = bench(site, "uninstall-app", APP, "--yes", "--no-backup")
	check("uninstall-app exits 0", proc.returncode == 0)
	left = leftovers(site)
	check("nothing of the app is left", not left, json.dumps(left, default=str))

	print("4. reinstall")
	proc = bench(site, "install-app", APP)
	check("reinstall exits 0", proc.returncode == 0)
	check_installed_state(site, "after reinstall")

	disconnect()
	passed = sum(1 for _, ok, _ in results if ok)
	failed = len(results) - passed
	print(f"install lifecycle: {passed} checks passed, {failed} failed")
	return 0 if failed == 0 else 1


if __name__ == "__main__":
	sys.exit(main(sys.argv[1]))
