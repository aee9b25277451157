"""Done-when proof of issue 15 on a real site: each closed network faked on 127.0.0.1.

A real HTTP server in a thread (:mod:`social_crm.tests.fake_platforms`) answers in the
platform's own shapes (the fixtures of ``tests/data/connectors``), with paging and the
platform's own throttling: X a 429 with ``x-rate-limit-*`` headers, LinkedIn a 429 without
headers (its daily limit), Meta a Graph error code 32 (Meta throttles with HTTP 400/403, not
429). A Social Source's *Base URL* points at the fake server, so the connector, the HTTP client,
the poll job, the pipeline and the linking job run as in production; only the platform is fake.

The site flags ``social_crm_allow_private_hosts`` and ``social_crm_allow_http`` (the HTTP
client's SSRF guard refuses loopback and plain http without them) are set for each test only.
"""

import hashlib
import hmac
import json
import time
from unittest import mock

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe
from frappe.handler import execute_cmd
from frappe.utils import get_datetime, now_datetime
from frappe.utils.password import set_encrypted_password

from social_crm.engine.connectors.meta import IG_MEDIA_FIELDS, IG_MENTIONED_COMMENT_FIELDS
from social_crm.linking import jobs as linking_jobs
from social_crm.listening import jobs, lead_ads
from social_crm.listening.pipeline import Ingestor
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.fake_platforms import FakePlatform, fixture
from social_crm.tests.utils import make_customer

PAGE = "104123456789012"
IG = "17841400000000001"
TAG_ID = "17843857450040591"
APP_SECRET = "loopback-meta-app-secret"
GRAPH_PREFIX = "/v21.0"
WEBHOOK = "social_crm.api.meta.lead_ads_webhook"
SITE_FLAGS = ("social_crm_allow_private_hosts", "social_crm_allow_http")
ENQUEUE_ONLY = {"queue", "timeout", "job_id", "deduplicate", "enqueue_after_commit", "now", "at_front"}

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def keep_transaction():
	frappe.db.savepoint(jobs.PAGE_SAVEPOINT)


def allow_loopback():
	"""Set the site flags that let the HTTP client reach 127.0.0.1 over http; returns the undo."""
	conf = frappe.local.conf
	saved = {key: (key in conf, conf.get(key)) for key in SITE_FLAGS}
	for key in SITE_FLAGS:
		conf[key] = 1

	def restore():
		for key, (present, value) in saved.items():
			if present:
				conf[key] = value
			else:
				conf.pop(key, None)

	return restore


def run_now(method, **kwargs):
	"""frappe.enqueue stand-in: run the job in this process, as a worker would."""
	return frappe.get_attr(method)(**{k: v for k, v in kwargs.items() if k not in ENQUEUE_ONLY})


class LoopbackTestCase(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.restore_flags = allow_loopback()
		for name, terms in (("_lb acme", "acme, @acme"), ("_lb lieferung", "lieferung, ship")):
			frappe.get_doc(
				{"doctype": "Listening Rule", "rule_name": name, "kind": "Brand", "terms": terms}
			).insert()

	@classmethod
	def tearDownClass(cls):
		cls.restore_flags()
		super().tearDownClass()

	def fake(self, name: str) -> FakePlatform:
		platform = FakePlatform(name).start()
		self.addCleanup(platform.stop)
		return platform

	def source(self, name: str, platform: str, base_url: str, options: dict, **values) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": name,
				"platform": platform,
				"base_url": base_url,
				"api_key": "loopback-token",
				"options": json.dumps(options),
				"poll_frequency": 5,
				**values,
			}
		).insert()
		if values.get("app_secret"):
			set_encrypted_password("Social Source", doc.name, values["app_secret"], "app_secret")
		return doc.name

	def poll(self, source: str) -> dict:
		with mock.patch.object(jobs, "_commit", keep_transaction):
			return jobs.poll_source(source, ingestor=Ingestor(source=source, enrichment="none"))

	def mentions(self, source: str) -> dict:
		rows = frappe.get_all("Mention", filters={"source": source}, fields=["name", "external_id", "author"])
		return {row.external_id: row for row in rows}

	def profile(self, name: str):
		return frappe.get_doc("Social Profile", name)


