"""Top Authors: every way the report counts its authors gives exactly the grouped query's rows.

The reference is the report as it was before the walk (still the path of users with a row
condition on Mention): one grouped query over every mention of the range, billed revenue of
its authors' customers, sorted in Python. Random profiles and mentions with ties of influence,
revenue and mention counts, a block of zero-influence authors, revenue customers (a tie of
revenue, a credit note netting out, a net credit), two authors whose names the database and
Python order differently, every filter, small and large limits, ranges and filters nobody
matches, as a user who may read Sales Invoices and one who may not. Each way is taken for
every case: the one the counts choose, the top of the grouped query, every matching profile
and the walk, with walk bounds small enough to take each of its paths (walk, tie counted by
the grouped query, walk cut short).
"""

import random
from datetime import datetime, timedelta
from unittest.mock import patch

import frappe
from frappe.utils import add_days, getdate, now_datetime, today

from social_crm.display import display_html
from social_crm.engine.insight.top_authors import EMPTY, GROUPED, PROFILES, WALK
from social_crm.insight.report_utils import date_range
from social_crm.revenue import billed_revenue
from social_crm.social_crm.report.top_authors import top_authors
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import insert_mentions
from social_crm.tests.utils import make_customer, make_user

test_ignore = ["Customer", "Lead", "Contact", "User"]

# a quiet stretch of the past: nothing else on the site is posted then
FROM = datetime(2015, 7, 1)
DAYS = 20
PLATFORMS = ["Mastodon", "Bluesky", "Reddit"]
SENTIMENTS = ["Positive", "Neutral", "Negative", "Negative", None]
# above any computed influence (at most 90), so the walk meets these profiles first on any site
HIGH_LEVELS = [150, 150, 150, 140.5, 130, 130, 120, 110, 100.25, 100.25]
READER = "p3w-reader@example.com"  # Social CRM User + Accounts User: sees revenue
NO_INVOICES = "p3w-social@example.com"  # Social CRM User: no Sales Invoices, no revenue
RESTRICTED = "p3w-sales@example.com"  # Sales User: a row condition on Mention
TIE_NAMES = ["p3w-tie-B", "p3w-tie-a"]
TIE_LEVEL = 145  # no other profile has it

CASES = [
	{},
	{"limit": 1},
	{"limit": 3},
	{"limit": 5},
	{"limit": 17},
	{"limit": 40},
	{"limit": 1000},
	{"platform": "Bluesky", "limit": 10},
	{"party_type": "Customer"},
	{"party_type": "Lead", "limit": 30},
	{"party_type": "Lead", "limit": 1000},
	{"linked": "Linked", "limit": 8},
	{"linked": "Not Linked", "limit": 25},
	{"min_influence": 125, "limit": 50},
	{"min_influence": 0.5, "limit": 12, "platform": "Mastodon"},
	{"days": (3, 3), "limit": 10},
	{"days": (0, 0), "limit": 1000, "party_type": "Lead"},
	{"days": (2, 2), "platform": "Reddit", "limit": 3},
	{"days": (1, 4), "linked": "Linked", "platform": "Mastodon", "limit": 1000},
	{"days": (4, 4), "min_influence": 100, "linked": "Not Linked"},
	# nobody: a platform without mentions, a day without mentions, no profile passes
	{"platform": "Hacker News"},
	{"days": (-5, -5), "limit": 1000},
	{"min_influence": 1000, "limit": 10},
]
NOBODY = CASES[-3:]
# the ways to count (None: the one the counts choose); EMPTY is only right when nobody matches
STRATEGIES = [None, GROUPED, PROFILES, WALK]
# (WALK_BATCH, WALK_MAX_PROFILES, TIE_MAX_PROFILES): the defaults; tiny bounds that cut the
# walk short and count ties with the grouped query; a tiny batch that walks every tie
BOUNDS = [
	(top_authors.WALK_BATCH, top_authors.WALK_MAX_PROFILES, top_authors.TIE_MAX_PROFILES),
	(3, 30, 4),
	(5, 400, 10**6),
]


