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
	names = frappe.get_all("Mention", filters={"external_id": ("like", f"{PREFIX}%")}, pluck="name")
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		frappe.db.delete("Mention Rule Match", {"parent": ("in", chunk)})
		frappe.db.delete("Mention", {"name": ("in", chunk)})
	frappe.db.delete("Social Profile", {"external_id": ("like", f"{PREFIX}%")})
	frappe.db.delete("Social Ingest Error", {"external_id": ("like", f"{PREFIX}%")})
	frappe.db.sql("delete from `tabSocial Ingest Buffer` where payload like %s", (f'%"{PREFIX}%',))
	frappe.db.commit()  # nosemgrep: benchmark cleanup


def deliver_all(frappe, records: list[dict]) -> float:
	import importlib

	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	from social_crm.engine import webhook
	from social_crm.listening import buffer

	api = importlib.import_module("social_crm.api.ingest")
	t0 = time.perf_counter()
	with mock.patch.object(buffer, "enqueue_drain"):
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


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--count", type=int, default=100_000)
	parser.add_argument("--authors", type=int, default=25_000)
	parser.add_argument("--workers", default="1,2")
	parser.add_argument("--worker", action="store_true")
	own, _ = parser.parse_known_args()
	if own.worker:
		return worker_main()
	args = connect(__doc__)
	import frappe
	from frappe.utils.password import remove_encrypted_password, set_encrypted_password

	from social_crm.listening import buffer

	site_args = ["--site", args.site, "--bench", args.bench]
	cleanup(frappe)
	ensure_rules(frappe)
	linking = frappe.db.get_single_value("Social CRM Settings", "enable_auto_linking")
	frappe.db.set_single_value("Social CRM Settings", "enable_auto_linking", 0)
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
