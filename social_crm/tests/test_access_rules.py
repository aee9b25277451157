"""Access rules under attack (issue #12, items 4-6), as real users with restricted roles.

- Billed revenue (Top Authors, vote weights) only for users who may read Sales Invoices, from
  the invoices they may read; a stored vote weight is a tier that does not give the revenue back.
- Idea Vote and Mention's child tables (listed with ``parent=``) follow the party rules of
  Mention; timelines, party summaries, match candidates and workspace charts show only what the
  viewer may read (chart caches per permission scope).
- A Sales User's edit of a party's handles links nobody until someone with the social roles
  accepts the link.
"""

import json

import frappe
from frappe.utils import add_days, today

from social_crm.api import linking as linking_api
from social_crm.api.social_history import get_social_summary
from social_crm.ideas import voting
from social_crm.ideas.timeline import get_idea_timeline
from social_crm.insight.dashboard import CHART_CACHE_PREFIX
from social_crm.linking import jobs
from social_crm.linking.keys import KEY_DOCTYPE
from social_crm.social_crm.dashboard_chart_source.social_sentiment_trend import (
	social_sentiment_trend as trend_source,
)
from social_crm.social_crm.report.top_authors import top_authors
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import make_rule
from social_crm.tests.utils import make_contact, make_customer, make_mention, make_profile, make_user

SALES = "h12a-sales@example.com"
ACCOUNTS = "h12a-accounts@example.com"
SOCIAL = "h12a-social@example.com"
CHART = "Mention Sentiment Trend"
# inside every window the reports and charts use, whatever the system time zone
YESTERDAY_NOON = f"{add_days(today(), -1)} 12:00:00"


def insert_invoice(customer: str, amount: float, company: str, days_ago: int = 10) -> str:
	"""A submitted Sales Invoice row (only the columns revenue is read from)."""
	name = "_T-H12A-SINV-" + frappe.generate_hash(length=8)
	frappe.db.bulk_insert(
		"Sales Invoice",
		["name", "customer", "posting_date", "base_net_total", "base_grand_total", "docstatus", "company"],
		[(name, customer, add_days(today(), -days_ago), amount, amount, 1, company)],
	)
	return name


def user_permission(user: str, allow: str, value: str) -> None:
	frappe.get_doc({"doctype": "User Permission", "user": user, "allow": allow, "for_value": value}).insert(
		ignore_permissions=True
	)


def clear_chart_cache() -> None:
	frappe.cache.delete_keys(CHART_CACHE_PREFIX)
	frappe.cache.delete_value(f"chart-data:{CHART}")


