"""Contests on a real site: entries from posts and the portal, one per person, consent, a reproducible
draw, one Coupon Code per winner that a Sales Invoice redeems, the report, erasure."""

import json

import frappe
from frappe.utils import add_days, now_datetime

from social_crm.api import contests as api
from social_crm.contests import contest as contests
from social_crm.engine import contests as engine
from social_crm.privacy import erasure, subject
from social_crm.social_crm.report.social_contest_results import social_contest_results as report
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import ensure_outgoing_email_account
from social_crm.tests.utils import make_contact, make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

PORTAL_USER = "contest-portal@example.com"


def make_contest(name: str, winners: int = 2):
	return frappe.get_doc(
		{
			"doctype": "Social Contest",
			"contest_name": name,
			"hashtag": "#GrindGiveaway",
			"start": add_days(now_datetime(), -7),
			"end": add_days(now_datetime(), 7),
			"number_of_winners": winners,
			"terms": "Post with #GrindGiveaway; one entry per person; winners get 15% off.",
			"discount_percentage": 15,
		}
	).insert()


class TestContests(SocialCRMTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_entries_draw_vouchers_invoice_and_report(self):
		contest = make_contest("_Test Grind Giveaway")
		customer = make_customer("_Test Contest Customer")
		contact = make_contact("Contesta", customer=customer.name, email="contesta@example.com")
		linked = make_profile("ct-linked", party_type="Contact", party=contact.name)
		other = make_profile("ct-other")
		third = make_profile("ct-third")
		make_mention("ct-1", author=linked.name, text="I want it #GrindGiveaway", minutes_ago=60)
		make_mention("ct-2", author=linked.name, text="again! #grindgiveaway", minutes_ago=30)
		make_mention("ct-3", author=other.name, text="#GrindGiveaway please", minutes_ago=20)
		make_mention("ct-4", author=third.name, text="#GrindGiveaway2026 is another tag", minutes_ago=10)

		self.assertEqual(api.collect_entries(contest.name), 2)  # one per person, exact tag
		self.assertEqual(contests.collect_post_entries(contest.name), 0)  # idempotent
		entry = frappe.get_doc(
			"Social Contest Entry", {"contest": contest.name, "social_profile": linked.name}
		)
		self.assertEqual((entry.party_type, entry.party), ("Contact", contact.name))
		consent = frappe.get_doc("Social Consent Entry", entry.consent_entry)
		self.assertEqual((consent.purpose, consent.status), ("Marketing", "Granted"))
		self.assertIn("one entry per person", consent.evidence)

		# a portal entry needs the terms accepted, and counts once
		make_user(PORTAL_USER, [])
		frappe.set_user(PORTAL_USER)
		with self.assertRaises(frappe.ValidationError):
			api.enter(contest.name, accept_terms=0)
		portal = api.enter(contest.name, accept_terms=1)
		self.assertEqual(api.enter(contest.name, accept_terms=1), portal)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Social Contest Entry", {"contest": contest.name}), 3)

		ensure_outgoing_email_account()
		winners = contests.draw(contest.name, seed="fixed-seed-for-test")
		self.assertEqual(len(winners), 2)
		contest.reload()
		self.assertEqual(contest.status, "Drawn")
		recorded = json.loads(contest.draw_entries)
		self.assertEqual(len(recorded), 3)
		# anyone can re-run the draw from the record
		self.assertEqual(engine.draw(recorded, contest.seed, contest.number_of_winners), winners)
		self.assertTrue(api.verify_draw(contest.name))
		with self.assertRaises(frappe.ValidationError):
			contests.draw(contest.name)

		coupons = []
		for name in winners:
			winner = frappe.get_doc("Social Contest Entry", name)
			self.assertTrue(winner.winner)
			coupon = frappe.get_doc("Coupon Code", winner.coupon_code)
			self.assertEqual(coupon.maximum_use, 1)
			coupons.append(coupon)
			if winner.party == contact.name:
				self.assertEqual((coupon.coupon_type, coupon.customer), ("Gift Card", customer.name))
				# notified by email with the code
				self.assertTrue(winner.notified)
				mail = frappe.get_last_doc(
					"Email Queue",
					filters={"reference_doctype": "Social Contest Entry", "reference_name": name},
				)
				self.assertIn("contesta@example.com", [r.recipient for r in mail.recipients])
		self.assertEqual(len({c.name for c in coupons}), 2)

		# an order redeems one voucher (discount applied, coupon used), its Sales Invoice is the revenue
		coupon = coupons[0]
		invoice = self.make_invoice(customer.name, coupon.name)
		self.assertEqual(frappe.db.get_value("Coupon Code", coupon.name, "used"), 1)
		row = next(r for r in report.execute({"contest": contest.name})[1])
		self.assertEqual((row["entries"], row["winners"], row["redeemed"]), (3, 2, 1))
		self.assertAlmostEqual(row["revenue"], invoice.base_net_total)

	def make_invoice(self, customer: str, coupon: str):
		company = (
			frappe.db.get_single_value("Global Defaults", "default_company")
			or frappe.get_all("Company", pluck="name")[0]
		)
		item = "_Test Contest Grinder"
		if not frappe.db.exists("Item", item):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": item,
					"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
					"stock_uom": "Nos",
					"is_stock_item": 0,
				}
			).insert()
		from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice

		order = frappe.get_doc(
			{
				"doctype": "Sales Order",
				"company": company,
				"customer": customer,
				"coupon_code": coupon,
				"transaction_date": frappe.utils.today(),
				"delivery_date": frappe.utils.add_days(frappe.utils.today(), 7),
				"currency": frappe.get_cached_value("Company", company, "default_currency"),
				"items": [{"item_code": item, "qty": 1, "rate": 100}],
			}
		)
		order.insert()
		order.submit()
		self.assertAlmostEqual(order.discount_amount, 15.0)
		invoice = make_sales_invoice(order.name)
		invoice.insert()
		invoice.submit()
		self.assertAlmostEqual(invoice.base_net_total, 85.0)
		return invoice

	def test_entries_fall_under_erasure_and_the_draw_stays_reproducible(self):
		contest = make_contest("_Test Erase Giveaway", winners=1)
		profile = make_profile("ct-erase")
		make_mention("ct-e1", author=profile.name, text="#GrindGiveaway me", minutes_ago=5)
		contests.collect_post_entries(contest.name)
		entry = frappe.db.get_value("Social Contest Entry", {"social_profile": profile.name})
		self.assertTrue(entry)
		# other tests' posts with the hashtag may take part too: make this person the winner
		frappe.db.delete("Social Contest Entry", {"contest": contest.name, "name": ("!=", entry)})
		self.assertEqual(contests.draw(contest.name, seed="erase-seed"), [entry])
		exported = subject.export("Social Profile", profile.name)
		self.assertEqual([e["name"] for e in exported["contest_entries"]], [entry])
		counts = erasure.erase("Social Profile", profile.name)
		self.assertEqual(counts["contest_entries_anonymized"], 1)
		row = frappe.db.get_value("Social Contest Entry", entry, ["*"], as_dict=True)
		# the row stays (winner, coupon) without anyone's identity; the recorded draw re-runs unchanged
		self.assertTrue(row.person.startswith("anon:"))
		self.assertNotIn(profile.name, row.person + row.entry_key)
		for field in engine.ENTRY_CLEAR:
			self.assertFalse(row[field], field)
		self.assertTrue(row.winner)
		self.assertTrue(row.coupon_code)
		self.assertTrue(contests.verify_draw(contest.name))
		# erasing again is harmless
		self.assertEqual(contests.anonymize_entries([entry]), 0)

	def test_retention_policy_covers_contest_entries(self):
		from social_crm.privacy import retention

		contest = make_contest("_Test Retention Giveaway", winners=1)
		contact = make_contact("Retenta", email="retenta@example.com")
		old = contests.add_entry(
			contest.name,
			via="Portal",
			party_type="Contact",
			party=contact.name,
			accepted_terms=True,
			at=add_days(now_datetime(), -5),
		)
		newcomer = make_profile("ct-retention-new")
		recent = contests.add_entry(contest.name, via="Post", profile=newcomer.name, accepted_terms=True)
		frappe.db.set_value("Social Contest Entry", old, "entered_at", add_days(now_datetime(), -40))
		policy = frappe.get_doc(
			{
				"doctype": "Social Retention Policy",
				"policy_name": "_Test contest entries after 30 days",
				"enabled": 0,
				"target": "Contest Entry",
				"action": "Anonymize",
				"keep_days": 30,
				"age_field": "entered_at",
				"linked": "Any",
				"applies_to_all": 1,
			}
		).insert()
		self.assertEqual(retention.preview(policy)["count"], 1)
		result = retention.run_policy(policy.name)
		self.assertEqual(result["count"], 1)
		self.assertTrue(frappe.db.get_value("Social Contest Entry", old, "person").startswith("anon:"))
		self.assertFalse(frappe.db.get_value("Social Contest Entry", old, "party"))
		self.assertEqual(frappe.db.get_value("Social Contest Entry", recent, "social_profile"), newcomer.name)
		self.assertEqual(retention.preview(policy)["count"], 0)  # anonymized rows are not selected again
