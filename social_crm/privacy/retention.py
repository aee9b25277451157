"""Retention policies in the database: preview and run, in small resumable batches.

The engine (``social_crm.engine.privacy.retention``) validates a policy and turns it into
filters; the preview counts with exactly those filters and the run walks them by keyset in
batches, each batch its own transaction when run as a job. Rows an earlier, interrupted run
handled no longer match the filters, so a new run simply continues.

The walk follows an index: in (age field, name) order where an index starts with the age field
(Mention ``posted_at``, ``modified``), one platform at a time where the policy names platforms
and an index (platform, age field) exists (Mention: ``platform_posted_at_index``). Each batch
then reads one stretch of that index, from the last row of the batch before to the cutoff:
rows are never scanned twice, however sparse the expired rows get (a walk in name order with
the policy's filters let MariaDB pick another index and sort, up to 20 s per batch at 10M).
Without such an index the walk is by name. Anonymizing moves a mention's ``posted_at`` back
to the hour, behind the walk's position, so it is never read again.
"""

import time

from pypika.terms import PseudoColumn

import frappe
from frappe import _
from frappe.query_builder.terms import NamedParameterWrapper
from frappe.utils import cint, get_datetime, now_datetime

from social_crm import errors, settings
from social_crm.clock import site_to_utc
from social_crm.contests.contest import anonymize_entries as anonymize_contest_entries
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy import retention as engine
from social_crm.insight import rollup
from social_crm.listening import learning
from social_crm.privacy import registry, store
from social_crm.privacy.audit import finish_log, write_log

# Fields a batch reads per target (the run needs more than names only to anonymize).
BATCH_FIELDS = {("Mention", engine.ANONYMIZE): store.MENTION_FIELDS}


def policy_from_doc(doc) -> engine.RetentionPolicy:
	"""The engine policy of a Social Retention Policy document (validated; raises a translated error)."""
	conditions = {"age_field": doc.get("age_field")}
	if doc.get("platform"):
		conditions["platform"] = doc.platform
	if doc.get("linked") and doc.linked != "Any":
		conditions["linked"] = doc.linked
	if doc.get("statuses"):
		conditions["status"] = doc.statuses
	keep_days = doc.get("keep_days")
	try:
		return engine.validate_policy(
			engine.RetentionPolicy(
				name=doc.get("policy_name") or doc.get("name") or "",
				target=doc.get("target") or "",
				conditions=conditions,
				keep_days=cint(keep_days) if keep_days not in (None, "") else keep_days,
				action=doc.get("action") or "",
				enabled=bool(doc.get("enabled")),
				applies_to_all=bool(doc.get("applies_to_all")),
			)
		)
	except InvalidRecord as e:
		frappe.throw(
			policy_error_message(e, doc), frappe.ValidationError, title=_("Invalid Retention Policy")
		)


def policy_error_message(e: InvalidRecord, doc) -> str:
	"""The translated message of a policy's engine error, with the form's raw values."""
	return errors.message(
		e,
		_("Invalid retention policy: {0}"),
		input=doc.get("keep_days"),
		platform=doc.get("platform"),
		statuses=doc.get("statuses"),
	)


def target_available(doctype: str) -> bool:
	"""The ingest error log doctype ships with the listening pipeline; be safe without it."""
	return bool(frappe.db.exists("DocType", doctype)) and frappe.db.table_exists(doctype)


def get_plan(doc, now=None) -> engine.RetentionPlan:
	now = get_datetime(now) if now else now_datetime()
	# post times are UTC, Frappe's stamps site-local: the engine measures each from its own clock
	return engine.plan(policy_from_doc(doc), now, site_to_utc(now))


def preview(doc, now=None) -> dict:
	"""How many records the policy would touch now, without touching them."""
	plan = get_plan(doc, now)
	if not target_available(plan.doctype):
		return {"count": 0, "doctype": plan.doctype, "action": plan.action, "available": False}
	count = frappe.db.count(plan.doctype, filters=plan.filters)
	return {
		"count": count,
		"doctype": plan.doctype,
		"action": plan.action,
		"cutoff": plan.cutoff,
		"available": True,
		"description": engine.describe(policy_from_doc(doc)),
	}


