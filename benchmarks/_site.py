"""Connect a benchmark script to a Frappe site of a bench (run with the bench's python)."""

import argparse
import os


def connect(description: str) -> argparse.Namespace:
	parser = argparse.ArgumentParser(description=description)
	parser.add_argument("--bench", default=os.environ.get("BENCH_PATH", "/opt/frappe-bench"))
	parser.add_argument("--site", default=os.environ.get("TEST_SITE", "social.localhost"))
	parser.add_argument("--keep", action="store_true", help="keep the generated rows")
	args, _ = parser.parse_known_args()
	import frappe

	os.chdir(os.path.join(args.bench, "sites"))
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	return args


def tree_leaf(frappe, doctype: str, root: str) -> str:
	"""A leaf of an ERPNext tree (Territory, Customer Group, Item Group) for bench records; on a
	site whose setup wizard never ran (a bare benchmark site) the tree is empty, so its root is made."""
	from social_crm.tests.utils import leaf

	name = leaf(doctype, root)
	if name == root and not frappe.db.exists(doctype, root):
		field = frappe.scrub(doctype) + "_name"
		frappe.get_doc({"doctype": doctype, field: root, "is_group": 1}).insert(ignore_permissions=True)
	return name


def ensure_uom(frappe, uom: str = "Nos") -> str:
	"""The unit bench Items are stocked in (the setup wizard makes it on a real site)."""
	if not frappe.db.exists("UOM", uom):
		frappe.get_doc({"doctype": "UOM", "uom_name": uom}).insert(ignore_permissions=True)
	return uom
