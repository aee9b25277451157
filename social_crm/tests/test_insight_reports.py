"""Workspace numbers and reports against direct counts on generated history."""

from datetime import datetime, timedelta

import frappe
from frappe.utils import add_days, getdate, now_datetime, today

from social_crm.insight import dashboard, response_rollup, rollup
from social_crm.social_crm.report.mentions_by_item import mentions_by_item
from social_crm.social_crm.report.response_times import response_times
from social_crm.social_crm.report.sentiment_trend import sentiment_trend
from social_crm.social_crm.report.share_of_voice import share_of_voice
from social_crm.social_crm.report.top_authors import top_authors
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import insert_mentions, make_rule
from social_crm.tests.utils import leaf, make_customer, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

# a quiet past fortnight: nothing else on the site is posted then
FROM = datetime(2019, 3, 4)
DAYS = 14
TO = FROM + timedelta(days=DAYS - 1)
SENTIMENTS = ["Positive", "Neutral", "Negative", None]
PLATFORMS = ["Mastodon", "Bluesky", "Reddit"]


def direct(sql, **values):
	return frappe.db.sql(sql, values)[0][0]


def insert_invoice(customer, amount, posting_date, docstatus=1):
	name = "_T-SINV-" + frappe.generate_hash(length=8)
	frappe.db.bulk_insert(
		"Sales Invoice",
		[
			"name",
			"customer",
			"posting_date",
			"base_net_total",
			"base_grand_total",
			"grand_total",
			"docstatus",
			"company",
		],
		[
			(
				name,
				customer,
				posting_date,
				amount,
				amount,
				amount,
				docstatus,
				frappe.db.get_value("Company", {}, "name"),
			)
		],
	)
	return name