def batch_size() -> int:
	"""The configured largest batch (Social CRM Settings), within the engine's bounds."""
	return engine.batch_limit(settings.retention_batch_size())


def prepare_batch(plan: engine.RetentionPlan, rows: list[dict], persons: dict) -> dict | None:
	"""Work that needs no lock (anonymized values of mentions), done before the write transaction."""
	if plan.action == engine.ANONYMIZE and plan.doctype == "Mention" and not plan.clear_field:
		updates, cleared = store.prepare_mention_anonymization(rows, persons)
		return {"updates": updates, "cleared": cleared}
	return None


def still_selected(plan: engine.RetentionPlan, names: list[str], fields: list[str] | None = None) -> list:
	"""Re-check and lock the batch's rows: a row changed since it was read (e.g. linked meanwhile)
	and no longer selected by the policy is left alone. Names, or rows of ``fields`` (with name)."""
	if not names:
		return []
	query = frappe.qb.get_query(
		plan.doctype, filters=plan.filters, fields=fields or ["name"], for_update=True
	)
	# the batch's names bound as one parameter (the query builder renders a term per name)
	query = query.where(PseudoColumn("`name` in %(batch_names)s"))
	collected = NamedParameterWrapper()
	sql = query.get_sql(param_wrapper=collected)
	rows = frappe.db.sql(sql, {**collected.get_parameters(), "batch_names": names}, as_dict=bool(fields))
	return rows if fields else [row[0] for row in rows]


def apply_batch(
	plan: engine.RetentionPlan, rows: list[dict], persons: dict | None = None, prepared: dict | None = None
) -> int:
	"""Apply one batch of a plan; returns how many records it handled (``persons``: a cache of authors)."""
	if plan.action == engine.ANONYMIZE and plan.doctype == "Mention" and not plan.clear_field:
		return _anonymize_mentions(plan, rows, persons, prepared)
	names = still_selected(plan, [r.name for r in rows])
	if not names:
		return 0
	if plan.clear_field:
		return store.clear_field(plan.doctype, names, plan.clear_field)
	if plan.action == engine.ANONYMIZE:
		if plan.doctype == "Social Profile":
			return store.anonymize_profiles(names)
		if plan.doctype == "Social Contest Entry":
			return anonymize_contest_entries(names)
		raise InvalidRecord(f"{plan.doctype} records cannot be anonymized", "action")
	# how each store deletes its rows is declared once, in the registry of personal-data stores
	return registry.deleter(plan.doctype)(names)


def _anonymize_mentions(
	plan: engine.RetentionPlan, rows: list, persons: dict | None, prepared: dict | None
) -> int:
	"""The locked re-check reads the party fields the rollup needs, so they are not read again."""
	locked = still_selected(plan, [r.name for r in rows], rollup.PARTY_FIELDS_LIST)
	if not locked:
		return 0
	if prepared is None:
		prepared = prepare_batch(plan, rows, persons if persons is not None else {})
	keep = {r["name"] for r in locked}
	updates = {n: v for n, v in prepared["updates"].items() if n in keep}
	return store.write_mention_anonymization(updates, prepared["cleared"], locked)


