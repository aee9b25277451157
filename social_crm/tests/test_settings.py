import frappe

from social_crm import settings
from social_crm.patches.v1_0 import raise_retention_batch_size
from social_crm.tests import SocialCRMTestCase


class TestSettingsModule(SocialCRMTestCase):
	"""``social_crm.settings``: typed values, the doctype's defaults, fresh after a change."""

	def set(self, fieldname, value):
		frappe.db.set_single_value(settings.DOCTYPE, fieldname, value)

	def test_defaults_are_the_doctypes_defaults(self):
		meta = frappe.get_meta(settings.DOCTYPE)
		for fieldname, default in settings.DEFAULTS.items():
			df = meta.get_field(fieldname)
			self.assertIsNotNone(df, fieldname)
			expected = bool(int(df.default)) if df.fieldtype == "Check" else type(default)(df.default)
			self.assertEqual(default, expected, fieldname)

	def test_empty_values_answer_the_default(self):
		for fieldname in (
			"timeline_limit",
			"retention_batch_size",
			"auto_link_threshold",
			"review_threshold",
		):
			self.set(fieldname, None)
		self.set("on_listening_withdrawal", None)
		self.assertEqual(settings.timeline_limit(), 50)
		self.assertEqual(settings.retention_batch_size(), 5000)
		self.assertEqual(settings.link_thresholds(), (0.9, 0.6))
		self.assertEqual(settings.listening_withdrawal_action(), "Anonymize")

	def test_a_change_is_read_in_the_same_request(self):
		self.assertEqual(settings.timeline_limit(), 50)  # cached now
		self.set("timeline_limit", 7)
		self.assertEqual(settings.timeline_limit(), 7)
		self.set("timeline_limit", 9999)
		self.assertEqual(settings.timeline_limit(), settings.TIMELINE_MAX)
		self.set("enable_auto_linking", 0)
		self.assertIs(settings.auto_linking_enabled(), False)
		self.set("auto_link_threshold", 80)
		self.set("review_threshold", 95)
		self.assertEqual(settings.link_thresholds(), (0.8, 0.8))  # review never above auto-link

	def test_language_settings(self):
		self.set("languages", " EN, de ,,fr")
		self.set("language_detector", "Lingua")
		self.set("sentiment_analyzer", "Flair")
		self.set("flair_model", "  sentiment-fast ")
		self.assertEqual(settings.language_codes(), ["en", "de", "fr"])
		self.assertEqual(settings.language_detector(), "lingua")
		self.assertEqual(settings.sentiment_analyzer(), "flair")
		self.assertEqual(settings.flair_model(), "sentiment-fast")
		self.set("languages", "")
		self.assertEqual(settings.language_codes(), [])  # emptied: every language

	def test_checks_are_booleans(self):
		self.set("allow_guest_idea_view", 1)
		self.set("weight_votes_by_customer_value", 0)
		self.set("keep_raw_payloads", 1)
		self.assertIs(settings.allow_guest_idea_view(), True)
		self.assertIs(settings.weight_votes_by_customer_value(), False)
		self.assertIs(settings.keep_raw_payloads(), True)


class TestRetentionBatchSizePatch(SocialCRMTestCase):
	"""The patch that raised the default largest retention batch keeps a size an admin chose."""

	def run_patch_with(self, value):
		frappe.db.set_single_value(settings.DOCTYPE, "retention_batch_size", value)
		raise_retention_batch_size.execute()
		return frappe.db.get_single_value(settings.DOCTYPE, "retention_batch_size")

	def test_the_old_default_becomes_the_new_one(self):
		self.assertEqual(self.run_patch_with(1000), settings.DEFAULTS["retention_batch_size"])

	def test_a_chosen_size_stays(self):
		self.assertEqual(self.run_patch_with(2500), 2500)
		self.assertEqual(self.run_patch_with(300), 300)