class TestInsightReports(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		if not frappe.db.exists("Competitor", "_Test Rival Corp"):
			frappe.get_doc({"doctype": "Competitor", "competitor_name": "_Test Rival Corp"}).insert()
		cls.brand = make_rule("_Test SoV Brand", "Brand").name
		cls.brand2 = make_rule("_Test SoV Brand Alias", "Brand").name
		cls.rival = make_rule("_Test SoV Rival", "Competitor", competitor="_Test Rival Corp").name
		cls.other = make_rule("_Test SoV Other Rival", "Competitor").name
		cls.item = cls.make_item("_Test Social Oat Drink")
		cls.item2 = cls.make_item("_Test Social Soy Drink")
		cls.product = make_rule("_Test Product Oat", "Product", item=cls.item).name
		cls.product_alias = make_rule("_Test Product Oat Alias", "Product", item=cls.item).name
		cls.product2 = make_rule("_Test Product Soy", "Product", item=cls.item2).name

		cls.rich = make_customer("_Test Insight Rich Customer")
		cls.poor = make_customer("_Test Insight Small Customer")
		cls.p_rich = make_profile("ins-rich", followers=10, party_type="Customer", party=cls.rich.name)
		cls.p_poor = make_profile("ins-poor", followers=100000, party_type="Customer", party=cls.poor.name)
		cls.p_loud = make_profile("ins-loud", followers=5000000)
		for amount, days_ago, status in (
			(1000, 10, 1),
			(500, 200, 1),
			(9999, 400, 1),
			(7777, 5, 0),
			(3333, 5, 2),
		):
			insert_invoice(cls.rich.name, amount, add_days(today(), -days_ago), status)
		insert_invoice(cls.poor.name, 20, add_days(today(), -3))

		rows = []
		rule_cycle = [
			[(cls.brand, "Brand")],
			[(cls.brand, "Brand"), (cls.brand2, "Brand")],  # one mention, two brand rules: counts once
			[(cls.rival, "Competitor")],
			[(cls.other, "Competitor")],
			[(cls.product, "Product"), (cls.product_alias, "Product")],
			[(cls.product2, "Product"), (cls.brand, "Brand")],
			[],
		]
		authors = [cls.p_rich.name, cls.p_poor.name, cls.p_loud.name, None]
		n = 0
		for day in range(DAYS):
			for k in range(day % 5 + 3):
				n += 1
				rows.append(
					{
						"posted_at": FROM + timedelta(days=day, hours=k * 2 + 1),
						"sentiment": SENTIMENTS[n % 4],
						"platform": PLATFORMS[n % 3],
						"language": "de" if n % 2 else "en",
						"author": authors[n % 4],
						"rules": rule_cycle[n % len(rule_cycle)],
					}
				)
		insert_mentions(rows)
		cls.total = len(rows)

	@classmethod
	def make_item(cls, code):
		if frappe.db.exists("Item", code):
			return code
		return (
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": code.replace("_Test ", ""),
					"item_group": leaf("Item Group", "All Item Groups"),
					"stock_uom": frappe.db.get_value("UOM", {}, "name"),
					"is_stock_item": 0,
				}
			)
			.insert()
			.name
		)

	def filters(self, **extra):
		return {"from_date": str(FROM.date()), "to_date": str(TO.date()), **extra}

	def in_range(self, extra="", **values):
		return direct(
			f"select count(*) from `tabMention` where posted_at >= %(f)s and posted_at < %(t)s {extra}",
			f=FROM,
			t=TO + timedelta(days=1),
			**values,
		)

	# --- Sentiment Trend -------------------------------------------------------------------

	def test_sentiment_trend_matches_direct_counts(self):
		_columns, data, _m, chart, summary = sentiment_trend.execute(self.filters())
		self.assertEqual(len(data), DAYS)
		self.assertEqual(sum(r["total"] for r in data), self.in_range())
		self.assertEqual(sum(r["total"] for r in data), self.total)
		for label in ("Positive", "Neutral", "Negative"):
			self.assertEqual(
				sum(r[label.lower()] for r in data), self.in_range("and sentiment = %(s)s", s=label), label
			)
		third = data[2]
		self.assertEqual(third["period"], str(FROM.date() + timedelta(days=2)))
		self.assertEqual(third["total"], 2 % 5 + 3)
		self.assertEqual(len(chart["data"]["datasets"]), 3)
		self.assertEqual(summary[0]["value"], self.total)

		# filters: platform, language, rule
		_c, by_platform, *_ = sentiment_trend.execute(self.filters(platform="Bluesky"))
		self.assertEqual(sum(r["total"] for r in by_platform), self.in_range("and platform = 'Bluesky'"))
		_c, by_language, *_ = sentiment_trend.execute(self.filters(language="de"))
		self.assertEqual(sum(r["total"] for r in by_language), self.in_range("and language = 'de'"))
		_c, by_rule, *_ = sentiment_trend.execute(self.filters(listening_rule=self.brand))
		expected = direct(
			"""select count(distinct m.name) from `tabMention` m join `tabMention Rule Match` r on r.parent = m.name
			where r.listening_rule = %(rule)s and m.posted_at >= %(f)s and m.posted_at < %(t)s""",
			rule=self.brand,
			f=FROM,
			t=TO + timedelta(days=1),
		)
		self.assertEqual(sum(r["total"] for r in by_rule), expected)
		_c, weekly, *_ = sentiment_trend.execute(self.filters(period="Weekly"))
		self.assertEqual(sum(r["total"] for r in weekly), self.total)
		self.assertEqual(weekly[0]["period"], str(FROM.date() - timedelta(days=FROM.weekday())))

	def test_sentiment_trend_rejects_bad_dates(self):
		with self.assertRaises(frappe.ValidationError):
			sentiment_trend.execute({"from_date": "2019-03-10", "to_date": "2019-03-01"})

	# --- Share of Voice --------------------------------------------------------------------

	def voice(self, rules):
		return direct(
			"""select count(distinct m.name) from `tabMention` m join `tabMention Rule Match` r on r.parent = m.name
			where r.listening_rule in %(rules)s and m.posted_at >= %(f)s and m.posted_at < %(t)s""",
			rules=rules,
			f=FROM,
			t=TO + timedelta(days=1),
		)

	def test_share_of_voice_brand_vs_each_competitor(self):
		columns, data, _m, _chart, _summary = share_of_voice.execute(self.filters(period="Weekly"))
		labels = [c["label"] for c in columns]
		self.assertEqual(
			labels[1:4], ["Our Brand", "_Test Rival Corp", "_Test SoV Other Rival"][: len(labels[1:4])]
		)
		total = data[-1]
		brand = self.voice((self.brand, self.brand2))
		self.assertEqual(total["g0"], brand)
		groups = {c["label"]: c["fieldname"] for c in columns if c["fieldname"].startswith("g")}
		self.assertEqual(total[groups["_Test Rival Corp"]], self.voice((self.rival,)))
		self.assertEqual(total[groups["_Test SoV Other Rival"]], self.voice((self.other,)))
		all_voices = brand + self.voice((self.rival,)) + self.voice((self.other,))
		self.assertEqual(total["total"], all_voices)
		self.assertAlmostEqual(total["s0"], round(100.0 * brand / all_voices, 1))
		self.assertEqual(sum(r["g0"] for r in data[:-1]), brand)
		# the dashboard chart gives the same numbers
		sov = dashboard.share_of_voice(DAYS, TO.date())
		self.assertEqual(sov["labels"][0], "Our Brand")
		self.assertEqual(sov["datasets"][0]["values"][0], brand)
		self.assertIn(self.voice((self.rival,)), sov["datasets"][0]["values"])

	def test_share_of_voice_by_rule_and_kind(self):
		columns, data, *_ = share_of_voice.execute(self.filters(period="Monthly", group_by="Listening Rule"))
		groups = {c["label"]: c["fieldname"] for c in columns if c["fieldname"].startswith("g")}
		self.assertEqual(data[-1][groups[self.brand2]], self.voice((self.brand2,)))
		self.assertEqual(data[-1][groups[self.product]], self.voice((self.product,)))
		columns, data, *_ = share_of_voice.execute(self.filters(group_by="Rule Kind", rule_kind="Product"))
		self.assertEqual([c["label"] for c in columns if c["fieldname"].startswith("g")], ["Product"])
		self.assertEqual(data[-1]["g0"], self.voice((self.product, self.product_alias, self.product2)))

	# --- Top Authors -----------------------------------------------------------------------

	def test_top_authors_puts_the_most_valuable_customers_first(self):
		_columns, data, *_ = top_authors.execute(self.filters())
		profiles = [row.profile for row in data]
		# revenue first (rich customer), then the small customer, then the loud unlinked author
		self.assertEqual(profiles[:3], [self.p_rich.name, self.p_poor.name, self.p_loud.name])
		rich = data[0]
		self.assertEqual(rich.billed_revenue, 1500)  # submitted, last 12 months only
		self.assertEqual(rich.party, self.rich.name)
		self.assertEqual(data[1].billed_revenue, 20)
		self.assertEqual(data[2].billed_revenue, 0)
		self.assertEqual(rich.mentions, self.in_range("and author = %(a)s", a=self.p_rich.name))
		_c, unlinked, *_ = top_authors.execute(self.filters(linked="Not Linked"))
		self.assertEqual([row.profile for row in unlinked], [self.p_loud.name])
		_c, top1, *_ = top_authors.execute(self.filters(limit=1))
		self.assertEqual(len(top1), 1)

	def test_reports_count_unanalysed_mentions_without_failing(self):
		# a quiet day: only mentions nobody analysed (e.g. the author objected to analysis)
		day = datetime(2018, 6, 1, 10, 0)
		quiet = make_profile("insight-unanalysed", handle="quiet@mastodon.social")
		rule = make_rule("_Test Product Unanalysed", "Product", item=self.item2).name
		insert_mentions(
			[{"posted_at": day, "author": quiet.name, "rules": [(rule, "Product")]} for _ in range(3)]
		)
		filters = {"from_date": "2018-06-01", "to_date": "2018-06-01"}
		_c, authors, *_ = top_authors.execute(filters)
		self.assertEqual(
			[(r.profile, r.mentions, r.negative, r.negative_share) for r in authors],
			[(quiet.name, 3, 0, 0.0)],
		)
		_c, items, *_ = mentions_by_item.execute(filters)
		self.assertEqual(
			[(r.item, r.mentions, r.positive, r.neutral, r.negative, r.negative_share) for r in items],
			[(self.item2, 3, 0, 0, 0, 0.0)],
		)
		_c, trend, *_ = sentiment_trend.execute({**filters, "period": "Daily"})
		self.assertEqual(sum(row["unanalyzed"] for row in trend if "unanalyzed" in row), 3)

	# --- Mentions by Item ------------------------------------------------------------------

	def test_mentions_by_item_counts_each_mention_once_per_item(self):
		_columns, data, _m, _chart = mentions_by_item.execute(self.filters())
		by_item = {row.item: row for row in data}
		self.assertEqual(by_item[self.item].mentions, self.voice((self.product, self.product_alias)))
		self.assertEqual(by_item[self.item2].mentions, self.voice((self.product2,)))
		self.assertIn(self.product_alias, by_item[self.item].rules)
		negatives = direct(
			"""select count(distinct m.name) from `tabMention` m join `tabMention Rule Match` r on r.parent = m.name
			where r.listening_rule = %(rule)s and m.sentiment = 'Negative' and m.posted_at >= %(f)s and m.posted_at < %(t)s""",
			rule=self.product2,
			f=FROM,
			t=TO + timedelta(days=1),
		)
		self.assertEqual(by_item[self.item2].negative, negatives)
		_c, only, *_ = mentions_by_item.execute(self.filters(item=self.item2))
		self.assertEqual([row.item for row in only], [self.item2])

	def test_mentions_by_item_uses_the_sentiment_towards_the_item(self):
		def counts():
			_c, data, *_ = mentions_by_item.execute(self.filters(item=self.item2))
			only = frappe._dict(item=self.item2)
			self.assertEqual(  # the rollup (Administrator reads it) and the raw query agree
				mentions_by_item.rollup_query(only, FROM.date(), TO.date()),
				mentions_by_item.query(only, FROM.date(), TO.date()),
			)
			return data[0].positive, data[0].negative

		row, mention = frappe.db.sql(
			"""select r.name, m.name from `tabMention` m join `tabMention Rule Match` r on r.parent = m.name
			where r.listening_rule = %(rule)s and m.sentiment = 'Negative' and m.posted_at >= %(f)s
			and m.posted_at < %(t)s limit 1""",
			{"rule": self.product2, "f": FROM, "t": TO + timedelta(days=1)},
		)[0]
		positive, negative = counts()
		# set-based writes tell the rollup, as enrichment and Correct Sentiment do
		before = rollup.snapshot([mention])
		frappe.db.set_value(
			"Mention Rule Match", row, "sentiment", "Positive"
		)  # aspect: praise for this item
		rollup.changed(before)
		self.assertEqual(counts(), (positive + 1, negative - 1))
		before = rollup.snapshot([mention])
		frappe.db.set_value("Mention", mention, "human_sentiment", "Negative")  # a person's label wins
		rollup.changed(before)
		self.assertEqual(counts(), (positive, negative))

	# --- workspace numbers -----------------------------------------------------------------

	def test_dashboard_sentiment_trend_matches_report(self):
		trend = dashboard.sentiment_trend(DAYS, TO.date())
		self.assertEqual(len(trend["labels"]), DAYS)
		_c, data, *_ = sentiment_trend.execute(self.filters())
		for dataset, label in zip(trend["datasets"], ("positive", "neutral", "negative"), strict=True):
			self.assertEqual(dataset["values"], [row[label] for row in data])

	def test_number_cards_match_direct_counts(self):
		from frappe.desk.doctype.number_card.number_card import get_result

		now = now_datetime()
		insert_mentions(
			[
				{"posted_at": now - timedelta(minutes=1), "sentiment": "Negative"},
				{"posted_at": now - timedelta(minutes=2), "sentiment": "Positive"},
				{"posted_at": now - timedelta(days=3), "sentiment": "Negative"},
				{"posted_at": now - timedelta(days=3), "sentiment": None},
			]
		)
		start_today = getdate(today())

		def card(name):
			doc = frappe.get_doc("Number Card", name)
			return get_result(doc.as_json(), doc.filters_json)

		self.assertEqual(
			card("Mentions Today"),
			direct("select count(*) from `tabMention` where date(posted_at) = %(d)s", d=start_today),
		)
		self.assertEqual(
			card("Mentions Last 7 Days"),
			direct(
				"select count(*) from `tabMention` where date(posted_at) between %(f)s and %(t)s",
				f=add_days(start_today, -7),
				t=start_today,
			),
		)
		self.assertEqual(
			card("Unlinked Influential Authors"),
			direct(
				"select count(*) from `tabSocial Profile` where ifnull(party, '') = '' and influence_score >= 50"
			),
		)
		self.assertEqual(
			card("Open Ideas"),
			direct(
				"select count(*) from `tabIdea` where status not in ('Implemented', 'Declined', 'Duplicate')"
			),
		)
		share = dashboard.negative_share()
		analysed, negative = frappe.db.sql(
			"""select count(*), sum(sentiment = 'Negative') from `tabMention`
			where date(posted_at) between %(f)s and %(t)s and sentiment in ('Positive', 'Neutral', 'Negative')""",
			{"f": add_days(start_today, -6), "t": start_today},
		)[0]
		self.assertAlmostEqual(share["value"], round(100.0 * int(negative) / int(analysed), 1))
		self.assertEqual(share["fieldtype"], "Percent")

	def test_workspace_ships_cards_and_charts(self):
		workspace = frappe.get_doc("Workspace", "Social CRM")
		self.assertEqual(
			{row.number_card_name for row in workspace.number_cards},
			{
				"Mentions Today",
				"Mentions Last 7 Days",
				"Negative Mention Share",
				"Unlinked Influential Authors",
				"Open Ideas",
				"Ingest Backlog",
			},
		)
		self.assertEqual(
			{row.chart_name for row in workspace.charts},
			{"Mention Sentiment Trend", "Mention Volume by Platform", "Share of Voice"},
		)
		for chart in workspace.charts:
			self.assertEqual(frappe.db.get_value("Dashboard Chart", chart.chart_name, "is_standard"), 1)

	def test_restricted_users_see_only_their_parties_numbers(self):
		user = make_user("insight-sales@example.com", ["Sales User"])
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user.name,
				"allow": "Customer",
				"for_value": self.rich.name,
			}
		).insert(ignore_permissions=True)
		frappe.db.sql(
			"update `tabMention` set party_type = 'Customer', party = %(c)s where author = %(a)s",
			{"c": self.rich.name, "a": self.p_rich.name},
		)
		frappe.set_user(user.name)
		try:
			_c, data, *_ = sentiment_trend.execute(self.filters())
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(
			sum(r["total"] for r in data), self.in_range("and author = %(a)s", a=self.p_rich.name)
		)

	# --- Response Times --------------------------------------------------------------------

	def test_response_times_statistics(self):
		agent = make_user("insight-agent@example.com", ["Social CRM User"]).name
		posted = datetime(2019, 4, 2, 9, 0)
		minutes = [5, 15, 30, 45, 120]
		rows = [
			{
				"posted_at": posted,
				"status": "Responded",
				"response_minutes": m,
				"first_response_at": posted + timedelta(minutes=m),
			}
			for m in minutes
		] + [{"posted_at": posted, "status": "Ignored"}, {"posted_at": posted, "status": "New"}]
		names = insert_mentions(rows)
		before = response_rollup.snapshot(names)  # a set-based writer tells the response rollup
		frappe.db.sql(
			"update `tabMention` set assigned_to = %(u)s where name in %(n)s", {"u": agent, "n": names}
		)
		response_rollup.changed(before)
		_c, data, *_ = response_times.execute(
			{"from_date": "2019-04-02", "to_date": "2019-04-02", "assigned_to": agent}
		)
		self.assertEqual(len(data), 1)
		row = data[0]
		self.assertEqual(row["group"], agent)
		self.assertEqual((row["mentions"], row["responded"], row["ignored"], row["open"]), (7, 5, 1, 1))
		self.assertEqual(row["avg_minutes"], 43.0)
		self.assertEqual(row["median_minutes"], 30)
		self.assertEqual(row["p90_minutes"], 120)
		self.assertEqual(row["within_hour"], 80.0)