class TestPollsOverLoopback(LoopbackTestCase):
	def test_x_search_and_mentions_with_a_429_paging_and_a_customer_link(self):
		customer = make_customer("_LB Acme Fan Kunde")
		customer.social_handles = "x:AcmeFan"
		customer.save()  # the party's lookup keys are written on save
		x = self.fake("X")
		limits = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "448"}
		x.add("GET", "/2/usage/tweets", fixture("x_usage.json"))
		x.add("GET", "/2/users/by/username/acme", fixture("x_user.json"))
		x.add(
			"GET",
			"/2/tweets/search/recent",
			fixture("x_429.json"),
			status=429,
			headers={
				"x-rate-limit-limit": "450",
				"x-rate-limit-remaining": "0",
				"x-rate-limit-reset": lambda: str(int(time.time()) + 1),
			},
			times=1,
		)
		x.add(
			"GET",
			"/2/tweets/search/recent",
			fixture("x_search_page2.json"),
			headers=limits,
			query={"next_token": "b26v89c19zqg8o3fpzbkk2ul3lzwz5i9j2klxbhhfl"},
		)
		x.add("GET", "/2/tweets/search/recent", fixture("x_search_page1.json"), headers=limits)
		x.add("GET", "/2/users/1111/mentions", fixture("x_mentions.json"), headers=limits)
		name = self.source("_lb X", "X", x.url, {"username": "acme", "page_size": 10}, query="acme")

		summary = self.poll(name)

		self.assertIsNone(summary["error"])
		self.assertEqual(x.unmatched, [])
		searches = x.calls("/2/tweets/search/recent")
		self.assertEqual(len(searches), 3)  # the 429, then page 1 again, then page 2
		self.assertEqual(searches[0].headers["Authorization"], "Bearer loopback-token")
		self.assertEqual(searches[0].query["query"], ["acme -is:retweet"])
		stored = self.mentions(name)
		# the edited post is stored under its original id; the post without author_id is logged
		self.assertEqual(
			set(stored),
			{"1790000000000000002", "1789999999999999000", "1789999999999998000", "1790000000000000005"},
		)
		self.assertTrue(
			frappe.db.exists("Social Ingest Error", {"source": name, "external_id": "1789999999999997000"})
		)
		fan = self.profile(stored["1790000000000000002"].author)
		self.assertEqual((fan.platform, fan.handle, fan.external_id), ("X", "acmefan", "2244994945"))
		self.assertEqual(stored["1789999999999998000"].author, fan.name)  # one profile per author

		# the linking job links the profile by the Customer's handle, and its mentions follow
		self.assertEqual(linking_jobs.match_profile(fan.name), f"linked: Customer {customer.name}")
		fan.reload()
		self.assertEqual((fan.party_type, fan.party, fan.link_method), ("Customer", customer.name, "Handle"))
		self.assertEqual(
			frappe.db.get_value("Mention", stored["1790000000000000002"].name, "customer"), customer.name
		)

		source = frappe.get_doc("Social Source", name)
		self.assertEqual(source.health, "Healthy")
		self.assertIn("monthly posts 1520/10000", source.platform_limits)
		self.assertIn("requests left in window 448/450", source.platform_limits)
		self.assertTrue(json.loads(source.cursor)["streams"])

	def test_facebook_page_poll_pages_comments_and_is_throttled_with_graph_code_32(self):
		meta = self.fake("Meta")
		usage = json.dumps({PAGE: [{"type": "pages", "call_count": 12, "total_cputime": 3, "total_time": 4}]})
		meta.add("GET", f"{GRAPH_PREFIX}/{PAGE}/posts", fixture("fb_posts.json"), times=1)
		meta.add(
			"GET",
			f"{GRAPH_PREFIX}/{PAGE}/feed",
			fixture("fb_feed.json"),
			headers={"X-Business-Use-Case-Usage": usage},
		)
		meta.add("GET", f"{GRAPH_PREFIX}/{PAGE}/tagged", fixture("fb_tagged.json"))
		comments = f"{GRAPH_PREFIX}/{PAGE}_900001/comments"
		meta.add("GET", comments, fixture("fb_comments_page2.json"), query={"after": "NzAwMAZDZD"})
		meta.add("GET", comments, fixture("fb_comments_page1.json"))
		name = self.source(
			"_lb FB",
			"Facebook",
			meta.url + GRAPH_PREFIX,
			{"page_id": PAGE, "recent_posts": 1, "page_size": 2},
			app_secret=APP_SECRET,
		)

		summary = self.poll(name)

		self.assertIsNone(summary["error"])
		self.assertEqual(meta.unmatched, [])
		self.assertEqual(len(meta.calls(comments)), 2)  # both pages of comments
		proof = hmac.new(APP_SECRET.encode(), b"loopback-token", hashlib.sha256).hexdigest()
		self.assertEqual(meta.calls(comments)[0].query["appsecret_proof"], [proof])
		stored = self.mentions(name)
		self.assertEqual(set(stored), {f"{PAGE}_900010", "900001_7001", "900001_6999"})
		erika = self.profile(stored[f"{PAGE}_900010"].author)
		self.assertEqual((erika.platform, erika.external_id), ("Facebook", "5551234567"))
		self.assertEqual(erika.display_name, "Erika Mustermann")
		self.assertEqual(stored["900001_6999"].author, erika.name)  # her comment: the same profile
		self.assertEqual(
			frappe.db.get_value("Mention", stored["900001_6999"].name, "in_reply_to"), "900001_6990"
		)
		# the comment whose author Meta removed is kept in the ingest error log
		self.assertTrue(
			frappe.db.exists("Social Ingest Error", {"source": name, "external_id": "900001_7000"})
		)
		self.assertEqual(
			frappe.db.get_value("Social Source", name, "platform_limits"), "Meta: business usage 12%"
		)

		# Meta throttles with a Graph error (HTTP 403, code 32): the source waits 15 minutes
		meta.add("GET", f"{GRAPH_PREFIX}/{PAGE}/posts", fixture("fb_error_throttled.json"), status=403)
		summary = self.poll(name)
		self.assertIn("Meta rate limit (code 32)", summary["error"])
		source = frappe.get_doc("Social Source", name)
		self.assertEqual((source.health, source.consecutive_failures), ("Degraded", 0))
		self.assertGreater(get_datetime(source.next_poll_after), now_datetime())
		self.assertEqual(len(self.mentions(name)), 3)  # nothing lost, nothing twice

	def test_linkedin_page_comments_mentions_and_its_daily_limit(self):
		li = self.fake("LinkedIn")
		li.add("GET", "/rest/posts", fixture("linkedin_posts.json"), query={"q": "author"})
		notifications = "/rest/organizationalEntityNotifications"
		li.add("GET", notifications, fixture("linkedin_notifications.json"), query={"start": "0"}, times=1)
		li.add(
			"GET",
			notifications,
			{"paging": {"start": 2, "count": 2, "links": []}, "elements": []},
			query={"start": "2"},
		)
		li.add(
			"GET",
			"/rest/posts/urn:li:share:7190000000000000500",
			{**fixture("linkedin_mention_post.json"), "commentary": "Proud to work with Acme on this!"},
		)
		li.add(
			"GET",
			"/rest/posts/urn:li:share:7190000000000000600",
			fixture("linkedin_not_found.json"),
			status=404,
		)
		comments = "/rest/socialActions/urn:li:share:7190000000000000001/comments"
		li.add("GET", comments, fixture("linkedin_comments_page2.json"), query={"start": "2"})
		li.add("GET", comments, fixture("linkedin_comments_page1.json"), query={"start": "0"})
		name = self.source(
			"_lb LI", "LinkedIn", li.url, {"organization_id": "2414183", "recent_posts": 1, "page_size": 2}
		)

		summary = self.poll(name)

		self.assertIsNone(summary["error"])
		self.assertEqual(li.unmatched, [])
		self.assertEqual(li.calls(comments)[0].headers["Linkedin-Version"], "202411")
		self.assertEqual([c.query["start"] for c in li.calls(comments)], [["0"], ["2"]])
		stored = self.mentions(name)
		# the mention post (the deleted one answers 404 and is skipped) and the page-2 comment
		# "When does it ship?"; the page's own reply is left out
		self.assertEqual(
			set(stored),
			{
				"urn:li:share:7190000000000000500",
				"urn:li:comment:(urn:li:activity:7190000000000000000,7190000000000000100)",
			},
		)
		author = self.profile(stored["urn:li:share:7190000000000000500"].author)
		self.assertEqual((author.platform, author.external_id), ("LinkedIn", "urn:li:person:Q1w2E3r4"))

		# LinkedIn's daily limit: a 429 without rate-limit headers; the source waits until midnight UTC
		li.add("GET", notifications, fixture("linkedin_429.json"), status=429)
		summary = self.poll(name)
		self.assertIn("daily API limit", summary["error"])
		source = frappe.get_doc("Social Source", name)
		self.assertEqual(source.health, "Degraded")
		self.assertGreater(get_datetime(source.next_poll_after), now_datetime())

	def test_instagram_tags_comments_and_hashtag_search(self):
		meta = self.fake("Instagram")
		meta.add("GET", f"{GRAPH_PREFIX}/{IG}/media", fixture("ig_media.json"))
		meta.add("GET", f"{GRAPH_PREFIX}/{IG}/tags", fixture("ig_tags.json"))
		meta.add("GET", f"{GRAPH_PREFIX}/17900000000000001/comments", fixture("ig_comments.json"))
		meta.add(
			"GET",
			f"{GRAPH_PREFIX}/{IG}/recently_searched_hashtags",
			fixture("ig_recently_searched_hashtags.json"),
		)
		search = meta.add(
			"GET",
			f"{GRAPH_PREFIX}/ig_hashtag_search",
			fixture("ig_hashtag_search.json"),
			query={"user_id": IG, "q": "acmekaffee"},
		)
		recent = f"{GRAPH_PREFIX}/{TAG_ID}/recent_media"
		meta.add(
			"GET",
			recent,
			fixture("ig_hashtag_recent_page2.json"),
			query={"after": "QVFIUkZA5Tlh3bTdNUmMyNDd5dzFuWWZAJTktfUkM1N2VVVHZAmRHZAv"},
		)
		meta.add("GET", recent, fixture("ig_hashtag_recent_page1.json"))
		name = self.source(
			"_lb IG",
			"Instagram",
			meta.url + GRAPH_PREFIX,
			{"ig_user_id": IG, "recent_posts": 1, "page_size": 2, "hashtag_search": True},
			query="acme, #acmekaffee",
		)

		summary = self.poll(name)

		self.assertIsNone(summary["error"])
		self.assertEqual(meta.unmatched, [])
		self.assertEqual(meta.calls(recent)[0].query["user_id"], [IG])
		stored = self.mentions(name)
		self.assertEqual(
			set(stored),
			{"17900000000000099", "17950000000000002", "17880997618081620", "17880997618081599"},
		)
		tagger = self.profile(stored["17900000000000099"].author)
		self.assertEqual(
			(tagger.handle, tagger.profile_url), ("kaffee.liebe", "https://www.instagram.com/kaffee.liebe/")
		)
		# hashtag media come without their author: one placeholder profile, never linked
		hashtag_author = self.profile(stored["17880997618081620"].author)
		self.assertEqual(hashtag_author.external_id, "instagram:undisclosed")
		self.assertEqual(stored["17880997618081599"].author, hashtag_author.name)
		self.assertEqual(linking_jobs.match_profile(hashtag_author.name), "No Match")
		self.assertFalse(frappe.db.get_value("Social Profile", hashtag_author.name, "party"))
		source = frappe.get_doc("Social Source", name)
		self.assertIn("Instagram hashtags 3/30 in 7 days", source.platform_limits)
		self.assertEqual(json.loads(source.cursor)["hashtags"]["acmekaffee"]["id"], TAG_ID)

		# the next poll knows the hashtag id: no second search, no second place in the budget
		self.poll(name)
		self.assertEqual(search.calls, 1)
		self.assertEqual(len(self.mentions(name)), 4)


