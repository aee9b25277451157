"""A webhook burst: accepted at once into the Social Ingest Buffer, then drained by 1 and 2 workers.

1. ``--count`` records (default 100,000) arrive as signed deliveries of 1,000 records with
   ``Prefer: respond-async`` through the webhook function ``social_crm.api.ingest`` (the
   request object is built in-process, as the tests do; no HTTP server): time to accept,
   peak RSS of the accepting process.
2. The buffer is drained by N worker processes (each its own database connection, running
   ``social_crm.listening.buffer.drain`` as the queued job does), N = 1 and then N = 2 on a
   fresh buffer of the same size: wall time, throughput, duplicates (must be 0), records
   left (must be 0), peak RSS per worker.

Enrichment jobs are not enqueued while draining (``bench_enrichment.py`` measures them) and
auto-linking is off, as in ``bench_pipeline.py``; the drain jobs the webhook would enqueue are
not queued either: the worker processes of this script do the draining.

    /opt/frappe-bench/env/bin/python benchmarks/bench_burst.py --site listen.localhost [--count 100000]

``--rq``: the same burst through real RQ workers (``_rq_worker.py``: ``rq.Worker`` on Frappe's
queues, jobs through Frappe's ``execute_job``, the site's own queue names via ``bench_id``):
the webhook enqueues the drain jobs itself (``social_crm_ingest_drainers`` = N, deduplicated
job ids), N workers on ``long`` drain the buffer; then N workers on ``short,default`` run the
enrichment and linking jobs the drain enqueued (auto-linking on; ``--contacts`` authors have a
Contact whose Social Handles name them, so their match job links). Checked: no Mention twice,
no Social Profile twice, every job id run once (drain slots excepted: a slot may run again
for a later delivery), every mention enriched exactly once, one link save (Version) per
linked profile, no failed job, no new Error Log.

    /opt/frappe-bench/env/bin/python benchmarks/bench_burst.py --site h15.localhost --rq \
        --count 20000 --authors 1000 --contacts 200 --workers 1,2

Rows get the external id prefix "bench-bu-" and are removed at the end (unless --keep).
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from unittest import mock

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _site import connect

PREFIX = "bench-bu-"
RULE_PREFIX = "Bench BU "
DELIVERY = 1_000
SECRET = "bench-burst-secret"
TEXTS = [
	"The new NovaCafe coffee is really great and I love it",
	"NovaCafe support was terrible and nobody answered my emails",
	"Der neue Nova Cafe Kaffee ist wirklich super",
	"Switched from BeanCo to #novacafe and it made my week",
	"Lovely weather in Hamburg today, going for a walk",
]


def peak_rss_mb() -> float:
	"""VmHWM of this process (ru_maxrss would carry the parent's peak across fork + exec)."""
	try:
		with open("/proc/self/status") as f:
			for line in f:
				if line.startswith("VmHWM:"):
					return int(line.split()[1]) / 1024
	except OSError:
		pass
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_records(count: int, authors: int, run: int) -> list[dict]:
	rng = random.Random(run)
	start = datetime(2026, 11, 1, tzinfo=timezone.utc)
	return [
		{
			"platform": "Mastodon",
			"external_id": f"{PREFIX}{run}-{i}",
			"text": rng.choice(TEXTS),
			"posted_at": (start + timedelta(seconds=i)).isoformat(),
			"author": {
				"handle": f"{PREFIX}a{run}-{rng.randrange(authors)}@bench.example",
				"display_name": "Bench Burst",
				"followers": rng.randrange(5000),
			},
		}
		for i in range(count)
	]


def ensure_rules(frappe):
	for kind, terms in (("Brand", "NovaCafe\nNova Cafe\n#novacafe"), ("Competitor", "BeanCo")):
		name = f"{RULE_PREFIX}{kind}"
		if not frappe.db.exists("Listening Rule", name):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": name, "kind": kind, "terms": terms}
			).insert()