def run_policy(
	policy: str,
	*,
	commit: bool = False,
	size: int | None = None,
	now=None,
	limit: int | None = None,
	log: bool = True,
) -> dict:
	"""Apply one policy to everything it selects now. Returns counts and timings.

	``commit=True`` (jobs only) commits after every batch, so no transaction holds more than
	one batch; ``limit`` stops after about that many records (the rest waits for the next run).
	"""
	doc = frappe.get_doc("Social Retention Policy", policy)
	plan = get_plan(doc, now)
	started = now_datetime()
	result = {"policy": doc.name, "action": plan.action, "doctype": plan.doctype, "count": 0, "batches": 0}
	# batch: read + prepare + write; transaction: the locked re-check + writes + commit
	result["longest_batch_seconds"] = result["longest_transaction_seconds"] = 0.0
	if not target_available(plan.doctype):
		result["skipped"] = _("{0} is not installed").format(plan.doctype)
		return result
	log_name = _start_log(doc, plan, started, commit) if log else None
	status = "Success"
	transactions: list[float] = []
	try:
		_run_batches(plan, result, transactions, size or batch_size(), limit, commit)
	except Exception:
		status = "Failed"
		if commit:
			frappe.db.rollback()
		frappe.log_error(
			title=_("Retention policy {0} failed").format(doc.name),
			reference_doctype="Social Retention Policy",
			reference_name=doc.name,
		)
		if not commit:
			raise
	finally:
		result.update(transaction_percentiles(transactions))
		if log_name:
			_finish_log(doc.name, log_name, status, result, started, commit)
	if plan.doctype == "Mention" and result["count"]:
		learning.labels_removed()  # expired labelled mentions leave the learned sentiment model too
	result["status"] = status
	result["log"] = log_name
	return result


def _start_log(doc, plan: engine.RetentionPlan, started, commit: bool) -> str:
	"""The run's "Running" Social Privacy Log row (an earlier run left "Running" is marked interrupted)."""
	mark_interrupted(doc.name)
	name = write_log(
		"Retention Run",
		engine.describe(policy_from_doc(doc)),
		action=plan.action,
		policy=doc.name,
		reference_doctype=plan.doctype,
		status="Running",
		started_at=started,
	).name
	_commit(commit)
	return name


def _run_batches(
	plan: engine.RetentionPlan,
	result: dict,
	transactions: list[float],
	size: int,
	limit: int | None,
	commit: bool,
) -> None:
	"""Walk the plan's rows by keyset in batches sized by ``engine.next_batch_size``; counts and
	timings go into ``result``, each write transaction's seconds into ``transactions``."""
	fields = BATCH_FIELDS.get((plan.doctype, plan.action), ["name"])
	age = plan.age_field if _indexed(plan.doctype, [plan.age_field]) else None
	if age and age not in fields:
		fields = [*fields, age]
	persons: dict = {}  # authors seen in earlier batches of this run
	# Start small and adapt: each transaction stays near the engine's target however busy the database is.
	current = engine.first_batch_size(size)
	for walk in _walks(plan, age):
		last = None
		while limit is None or result["count"] < limit:
			began = time.monotonic()
			rows = read_batch(
				plan,
				walk,
				fields,
				age,
				last,
				current if limit is None else min(current, limit - result["count"]),
			)
			if not rows:
				break
			last = rows[-1]
			_commit(commit)  # the read needs no transaction: end its snapshot before the work
			current = _write_batch(plan, rows, persons, result, transactions, current, size, commit, began)


def _indexed(doctype: str, columns: list[str]) -> bool:
	"""Whether ``doctype`` has an index of exactly ``columns``: InnoDB appends the primary key
	(name) to it, so it holds the rows in (columns..., name) order."""
	indexes: dict[str, list[tuple[int, str]]] = {}
	for row in frappe.db.sql(f"show index from `tab{doctype}`", as_dict=True):
		indexes.setdefault(row.Key_name, []).append((row.Seq_in_index, row.Column_name))
	return any([c for _, c in sorted(parts)] in (columns, [*columns, "name"]) for parts in indexes.values())


def _walks(plan: engine.RetentionPlan, age: str | None) -> list[list]:
	"""Extra filters of each walk: one per platform where an index (platform, age field) serves it."""
	if age and plan.platform_field and plan.platforms and _indexed(plan.doctype, [plan.platform_field, age]):
		return [[(plan.platform_field, "=", platform)] for platform in plan.platforms]
	return [[]]