class TestMetaWebhooksOverLoopback(LoopbackTestCase):
	"""Lead Ads and Instagram @mentions: signed deliveries through the whitelisted method, jobs against the fake Graph API."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.meta = FakePlatform("Meta").start()
		cls.page_source = cls.source(
			cls,
			"_lb Lead Page",
			"Facebook",
			cls.meta.url + GRAPH_PREFIX,
			{"page_id": PAGE},
			app_secret=APP_SECRET,
			webhook_verify_token="lb-verify",
			lead_ads=1,
			poll_frequency=60,
		)

	@classmethod
	def tearDownClass(cls):
		cls.meta.stop()
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		for seen in (self.meta.routes, self.meta.requests, self.meta.unmatched):
			seen.clear()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None
		super().tearDown()

	def deliver(self, payload, secret=APP_SECRET, raw: bytes | None = None, signed: bytes | None = None):
		"""POST like Meta: ``raw`` replaces the body, ``signed`` is what the signature covers."""
		body = raw if raw is not None else json.dumps(payload).encode()
		headers = {}
		if secret is not None:
			digest = hmac.new(secret.encode(), body if signed is None else signed, hashlib.sha256)
			headers["X-Hub-Signature-256"] = "sha256=" + digest.hexdigest()
		environ = EnvironBuilder(
			path=f"/api/method/{WEBHOOK}",
			method="POST",
			data=body,
			headers=headers,
			content_type="application/json",
		).get_environ()
		frappe.local.request = Request(environ)
		frappe.local.request_ip = "127.0.0.15"
		frappe.local.form_dict = frappe._dict(cmd=WEBHOOK)
		frappe.set_user("Guest")
		try:
			with mock.patch("frappe.enqueue", side_effect=run_now) as enqueue:
				answer = execute_cmd(WEBHOOK)
		finally:
			frappe.set_user("Administrator")
			frappe.local.request = None
		return answer, enqueue

	def refused(
		self, payload, secret: str | None, raw: bytes | None = None, signed: bytes | None = None
	) -> int:
		"""Deliver and return the HTTP status Frappe answers with (``frappe.app.handle_exception``)."""
		with self.assertRaises(Exception) as caught:
			self.deliver(payload, secret, raw, signed)
		status = getattr(caught.exception, "http_status_code", 500)
		if status >= 500:
			raise AssertionError(f"refused with a server error: {caught.exception!r}") from caught.exception
		return status

	def test_lead_ads_delivery_creates_one_lead_redelivery_none_and_backfill_finds_the_missed_one(self):
		lead_path = f"{GRAPH_PREFIX}/987654321098765"
		self.meta.add("GET", lead_path, fixture("meta_lead.json"))
		payload = fixture("meta_leadgen_webhook.json")

		answer, enqueue = self.deliver(payload)
		self.assertEqual(answer, {"queued": 1})
		self.assertEqual(enqueue.call_args.kwargs["job_id"], "social_crm:lead_ads:987654321098765")
		leads = frappe.get_all("Lead", filters={"meta_leadgen_id": "987654321098765"}, fields=["*"])
		self.assertEqual(len(leads), 1)
		self.assertEqual((leads[0].email_id, leads[0].source), ("erika@example.de", "Social Media"))
		self.assertEqual(leads[0].meta_campaign_name, "Frühling 2024")
		self.assertIn("appsecret_proof", self.meta.calls(lead_path)[0].query)

		self.deliver(payload)  # Meta redelivers until it gets a 200
		self.assertEqual(len(self.meta.calls(lead_path)), 2)
		self.assertEqual(frappe.db.count("Lead", {"meta_leadgen_id": "987654321098765"}), 1)
		self.assertEqual(frappe.db.count("Lead", {"email_id": "erika@example.de"}), 1)

		# the webhook was down for another lead: the hourly backfill pages through the form's leads
		forms = f"{GRAPH_PREFIX}/{PAGE}/leadgen_forms"
		leads_path = f"{GRAPH_PREFIX}/1234567890123/leads"
		self.meta.add("GET", forms, fixture("meta_leadgen_forms.json"))
		delivered = {**fixture("meta_lead.json"), "form_id": "1234567890123"}
		self.meta.add("GET", leads_path, fixture("meta_form_leads.json"), query={"after": "QVFIUmxlYWRz"})
		self.meta.add(
			"GET",
			leads_path,
			{
				"data": [delivered],
				"paging": {
					"cursors": {"before": "QVFIUmJlZm9yZQ", "after": "QVFIUmxlYWRz"},
					"next": "https://graph.facebook.com/v21.0/1234567890123/leads?limit=100&after=QVFIUmxlYWRz",
				},
			},
		)
		with mock.patch.object(frappe.db, "commit"):
			counts = lead_ads.backfill_leads()
		self.assertEqual(counts[self.page_source], 2)  # both read, one was new
		self.assertEqual(self.meta.unmatched, [])
		filtering = json.loads(self.meta.calls(leads_path)[0].query["filtering"][0])
		self.assertEqual((filtering[0]["field"], filtering[0]["operator"]), ("time_created", "GREATER_THAN"))
		missed = frappe.get_all("Lead", filters={"meta_leadgen_id": "987654321000001"}, fields=["*"])
		self.assertEqual(len(missed), 1)
		self.assertEqual((missed[0].first_name, missed[0].email_id), ("Jonas", "jonas@example.org"))
		self.assertEqual(frappe.db.count("Lead", {"meta_leadgen_id": "987654321098765"}), 1)
		self.assertTrue(frappe.db.get_value("Social Source", self.page_source, "leads_synced_until"))

	def test_wrong_or_missing_signature_is_refused_with_401_never_500(self):
		payload = fixture("meta_leadgen_webhook.json")
		before = frappe.db.count("Lead")
		self.assertEqual(self.refused(payload, "not-the-app-secret"), 401)
		self.assertEqual(self.refused(payload, None), 401)
		body = json.dumps(payload).encode()
		self.assertEqual(
			self.refused(payload, APP_SECRET, raw=body + b" ", signed=body), 401
		)  # body changed after signing
		# signed but not JSON: a client error as well
		self.assertEqual(self.refused(None, APP_SECRET, raw=b"{not json"), 417)
		self.assertEqual(self.meta.requests, [])  # nothing was fetched
		self.assertEqual(frappe.db.count("Lead"), before)

	def test_subscription_check_answers_for_an_instagram_source(self):
		self.source(
			"_lb IG subscribe",
			"Instagram",
			self.meta.url + GRAPH_PREFIX,
			{"ig_user_id": "17841400000000777"},
			webhook_verify_token="ig-verify-token",
		)
		for token, expected in (("ig-verify-token", "4711"), ("lb-verify", "4711"), ("wrong", None)):
			query = f"hub.mode=subscribe&hub.challenge=4711&hub.verify_token={token}"
			frappe.local.request = Request(
				EnvironBuilder(path=f"/api/method/{WEBHOOK}", method="GET", query_string=query).get_environ()
			)
			frappe.local.request_ip = "127.0.0.15"
			frappe.local.form_dict = frappe._dict(cmd=WEBHOOK)
			frappe.set_user("Guest")
			try:
				if expected:
					self.assertEqual(execute_cmd(WEBHOOK).get_data(as_text=True), expected)
				else:
					self.assertRaises(frappe.PermissionError, execute_cmd, WEBHOOK)
			finally:
				frappe.set_user("Administrator")

	def test_instagram_mentions_webhook_stores_caption_and_comment_mentions(self):
		customer = make_customer("_LB Barista Kundin")
		customer.social_handles = "instagram:barista.bea"
		customer.save()
		ig_source = self.source(
			"_lb IG mentions",
			"Instagram",
			self.meta.url + GRAPH_PREFIX,
			{"ig_user_id": IG},
			app_secret="instagram-app-secret",
		)
		self.meta.add(
			"GET",
			f"{GRAPH_PREFIX}/{IG}",
			fixture("ig_mentioned_media.json"),
			query={"fields": f"mentioned_media.media_id(17920238422030506){{{IG_MEDIA_FIELDS}}}"},
		)
		self.meta.add(
			"GET",
			f"{GRAPH_PREFIX}/{IG}",
			fixture("ig_mentioned_comment.json"),
			query={
				"fields": f"mentioned_comment.comment_id(17873440459141021){{{IG_MENTIONED_COMMENT_FIELDS}}}"
			},
		)
		payload = fixture("ig_mentions_webhook.json")
		# signed with the Page source's secret: not this account's app
		self.assertEqual(self.refused(payload, APP_SECRET + "x"), 401)

		answer, enqueue = self.deliver(payload, "instagram-app-secret")

		self.assertEqual(answer, {"queued": 2})
		self.assertEqual(self.meta.unmatched, [])
		stored = self.mentions(ig_source)
		self.assertEqual(set(stored), {"17920238422030506", "17873440459141021"})
		bea = self.profile(stored["17920238422030506"].author)
		self.assertEqual((bea.handle, bea.platform), ("barista.bea", "Instagram"))
		self.assertEqual(linking_jobs.match_profile(bea.name), f"linked: Customer {customer.name}")
		self.assertEqual(
			frappe.db.get_value("Mention", stored["17920238422030506"].name, "customer"), customer.name
		)
		comment = frappe.get_doc("Mention", stored["17873440459141021"])
		self.assertEqual(
			frappe.db.get_value("Social Profile", comment.author, "external_id"), "instagram:undisclosed"
		)
		self.assertEqual(comment.in_reply_to, "17920238422030999")

		self.deliver(payload, "instagram-app-secret")  # redelivered: still one Mention each
		self.assertEqual(len(self.mentions(ig_source)), 2)

		# an answer from the Mention form goes through Instagram's mentions edge; the site keeps
		# no raw payloads, so the connector asks the Graph API what was mentioned first
		self.meta.add(
			"GET",
			f"{GRAPH_PREFIX}/{IG}",
			fixture("ig_error_deleted_media.json"),
			status=400,
			query={"fields": "mentioned_comment.comment_id(17920238422030506){id,media{id}}"},
		)
		self.meta.add(
			"GET",
			f"{GRAPH_PREFIX}/{IG}",
			{"mentioned_media": {"id": "17920238422030506"}, "id": IG},
			query={"fields": "mentioned_media.media_id(17920238422030506){id}"},
		)
		answer = self.meta.add("POST", f"{GRAPH_PREFIX}/{IG}/mentions", {"id": "17846319838228163"})
		from social_crm.engagement.response import reply_to_mention

		reply_to_mention(stored["17920238422030506"].name, "Danke, Bea!")
		self.assertEqual(answer.calls, 1)
		sent = self.meta.calls(f"{GRAPH_PREFIX}/{IG}/mentions")[0].body.decode()
		self.assertIn("media_id=17920238422030506", sent)
		self.assertIn("message=Danke%2C+Bea%21", sent)
		mention = frappe.get_doc("Mention", stored["17920238422030506"].name)
		self.assertEqual(mention.status, "Responded")
		self.assertEqual(mention.sent_replies[0].external_id, "17846319838228163")
