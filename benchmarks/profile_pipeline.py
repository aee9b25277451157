"""Where the time of a cold ingest (first-seen authors) goes: pyinstrument over bench_pipeline's ingest.

    PYTHONPATH=<dir with pyinstrument> /opt/frappe-bench/env/bin/python benchmarks/profile_pipeline.py \
        --site listen.localhost [--count 3000 --authors 1000] [--html /tmp/pipeline.html]

Only the Ingestor's pages (+ their commits) are profiled, without enrichment, as the
"ingest" figure of bench_pipeline.py. Rows are removed at the end.
"""

import argparse
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect
from bench_pipeline import PAGE, cleanup, ensure_rules, make_posts


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--count", type=int, default=3000)
	parser.add_argument("--authors", type=int, default=1000)
	parser.add_argument("--html")
	own, _ = parser.parse_known_args()
	connect(__doc__)
	from pyinstrument import Profiler

	import frappe

	from social_crm.listening.pipeline import Ingestor

	cleanup(frappe)
	ensure_rules(frappe)
	linking = frappe.db.get_single_value("Social CRM Settings", "enable_auto_linking")
	frappe.db.set_single_value("Social CRM Settings", "enable_auto_linking", 0)
	frappe.db.commit()  # nosemgrep
	try:
		posts = make_posts(own.count, own.authors)
		ingestor = Ingestor(origin="Import", enrichment="none")
		profiler = Profiler(interval=0.002)
		t0 = time.perf_counter()
		profiler.start()
		for start in range(0, len(posts), PAGE):
			ingestor.ingest(posts[start : start + PAGE])
			frappe.db.commit()  # nosemgrep: one transaction per page
		profiler.stop()
		elapsed = time.perf_counter() - t0
		print(f"{len(posts)} posts, {own.authors} new authors: {elapsed:.2f} s, {ingestor.stats.as_dict()}")
		print(profiler.output_text(unicode=False, color=False, show_all=False))
		if own.html:
			with open(own.html, "w") as f:
				f.write(profiler.output_html())
	finally:
		frappe.db.set_single_value("Social CRM Settings", "enable_auto_linking", linking)
		frappe.db.commit()  # nosemgrep
		cleanup(frappe)
		frappe.destroy()


if __name__ == "__main__":
	main()
