"""The response-time rollup against the mentions: every writer keeps it exact, the report reads it."""

import math
import random
from collections import Counter
from datetime import datetime, timedelta

import frappe
from frappe.desk.form.assign_to import add as assign
from frappe.utils import get_datetime, getdate, now_datetime

from social_crm.engagement.assignment import remove_assignment
from social_crm.engagement.response import set_work_status
from social_crm.engine.insight.response import EXACT_UP_TO, bucket_of
from social_crm.engine.records import Post
from social_crm.insight import response_rollup, rollup
from social_crm.listening.pipeline import Ingestor
from social_crm.privacy.erasure import erase
from social_crm.privacy.retention import run_policy
from social_crm.social_crm.report.response_times import response_times
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import insert_mentions, make_rule
from social_crm.tests.utils import make_customer, make_user

PLATFORMS = ["Mastodon", "Reddit", "Bluesky"]
HANDLES = [f"respond{i}@example.social" for i in range(4)]
AGENTS = [f"rr-agent-{i}@example.com" for i in range(3)]


def stored() -> dict:
	"""The rollup table as {(grain, day, assignee, platform, responded, ignored, bucket): (count, minutes)}."""
	return {
		(g, getdate(d), a, p, int(r), int(i), int(b)): (int(c), round(float(s), 4))
		for g, d, a, p, r, i, b, c, s in frappe.db.sql(
			f"""select grain, day, assigned_to, platform, responded, ignored, bucket, mention_count, minutes
			from {response_rollup.TABLE}"""
		)
	}


def raw() -> dict:
	"""The same from the mentions, in Python: per UTC day and per week (its Monday)."""
	count, minutes = Counter(), Counter()
	for m in frappe.db.sql(
		"""select posted_at, assigned_to, platform, status, first_response_at, response_minutes
		from `tabMention` where posted_at is not null""",
		as_dict=True,
	):
		responded = 1 if m.first_response_at else 0
		spent = float(m.response_minutes or 0) if responded else 0.0
		day = get_datetime(m.posted_at).date()
		rest = (
			m.assigned_to or "",
			m.platform or "",
			responded,
			1 if m.status == "Ignored" else 0,
			bucket_of(spent) if responded else 0,
		)
		for key in (("Day", day, *rest), ("Week", day - timedelta(days=day.weekday()), *rest)):
			count[key] += 1
			minutes[key] += spent
	return {key: (count[key], round(minutes[key], 4)) for key in count}


