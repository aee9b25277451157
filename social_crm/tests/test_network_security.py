"""Issue 12, items 8 and 13: no SSRF through sources and redirects, no credentials to another
host, Test Connection on the saved source only; remote names and messages never HTML.

Platforms are mocked with ``responses`` (public host names, real payload shapes) or the
loopback fake Mastodon; no test reaches the internet.
"""

import copy
import json
from unittest import mock

import responses

import frappe

from social_crm.engine.connectors import get_connector
from social_crm.listening import jobs
from social_crm.listening.jobs import poll_source
from social_crm.listening.pipeline import Ingestor
from social_crm.listening.sources import source_config
from social_crm.social_crm.report.top_authors import top_authors
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.fake_mastodon import FakeMastodon, fixture_statuses, load_fixture
from social_crm.tests.utils import make_mention, make_profile

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

FORUM = "https://forum.example.com"
METADATA = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
HOSTILE_NAME = '<img src=x onerror="alert(1)">Mal\u202elory\u200b\u2066'


def shown_messages() -> str:
	return "\n".join(
		str(m.get("message") if isinstance(m, dict) else m) for m in (frappe.local.message_log or [])
	)


def allow_private(value=1):
	return mock.patch.dict(frappe.conf, {"social_crm_allow_private_hosts": value})


