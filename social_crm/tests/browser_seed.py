"""Data for the insight browser test (browser-tests/run.sh): a Customer with social history,
a Brand and a Competitor rule with two weeks of mentions, and one New mention to work.

Idempotent: run it again and it tops up nothing, only resets the mention to work.
``bench --site SITE execute social_crm.tests.browser_seed.seed`` prints the names as JSON.
"""

import json

import frappe
from frappe.utils import add_to_date, now_datetime

from social_crm.tests.insight_data import make_rule
from social_crm.tests.utils import make_customer

CUSTOMER = "Browser Social Customer"
PROFILE_ID = "browser-seed-author"
WORK_MENTION_ID = "browser-seed-work-me"
CHARTS = ("Mention Sentiment Trend", "Mention Volume by Platform", "Share of Voice")
SENTIMENTS = ("Positive", "Neutral", "Negative", "Positive", "Positive")
PLATFORMS = ("Mastodon", "Bluesky", "Reddit", "Mastodon")
BULK_IDS = ["browser-seed-crowd-0", "browser-seed-crowd-4"]  # both on Mastodon


def seed() -> str:
	frappe.set_user("Administrator")
	customer = make_customer(CUSTOMER)
	brand = make_rule("Browser Brand", "Brand").name
	rival = make_rule("Browser Rival", "Competitor").name

	profile = frappe.db.get_value("Social Profile", {"platform": "Mastodon", "external_id": PROFILE_ID})
	if not profile:
		profile = (
			frappe.get_doc(
				{
					"doctype": "Social Profile",
					"platform": "Mastodon",
					"external_id": PROFILE_ID,
					"handle": "browser.fan@mastodon.social",
					"display_name": "Browser Fan",
					"followers": 4200,
					"party_type": "Customer",
					"party": customer.name,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	now = now_datetime()
	for i in range(24):  # the customer's own history: about three a week for eight weeks
		add_mention(
			f"browser-seed-own-{i}",
			author=profile,
			posted_at=add_to_date(now, hours=-(i * 55 + 2)),
			sentiment=SENTIMENTS[i % len(SENTIMENTS)],
			text=f"Browser Fan post {i}: the oat drink is {'great' if i % 3 else 'too sweet'}",
			rules=[(brand, "Brand")],
		)
	for i in range(90):  # everyone else over the last two weeks, brand and competitor
		rule = (rival, "Competitor") if i % 3 == 0 else (brand, "Brand")
		add_mention(
			f"browser-seed-crowd-{i}",
			posted_at=add_to_date(now, hours=-(i * 3 + 1)),
			sentiment=SENTIMENTS[(i + 2) % len(SENTIMENTS)],
			platform=PLATFORMS[i % len(PLATFORMS)],
			text=f"Crowd post {i} about {'the rival' if rule[0] == rival else 'our brand'}",
			rules=[rule],
		)
	work = add_mention(
		WORK_MENTION_ID,
		author=profile,
		posted_at=add_to_date(now, minutes=-45),
		sentiment="Negative",
		text="Browser Fan: my order arrived broken, can someone help?",
		rules=[(brand, "Brand")],
	)
	# reset the mention the test works, so every run can click "Mark Responded"
	frappe.db.set_value(
		"Mention",
		work,
		{
			"status": "Linked",
			"first_response_at": None,
			"response_minutes": 0,
			"posted_at": add_to_date(now, minutes=-45),
		},
	)
	# and the two the list test sets to Ignored in bulk
	frappe.db.set_value("Mention", {"external_id": ("in", BULK_IDS), "platform": "Mastodon"}, "status", "New")
	alert = seed_alert(brand, now)
	for chart in CHARTS:
		frappe.cache.delete_value(f"chart-data:{chart}")
	frappe.db.commit()  # nosemgrep: seed for the browser test, run through bench execute
	result = {
		"customer": customer.name,
		"mention": work,
		"profile": profile,
		"alert": alert,
		"bulk": BULK_IDS,
	}
	print(json.dumps(result))
	return json.dumps(result)


def add_mention(external_id, posted_at, sentiment, text, rules, author=None, platform="Mastodon") -> str:
	existing = frappe.db.get_value("Mention", {"platform": platform, "external_id": external_id})
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "Mention",
				"platform": platform,
				"external_id": external_id,
				"author": author,
				"text": text,
				"posted_at": posted_at,
				"sentiment": sentiment,
				"language": "en",
				"matched_rules": [{"listening_rule": rule, "kind": kind} for rule, kind in rules],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def seed_alert(rule: str, now) -> str:
	"""A Volume Spike alert over the last six hours of the brand rule (what the hourly job stores)."""
	key = "browser-seed:Browser Brand:spike"
	existing = frappe.db.get_value("Social Alert", {"episode_key": key})
	if existing:
		frappe.db.delete("Social Alert", {"name": existing})
	start = add_to_date(now, hours=-6).replace(minute=0, second=0, microsecond=0)
	doc = frappe.get_doc(
		{
			"doctype": "Social Alert",
			"listening_rule": rule,
			"kind": "Volume Spike",
			"bucket": start,
			"peak_bucket": start,
			"last_bucket": add_to_date(start, hours=5),
			"buckets": 6,
			"value": 12,
			"baseline": 2,
			"z": 7.1,
			"episode_key": key,
			"mentions_from": start,
			"mentions_to": add_to_date(start, hours=6),
		}
	)
	from social_crm.insight.alerts import count_mentions

	doc.mention_count = count_mentions(doc)
	return doc.insert(ignore_permissions=True).name