class TestResponseRollup(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_rule("_rr Brand", "Brand", terms="respondco")
		# the retention runs below commit per batch, so an earlier run's policies can still be here
		frappe.db.delete("Social Retention Policy", {"policy_name": ("like", "\\_rr %")})
		cls.policies = {
			action: frappe.get_doc(
				{
					"doctype": "Social Retention Policy",
					"policy_name": f"_rr {action} old Reddit",
					"enabled": 0,
					"target": "Mention",
					"action": action,
					"keep_days": 40 if action == "Delete" else 20,
					"age_field": "posted_at",
					"platform": "Reddit",
					"linked": "Any",
					"applies_to_all": 0,
				}
			)
			.insert(ignore_permissions=True)
			.name
			for action in ("Delete", "Anonymize")
		}

	def setUp(self):
		frappe.set_user("Administrator")
		for agent in AGENTS:  # here, not in setUpClass: each test's rollback removes them
			make_user(agent, ["Social CRM User"])
		rollup.rebuild()  # the site's own mentions as the starting point (rolled back after the test)
		self.assertEqual(stored(), raw())

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def post(self, rng: random.Random, n: int) -> Post:
		return Post.from_dict(
			{
				"platform": rng.choice(PLATFORMS),
				"external_id": f"rr-{n}-{rng.randrange(10**9)}",
				"text": f"Post {n} about respondco",
				"posted_at": (now_datetime() - timedelta(minutes=rng.randrange(60 * 24 * 60))).isoformat(),
				"author": {"handle": rng.choice(HANDLES), "display_name": "Resp"},
			}
		)

	def step(self, rng: random.Random, op: str, step: int, ours: list[str]) -> bool:
		"""One writer's change; False when it had nothing to do."""
		mention = rng.choice(ours) if ours else None
		if op == "ingest":
			Ingestor(origin="Webhook", enrichment="none").ingest(
				[self.post(rng, step * 100 + i) for i in range(rng.randint(1, 8))]
			)
		elif op == "assign":
			assign({"doctype": "Mention", "name": mention, "assign_to": [rng.choice(AGENTS)]})
		elif op == "unassign":
			users = frappe.parse_json(frappe.db.get_value("Mention", mention, "_assign") or "[]")
			if not users:
				return False
			remove_assignment("Mention", mention, rng.choice(users))
		elif op == "drop todo":
			todos = frappe.get_all(
				"ToDo", {"reference_type": "Mention", "reference_name": mention}, pluck="name"
			)
			if not todos:
				return False
			frappe.delete_doc("ToDo", rng.choice(todos), ignore_permissions=True)
		elif op in ("respond", "ignore"):
			set_work_status(mention, "Responded" if op == "respond" else "Ignored")
		elif op == "answer at":  # a first response stamped with a chosen time (desk edit)
			doc = frappe.get_doc("Mention", mention)
			if doc.first_response_at:
				return False
			doc.first_response_at = get_datetime(doc.posted_at) + timedelta(minutes=rng.uniform(0, 900))
			doc.status = "Responded"
			doc.save(ignore_permissions=True)
		elif op == "repost":  # an edit moving the post to another day and platform
			doc = frappe.get_doc("Mention", mention)
			doc.posted_at = get_datetime(doc.posted_at) - timedelta(hours=rng.randint(1, 50))
			doc.platform = rng.choice(PLATFORMS)
			doc.save(ignore_permissions=True)
		elif op == "delete":
			frappe.delete_doc("Mention", mention, ignore_permissions=True, force=True)
		elif op == "retention":
			run_policy(self.policies[rng.choice(["Delete", "Anonymize"])], log=False)
		elif op == "erase":
			profile = frappe.db.get_value(
				"Social Profile", {"platform": rng.choice(PLATFORMS), "handle": rng.choice(HANDLES)}
			)
			if not profile:
				return False
			erase("Social Profile", profile)
		return True

	def test_random_writes_keep_the_rollup_equal_to_the_mentions_and_rebuild_reproduces_it(self):
		rng = random.Random(20)
		ops = ["ingest", "assign", "assign", "unassign", "drop todo", "respond", "ignore", "answer at"]
		ops += ["answer at", "repost", "delete", "retention", "erase"]
		done = Counter()
		for step in range(80):
			ours = frappe.get_all("Mention", filters={"external_id": ("like", "rr-%")}, pluck="name")
			op = rng.choice(ops) if len(ours) >= 6 else "ingest"
			if self.step(rng, op, step, ours):
				done[op] += 1
			self.assertEqual(stored(), raw(), f"step {step}: {op}")
		self.assertEqual(set(done), set(ops), done)  # every kind of writer ran
		self.assertTrue(
			frappe.db.count("Mention", {"external_id": ("like", "rr-%"), "assigned_to": ("is", "set")})
		)
		self.assertTrue(frappe.db.count("Mention", {"external_id": ("like", "rr-%"), "status": "Ignored"}))
		before = set(frappe.db.sql(f"select name, mention_count, minutes from {response_rollup.TABLE}"))
		result = rollup.rebuild()
		self.assertEqual(
			set(frappe.db.sql(f"select name, mention_count, minutes from {response_rollup.TABLE}")), before
		)
		self.assertEqual(result["response_rows"], len(before))
		rollup.rebuild(since=(now_datetime() - timedelta(days=10)).date())
		self.assertEqual(stored(), raw())

	def test_removing_one_of_two_assignments_counts_the_remaining_assignee(self):
		# Frappe's remove() clears assigned_to after the ToDo hook; the wrapper counts from before it
		name = insert_mentions([{"posted_at": datetime(2019, 11, 5, 8), "status": "New"}])[0]
		for agent in AGENTS[:2]:
			assign({"doctype": "Mention", "name": name, "assign_to": [agent]})
		self.assertEqual(frappe.db.get_value("Mention", name, "assigned_to"), AGENTS[1])
		self.assertEqual(stored(), raw())
		remove_assignment("Mention", name, AGENTS[1])
		self.assertEqual(frappe.db.get_value("Mention", name, "assigned_to"), AGENTS[0])
		self.assertEqual(stored(), raw())
		remove_assignment("Mention", name, AGENTS[0])
		self.assertIsNone(frappe.db.get_value("Mention", name, "assigned_to"))
		self.assertEqual(stored(), raw())

	def test_report_from_the_rollup_equals_the_mentions_within_the_stated_error(self):
		rng = random.Random(5)
		start = datetime(2019, 9, 2)  # a quiet past month (a Monday)
		rows = []
		for _ in range(600):
			posted = start + timedelta(minutes=rng.randrange(28 * 24 * 60))
			row = {"posted_at": posted, "platform": rng.choice([*PLATFORMS, None])}
			kind = rng.random()
			if kind < 0.6:
				spent = rng.choice(
					[rng.randint(0, 60), round(rng.uniform(0, 60), 2), round(rng.lognormvariate(5, 1.6), 2)]
				)
				row.update(
					status=rng.choice(["Responded", "Responded", "Ignored"]),
					response_minutes=spent,
					first_response_at=posted + timedelta(minutes=spent),
				)
			elif kind < 0.75:
				row["status"] = "Ignored"
			rows.append(row)
		names = insert_mentions(rows)
		before = response_rollup.snapshot(names)
		for name in names:
			if rng.random() < 0.8:
				frappe.db.set_value("Mention", name, "assigned_to", rng.choice(AGENTS), update_modified=False)
		response_rollup.changed(before)
		self.assertEqual(stored(), raw())

		checked = 0
		for group_by in ("Assignee", "Platform", "Week"):
			for extra in ({}, {"platform": "Reddit"}, {"assigned_to": AGENTS[1]}):
				filters = frappe._dict(
					from_date="2019-09-03", to_date="2019-09-27", group_by=group_by, **extra
				)
				from_rollup = response_times.from_rollup(
					filters, getdate("2019-09-03"), getdate("2019-09-27"), group_by
				)
				raw_rows = response_times.from_mentions(
					filters, getdate("2019-09-03"), getdate("2019-09-27"), group_by
				)
				self.assertEqual([r["group"] for r in from_rollup], [r["group"] for r in raw_rows])
				for ours, exact in zip(from_rollup, raw_rows, strict=True):
					for field in ("mentions", "responded", "ignored", "open", "within_hour"):
						self.assertEqual(ours[field], exact[field], (group_by, extra, ours["group"], field))
					self.assertAlmostEqual(ours["avg_minutes"], exact["avg_minutes"], delta=0.05 + 1e-9)
					for field in ("median_minutes", "p90_minutes"):
						true = exact[field]
						bound = 1 if true <= EXACT_UP_TO else 0.05 * true + 1
						self.assertLessEqual(abs(ours[field] - true), bound + 0.05, (group_by, extra, field))
					checked += 1
		self.assertGreater(checked, 20)
		# execute() takes the rollup for Administrator: the same rows
		filters = {"from_date": "2019-09-03", "to_date": "2019-09-27", "group_by": "Week"}
		self.assertEqual(
			response_times.execute(filters)[1],
			response_times.from_rollup(
				frappe._dict(filters), getdate("2019-09-03"), getdate("2019-09-27"), "Week"
			),
		)

	def test_whole_minutes_up_to_an_hour_give_exact_percentiles_and_restricted_users_the_raw_rows(self):
		posted = datetime(2019, 10, 8, 9, 0)
		minutes = [0, 3, 3, 7, 12, 30, 45, 59, 60, 60]
		names = insert_mentions(
			[
				{
					"posted_at": posted,
					"status": "Responded",
					"response_minutes": m,
					"first_response_at": posted + timedelta(minutes=m),
				}
				for m in minutes
			]
		)
		filters = {"from_date": "2019-10-08", "to_date": "2019-10-08", "group_by": "Platform"}
		row = response_times.execute(filters)[1][0]
		ranks = sorted(minutes)
		self.assertEqual(row["median_minutes"], ranks[math.ceil(len(ranks) * 0.5) - 1])
		self.assertEqual(row["p90_minutes"], ranks[math.ceil(len(ranks) * 0.9) - 1])
		self.assertEqual((row["mentions"], row["within_hour"], row["avg_minutes"]), (10, 100.0, 27.9))

		# changed without telling the rollup: Administrator still reads the rollup ...
		frappe.db.sql("update `tabMention` set platform = 'Reddit' where name = %s", names[0])
		self.assertEqual([r["group"] for r in response_times.execute(filters)[1]], ["Mastodon"])
		# ... a Sales User (row-level conditions: their customer's mentions) reads the mentions
		customer = make_customer("_rr Sales Customer").name
		frappe.db.sql(
			"update `tabMention` set party_type = 'Customer', party = %(c)s, customer = %(c)s where name in %(n)s",
			{"c": customer, "n": names[:3]},
		)
		sales = make_user("rr-sales@example.com", ["Sales User"]).name
		frappe.get_doc(
			{"doctype": "User Permission", "user": sales, "allow": "Customer", "for_value": customer}
		).insert(ignore_permissions=True)
		self.assertFalse(rollup.serves(sales))
		frappe.set_user(sales)
		data = response_times.execute(filters)[1]
		frappe.set_user("Administrator")
		self.assertEqual(
			[(r["group"], r["mentions"]) for r in data], [("Mastodon", 2), ("Reddit", 1), ("Total", 3)]
		)
		self.assertEqual(data[1]["median_minutes"], 0)  # names[0]: 0 minutes, exact on the raw path