def cleanup(frappe):
	contacts = frappe.get_all("Contact", filters={"first_name": "BenchBurst"}, pluck="name")
	for name in contacts:
		frappe.delete_doc("Contact", name, force=True, ignore_permissions=True)
	profiles = frappe.get_all("Social Profile", filters={"external_id": ("like", f"{PREFIX}%")}, pluck="name")
	for start in range(0, len(profiles), 1000):
		frappe.db.delete(
			"Version", {"ref_doctype": "Social Profile", "docname": ("in", profiles[start : start + 1000])}
		)
	names = frappe.get_all("Mention", filters={"external_id": ("like", f"{PREFIX}%")}, pluck="name")
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		frappe.db.delete("Mention Rule Match", {"parent": ("in", chunk)})
		frappe.db.delete("Mention", {"name": ("in", chunk)})
	frappe.db.delete("Social Profile", {"external_id": ("like", f"{PREFIX}%")})
	frappe.db.delete("Social Ingest Error", {"external_id": ("like", f"{PREFIX}%")})
	frappe.db.sql("delete from `tabSocial Ingest Buffer` where payload like %s", (f'%"{PREFIX}%',))
	frappe.db.commit()  # nosemgrep: benchmark cleanup


def deliver_all(frappe, records: list[dict], enqueue: bool = False) -> float:
	import importlib

	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	from social_crm.engine import webhook
	from social_crm.listening import buffer

	api = importlib.import_module("social_crm.api.ingest")
	t0 = time.perf_counter()
	with mock.patch.object(buffer, "enqueue_drain", wraps=buffer.enqueue_drain if enqueue else None):
		for start in range(0, len(records), DELIVERY):
			body = json.dumps(records[start : start + DELIVERY]).encode()
			stamp, delivery = str(int(time.time())), uuid.uuid4().hex
			headers = {
				webhook.TIMESTAMP_HEADER: stamp,
				webhook.DELIVERY_HEADER: delivery,
				webhook.SIGNATURE_HEADER: webhook.sign(SECRET, stamp, delivery, "", body),
				"Prefer": "respond-async",
			}
			environ = EnvironBuilder(
				path="/api/method/social_crm.api.ingest",
				method="POST",
				data=body,
				headers=headers,
				content_type="application/json",
			).get_environ()
			frappe.local.request = Request(environ)
			frappe.local.request_ip = f"127.0.{start // 250_000}.{(start // DELIVERY) % 250 + 1}"
			frappe.set_user("Guest")
			answer = api.ingest()
			assert answer["queued"] == len(records[start : start + DELIVERY]), answer
			frappe.db.commit()  # nosemgrep: each request commits
			frappe.local.request = None
	frappe.set_user("Administrator")
	return time.perf_counter() - t0


def worker_main():
	"""One drain worker (a separate process, its own connection): prints a JSON line."""
	connect("drain worker")
	import frappe

	from social_crm.listening import buffer, pipeline

	t0 = time.perf_counter()
	with mock.patch.object(pipeline, "enqueue_enrichment"):
		summary = buffer.drain()
	print(json.dumps({"summary": summary, "seconds": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb()}))
	frappe.destroy()


def drain_with(workers: int, site_args: list[str]) -> tuple[float, list[dict]]:
	t0 = time.perf_counter()
	procs = [
		subprocess.Popen(
			[sys.executable, __file__, "--worker", *site_args],
			stdout=subprocess.PIPE,
			text=True,
			env=os.environ,
		)
		for _ in range(workers)
	]
	outputs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
	return time.perf_counter() - t0, outputs


def count_stored(frappe, run: int) -> tuple[int, int]:
	like = f"{PREFIX}{run}-%"
	stored = frappe.db.count("Mention", {"external_id": ("like", like)})
	duplicates = frappe.db.sql(
		"""select count(*) from (select external_id from `tabMention` where external_id like %s
		group by platform, external_id having count(*) > 1) d""",
		(like,),
	)[0][0]
	return stored, duplicates