class TestNoSSRF(SocialCRMTestCase):
	def make_source(self, name, platform="Discourse", base_url=FORUM, **kwargs):
		return frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": name,
				"platform": platform,
				"base_url": base_url,
				"query": "acme",
				"poll_frequency": 5,
				**kwargs,
			}
		).insert()

	def test_loopback_source_is_refused_on_save_and_when_polled(self):
		with FakeMastodon(fixture_statuses("ssrf1")) as server:
			with self.assertRaises(frappe.ValidationError):
				self.make_source("_ssrf loopback", "Mastodon", server.base_url)
			for url in ("https://127.0.0.1:9/", "https://[::ffff:127.0.0.1]/", "https://169.254.169.254/"):
				with self.assertRaises(frappe.ValidationError):
					self.make_source("_ssrf literal", "Mastodon", url)
			# saved while the site allowed private hosts, polled after the switch was turned off
			with allow_private():
				source = self.make_source("_ssrf loopback", "Mastodon", server.base_url)
			# plain http allowed, private hosts not: the address rule itself refuses
			with mock.patch.dict(frappe.conf, {"social_crm_allow_http": 1}):
				summary = self.poll(source.name)
			self.assertTrue(summary.get("error"))
			self.assertEqual(server.requests, [])  # the loopback server was never reached
			last_error = frappe.db.get_value("Social Source", source.name, "last_error")
			self.assertIn("127.0.0.1", last_error)
			self.assertIn("social_crm_allow_private_hosts", last_error)
			# with the switch (on-premise forum, tests) the same source is polled
			with allow_private():
				self.poll(source.name)
			self.assertTrue(server.requests)

	def poll(self, source: str) -> dict:
		with mock.patch.object(jobs, "_commit", lambda: frappe.db.savepoint(jobs.PAGE_SAVEPOINT)):
			return poll_source(source, ingestor=Ingestor(source=source, enrichment="none"))

	def test_plain_http_needs_a_switch(self):
		with self.assertRaises(frappe.ValidationError):
			self.make_source("_ssrf http", "RSS", "http://feeds.example.com/acme.xml")
		with mock.patch.dict(frappe.conf, {"social_crm_allow_http": 1}):
			self.make_source("_ssrf http", "RSS", "http://feeds.example.com/acme.xml")
			# allowing http does not allow private hosts
			with self.assertRaises(frappe.ValidationError):
				self.make_source("_ssrf http private", "RSS", "http://10.0.0.8/feed.xml")

	@responses.activate
	def test_redirect_to_cloud_metadata_is_not_followed(self):
		source = self.make_source("_ssrf redirect")
		responses.get(f"{FORUM}/about.json", status=302, headers={"Location": METADATA})
		metadata = responses.get(METADATA, json={"Code": "Success", "SecretAccessKey": "leaked"})
		with self.assertRaises(frappe.ValidationError):
			source.test_connection()
		self.assertEqual(metadata.call_count, 0)
		self.assertIn("refused", shown_messages())
		self.assertIn("only https is allowed", shown_messages())  # the translated reason

	@responses.activate
	def test_api_key_stays_with_the_forum_on_redirect(self):
		source = self.make_source("_ssrf key", api_key="discourse-secret-key", username="system")
		responses.get(
			f"{FORUM}/about.json",
			status=301,
			headers={"Location": "https://collector.example.net/about.json"},
		)
		responses.get("https://collector.example.net/about.json", json=load_fixture("discourse_about.json"))
		source.test_connection()
		first, second = (call.request.headers for call in responses.calls)
		self.assertEqual(first["Api-Key"], "discourse-secret-key")
		self.assertNotIn("Api-Key", second)
		self.assertNotIn("Api-Username", second)

	@responses.activate
	def test_bluesky_app_password_is_not_posted_to_another_host(self):
		source = self.make_source(
			"_ssrf bsky",
			"Bluesky",
			"https://bsky.social",
			username="brand.bsky.social",
			app_password="abcd-efgh-ijkl-mnop",
		)
		responses.post(
			"https://bsky.social/xrpc/com.atproto.server.createSession",
			status=308,
			headers={"Location": "https://evil.example.net/xrpc/com.atproto.server.createSession"},
		)
		stolen = responses.post(
			"https://evil.example.net/xrpc/com.atproto.server.createSession",
			json=load_fixture("bluesky_session.json"),
		)
		frappe.clear_messages()
		with self.assertRaises(frappe.ValidationError):
			source.test_connection()
		self.assertEqual(stolen.call_count, 0)
		self.assertIn("credentials in its body", shown_messages())

	@responses.activate
	def test_test_connection_uses_the_saved_source_only(self):
		source = self.make_source("_ssrf saved", api_key="saved-key", username="system")
		responses.get(f"{FORUM}/about.json", json=load_fixture("discourse_about.json"))
		attacker = responses.get("https://attacker.example.net/about.json", json={"about": {}})
		# what the form sends along: an unsaved URL and key
		unsaved = frappe.get_doc(json.loads(json.dumps(source.as_dict(), default=str)))
		unsaved.base_url = "https://attacker.example.net"
		unsaved.api_key = "typed-but-not-saved"
		unsaved.test_connection()
		self.assertEqual(attacker.call_count, 0)
		self.assertEqual(responses.calls[0].request.headers["Api-Key"], "saved-key")

	def test_every_source_config_carries_the_site_guard(self):
		source = self.make_source("_ssrf guard")
		self.assertFalse(source_config(source).guard.allow_private)
		with allow_private():
			guard = get_connector(source_config(source)).http.guard
			self.assertTrue(guard.allow_private and guard.allow_http)