class TestAccessRules(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()  # rolls everything back after the class
		frappe.set_user("Administrator")
		cls.company = frappe.db.get_value("Company", {}, "name")
		cls.customer_a = make_customer("_Test H12A Customer A").name
		cls.customer_b = make_customer("_Test H12A Customer B").name
		# two Contacts of Customer A: the Sales User may read Y, not X
		cls.contact_x = make_contact("H12A Hidden", customer=cls.customer_a).name
		cls.contact_y = make_contact("H12A Visible", customer=cls.customer_a).name

		cls.profile_a = make_profile("h12a-a", party_type="Customer", party=cls.customer_a).name
		cls.profile_b = make_profile("h12a-b", party_type="Customer", party=cls.customer_b).name
		cls.profile_x = make_profile("h12a-x", party_type="Contact", party=cls.contact_x).name
		cls.profile_y = make_profile("h12a-y", party_type="Contact", party=cls.contact_y).name
		rule = make_rule("_Test H12A Brand", "Brand").name
		cls.mentions = {}
		for key, profile in (
			("a", cls.profile_a),
			("b", cls.profile_b),
			("x", cls.profile_x),
			("y", cls.profile_y),
		):
			mention = make_mention(
				f"h12a-m-{key}",
				author=profile,
				matched_rules=[{"listening_rule": rule, "kind": "Brand"}],
				posted_at=YESTERDAY_NOON,
				sentiment="Positive",
			)
			cls.mentions[key] = mention.name

		cls.idea = frappe.get_doc(
			{
				"doctype": "Idea",
				"title": "H12A: an idea of Customer A",
				"is_public": 1,
				"party_type": "Customer",
				"party": cls.customer_a,
			}
		).insert(ignore_permissions=True)
		cls.votes = {}
		for key, party_type, party in (
			("a", "Customer", cls.customer_a),
			("b", "Customer", cls.customer_b),
			("x", "Contact", cls.contact_x),
			("y", "Contact", cls.contact_y),
		):
			cls.votes[key] = (
				frappe.get_doc(
					{"doctype": "Idea Vote", "idea": cls.idea.name, "party_type": party_type, "party": party}
				)
				.insert(ignore_permissions=True)
				.name
			)

		make_user(SALES, ["Sales User"])
		user_permission(SALES, "Customer", cls.customer_a)
		user_permission(SALES, "Contact", cls.contact_y)
		make_user(ACCOUNTS, ["Sales User", "Accounts User"])
		user_permission(ACCOUNTS, "Company", cls.company)
		make_user(SOCIAL, ["Social CRM User", "Sales User"])

	def setUp(self):
		frappe.set_user("Administrator")
		clear_chart_cache()

	def tearDown(self):
		frappe.set_user("Administrator")
		clear_chart_cache()

	# -- item 5: row-level rules everywhere ------------------------------------------------------

	def test_idea_votes_follow_the_party_rules_of_mentions(self):
		frappe.set_user(SALES)
		names = set(frappe.get_list("Idea Vote", pluck="name", limit_page_length=0))
		self.assertIn(self.votes["a"], names)
		self.assertIn(self.votes["y"], names)
		self.assertNotIn(self.votes["b"], names)  # another customer's vote
		self.assertNotIn(self.votes["x"], names)  # a Contact of A the Sales User may not read
		self.assertTrue(frappe.has_permission("Idea Vote", "read", doc=self.votes["a"]))
		self.assertFalse(frappe.has_permission("Idea Vote", "read", doc=self.votes["b"]))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Idea Vote", self.votes["x"]).check_permission("read")
		# the REST / desk list goes through the same rule
		listed = {row["name"] for row in frappe.client.get_list("Idea Vote", limit_page_length=0)}
		self.assertEqual(listed & set(self.votes.values()), {self.votes["a"], self.votes["y"]})
		frappe.set_user(SOCIAL)
		self.assertTrue(
			set(self.votes.values()) <= set(frappe.get_list("Idea Vote", pluck="name", limit_page_length=0))
		)

	def test_mention_child_rows_listed_with_parent_follow_their_mention(self):
		frappe.set_user(SALES)
		rows = frappe.client.get_list(
			"Mention Rule Match", fields=["parent"], parent="Mention", limit_page_length=0
		)
		parents = {row["parent"] for row in rows}
		self.assertIn(self.mentions["a"], parents)
		self.assertIn(self.mentions["y"], parents)
		self.assertNotIn(self.mentions["b"], parents)
		self.assertNotIn(self.mentions["x"], parents)
		# the same through the desk's report view
		from frappe.desk.reportview import get_list as reportview_list

		frappe.local.form_dict = frappe._dict(
			doctype="Mention Rule Match",
			fields=json.dumps(["`tabMention Rule Match`.`parent`"]),
			parent_doctype="Mention",
			limit_page_length=0,
		)
		seen = {row["parent"] for row in reportview_list()}
		self.assertNotIn(self.mentions["b"], seen)
		self.assertIn(self.mentions["a"], seen)
		# and for the replies table (empty for these mentions, but only readable parents anyway)
		replies = frappe.client.get_list("Mention Reply", fields=["parent"], parent="Mention")
		self.assertFalse({row["parent"] for row in replies} & {self.mentions["b"], self.mentions["x"]})

	def test_timelines_and_party_summary_show_only_readable_rows(self):
		frappe.set_user("Administrator")
		full = get_social_summary("Customer", self.customer_a)
		self.assertGreaterEqual(full["total"], 3)  # A, X and Y roll up to Customer A
		admin_votes = [
			e for e in get_idea_timeline("Customer", self.customer_a) if "idea-vote" in e["content"]
		]
		self.assertEqual(len(admin_votes), 3)

		frappe.set_user(SALES)
		summary = get_social_summary("Customer", self.customer_a)
		self.assertEqual(summary["total"], full["total"] - 1)  # all but the mention of Contact X
		self.assertEqual(summary["counts"]["Positive"], full["counts"]["Positive"] - 1)
		self.assertEqual(
			sum(sum(ds["values"]) for ds in summary["trend"]["datasets"]),
			sum(sum(ds["values"]) for ds in full["trend"]["datasets"]) - 1,
		)
		self.assertEqual(summary["profiles"], full["profiles"] - 1)  # not Contact X's profile
		votes = [e for e in get_idea_timeline("Customer", self.customer_a) if "idea-vote" in e["content"]]
		self.assertEqual(len(votes), 2)  # A's and Y's, not X's
		from social_crm.overrides.party import get_mention_timeline

		texts = " ".join(e["content"] for e in get_mention_timeline("Customer", self.customer_a))
		self.assertIn(self.mentions["a"], texts)
		self.assertNotIn(self.mentions["x"], texts)

	def test_connection_counts_on_the_party_form_count_readable_rows(self):
		# the method the form calls, as Frappe resolves it (override_whitelisted_methods)
		method = "frappe.desk.notifications.get_open_count"
		open_count = frappe.get_attr(
			frappe.get_hooks("override_whitelisted_methods").get(method, [method])[-1]
		)

		def social_counts():
			result = open_count("Customer", self.customer_a)
			return {
				row["doctype"]: row["count"]
				for row in result["count"]["external_links_found"]
				if row["doctype"] in ("Mention", "Social Profile")
			}

		full = social_counts()
		frappe.set_user(SALES)
		counts = social_counts()
		self.assertEqual(counts["Mention"], full["Mention"] - 1)  # not Contact X's mention
		self.assertEqual(counts["Social Profile"], full["Social Profile"] - 1)
		self.assertEqual(
			counts["Mention"],
			len(frappe.get_list("Mention", filters={"customer": self.customer_a}, pluck="name")),
		)

	def test_match_candidates_name_only_readable_parties(self):
		frappe.db.set_value(
			"Social Profile",
			self.profile_a,
			"match_candidates",
			json.dumps(
				{
					"candidates": [
						{"party_type": "Customer", "party": self.customer_a, "score": 0.95, "reasons": []},
						{
							"party_type": "Customer",
							"party": self.customer_b,
							"score": 0.7,
							"reasons": [{"signal": "email", "weight": 0.7, "detail": "secret@b.example"}],
						},
					],
					"rejected": [{"party_type": "Customer", "party": self.customer_b, "by": "x", "on": "y"}],
				}
			),
		)
		frappe.set_user(SALES)
		data = linking_api.get_candidates(self.profile_a)
		self.assertEqual([c["party"] for c in data["candidates"]], [self.customer_a])
		self.assertEqual(data["hidden"], 1)
		self.assertEqual(data["rejected"], [])
		self.assertNotIn("secret@b.example", json.dumps(data))
		# the raw JSON field is for the social roles only (permlevel 1)
		doc = frappe.client.get("Social Profile", self.profile_a)
		self.assertFalse(doc.get("match_candidates"))
		listed = frappe.get_list(
			"Social Profile", filters={"name": self.profile_a}, fields=["name", "match_candidates"]
		)
		self.assertFalse(listed[0].get("match_candidates"))
		frappe.set_user(SOCIAL)
		self.assertIn(
			self.customer_b, frappe.client.get("Social Profile", self.profile_a)["match_candidates"]
		)

	def test_workspace_chart_cache_is_kept_per_permission_scope(self):
		filters = json.dumps({"days": 30})
		manager = trend_source.get(chart_name=CHART, filters=filters)
		# a cache kept per chart only (Frappe's cache_source key) would hand these numbers to the
		# next user: put them where such a cache keeps them
		frappe.cache.set_value(f"chart-data:{CHART}", json.dumps(manager))

		frappe.set_user(SALES)
		sales = trend_source.get(chart_name=CHART, filters=filters)
		readable = frappe.get_list(
			"Mention",
			filters=[
				["posted_at", ">=", add_days(today(), -29)],
				["posted_at", "<", add_days(today(), 1)],
				["sentiment", "in", ["Positive", "Neutral", "Negative"]],
			],
			fields=["count(*) as n"],
			limit_page_length=0,
		)[0].n
		self.assertGreaterEqual(readable, 2)
		self.assertEqual(sum(sum(ds["values"]) for ds in sales["datasets"]), readable)
		self.assertNotEqual(sales, manager)

		# each scope has its own cache entry: a new mention shows after a refresh only
		frappe.set_user("Administrator")
		make_mention("h12a-m-new", author=self.profile_b, posted_at=YESTERDAY_NOON, sentiment="Negative")
		self.assertEqual(trend_source.get(chart_name=CHART, filters=filters), manager)
		refreshed = trend_source.get(chart_name=CHART, filters=filters, refresh=1)
		total = sum(sum(ds["values"]) for ds in refreshed["datasets"])
		self.assertEqual(total, sum(sum(ds["values"]) for ds in manager["datasets"]) + 1)
		frappe.set_user(SALES)
		self.assertEqual(trend_source.get(chart_name=CHART, filters=filters), sales)

	# -- item 4: billed revenue only for those who may see invoices -------------------------------

	def test_top_authors_revenue_only_for_invoice_readers_and_their_companies(self):
		insert_invoice(self.customer_a, 1_000, self.company)
		insert_invoice(self.customer_a, 5_000, "_Test H12A Other Company")
		filters = {"from_date": add_days(today(), -2), "to_date": today()}

		frappe.set_user("Administrator")
		_columns, data, *_ = top_authors.execute(filters)
		self.assertEqual(next(r for r in data if r.profile == self.profile_a).billed_revenue, 6_000)

		frappe.set_user(SALES)  # no read on Sales Invoice
		columns, data, *_ = top_authors.execute(filters)
		self.assertNotIn("billed_revenue", [c["fieldname"] for c in columns])
		self.assertIn(self.profile_a, [r.profile for r in data])
		self.assertFalse(any("billed_revenue" in row for row in data))

		frappe.set_user(ACCOUNTS)  # reads invoices of one company only
		columns, data, *_ = top_authors.execute(filters)
		self.assertIn("billed_revenue", [c["fieldname"] for c in columns])
		self.assertEqual(next(r for r in data if r.profile == self.profile_a).billed_revenue, 1_000)

	def test_contest_results_show_revenue_only_to_invoice_readers(self):
		from social_crm.social_crm.report.social_contest_results import social_contest_results

		columns, _data = social_contest_results.execute({})
		self.assertIn("revenue", [c["fieldname"] for c in columns])
		frappe.set_user(SOCIAL)  # Social CRM User: runs the report, may not read invoices
		columns, data = social_contest_results.execute({})
		self.assertNotIn("revenue", [c["fieldname"] for c in columns])
		self.assertFalse(any("revenue" in row for row in data))

	def test_contest_revenue_is_narrowed_by_the_readers_user_permissions(self):
		from social_crm.social_crm.report.social_contest_results import social_contest_results
		from social_crm.tests.test_contests import make_contest

		contest = make_contest("_Test H12A Contest").name
		customer = make_customer("_Test H12A Contest Winner").name  # revenue of no other test
		other = "_Test H12A Other Company"
		for coupon, company, amount in (("H12A-C1", self.company, 1_000), ("H12A-C2", other, 5_000)):
			order, invoice = f"_T-H12A-SO-{coupon}", insert_invoice(customer, amount, company)
			frappe.db.bulk_insert(
				"Sales Order",
				["name", "customer", "company", "coupon_code", "docstatus", "transaction_date"],
				[(order, customer, company, coupon, 1, today())],
			)
			frappe.db.bulk_insert(
				"Sales Invoice Item",
				["name", "parent", "parenttype", "parentfield", "sales_order"],
				[(f"_T-H12A-SII-{coupon}", invoice, "Sales Invoice", "items", order)],
			)
			frappe.db.bulk_insert(
				"Social Contest Entry",
				["name", "contest", "winner", "coupon_code"],
				[(f"_T-H12A-CE-{coupon}", contest, 1, coupon)],
			)

		def revenue_for(user):
			frappe.set_user(user)
			_columns, data = social_contest_results.execute({"contest": contest})
			return data[0]["redeemed"], data[0].get("revenue")

		self.assertEqual(revenue_for("Administrator"), (2, 6_000))
		self.assertEqual(revenue_for(ACCOUNTS), (2, 1_000))  # invoices of their company only

	def test_stored_vote_weight_is_a_tier_not_the_revenue(self):
		insert_invoice(self.customer_b, 50_000, self.company)
		frappe.db.set_single_value("Social CRM Settings", "weight_votes_by_customer_value", 1)
		frappe.set_user(SALES)  # who computes it does not matter: only the tier is stored
		self.assertEqual(voting.vote_weight(self.customer_b), 2.0)
		frappe.set_user("Administrator")
		self.assertGreaterEqual(voting.refresh_vote_weights(), 1)
		self.assertEqual(frappe.db.get_value("Idea Vote", self.votes["b"], "weight"), 2.0)
		self.assertEqual(frappe.db.get_value("Idea Vote", self.votes["a"], "weight"), 1.0)
		insert_invoice(self.customer_b, 40_000, self.company)  # 90,000: still the same tier
		self.assertEqual(voting.vote_weight(self.customer_b), 2.0)

	# -- item 6: a Sales User cannot widen their own visibility -----------------------------------

	def test_sales_users_handle_edit_waits_for_review(self):
		target = make_profile("h12a-target", handle="target_h12a@mastodon.social", display_name="T.").name
		post = make_mention("h12a-target-post", author=target).name
		self.assertEqual(jobs.match_profile(target), "No Match")

		frappe.set_user(SALES)
		customer = frappe.get_doc("Customer", self.customer_a)
		customer.social_handles = "mastodon:target_h12a@mastodon.social"
		customer.save()
		frappe.set_user("Administrator")
		self.assertEqual(jobs.match_profile(target), "Needs Review")
		self.assertEqual(
			frappe.db.get_value(
				KEY_DOCTYPE,
				{"reference_name": self.customer_a, "key_value": "Mastodon:target_h12a@mastodon.social"},
				"pending_review",
			),
			1,
		)
		self.assertFalse(frappe.db.get_value("Social Profile", target, "party"))
		frappe.set_user(SALES)
		self.assertFalse(frappe.has_permission("Mention", "read", doc=post))
		self.assertNotIn(post, frappe.get_list("Mention", pluck="name", limit_page_length=0))
		with self.assertRaises(frappe.PermissionError):
			linking_api.accept_candidate(target, "Customer", self.customer_a)

		# someone with the social roles accepts: linked, and the key no longer waits
		frappe.set_user(SOCIAL)
		linking_api.accept_candidate(target, "Customer", self.customer_a)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Social Profile", target, "party"), self.customer_a)
		self.assertEqual(
			frappe.db.get_value(
				KEY_DOCTYPE,
				{"reference_name": self.customer_a, "key_value": "Mastodon:target_h12a@mastodon.social"},
				"pending_review",
			),
			0,
		)
		frappe.set_user(SALES)
		self.assertTrue(frappe.has_permission("Mention", "read", doc=post))

	def test_handle_entered_by_the_social_roles_links_at_once(self):
		target = make_profile("h12a-target-2", handle="trusted_h12a@mastodon.social", display_name="T2").name
		frappe.set_user("Administrator")
		customer = frappe.get_doc("Customer", self.customer_b)
		customer.social_handles = "mastodon:trusted_h12a@mastodon.social"
		customer.save()
		self.assertEqual(jobs.match_profile(target), f"linked: Customer {self.customer_b}")
