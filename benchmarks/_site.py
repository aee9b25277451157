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