# --- real RQ workers (--rq) -------------------------------------------------------------------

WORKER = __file__.rsplit("/", 1)[0] + "/_rq_worker.py"
QUEUES = ("short", "default", "long")
PRELOAD: list[str] = []  # ["--preload"] with --preload


def site_queues(frappe):
	from frappe.utils.background_jobs import get_queue

	return {q: get_queue(q) for q in QUEUES}


def run_workers(frappe, workers: int, queue: str, site_args: list[str], log: str) -> float:
	"""Start ``workers`` real RQ workers in burst mode on ``queue``; wall time until all exit."""
	t0 = time.perf_counter()
	procs = [
		subprocess.Popen(
			[sys.executable, WORKER, *site_args, "--queue", queue, "--log", log, "--burst", *PRELOAD]
		)
		for _ in range(workers)
	]
	for proc in procs:
		proc.wait()
	return time.perf_counter() - t0


def read_log(log: str) -> list[dict]:
	if not os.path.exists(log):
		return []
	with open(log) as f:
		return [json.loads(line) for line in f if line.strip()]


def make_contacts(frappe, run: int, contacts: int) -> None:
	"""Contacts whose Social Handles name the first ``contacts`` authors of the run (they link)."""
	for k in range(contacts):
		doc = frappe.get_doc({"doctype": "Contact", "first_name": "BenchBurst", "last_name": f"{run}-{k}"})
		doc.social_handles = f"mastodon:{PREFIX}a{run}-{k}@bench.example"
		doc.insert(ignore_permissions=True)
	frappe.db.commit()  # nosemgrep: the workers must see them


def duplicate_profiles(frappe, run: int) -> int:
	return frappe.db.sql(
		"""select count(*) from (select handle from `tabSocial Profile` where external_id like %s
		group by platform, handle having count(*) > 1) d""",
		(f"%{PREFIX}a{run}-%",),
	)[0][0]


