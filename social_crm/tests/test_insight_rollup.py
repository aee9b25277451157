"""The mention rollup against raw counts: every writer keeps it exact, readers use it."""

import random
from collections import Counter
from datetime import datetime, timedelta

import frappe
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from social_crm.api.social_history import get_social_summary
from social_crm.engine.records import Post
from social_crm.insight import dashboard, rollup
from social_crm.insight.alerts import rule_series
from social_crm.linking.unlink import clear_party_on_mentions
from social_crm.listening.enrichment import enrich_mentions
from social_crm.listening.learning import correct_sentiment
from social_crm.listening.pipeline import Ingestor
from social_crm.privacy.erasure import erase
from social_crm.privacy.retention import run_policy
from social_crm.social_crm.report.mentions_by_item import mentions_by_item
from social_crm.social_crm.report.sentiment_trend import sentiment_trend
from social_crm.social_crm.report.share_of_voice import share_of_voice
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.insight_data import insert_mentions, make_rule
from social_crm.tests.utils import (
	leaf,
	make_contact,
	make_customer,
	make_lead,
	make_mention,
	make_profile,
	make_user,
)

SENTIMENTS = ["Positive", "Neutral", "Negative", None]
PLATFORMS = ["Mastodon", "Reddit", "Bluesky"]
LANGUAGES = ["en", "de", None]
HANDLES = [f"rollup{i}@example.social" for i in range(5)]


def stored() -> Counter:
	"""The rollup table as {key tuple: count}."""
	return Counter(
		{
			(get_datetime(row[0]), *row[1:-1]): int(row[-1])
			for row in frappe.db.sql(
				f"""select bucket, dimension, value, platform, sentiment, language, rule_kind, match_kind,
				grain, mention_count from {rollup.TABLE}"""
			)
		}
	)


def raw() -> Counter:
	"""The same counts straight from Mention / Mention Rule Match with plain SQL, per hour and per day.

	Rule rows carry the sentiment towards the rule (a person's label, else the match's, else the
	post's); Kind and Competitor rows that of their rules when they agree, else the post's."""
	out = Counter()
	towards = "coalesce(nullif(m.human_sentiment, ''), nullif(rm.sentiment, ''), ifnull(m.sentiment, ''))"
	agreed = f"if(count(distinct {towards}) = 1, max({towards}), ifnull(m.sentiment, ''))"
	for grain, bucket in (("Hour", "%Y-%m-%d %H:00:00"), ("Day", "%Y-%m-%d 00:00:00")):
		hour = f"date_format(m.posted_at, '{bucket}')"  # no parameters: plain %
		cols = (
			"ifnull(m.platform, ''), ifnull(m.sentiment, ''), ifnull(m.language, ''), ifnull(m.rule_kind, '')"
		)
		keys = "ifnull(m.platform, '') as p, ifnull(m.language, '') as l, ifnull(m.rule_kind, '') as rk"
		queries = [
			f"select {hour}, 'All', '', {cols}, '', count(*) from `tabMention` m group by 1, 2, 3, 4, 5, 6, 7, 8",
			f"""select {hour}, 'Rule', rm.listening_rule, ifnull(m.platform, ''), {towards},
				ifnull(m.language, ''), ifnull(m.rule_kind, ''), ifnull(rm.kind, ''), count(distinct m.name)
			from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name
			where ifnull(rm.listening_rule, '') != '' group by 1, 2, 3, 4, 5, 6, 7, 8""",
			f"""select h, 'Kind', v, p, s, l, rk, v, count(*) from (
				select {hour} as h, rm.kind as v, {keys}, {agreed} as s
				from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name
				where ifnull(rm.kind, '') != '' and ifnull(rm.listening_rule, '') != ''
				group by m.name, rm.kind
			) t group by 1, 2, 3, 4, 5, 6, 7, 8""",
			f"""select h, 'Competitor', v, p, s, l, rk, 'Competitor', count(*) from (
				select {hour} as h, coalesce(nullif(lr.competitor, ''), lr.name) as v, {keys}, {agreed} as s
				from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name
				join `tabListening Rule` lr on lr.name = rm.listening_rule
				where rm.kind = 'Competitor' group by m.name, v
			) t group by 1, 2, 3, 4, 5, 6, 7, 8""",
			f"""select {hour}, 'Series', rm.listening_rule, '', {towards}, '', '', '',
				count(distinct m.name)
			from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name
			where ifnull(rm.listening_rule, '') != '' group by 1, 2, 3, 4, 5, 6, 7, 8""",
		]
		for query in queries:
			for row in frappe.db.sql(query):
				out[(get_datetime(row[0]), *row[1:-1], grain)] += int(row[-1])
	# Item rows, per day only: a mention once per Item of its Product rules, sentiment towards it
	item_rows = f"""select h, 'Item', v, p, s, '', '', '', count(*) from (
		select date_format(m.posted_at, '%Y-%m-%d 00:00:00') as h, lr.item as v,
			ifnull(m.platform, '') as p, {agreed} as s
		from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name
		join `tabListening Rule` lr on lr.name = rm.listening_rule
		where lr.kind = 'Product' and ifnull(lr.item, '') != '' group by m.name, v
	) t group by 1, 2, 3, 4, 5, 6, 7, 8"""
	# and per Product rule of an Item (match kind "Rule", no sentiment)
	rule_rows = """select date_format(m.posted_at, '%Y-%m-%d 00:00:00'), 'Item', rm.listening_rule,
		ifnull(m.platform, ''), '', '', '', 'Rule', count(distinct m.name)
		from `tabMention` m join `tabMention Rule Match` rm on rm.parent = m.name
		join `tabListening Rule` lr on lr.name = rm.listening_rule
		where lr.kind = 'Product' and ifnull(lr.item, '') != '' group by 1, 2, 3, 4, 5, 6, 7, 8"""
	for query in (item_rows, rule_rows):
		for row in frappe.db.sql(query):
			out[(get_datetime(row[0]), *row[1:-1], "Day")] += int(row[-1])
	return out