def insert_invoice(customer: str, amount: float) -> None:
	frappe.db.bulk_insert(
		"Sales Invoice",
		["name", "customer", "posting_date", "base_net_total", "base_grand_total", "grand_total", "docstatus", "company"],
		[
			(
				"_T-P3W-" + frappe.generate_hash(length=8),
				customer,
				add_days(today(), -10),
				amount,
				amount,
				amount,
				1,
				frappe.db.get_value("Company", {}, "name"),
			)
		],
	)  # fmt: skip


def reference(filters: dict) -> list[dict]:
	"""The report's rows as before the walk: every author of the range, grouped, then sorted."""
	filters = frappe._dict(filters)
	from_date, to_date = date_range(filters, default_days=90)
	limit = min(max(int(filters.get("limit") or top_authors.DEFAULT_LIMIT), 1), top_authors.MAX_LIMIT)
	authors = top_authors.query_authors(filters, from_date, to_date)
	show_revenue = frappe.has_permission("Sales Invoice", "read")
	revenue = billed_revenue((a.customer for a in authors), user=frappe.session.user) if show_revenue else {}
	for author in authors:
		if show_revenue:
			author.billed_revenue = revenue.get(author.customer, 0.0) if author.customer else 0.0
		author.negative_share = (
			round(100.0 * author.negative / author.mentions, 1) if author.mentions else 0.0
		)
	authors.sort(
		key=lambda a: (-(a.get("billed_revenue") or 0), -(a.influence_score or 0), -a.mentions, a.profile)
	)
	data = authors[:limit]
	for row in data:
		row.display_name, row.handle = display_html(row.display_name), display_html(row.handle)
		row.party_name = display_html(row.party_name) if row.party_name else row.party_name
	return data


def report_filters(case: dict) -> dict:
	first, last = case.get("days", (0, DAYS - 1))
	filters = {k: v for k, v in case.items() if k != "days"}
	return {
		**filters,
		"from_date": str(getdate(FROM + timedelta(days=first))),
		"to_date": str(getdate(FROM + timedelta(days=last))),
	}


