# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_to_date, now_datetime

from social_crm.privacy import consent_allows
from social_crm.privacy.consent import refresh_expired
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_customer, make_mention, make_profile

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]


def record(purpose="Marketing", status="Granted", basis="Consent", **kwargs):
	values = {
		"doctype": "Social Consent Entry",
		"purpose": purpose,
		"status": status,
		"lawful_basis": basis,
		"source": kwargs.pop("source", "Web form"),
		**kwargs,
	}
	return frappe.get_doc(values).insert(ignore_permissions=True)


def set_withdrawal_action(action: str):
	frappe.db.set_single_value("Social CRM Settings", "on_listening_withdrawal", action)


class TestSocialConsentEntry(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = make_customer("_Test Consent Customer").name

	def test_unknown_or_missing_subject_is_refused(self):
		with self.assertRaises(frappe.MandatoryError) as ctx:
			record()
		self.assertIn("subject", str(ctx.exception))
		with self.assertRaises((frappe.DoesNotExistError, frappe.LinkValidationError)) as ctx:
			record(social_profile="no-such-profile-123")
		self.assertIn("no-such-profile-123", str(ctx.exception))
		with self.assertRaises(frappe.ValidationError):
			record(party_type="User", party="Administrator")
		with self.assertRaises(frappe.LinkValidationError):
			record(party_type="Customer", party="No Such Customer 987")

	def test_bad_entries_get_clear_errors(self):
		profile = make_profile("ce-bad").name
		cases = [
			(
				{"status": "Withdrawn", "expires": add_to_date(now_datetime(), days=5)},
				"Only a grant can expire",
			),
			(
				{"at": now_datetime(), "expires": add_to_date(now_datetime(), days=-1)},
				"Expires must be after",
			),
			({"at": add_to_date(now_datetime(), days=2)}, "future"),
			({"source": "", "evidence": ""}, "source or evidence"),
			({"evidence": "x" * 2500}, "Evidence is longer"),
		]
		for values, message in cases:
			with self.subTest(message=message):
				with self.assertRaises(frappe.ValidationError) as ctx:
					record(social_profile=profile, **values)
				self.assertIn(message, str(ctx.exception))
		with self.assertRaises(frappe.ValidationError):
			record(social_profile=profile, purpose="Astrology")

	def test_state_is_derived_from_the_latest_entry_and_shown(self):
		profile = make_profile("ce-state").name
		self.assertFalse(consent_allows(profile, "Marketing"))  # marketing never has a default
		self.assertTrue(consent_allows(profile, "Listening"))  # default basis for public posts
		record(social_profile=profile, at=add_to_date(now_datetime(), hours=-2))
		self.assertTrue(consent_allows(profile, "Marketing"))
		self.assertIn("Marketing: Consent", frappe.db.get_value("Social Profile", profile, "consent_state"))
		record(social_profile=profile, status="Withdrawn", at=add_to_date(now_datetime(), hours=-1))
		self.assertFalse(consent_allows(profile, "marketing"))
		self.assertIn("Marketing: Withdrawn", frappe.db.get_value("Social Profile", profile, "consent_state"))
		log = frappe.get_all(
			"Social Privacy Log", filters={"event": "Consent Change", "action": "Withdrawn"}, pluck="details"
		)
		self.assertTrue(any(profile in (d or "") for d in log))

	def test_unknown_purpose_in_check_is_an_error(self):
		with self.assertRaises(frappe.ValidationError):
			consent_allows(make_profile("ce-purpose").name, "Telepathy")

	def test_expired_grant_falls_back_and_daily_job_refreshes_state(self):
		profile = make_profile("ce-expiry").name
		entry = record(
			social_profile=profile,
			at=add_to_date(now_datetime(), days=-10),
			expires=add_to_date(now_datetime(), minutes=-1),
		)
		self.assertFalse(consent_allows(profile, "Marketing"))
		frappe.db.set_value("Social Profile", profile, "consent_state", "stale")
		self.assertGreaterEqual(refresh_expired(), 1)
		self.assertIn("Marketing: Expired", frappe.db.get_value("Social Profile", profile, "consent_state"))
		self.assertEqual(frappe.db.get_value("Social Consent Entry", entry.name, "expiry_applied"), 1)

	def test_entries_cannot_be_changed(self):
		entry = record(social_profile=make_profile("ce-immutable").name)
		entry.status = "Withdrawn"
		with self.assertRaises(frappe.ValidationError) as ctx:
			entry.save(ignore_permissions=True)
		self.assertIn("cannot be changed", str(ctx.exception))

	def test_linking_withdrawal_unlinks_and_stops_linking(self):
		profile = make_profile("ce-link", party_type="Customer", party=self.customer)
		mentions = [make_mention(f"ce-link-m{i}", author=profile.name) for i in range(2)]
		self.assertEqual(frappe.db.get_value("Mention", mentions[0].name, "party"), self.customer)
		self.assertTrue(consent_allows(profile.name, "Linking"))

		entry = record(
			purpose="Linking", status="Objected", basis="Legitimate Interest", social_profile=profile.name
		)
		profile.reload()
		self.assertFalse(profile.party)
		self.assertEqual(profile.do_not_auto_link, 1)
		for mention in mentions:
			self.assertFalse(frappe.db.get_value("Mention", mention.name, "party"))
		self.assertFalse(consent_allows(profile.name, "Linking"))
		self.assertTrue(frappe.db.get_value("Social Consent Entry", entry.name, "applied_on"))
		self.assertTrue(
			frappe.db.exists(
				"Social Privacy Log",
				{"event": "Withdrawal Applied", "reference_name": entry.name, "action": "Unlink"},
			)
		)
		try:
			from social_crm.linking import jobs as linking_jobs
		except ImportError:
			return
		# the linking job asks before it acts
		self.assertFalse(linking_jobs.consent_allows_linking(profile.name))
		self.assertTrue(linking_jobs.match_profile(profile.name).startswith("skipped"))
		self.assertFalse(frappe.db.get_value("Social Profile", profile.name, "party"))

	def test_withdrawal_unlinks_even_a_profile_that_fails_validation(self):
		profile = make_profile("ce-broken", party_type="Customer", party=self.customer).name
		frappe.db.set_value("Social Profile", profile, "followers", -5)  # legacy bad data
		record(purpose="Linking", status="Withdrawn", social_profile=profile)
		self.assertFalse(frappe.db.get_value("Social Profile", profile, "party"))
		self.assertEqual(frappe.db.get_value("Social Profile", profile, "do_not_auto_link"), 1)

	def test_party_level_linking_withdrawal_unlinks_all_profiles(self):
		customer = make_customer("_Test Consent Party Customer").name
		profiles = [
			make_profile(f"ce-party-{i}", party_type="Customer", party=customer).name for i in range(2)
		]
		record(purpose="Linking", status="Withdrawn", party_type="Customer", party=customer)
		for profile in profiles:
			self.assertFalse(frappe.db.get_value("Social Profile", profile, "party"))
			self.assertEqual(frappe.db.get_value("Social Profile", profile, "do_not_auto_link"), 1)

	def test_listening_withdrawal_anonymizes_mentions(self):
		set_withdrawal_action("Anonymize")
		profile = make_profile("ce-listen", display_name="Greta Gruenwald", handle="greta@mastodon.social")
		mention = make_mention(
			"ce-listen-m1",
			author=profile.name,
			text="Greta Gruenwald here (@greta@mastodon.social), mail greta@example.com https://greta.example",
		)
		other = make_mention("ce-listen-other", author=make_profile("ce-listen-x").name)
		record(purpose="Listening", status="Withdrawn", social_profile=profile.name)
		row = frappe.db.get_value(
			"Mention", mention.name, ["text", "author", "anonymized", "external_id"], as_dict=True
		)
		self.assertEqual(row.anonymized, 1)
		self.assertFalse(row.author)
		self.assertTrue(row.external_id.startswith("anon:"))
		for trace in ("Greta", "Gruenwald", "greta@", "https://"):
			self.assertNotIn(trace, row.text)
		self.assertIn("[name]", row.text)
		self.assertEqual(frappe.db.get_value("Mention", other.name, "anonymized"), 0)
		self.assertFalse(consent_allows(profile.name, "Listening"))
		self.assertFalse(frappe.db.exists("Version", {"ref_doctype": "Mention", "docname": mention.name}))

	def test_listening_withdrawal_can_delete_mentions(self):
		set_withdrawal_action("Delete")
		try:
			profile = make_profile("ce-listen-del").name
			names = [make_mention(f"ce-listen-del-m{i}", author=profile).name for i in range(3)]
			record(
				purpose="Listening", status="Objected", basis="Legitimate Interest", social_profile=profile
			)
			self.assertFalse(frappe.db.exists("Mention", {"name": ("in", names)}))
		finally:
			set_withdrawal_action("Anonymize")