def make_item(code: str) -> str:
	if frappe.db.exists("Item", code):
		return code
	return (
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": code,
				"item_group": leaf("Item Group", "All Item Groups"),
				"stock_uom": frappe.db.get_value("UOM", {}, "name"),
				"is_stock_item": 0,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def item_report_paths(filters: dict) -> tuple[list, list]:
	"""Mentions by Item's rows from the rollup and from the raw query, for the same filters."""
	filters = frappe._dict(filters)
	from_date, to_date = getdate(filters.from_date), getdate(filters.to_date)
	return (
		mentions_by_item.rollup_query(filters, from_date, to_date),
		mentions_by_item.query(filters, from_date, to_date),
	)


def party_stored() -> Counter:
	"""The per-party weekly rollup as {(party type, party, week, sentiment): count}."""
	return Counter(
		{
			tuple(row[:-1]): int(row[-1])
			for row in frappe.db.sql(
				f"select party_type, party, week, sentiment, mention_count from {rollup.PARTY_TABLE}"
			)
		}
	)


def party_raw() -> Counter:
	"""The same counts from the mentions, in Python: own Lead/Contact, and the Customer field."""
	out = Counter()
	for m in frappe.db.sql(
		"select posted_at, sentiment, party_type, party, customer from `tabMention`", as_dict=True
	):
		day = get_datetime(m.posted_at).date()
		week, sentiment = day - timedelta(days=day.weekday()), m.sentiment or ""
		if m.party_type in ("Lead", "Contact") and m.party:
			out[(m.party_type, m.party, week, sentiment)] += 1
		if m.customer:
			out[("Customer", m.customer, week, sentiment)] += 1
	return out


def party_table() -> set:
	return set(
		frappe.db.sql(
			f"select name, party_type, party, week, sentiment, mention_count from {rollup.PARTY_TABLE}"
		)
	)


class TestMentionRollup(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.brand = make_rule("_ru Brand", "Brand", terms="rollupco").name
		cls.brand2 = make_rule("_ru Brand DE", "Brand", terms="rollupco gmbh\nrollupwerk").name
		cls.product = make_rule("_ru Gizmo", "Product", terms="rollgizmo").name
		cls.rival = make_rule("_ru Rival", "Competitor", terms="rivalroll").name
		cls.rival2 = make_rule("_ru Rival Typo", "Competitor", terms="rivallroll").name
		# Items: two Product rules of one Item (a mention of both counts once), one of another
		cls.items = [make_item("_ru Gizmo Item"), make_item("_ru Widget Item")]
		cls.product2 = make_rule("_ru Gizmo Alias", "Product", terms="gizmoroll").name
		cls.product3 = make_rule("_ru Widget", "Product", terms="rollwidget").name
		for rule, item in (
			(cls.product, cls.items[0]),
			(cls.product2, cls.items[0]),
			(cls.product3, cls.items[1]),
		):
			frappe.db.set_value("Listening Rule", rule, {"kind": "Product", "item": item})  # setUp rebuilds
		cls.competitor = None
		if frappe.db.exists("DocType", "Competitor"):
			cls.competitor = (
				frappe.db.exists("Competitor", "_ru Rival Corp")
				or frappe.get_doc({"doctype": "Competitor", "competitor_name": "_ru Rival Corp"})
				.insert(ignore_permissions=True)
				.name
			)
		cls.policies = {
			action: frappe.get_doc(
				{
					"doctype": "Social Retention Policy",
					"policy_name": f"_ru {action} old Reddit",
					"enabled": 0,  # run explicitly by the test, not by the daily job
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
		cls.customer = make_customer("_ru Party Customer").name
		cls.customer2 = make_customer("_ru Party Customer 2").name
		cls.contact = make_contact("_ru Party Contact", customer=cls.customer).name
		cls.lead = make_lead("_ru Party", "Lead").name
		cls.parties = [
			("Customer", cls.customer),
			("Customer", cls.customer2),
			("Contact", cls.contact),
			("Lead", cls.lead),
			(None, None),
		]

	def setUp(self):
		frappe.set_user("Administrator")
		rollup.rebuild()  # the site's own data as the starting point (rolled back after the test)
		self.assertEqual(stored(), raw())
		self.assertEqual(party_stored(), party_raw())

	def tearDown(self):
		frappe.set_user("Administrator")

	# ---------------------------------------------------------------- writers

	def post(self, rng: random.Random, n: int) -> Post:
		terms = rng.sample(
			["rollupco", "rollupwerk", "rollgizmo", "gizmoroll", "rollwidget", "rivalroll", "rivallroll"],
			rng.randint(1, 3),
		)
		return Post.from_dict(
			{
				"platform": rng.choice(PLATFORMS),
				"external_id": f"ru-{n}-{rng.randrange(10**9)}",
				"text": f"Post {n}: " + " and ".join(terms),
				"posted_at": (now_datetime() - timedelta(minutes=rng.randrange(60 * 24 * 60))).isoformat(),
				"author": {"handle": rng.choice(HANDLES), "display_name": "Rolly"},
				"language": rng.choice(["en", "de", ""]),
			}
		)

	def test_random_writes_keep_the_rollup_equal_to_raw_counts_and_rebuild_reproduces_it(self):
		rng = random.Random(14)
		done = Counter()
		party_rows_seen = 0
		item_rows_seen = 0
		for step in range(70):
			ours = frappe.get_all("Mention", filters={"external_id": ("like", "ru-%")}, pluck="name")
			op = rng.choice(
				[
					"ingest",
					"ingest",
					"save",
					"enrich",
					"correct",
					"delete",
					"retention",
					"erase",
					"competitor",
					"item",
					"link",
					"link",
					"withdraw",
				]
			)
			if op == "ingest" or len(ours) < 5:
				op = "ingest"
				Ingestor(origin="Webhook", enrichment="none").ingest(
					[self.post(rng, step * 100 + i) for i in range(rng.randint(1, 12))]
				)
			elif op == "save":
				doc = frappe.get_doc("Mention", rng.choice(ours))
				doc.sentiment = rng.choice(SENTIMENTS)
				doc.language = rng.choice(LANGUAGES)
				if rng.random() < 0.3:
					doc.posted_at = get_datetime(doc.posted_at) + timedelta(hours=rng.randint(-30, 30))
				if rng.random() < 0.3 and doc.matched_rules:
					doc.matched_rules = doc.matched_rules[:1]
				doc.save(ignore_permissions=True)
			elif op == "enrich":
				enrich_mentions(rng.sample(ours, min(len(ours), 8)), force=True)
			elif op == "correct":
				correct_sentiment(rng.sample(ours, min(len(ours), 4)), rng.choice(SENTIMENTS[:3]))
			elif op == "delete":
				frappe.delete_doc("Mention", rng.choice(ours), ignore_permissions=True, force=True)
			elif op == "retention":
				run_policy(self.policies[rng.choice(["Delete", "Anonymize"])], log=False)
			elif op == "erase":
				profile = frappe.db.get_value(
					"Social Profile", {"platform": rng.choice(PLATFORMS), "handle": rng.choice(HANDLES)}
				)
				if not profile:
					continue
				erase("Social Profile", profile)
			elif op == "link":  # link, unlink or relink an author: its mentions move with it
				profile = frappe.db.get_value(
					"Social Profile", {"platform": rng.choice(PLATFORMS), "handle": rng.choice(HANDLES)}
				)
				if not profile:
					continue
				doc = frappe.get_doc("Social Profile", profile)
				doc.party_type, doc.party = rng.choice(self.parties)
				doc.save(ignore_permissions=True)
			elif op == "withdraw":  # consent withdrawn with "unlink": the party leaves the mentions
				party_type, party = rng.choice(self.parties[:4])
				clear_party_on_mentions(party_type, party)
			elif op == "competitor":
				if not self.competitor:
					continue
				rule = frappe.get_doc("Listening Rule", rng.choice([self.rival, self.rival2]))
				rule.competitor = None if rule.competitor else self.competitor
				rule.save(ignore_permissions=True)
			elif op == "item":  # a Product rule names another Item, none, or stops being a Product rule
				rule = frappe.get_doc(
					"Listening Rule", rng.choice([self.product, self.product2, self.product3])
				)
				if rng.random() < 0.3:
					rule.kind = "Brand" if rule.kind == "Product" else "Product"
				else:
					rule.item = rng.choice([*self.items, None])
				rule.save(ignore_permissions=True)
			done[op] += 1
			self.assertEqual(stored(), raw(), f"step {step}: {op}")
			self.assertEqual(party_stored(), party_raw(), f"step {step}: {op} (per party)")
			party_rows_seen = max(party_rows_seen, len(party_stored()))
			item_rows_seen = max(item_rows_seen, len([k for k in stored() if k[1] == "Item"]))

		self.assertGreaterEqual(len(done), 10, done)  # the mix really ran every kind of writer
		self.assertTrue(done["item"], done)
		self.assertTrue(item_rows_seen, "the mix counted mentions per Item at some step")
		self.assertTrue(frappe.db.count("Mention", {"external_id": ("like", "ru-%")}))
		self.assertTrue(party_rows_seen, "the mix linked mentions to parties at some step")
		before, party_before = stored(), party_table()
		result = rollup.rebuild()
		self.assertEqual(stored(), before)
		self.assertEqual(result["rows"], len(before))
		self.assertEqual(party_table(), party_before)  # names included: sql_party_name = PartyKey.name
		self.assertEqual(result["party_rows"], len(party_before))

	def test_mentions_by_item_reads_the_same_rows_from_the_rollup_as_from_the_mentions(self):
		rng = random.Random(7)
		day0 = datetime(2019, 7, 1)  # quiet past days
		# the Product rules as setUpClass made them (tests of this class share one transaction)
		for rule, item in (
			(self.product, self.items[0]),
			(self.product2, self.items[0]),
			(self.product3, self.items[1]),
		):
			doc = frappe.get_doc("Listening Rule", rule)
			doc.kind, doc.item = "Product", item
			doc.save(ignore_permissions=True)
		self.assertEqual(stored(), raw())
		rules = [(self.product, "Product"), (self.product2, "Product"), (self.product3, "Product")]
		rules += [(self.brand, "Brand"), (self.rival, "Competitor")]
		names = insert_mentions(
			[
				{
					"posted_at": day0 + timedelta(minutes=rng.randrange(60 * 24 * 10)),
					"sentiment": rng.choice(SENTIMENTS),
					"platform": rng.choice(PLATFORMS),
					"rules": rng.sample(rules, rng.randint(0, 3)),
				}
				for _ in range(300)
			]
		)
		before = rollup.snapshot(names)  # aspects and labels, told to the rollup as the writers do
		for name in rng.sample(names, 60):
			frappe.db.sql(
				"update `tabMention Rule Match` set sentiment = %(s)s where parent = %(n)s and rand() < 0.6",
				{"s": rng.choice(SENTIMENTS[:3]), "n": name},
			)
		for name in rng.sample(names, 30):
			frappe.db.set_value("Mention", name, "human_sentiment", rng.choice(SENTIMENTS[:3]))
		rollup.changed(before)
		self.assertEqual(stored(), raw())
		group = frappe.db.get_value("Item", self.items[0], "item_group")
		checked = 0
		for filters in (
			{},
			{"platform": "Reddit"},
			{"item": self.items[0]},
			{"item": self.items[1], "platform": "Mastodon"},
			{"item_group": group},
			{"item_group": "_ru no such group"},
		):
			for first, days in ((0, 10), (2, 3), (9, 1), (4, 0)):
				span = {
					"from_date": add_days(day0, first),
					"to_date": add_days(day0, first + max(days - 1, 0)),
				}
				from_rollup, from_mentions = item_report_paths({**span, **filters})
				self.assertEqual(from_rollup, from_mentions, (filters, span))
				checked += bool(from_rollup)
		self.assertGreater(checked, 10)
		# the report itself: the rollup for Administrator, the same numbers as the raw query
		result = mentions_by_item.execute({"from_date": "2019-07-01", "to_date": "2019-07-10"})[1]
		self.assertEqual(
			[r.item for r in result],
			[r.item for r in item_report_paths({"from_date": "2019-07-01", "to_date": "2019-07-10"})[1]],
		)
		self.assertEqual({r.item for r in result}, set(self.items))
		self.assertTrue(all(r.rules and r.last_mention for r in result))
		# a renamed Item: Frappe rewrites the rules' links, the Item rows follow
		renamed = frappe.rename_doc("Item", self.items[1], "_ru Widget Item Renamed", force=True)
		self.assertEqual(stored(), raw())
		span = {"from_date": "2019-07-01", "to_date": "2019-07-10"}
		from_rollup, from_mentions = item_report_paths(span)
		self.assertEqual(from_rollup, from_mentions)
		self.assertIn(renamed, [r.item for r in from_rollup])
		frappe.rename_doc("Item", renamed, self.items[1], force=True)  # back, for the other tests
		self.assertEqual(stored(), raw())

	# ---------------------------------------------------------------- readers

	def test_unrestricted_readers_use_the_rollup_and_restricted_users_the_raw_rows(self):
		customer = make_customer("_ru Rollup Customer").name
		when = datetime(2019, 6, 3, 10, 30)  # a quiet past day
		day = when.date()
		Ingestor(origin="Webhook", enrichment="none").ingest(
			[
				Post.from_dict(
					{
						"platform": "Mastodon",
						"external_id": f"ru-read-{i}",
						"text": "rollupco and rivalroll",
						"posted_at": (when + timedelta(minutes=i)).isoformat() + "Z",
						"author": {"handle": f"reader{i}@example.social"},
					}
				)
				for i in range(5)
			]
		)
		self.assertEqual(frappe.db.count("Mention", {"external_id": ("like", "ru-read-%")}), 5)
		frappe.db.sql(
			"update `tabMention` set sentiment = 'Negative', party_type = 'Customer', party = %(c)s"
			" where external_id in ('ru-read-0', 'ru-read-1')",
			{"c": customer},
		)  # linked without telling the rollup: party is not part of its key, sentiment is
		self.assertEqual(frappe.db.count("Mention", {"party": customer}), 2)

		def trend(user):
			frappe.set_user(user)
			data = dashboard.sentiment_trend(1, day)
			return {ds["name"]: ds["values"][0] for ds in data["datasets"]}

		# Administrator reads the rollup: it still says unanalysed for the two changed rows
		self.assertEqual(sum(trend("Administrator").values()), 0)
		report = sentiment_trend.execute({"from_date": day, "to_date": day})[1]
		self.assertEqual((report[0]["total"], report[0]["negative"]), (5, 0))
		sov = share_of_voice.execute({"from_date": day, "to_date": day, "period": "Daily"})
		self.assertEqual(sov[1][-1]["total"], 10)  # 5 brand + 5 competitor voices

		# a Sales User reads raw rows, filtered to their customer: the 2 negative ones only
		sales = make_user("ru-sales@example.com", ["Sales User"]).name
		self.assertFalse(rollup.serves(sales))
		self.assertEqual(trend(sales).get("Negative"), 2)
		frappe.set_user(sales)
		report = sentiment_trend.execute({"from_date": day, "to_date": day})[1]
		self.assertEqual((report[0]["total"], report[0]["negative"]), (2, 2))
		volume = dashboard.volume_by_platform(1, day)
		self.assertEqual((volume["labels"], volume["datasets"][0]["values"]), (["Mastodon"], [2]))
		frappe.set_user("Administrator")
		volume = dashboard.volume_by_platform(1, day)
		self.assertEqual((volume["labels"], volume["datasets"][0]["values"]), (["Mastodon"], [5]))

		frappe.set_user("Administrator")
		rollup.rebuild()
		self.assertEqual(trend("Administrator").get("Negative"), 2)
		report = sentiment_trend.execute({"from_date": day, "to_date": day})[1]
		self.assertEqual((report[0]["total"], report[0]["negative"]), (5, 2))

	def test_the_party_summary_reads_the_party_rollup_and_restricted_users_the_raw_rows(self):
		# parties of its own: the class's parties carry the other tests' mentions (no rollback between tests)
		customer = make_customer("_ru Summary Customer").name
		customer2 = make_customer("_ru Summary Customer 2").name
		contact = make_contact("_ru Summary Contact", customer=customer).name
		contact_author = make_profile("ru-party-1", party_type="Contact", party=contact).name
		own_author = make_profile("ru-party-2", party_type="Customer", party=customer2).name
		for i, sentiment in enumerate(["Positive", "Negative", "Negative", None]):
			make_mention(
				f"ru-party-c{i}", author=contact_author, minutes_ago=i * 60 * 24 * 8, sentiment=sentiment
			)
		make_mention("ru-party-o1", author=own_author, sentiment="Neutral")
		self.assertEqual(party_stored(), party_raw())
		summary = get_social_summary("Customer", customer)
		self.assertEqual((summary["total"], summary["counts"]["Negative"], summary["unanalyzed"]), (4, 2, 1))
		self.assertEqual(sum(summary["trend"]["datasets"][2]["values"]), 2)  # Negative, within 12 weeks
		self.assertEqual(get_social_summary("Contact", contact)["total"], 4)

		# changed without telling the rollup: Administrator still reads the rollup ...
		frappe.db.sql("update `tabMention` set sentiment = 'Negative' where external_id = 'ru-party-c0'")
		self.assertEqual(get_social_summary("Customer", customer)["counts"]["Negative"], 2)
		# ... a Sales User (restricted: no rollup) counts the permitted mentions themselves
		sales = make_user("ru-party-sales@example.com", ["Sales User"]).name
		self.assertFalse(rollup.serves(sales))
		frappe.set_user(sales)
		self.assertEqual(get_social_summary("Customer", customer)["counts"]["Negative"], 3)
		frappe.set_user("Administrator")
		rollup.rebuild()
		self.assertEqual(get_social_summary("Customer", customer)["counts"]["Negative"], 3)

		# a renamed Contact, a deleted Customer: the party rows follow
		renamed = frappe.rename_doc("Contact", contact, "_ru Summary Contact Renamed", force=True)
		self.assertEqual(get_social_summary("Contact", renamed)["total"], 4)
		self.assertEqual(party_stored(), party_raw())
		frappe.delete_doc("Customer", customer2, force=True, ignore_permissions=True)
		self.assertFalse([k for k in party_stored() if k[1] == customer2])
		self.assertEqual(party_stored(), party_raw())

	def test_chart_sources_answer_through_the_read_only_wrapper(self):
		from social_crm.social_crm.dashboard_chart_source.social_volume_by_platform import (
			social_volume_by_platform,
		)

		data = social_volume_by_platform.get(chart_name="Mention Volume by Platform", no_cache=1)
		self.assertEqual(data, dashboard.volume_by_platform(30))
		self.assertEqual(
			frappe.db.get_value("Dashboard Chart", "Mention Volume by Platform", "source"),
			"Social Volume by Platform",
		)

	def test_alert_series_comes_from_the_rollup(self):
		hour = datetime(2019, 6, 10, 8)
		Ingestor(origin="Webhook", enrichment="none").ingest(
			[
				Post.from_dict(
					{
						"platform": "Reddit",
						"external_id": f"ru-alert-{i}",
						"text": "rollgizmo broke",
						"posted_at": (hour + timedelta(minutes=i)).isoformat() + "Z",
						"author": {"handle": f"alerter{i}"},
					}
				)
				for i in range(4)
			]
		)
		names = frappe.get_all("Mention", filters={"external_id": ("like", "ru-alert-%")}, pluck="name")
		correct_sentiment(names[:3], "Negative")
		series = rule_series(hour, hour + timedelta(hours=1))
		self.assertEqual(series[self.product], [(hour, 4, 3)])

	def test_rebuild_endpoint_is_for_system_managers(self):
		make_user("ru-user@example.com", ["Social CRM User"])
		frappe.set_user("ru-user@example.com")
		with self.assertRaises(frappe.PermissionError):
			rollup.enqueue_rebuild()
