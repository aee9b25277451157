import frappe
from frappe.translate import clear_cache

from social_crm import errors
from social_crm.engine.connectors.replies import validate_reply_text
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.ideas.ranking import ensure_can_vote, validate_idea
from social_crm.engine.privacy import retention
from social_crm.ideas.voting import throw_invalid
from social_crm.tests import SocialCRMTestCase


class TestErrorMessages(SocialCRMTestCase):
	"""Engine error codes become translated messages in social_crm.errors."""

	def tearDown(self):
		frappe.local.lang = "en"

	def error_of(self, call, *args):
		try:
			call(*args)
		except InvalidRecord as exc:
			return exc
		self.fail("no InvalidRecord raised")

	def test_a_code_gets_its_message_with_the_engines_params(self):
		exc = self.error_of(validate_reply_text, "Bluesky", "x" * 301)
		self.assertEqual(errors.message(exc), "A Bluesky reply can have at most 300 characters")
		policy = retention.RetentionPolicy("p", "Mention", {"age_field": "posted_at"}, 30, retention.DELETE)
		exc = self.error_of(retention.validate_policy, policy)
		self.assertIn("it would delete every Mention record older than 30 days", errors.message(exc))

	def test_messages_are_translated(self):
		clear_cache()  # the app's de.csv may have new rows since the cache was built
		frappe.local.lang = "de"
		exc = self.error_of(validate_reply_text, "Mastodon", "   ")
		self.assertEqual(errors.message(exc), "Bitte geben Sie den Text der Antwort ein")

	def test_an_unknown_code_falls_back_to_the_callers_template(self):
		exc = InvalidRecord("something odd", code="nobody.knows")
		self.assertEqual(errors.message(exc, "Invalid: {0}"), "Invalid: something odd")
		self.assertEqual(errors.message(exc), "something odd")
		# a message whose params are missing falls back too instead of failing
		self.assertEqual(errors.message(InvalidRecord("raw", code="reply.too_long")), "raw")

	def test_throw_raises_the_message_as_a_validation_error(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			errors.throw(self.error_of(validate_reply_text, "Mastodon", "x" * 501), title="t")
		self.assertEqual(str(ctx.exception), "A Mastodon reply can have at most 500 characters")

	def test_idea_messages_match_what_the_portal_shows_today(self):
		"""idea.* codes carry the portal's messages, so throw_invalid can switch to them unchanged."""
		cases = [
			(validate_idea, ("",), None),
			(validate_idea, ("abc",), None),
			(validate_idea, ("x" * 141,), None),
			(validate_idea, ("!!!!!!",), None),
			(validate_idea, ("Good title", "d" * 5001), None),
			(validate_idea, ("Good title", "d" * 100_001), None),
			(ensure_can_vote, ("Implemented",), "Implemented"),
		]
		for call, args, status in cases:
			with self.subTest(call=call.__name__, args=[str(a)[:12] for a in args]):
				error = self.error_of(call, *args)
				self.assertTrue(error.code.startswith("idea."), error.code)
				with self.assertRaises(frappe.ValidationError) as ctx:
					throw_invalid(error, status)
				self.assertEqual(errors.message(error, status=status), str(ctx.exception))