class TestNoHTMLFromRemoteStrings(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.get_doc(
			{"doctype": "Listening Rule", "rule_name": "_xss acme", "kind": "Brand", "terms": "acme\n#acme"}
		).insert()

	def make_source(self, name, platform, base_url, **kwargs):
		return frappe.get_doc(
			{
				"doctype": "Social Source",
				"source_name": name,
				"platform": platform,
				"base_url": base_url,
				"query": "acme",
				"poll_frequency": 5,
				**kwargs,
			}
		).insert()

	@responses.activate
	def test_test_connection_message_is_escaped(self):
		source = self.make_source("_xss conn", "Discourse", FORUM)
		about = load_fixture("discourse_about.json")
		about["about"]["title"] = HOSTILE_NAME
		responses.get(f"{FORUM}/about.json", json=about)
		message = source.test_connection()
		self.assertNotIn("<img", message)
		self.assertNotIn("\u202e", message)

	@responses.activate
	def test_connection_error_from_the_platform_is_escaped(self):
		source = self.make_source(
			"_xss reddit", "Reddit", "https://oauth.reddit.com", client_id="cid", api_key="secret"
		)
		responses.post(
			"https://www.reddit.com/api/v1/access_token", json={"error": "<script>alert(1)</script>\u202e"}
		)
		frappe.clear_messages()
		with self.assertRaises(frappe.ValidationError):
			source.test_connection()
		shown = shown_messages()
		self.assertIn("alert(1)", shown)
		self.assertNotIn("<script>", shown)
		self.assertNotIn("\u202e", shown)

	def test_bulk_inserted_author_strings_are_clean_in_lists_and_reports(self):
		source = self.make_source("_xss poll", "Mastodon", "https://mastodon.example")
		status = copy.deepcopy(load_fixture("mastodon_tag_page1.json")[0])
		status["id"] = "990000000000000001"
		status["uri"] = "https://mastodon.example/users/mallory/statuses/990000000000000001"
		status["url"] = "https://mastodon.example/@mallory/990000000000000001"
		status["account"].update(
			id="990000000000000077",
			username="mallory",
			acct="<svg/onload=alert(1)>\u200bmallory",
			display_name=HOSTILE_NAME,
			url="https://mastodon.example/@mallory",
		)
		post = get_connector(source_config(source)).to_post(status)
		Ingestor(source=source.name, enrichment="none").ingest([post])
		mention = frappe.get_all(
			"Mention",
			filters={"source": source.name},
			fields=["author", "author_handle", "author_name", "title"],
		)[0]
		profile = frappe.db.get_value(
			"Social Profile", mention.author, ["handle", "display_name"], as_dict=True
		)
		for value in (mention.author_handle, mention.author_name, profile.handle, profile.display_name):
			for bad in ("<", ">", "\u202e", "\u200b", "\u2066"):
				self.assertNotIn(bad, value)
		self.assertEqual(mention.author_name, "Mallory")
		self.assertEqual(profile.display_name, "Mallory")

		# a row stored before the fix (or written by SQL) is escaped by the query report
		frappe.db.set_value(
			"Social Profile", mention.author, "display_name", "<b onmouseover=alert(1)>Eve</b>"
		)
		_columns, data, _msg, chart = top_authors.execute(
			{"limit": 1000, "from_date": "2024-01-01", "to_date": "2024-12-31"}
		)
		row = next(r for r in data if r.profile == mention.author)
		self.assertNotIn("<", row.display_name)
		self.assertNotIn("<", row.handle)
		self.assertNotIn("<", json.dumps(chart["data"]["labels"]))

	def test_profile_and_mention_from_the_desk_are_cleaned(self):
		profile = frappe.get_doc(
			{
				"doctype": "Social Profile",
				"platform": "X",
				"external_id": "xss-desk-1",
				"handle": "brand\u200b\u202e",
				"display_name": HOSTILE_NAME,
			}
		).insert()
		self.assertEqual((profile.handle, profile.display_name), ("brand", "Mallory"))

	def test_patch_cleans_rows_stored_before(self):
		from social_crm.patches.v1_0 import clean_remote_display_strings

		profile = make_profile("xss-old-1", display_name="Old")
		mention = make_mention("xss-old-m1", author=profile.name)
		clean = make_mention("xss-old-m2", author=profile.name)
		# what a bulk insert of the old code left behind
		frappe.db.set_value(
			"Mention",
			mention.name,
			{"author_name": HOSTILE_NAME, "author_handle": "<svg onload=x>\u200beve"},
			update_modified=False,
		)
		frappe.db.set_value(
			"Social Profile", profile.name, "display_name", "Eve\u202e\u2066", update_modified=False
		)
		before = frappe.db.get_value("Mention", clean.name, ["author_name", "modified"], as_dict=True)
		clean_remote_display_strings.execute()
		row = frappe.db.get_value("Mention", mention.name, ["author_name", "author_handle"], as_dict=True)
		self.assertEqual(row.author_name, '‹img src=x onerror="alert(1)"›Mallory')
		self.assertEqual(row.author_handle, "‹svg onload=x›eve")
		self.assertEqual(frappe.db.get_value("Social Profile", profile.name, "display_name"), "Eve")
		self.assertEqual(
			frappe.db.get_value("Mention", clean.name, ["author_name", "modified"], as_dict=True), before
		)