def rq_run(frappe, own, run: int, workers: int, site_args: list[str]) -> None:
	from social_crm.listening import buffer

	log = f"/tmp/bench_burst_jobs_{os.getpid()}_{run}.jsonl"
	frappe.conf.social_crm_ingest_drainers = workers  # read by enqueue_drain in the webhook
	for q in site_queues(frappe).values():
		q.empty()
	make_contacts(frappe, run, own.contacts)
	errors_before = frappe.db.count("Error Log")
	records = make_records(own.count, own.authors, run)
	accept_s = deliver_all(frappe, records, enqueue=True)
	del records
	queued = {name: q.count for name, q in site_queues(frappe).items()}
	print(
		f"run {run} (rq, {workers} worker(s)): {own.count} records ({own.authors} authors) accepted in "
		f"{accept_s:.1f} s = {own.count / accept_s:.0f}/s; buffer depth {buffer.pending_count()}; "
		f"jobs queued by the webhook {queued}; load {os.getloadavg()}"
	)
	# (a) the drain
	wall = run_workers(frappe, workers, "long", site_args, log)
	frappe.db.rollback()
	drains = [j for j in read_log(log) if j["method"].endswith("buffer.drain")]
	stored, duplicates = count_stored(frappe, run)
	profiles = frappe.db.count("Social Profile", {"external_id": ("like", f"%{PREFIX}a{run}-%")})
	failed = frappe.db.count("Social Ingest Error", {"external_id": ("like", f"{PREFIX}{run}-%")})
	drain_seconds = ", ".join("{:.1f} s".format(j["seconds"]) for j in drains)
	drain_rss = ", ".join("{:.0f} MB".format(j["peak_rss_mb"]) for j in drains)
	print(
		f"  (a) drain by {workers} RQ worker(s): {wall:.1f} s wall (incl. worker start) = "
		f"{own.count / wall:.0f} records/s; drain jobs run {len(drains)} "
		f"({drain_seconds}); mentions stored {stored}, duplicate "
		f"mentions {duplicates}, profiles {profiles}, duplicate profiles {duplicate_profiles(frappe, run)}, "
		f"ingest errors {failed}, left in buffer {buffer.pending_count()}; peak RSS per drain job "
		f"{drain_rss}; job errors "
		f"{[j['error'] for j in drains if j['error']]}; load {os.getloadavg()}"
	)
	if own.skip_jobs:
		print(
			f"  (b) skipped (--skip-jobs); jobs left queued {({n: q.count for n, q in site_queues(frappe).items()})}"
		)
		os.unlink(log)
		cleanup(frappe)
		return
	# (b) enrichment and linking
	queued = {name: q.count for name, q in site_queues(frappe).items()}
	before = len(read_log(log))
	wall = run_workers(frappe, workers, "short,default", site_args, log)
	frappe.db.rollback()
	jobs = read_log(log)[before:]
	runs: dict[str, int] = {}
	for job in jobs:
		runs[job["job_id"]] = runs.get(job["job_id"], 0) + 1
	enriched = [n for j in jobs if j["method"].endswith("enrich_mentions") for n in j["names"] or []]
	like = f"{PREFIX}{run}-%"
	not_enriched = frappe.db.count(
		"Mention", {"external_id": ("like", like), "enriched_on": ("is", "not set")}
	)
	names = frappe.get_all(
		"Social Profile", filters={"external_id": ("like", f"%{PREFIX}a{run}-%")}, pluck="name"
	)
	linked = frappe.db.count("Social Profile", {"name": ("in", names or [""]), "party": ("is", "set")})
	saves = frappe.db.sql(
		"""select docname, count(*) from `tabVersion` where ref_doctype = 'Social Profile'
		and docname in %s group by docname having count(*) > 1""",
		(tuple(names or [""]),),
	)
	linked_mentions = frappe.db.count("Mention", {"external_id": ("like", like), "party": ("is", "set")})
	by_method: dict[str, int] = {}
	for job in jobs:
		by_method[job["method"].rsplit(".", 1)[-1]] = by_method.get(job["method"].rsplit(".", 1)[-1], 0) + 1
	rss = [j["peak_rss_mb"] for j in jobs] or [0]
	print(
		f"  (b) enrichment + linking by {workers} RQ worker(s): queued {queued}; {len(jobs)} jobs "
		f"{by_method} in {wall:.1f} s wall = {len(jobs) / wall:.1f} jobs/s, {len(enriched) / wall:.0f} "
		f"mentions enriched/s; job ids run twice {sum(1 for c in runs.values() if c > 1)}; mentions "
		f"enriched {len(enriched)} (distinct {len(set(enriched))}), left unenriched {not_enriched}; "
		f"profiles linked {linked} of {own.contacts} with a Contact, profiles saved twice {len(saves)}, "
		f"mentions with a party {linked_mentions}; failed jobs {sum(1 for j in jobs if j['error'])}, "
		f"new Error Log rows {frappe.db.count('Error Log') - errors_before}; work horse peak RSS "
		f"median {sorted(rss)[len(rss) // 2]:.0f} MB, max {max(rss):.0f} MB; load {os.getloadavg()}"
	)
	os.unlink(log)
	cleanup(frappe)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--count", type=int, default=100_000)
	parser.add_argument("--authors", type=int, default=25_000)
	parser.add_argument("--workers", default="1,2")
	parser.add_argument("--worker", action="store_true")
	parser.add_argument("--rq", action="store_true", help="real RQ workers, jobs enqueued by the app")
	parser.add_argument("--skip-jobs", action="store_true", help="--rq: measure the drain only")
	parser.add_argument("--preload", action="store_true", help="--rq: workers import the app's job modules")
	parser.add_argument("--contacts", type=int, default=200, help="--rq: authors with a matching Contact")
	own, _ = parser.parse_known_args()
	if own.worker:
		return worker_main()
	if own.preload:
		PRELOAD.append("--preload")
	args = connect(__doc__)
	import frappe
	from frappe.utils.password import remove_encrypted_password, set_encrypted_password

	from social_crm.listening import buffer

	site_args = ["--site", args.site, "--bench", args.bench]
	cleanup(frappe)
	ensure_rules(frappe)
	linking = frappe.db.get_single_value("Social CRM Settings", "enable_auto_linking")
	frappe.db.set_single_value("Social CRM Settings", "enable_auto_linking", 1 if own.rq else 0)
	bench_id = frappe.conf.get("bench_id")
	if bench_id and bench_id.endswith("-bench-burst"):
		bench_id = None  # left by an interrupted run
	if own.rq:
		from frappe.installer import update_site_config

		# this site's own queue names: its workers run only its jobs, other sites' workers none
		update_site_config("bench_id", f"{args.site}-bench-burst")
	settings = frappe.get_single("Social CRM Settings")
	old_secret = settings.get_password("ingest_secret", raise_exception=False)
	set_encrypted_password("Social CRM Settings", "Social CRM Settings", SECRET, "ingest_secret")
	frappe.db.set_single_value("Social CRM Settings", "ingest_secret", "*" * 10)
	frappe.clear_document_cache("Social CRM Settings", "Social CRM Settings")
	frappe.conf.social_crm_ingest_rate_limit = 100_000
	frappe.db.commit()  # nosemgrep
	print(f"load before: {os.getloadavg()}")
	try:
		for run, workers in enumerate(int(w) for w in own.workers.split(",")):
			if own.rq:
				rq_run(frappe, own, run, workers, site_args)
				continue
			records = make_records(own.count, own.authors, run)
			pending_before = buffer.pending_count()
			accept_s = deliver_all(frappe, records)
			del records
			depth = buffer.pending_count() - pending_before
			print(
				f"run {run}: {own.count} records ({own.authors} authors) accepted in {accept_s:.1f} s "
				f"= {own.count / accept_s:.0f} records/s through the webhook; buffer depth {depth}; "
				f"accepting process peak RSS {peak_rss_mb():.0f} MB"
			)
			wall, outputs = drain_with(workers, site_args)
			frappe.db.rollback()
			stored, duplicates = count_stored(frappe, run)
			summary: dict[str, int] = {}
			for out in outputs:
				for status, count in out["summary"].items():
					summary[status] = summary.get(status, 0) + count
			rss = ", ".join(f"{o['peak_rss_mb']:.0f} MB" for o in outputs)
			own_s = ", ".join(f"{o['seconds']:.1f} s" for o in outputs)
			print(
				f"  drained by {workers} worker(s) in {wall:.1f} s wall (incl. process start; drain loop "
				f"{own_s}) = {sum(summary.values()) / wall:.0f} records/s; "
				f"outcome {summary}; mentions stored {stored}, duplicates {duplicates}, "
				f"left in buffer {buffer.pending_count()}; peak RSS per worker "
				f"{rss}; load {os.getloadavg()}"
			)
	finally:
		if own.rq:
			from frappe.installer import update_site_config

			for q in site_queues(frappe).values():
				q.empty()
			update_site_config("bench_id", bench_id or "None")
		if old_secret:
			set_encrypted_password("Social CRM Settings", "Social CRM Settings", old_secret, "ingest_secret")
		else:
			remove_encrypted_password("Social CRM Settings", "Social CRM Settings", "ingest_secret")
			frappe.db.set_single_value("Social CRM Settings", "ingest_secret", None)
		frappe.db.set_single_value("Social CRM Settings", "enable_auto_linking", linking)
		frappe.db.commit()  # nosemgrep
		if not args.keep:
			cleanup(frappe)
			for kind in ("Brand", "Competitor"):
				frappe.delete_doc("Listening Rule", f"{RULE_PREFIX}{kind}", force=True, ignore_missing=True)
			frappe.db.commit()  # nosemgrep
		frappe.destroy()


if __name__ == "__main__":
	main()