def read_batch(
	plan: engine.RetentionPlan, walk: list, fields: list[str], age: str | None, last, size: int
) -> list:
	"""The next ``size`` rows of the plan after ``last`` (the previous batch's last row, None at the
	start), in (age field, name) order (``age``), else in name order."""
	table = frappe.qb.DocType(plan.doctype)
	query = frappe.qb.get_query(plan.doctype, filters=[*plan.filters, *walk], fields=fields, limit=size)
	if age:
		if last is not None:
			# (age, name) > (last age, last name), written so that the age range starts at the last age
			query = query.where(table[age] >= last[age]).where(
				(table[age] > last[age]) | (table.name > last.name)
			)
		query = query.orderby(table[age]).orderby(table.name)
	else:
		if last is not None:
			query = query.where(table.name > last.name)
		query = query.orderby(table.name)
	return query.run(as_dict=True)


def _write_batch(
	plan: engine.RetentionPlan,
	rows: list,
	persons: dict,
	result: dict,
	transactions: list[float],
	current: int,
	size: int,
	commit: bool,
	began: float,
) -> int:
	"""Prepare and write one batch (its own transaction); returns the next batch size."""
	prepared = prepare_batch(plan, rows, persons)
	writing = time.monotonic()
	result["count"] += apply_batch(plan, rows, persons, prepared)
	result["batches"] += 1
	_commit(commit)  # each batch's writes are their own transaction
	done = time.monotonic()
	result["longest_batch_seconds"] = max(result["longest_batch_seconds"], done - began)
	result["longest_transaction_seconds"] = max(result["longest_transaction_seconds"], done - writing)
	transactions.append(done - writing)
	# size by the write transaction: that is what holds locks (reading and preparing do not)
	return engine.next_batch_size(
		current, done - writing, engine.TARGET_BATCH_SECONDS, engine.MIN_BATCH_SIZE, size
	)


def transaction_percentiles(transactions: list[float]) -> dict:
	"""Median and 95th percentile of the write transactions' seconds (nothing without batches)."""
	if not transactions:
		return {}
	ordered = sorted(transactions)
	return {
		"median_transaction_seconds": ordered[len(ordered) // 2],
		"p95_transaction_seconds": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
	}


def _finish_log(policy: str, log_name: str, status: str, result: dict, started, commit: bool) -> None:
	result["seconds"] = (now_datetime() - started).total_seconds()
	finish_log(log_name, status, result["count"], details={k: v for k, v in result.items() if k != "skipped"})
	frappe.db.set_value(
		"Social Retention Policy",
		policy,
		{"last_run_on": now_datetime(), "last_run_count": result["count"]},
		update_modified=False,
	)
	_commit(commit)


def mark_interrupted(policy: str) -> None:
	"""A run that died (worker killed) left its row "Running"; the new run continues its work."""
	frappe.db.set_value(
		"Social Privacy Log",
		{"event": "Retention Run", "policy": policy, "status": "Running"},
		"status",
		"Interrupted",
		update_modified=False,
	)


def _commit(commit: bool) -> None:
	if commit:
		frappe.db.commit()  # nosemgrep: retention runs commit per batch so no transaction grows large


def create_default_policies() -> list[str]:
	"""Create the engine's default policies that are missing (by name); keep days from settings."""
	settings_days = {
		"Unlinked mentions after 90 days": settings.unlinked_mention_retention_days,
		"Linked mentions after 2 years": settings.linked_mention_retention_days,
		"Ingest error logs after 30 days": settings.error_log_retention_days,
	}
	created = []
	for policy in engine.default_policies():
		if frappe.db.exists("Social Retention Policy", policy.name):
			continue
		days = policy.keep_days
		configured = settings_days.get(policy.name)
		if configured:
			days = configured()
		linked = policy.conditions.get("linked")
		frappe.get_doc(
			{
				"doctype": "Social Retention Policy",
				"policy_name": policy.name,
				"enabled": 1,
				"target": policy.target,
				"action": policy.action,
				"keep_days": days,
				"age_field": policy.conditions["age_field"],
				"linked": "Any" if linked is None else ("Yes" if linked else "No"),
				"applies_to_all": 1 if policy.applies_to_all else 0,
			}
		).insert(ignore_permissions=True)
		created.append(policy.name)
	return created
