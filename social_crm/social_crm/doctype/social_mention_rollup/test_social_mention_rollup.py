# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import get_datetime

from social_crm.engine.insight.rollup import hour_bucket
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_mention

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def rows_of_hour(bucket, grain="Hour"):
	return {
		(r.dimension, r.value, r.sentiment): r.mention_count
		for r in frappe.get_all(
			"Social Mention Rollup",
			filters={"bucket": bucket, "grain": grain, "platform": "Bluesky"},
			fields=["dimension", "value", "sentiment", "mention_count"],
		)
	}


class TestSocialMentionRollup(SocialCRMTestCase):
	def test_a_saved_mention_is_counted_moved_and_uncounted(self):
		mention = make_mention("smr-1", platform="Bluesky", sentiment="Positive")
		bucket = hour_bucket(get_datetime(mention.posted_at))
		before = rows_of_hour(bucket).get(("All", "", "Positive"), 0)
		self.assertGreaterEqual(before, 1)
		day = rows_of_hour(bucket.replace(hour=0), grain="Day")
		self.assertGreaterEqual(day.get(("All", "", "Positive"), 0), before)

		mention.sentiment = "Negative"
		mention.save()
		after = rows_of_hour(bucket)
		self.assertEqual(after.get(("All", "", "Positive"), 0), before - 1)
		self.assertGreaterEqual(after.get(("All", "", "Negative"), 0), 1)

		negative = after[("All", "", "Negative")]
		frappe.delete_doc("Mention", mention.name)
		self.assertEqual(rows_of_hour(bucket).get(("All", "", "Negative"), 0), negative - 1)
