# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import now_datetime

from social_crm.engine.records import Author, Post
from social_crm.privacy import is_suppressed
from social_crm.privacy.suppression import add_keys, get_secret, keys_for_profile, post_key
from social_crm.tests import SocialCRMTestCase

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


class TestSocialSuppressionKey(SocialCRMTestCase):
	def test_secret_is_stable_and_keys_are_keyed(self):
		secret = get_secret()
		self.assertGreaterEqual(len(secret), 32)
		frappe.local.social_crm_suppression_secret = None
		self.assertEqual(get_secret(), secret)
		from social_crm.engine.privacy.suppression import post_key as unkeyed

		self.assertNotEqual(post_key("Mastodon", "1"), unkeyed("Mastodon", "1", ""))

	def test_stored_keys_suppress_posts_and_are_not_duplicated(self):
		found = keys_for_profile("Mastodon", "sk-author", "@Zed@mastodon.social")
		self.assertEqual(set(found), {"profile", "handle"})
		self.assertEqual(add_keys(found, "Mastodon"), 2)
		self.assertEqual(add_keys(found, "Mastodon"), 0)
		post = Post("Mastodon", "sk-post", Author("sk-author"), "hi", now_datetime())
		self.assertTrue(is_suppressed(post))
		by_handle = Post(
			"Mastodon", "sk-post2", Author("other", handle="zed@mastodon.social"), "hi", now_datetime()
		)
		self.assertTrue(is_suppressed(by_handle))
		self.assertFalse(is_suppressed(Post("Mastodon", "sk-post3", Author("x9"), "hi", now_datetime())))
		self.assertFalse(keys_for_profile("Nowhere", "1"))  # unknown platform: nothing to key
		# the batched check used by ingest agrees with the single one
		from social_crm.privacy import suppressed_posts

		page = [post, Post("Mastodon", "sk-post3", Author("x9"), "hi", now_datetime()), by_handle]
		self.assertEqual(suppressed_posts(page), {0, 2})