class TestTopAuthorsWalk(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_user(READER, ["Social CRM User", "Accounts User"])
		make_user(NO_INVOICES, ["Social CRM User"])
		make_user(RESTRICTED, ["Sales User"])
		rng = random.Random(20261202)
		customers = [make_customer(f"_Test P3W Customer {i}").name for i in range(6)]
		# revenue: a tie at the top, a small one, a credit note netting out to 0, a net credit, none
		for customer, amounts in zip(
			customers, ([5000], [5000], [20], [1000, -1000], [-300], []), strict=True
		):
			for amount in amounts:
				insert_invoice(customer, amount)
		now = now_datetime()
		profiles, names, parties = [], [], {}

		def profile(i: int, influence: float, party_type: str | None = None, party: str | None = None):
			name = f"p3w-{i:04d}"
			names.append(name)
			customer = party if party_type == "Customer" else None
			parties[name] = {"party_type": party_type, "party": party, "customer": customer}
			profiles.append(
				(name, now, now, "Administrator", "Administrator", rng.choice(PLATFORMS), name,
				 f"user{i}@p3w.example", f"P3W <b>{i}</b>", rng.randint(0, 10**6), influence,
				 party_type, party, customer, customer)
			)  # fmt: skip

		i = 0
		for _ in range(60):  # high influence, some customers, some leads
			i += 1
			kind = rng.random()
			if kind < 0.3:
				profile(i, rng.choice(HIGH_LEVELS), "Customer", rng.choice(customers))
			elif kind < 0.45:
				profile(i, rng.choice(HIGH_LEVELS), "Lead", f"P3W-LEAD-{i}")
			else:
				profile(i, rng.choice(HIGH_LEVELS))
		for _ in range(40):  # leads without reach: a tie at 0 larger than the small bounds
			i += 1
			profile(i, 0 if rng.random() < 0.8 else 100.25, "Lead", f"P3W-LEAD-{i}")
		for _ in range(25):  # unlinked authors without reach
			i += 1
			profile(i, 0)
		# a tie of influence and mentions between two names that Python orders "B" < "a" and
		# the database (case-insensitive) the other way round
		for name in TIE_NAMES:
			profiles.append(
				(name, now, now, "Administrator", "Administrator", "Mastodon", name, f"{name}@p3w.example",
				 name, 10, TIE_LEVEL, None, None, None, None)
			)  # fmt: skip
		frappe.db.bulk_insert(
			"Social Profile",
			["name", "creation", "modified", "owner", "modified_by", "platform", "external_id", "handle",
			 "display_name", "followers", "influence_score", "party_type", "party", "party_name", "customer"],
			profiles,
		)  # fmt: skip
		rows = []
		for name in names:
			for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4, 6])):
				rows.append(
					{
						"posted_at": FROM + timedelta(minutes=rng.randrange(DAYS * 24 * 60)),
						"author": name,
						"platform": rng.choice(PLATFORMS),
						"sentiment": rng.choice(SENTIMENTS),
						**parties[name],  # a mention's party is its author's
					}
				)
			if rng.random() < 0.2:  # just outside the range: never counted
				rows.append({"posted_at": FROM - timedelta(seconds=1), "author": name})
				rows.append({"posted_at": FROM + timedelta(days=DAYS), "author": name})
			if rng.random() < 0.1:  # the first instant of the range counts
				rows.append({"posted_at": FROM, "author": name, "sentiment": "Negative"})
		for name in TIE_NAMES:
			rows += [{"posted_at": FROM + timedelta(days=day, hours=5), "author": name} for day in (1, 6)]
		insert_mentions(rows)
		cls.customers = customers

	def compare_all(self, user: str) -> None:
		frappe.set_user(user)
		for bounds in BOUNDS:
			with (
				patch.object(top_authors, "WALK_BATCH", bounds[0]),
				patch.object(top_authors, "WALK_MAX_PROFILES", bounds[1]),
				patch.object(top_authors, "TIE_MAX_PROFILES", bounds[2]),
			):
				for case in CASES:
					for strategy in STRATEGIES if bounds == BOUNDS[0] else [WALK]:
						with self.subTest(user=user, bounds=bounds, case=case, strategy=strategy):
							self.compare(case, strategy)

	def compare(self, case: dict, strategy: str | None = None) -> None:
		"""The report's rows for ``case`` counted the ``strategy`` way (None: as chosen) are
		the reference's."""
		filters = report_filters(case)
		choose = top_authors.choose if strategy is None else (lambda *args: strategy)
		with patch.object(top_authors, "choose", side_effect=choose):
			_columns, data, *_ = top_authors.execute(filters)
		expected = reference(filters)
		self.assertEqual([dict(row) for row in data], [dict(row) for row in expected])

	def test_walk_equals_the_grouped_query_for_an_invoice_reader(self):
		self.compare_all("Administrator")
		self.compare_all(READER)
		# the data holds what it should: revenue first (a tie of two customers), the credit last
		frappe.set_user(READER)
		_c, data, *_ = top_authors.execute(report_filters({"limit": 1000}))
		revenue = [row.billed_revenue for row in data]
		self.assertEqual(revenue[0], 5000)
		self.assertIn(-300, revenue)
		self.assertEqual(revenue, sorted(revenue, reverse=True))
		self.assertTrue(any(row.influence_score == 0 for row in data))

	def test_walk_equals_the_grouped_query_without_invoices(self):
		self.compare_all(NO_INVOICES)
		frappe.set_user(NO_INVOICES)
		_c, data, *_ = top_authors.execute(report_filters({"limit": 5}))
		self.assertFalse(any("billed_revenue" in row for row in data))
		self.assertEqual([row.influence_score for row in data], [150] * 5)

	def test_restricted_users_keep_the_grouped_query_with_their_row_condition(self):
		frappe.set_user(RESTRICTED)
		with patch.object(
			top_authors, "unrestricted_authors", wraps=top_authors.unrestricted_authors
		) as walk:
			_c, data, *_ = top_authors.execute(report_filters({}))
		walk.assert_not_called()
		self.assertEqual([dict(row) for row in data], [dict(row) for row in reference(report_filters({}))])

	def test_each_path_of_the_walk_is_taken(self):
		frappe.set_user(NO_INVOICES)

		def queries(case: dict, bounds: tuple[int, int, int]) -> tuple[int, list[str]]:
			"""How often the candidates were counted, and the ``extra`` conditions of the grouped
			queries the report ran."""
			with (
				patch.object(top_authors, "WALK_BATCH", bounds[0]),
				patch.object(top_authors, "WALK_MAX_PROFILES", bounds[1]),
				patch.object(top_authors, "TIE_MAX_PROFILES", bounds[2]),
				patch.object(top_authors, "choose", return_value=WALK),
				patch.object(top_authors, "counted", wraps=top_authors.counted) as counted,
				patch.object(top_authors, "top_grouped", wraps=top_authors.top_grouped) as grouped,
			):
				top_authors.execute(report_filters(case))
			return counted.call_count, [
				call.args[4] if len(call.args) > 4 else "" for call in grouped.call_args_list
			]

		# the top 5 are at 150 (and more at 150 than fit): only the candidates' mentions are read
		counted, grouped = queries({"limit": 5}, BOUNDS[0])
		self.assertTrue(counted)
		self.assertEqual(grouped, [])
		# the cut falls in the tie at 0 of the leads, larger than 4: that level is grouped
		_counted, grouped = queries({"party_type": "Lead", "limit": 30}, (3, 10**6, 4))
		self.assertEqual(grouped, ["(p.influence_score = %(walk_level)s and p.name < %(walk_name)s)"])
		# more profiles to probe than allowed: the rest is grouped
		_counted, grouped = queries({"limit": 1000}, (3, 30, 10**6))
		self.assertEqual(len(grouped), 1)
		self.assertTrue(grouped[0].startswith("(p.influence_score < %(walk_level)s or"), grouped)

	def test_nobody_is_known_from_the_counts_alone(self):
		frappe.set_user("Administrator")
		for case in NOBODY:
			with self.subTest(case=case):
				filters = frappe._dict(report_filters(case))
				self.assertEqual(top_authors.choose(filters, *date_range(filters), 100), EMPTY)
				with (
					patch.object(top_authors, "counted") as counted,
					patch.object(top_authors, "walk") as walk,
				):
					_c, data, *_ = top_authors.execute(filters)
				self.assertEqual(data, [])
				counted.assert_not_called()
				walk.assert_not_called()
				self.assertEqual(reference(filters), [])

	def test_the_counts_that_choose(self):
		frappe.set_user("Administrator")
		filters = frappe._dict(report_filters({"platform": "Reddit"}))
		from_date, to_date = date_range(filters)
		in_range = frappe.db.count(
			"Mention",
			{"platform": "Reddit", "posted_at": ["between", [FROM, FROM + timedelta(days=DAYS, seconds=-1)]]},
		)
		self.assertGreater(in_range, 10)
		self.assertEqual(top_authors.range_mentions(filters, from_date, to_date, 10**6), in_range)
		self.assertEqual(top_authors.range_mentions(filters, from_date, to_date, 10), 10)  # bounded
		linked = frappe.db.sql("select count(*) from `tabSocial Profile` where ifnull(party, '') != ''")[0][0]
		self.assertEqual(len(top_authors.matching_profiles(frappe._dict(linked="Linked"))), linked)
		# a few hundred mentions in the range: the top of the grouped query (the table's
		# statistics may lag behind the profiles this test inserted: count them)
		profiles = frappe.db.count("Social Profile")
		with patch.object(top_authors, "profile_estimate", return_value=profiles):
			self.assertEqual(top_authors.choose(filters, from_date, to_date, 100), GROUPED)

	def test_the_database_and_python_order_of_names_agree_at_the_cut(self):
		frappe.set_user(NO_INVOICES)
		_c, everyone, *_ = top_authors.execute(report_filters({"limit": 1000}))
		names = [row.profile for row in everyone]
		first = names.index(TIE_NAMES[0])
		self.assertEqual(names[first + 1], TIE_NAMES[1])  # "B" before "a", as Python sorts
		_c, data, *_ = top_authors.execute(report_filters({"limit": first + 1}))
		self.assertEqual(data[-1].profile, TIE_NAMES[0])
		for strategy in STRATEGIES:
			with self.subTest(strategy=strategy):
				self.compare({"limit": first + 1}, strategy)
