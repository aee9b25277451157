"""A real RQ worker (what ``bench worker`` starts), bound to one site's queues, logging each job.

``bench worker`` reads the queue names from common_site_config only, so on a bench shared by
several sites it takes every site's jobs. This starts the same ``rq.Worker`` on Frappe's
queues after ``frappe.init(site)``: with ``bench_id`` set in that site's config (the benchmarks
set it while they run) the queue names are that site's own, so the worker runs only jobs its
site enqueued and no other site's worker runs them. Jobs run through Frappe's own
``execute_job`` in a forked work horse, as under ``bench worker``.

Each job appends one JSON line to ``--log``: job id, method, how many mentions / which
profile it was given, seconds, and the work horse's peak RSS (VmHWM).

    python benchmarks/_rq_worker.py --site S --queue long --log /tmp/jobs.jsonl [--burst]
"""

import argparse
import importlib
import json
import os
import time

from rq import Worker

import frappe
from frappe.utils import background_jobs


def peak_rss_mb() -> float:
	with open("/proc/self/status") as f:
		for line in f:
			if line.startswith("VmHWM:"):
				return int(line.split()[1]) / 1024
	return 0.0


PRELOAD = (
	"social_crm.api.ingest",
	"social_crm.listening.buffer",
	"social_crm.listening.enrichment",
	"social_crm.linking.jobs",
	"social_crm.support.issues",
)


class LoggingWorker(Worker):
	"""rq.Worker that appends one JSON line per job it performs (in the work horse)."""

	log_path = ""

	def perform_job(self, job, queue):
		started = time.perf_counter()
		ok = super().perform_job(job, queue)
		kwargs = job.kwargs.get("kwargs") or {}
		method = job.kwargs.get("method")
		line = {
			"job_id": job.id,
			"method": method if isinstance(method, str) else getattr(method, "__name__", str(method)),
			"names": kwargs.get("names"),
			"profile": kwargs.get("profile"),
			"seconds": round(time.perf_counter() - started, 3),
			"peak_rss_mb": round(peak_rss_mb(), 1),
			"pid": os.getpid(),
			"error": None if ok else (job.exc_info or "failed")[-300:],
		}
		with open(self.log_path, "a") as f:
			f.write(json.dumps(line) + "\n")
		return ok


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--bench", default="/opt/frappe-bench")
	parser.add_argument("--site", required=True)
	parser.add_argument("--queue", default="long")
	parser.add_argument("--log", required=True)
	parser.add_argument(
		"--preload",
		action="store_true",
		help="import the app's job modules before forking (each work horse then skips that import)",
	)
	parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
	args = parser.parse_args()
	os.chdir(os.path.join(args.bench, "sites"))
	frappe.init(site=args.site, sites_path=".")
	assert frappe.conf.get("bench_id"), "set bench_id in the site's config: queues of this site only"
	LoggingWorker.log_path = args.log
	if args.preload:
		for module in PRELOAD:
			importlib.import_module(module)
	queues = background_jobs.get_queue_list(args.queue.split(","), build_queue_name=True)
	worker = LoggingWorker(queues, connection=background_jobs.get_redis_conn())
	frappe.destroy()  # each job inits the site itself (execute_job), as under bench worker
	worker.work(burst=args.burst, logging_level="WARNING")


if __name__ == "__main__":
	main()
