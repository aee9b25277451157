# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from social_crm import errors
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.privacy import consent as engine
from social_crm.party import validate_party
from social_crm.privacy.consent import ensure_may_record, on_entry_recorded

# What a consent entry records; once saved these never change (add a new entry instead).
LOGGED_FIELDS = (
	"social_profile",
	"party_type",
	"party",
	"purpose",
	"status",
	"lawful_basis",
	"at",
	"expires",
	"source",
	"evidence",
)


class SocialConsentEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		applied_on: DF.Datetime | None
		applied_summary: DF.SmallText | None
		at: DF.Datetime
		evidence: DF.SmallText | None
		expires: DF.Datetime | None
		expiry_applied: DF.Check
		lawful_basis: DF.Literal["Consent", "Legitimate Interest", "Contract"]
		party: DF.DynamicLink | None
		party_type: DF.Link | None
		purpose: DF.Literal["Listening", "Linking", "Marketing"]
		social_profile: DF.Link | None
		source: DF.Data | None
		status: DF.Literal["Granted", "Withdrawn", "Objected"]

	# end: auto-generated types
	def validate(self):
		self.validate_subject()
		self.validate_with_engine()
		if self.is_new():
			ensure_may_record(self)
		else:
			self.validate_unchanged()

	def validate_subject(self):
		if not self.social_profile and not self.party:
			frappe.throw(
				_(
					"A consent entry needs a subject: a Social Profile, or a party (Customer, Lead or Contact)"
				),
				frappe.MandatoryError,
				title=_("Missing Subject"),
			)
		if self.social_profile and not frappe.db.exists("Social Profile", self.social_profile):
			frappe.throw(
				_("Social Profile {0} does not exist").format(frappe.bold(self.social_profile)),
				frappe.DoesNotExistError,
				title=_("Unknown Subject"),
			)
		validate_party(self.party_type, self.party)
		if self.social_profile and not self.party:
			# the party the profile belongs to now, for the party's view of its consent log
			self.party_type, self.party = frappe.db.get_value(
				"Social Profile", self.social_profile, ["party_type", "party"]
			) or (None, None)

	def validate_with_engine(self):
		self.at = self.at or now_datetime()
		try:
			entry = engine.validate_entry(
				{
					"purpose": self.purpose,
					"basis": self.lawful_basis,
					"status": self.status,
					"at": self.at,
					"expires": self.expires,
					"source": self.source,
					"evidence": self.evidence,
				},
				now=now_datetime() if self.is_new() else None,
			)
		except InvalidRecord as e:
			frappe.throw(consent_error_message(e), frappe.ValidationError, title=_("Invalid Consent Entry"))
		self.purpose, self.lawful_basis, self.status = entry.purpose, entry.basis, entry.status
		self.source, self.evidence = entry.source, entry.evidence

	def validate_unchanged(self):
		before = self.get_doc_before_save()
		if not before:
			return
		changed = [f for f in LOGGED_FIELDS if str(before.get(f) or "") != str(self.get(f) or "")]
		if changed:
			frappe.throw(
				_("Consent entries are a log and cannot be changed ({0}); add a new entry instead").format(
					", ".join(_(self.meta.get_label(f)) for f in changed)
				),
				title=_("Consent Log"),
			)

	def after_insert(self):
		on_entry_recorded(self)


def consent_error_message(e: InvalidRecord) -> str:
	"""A translated message for an engine validation error of a consent entry."""
	return errors.message(e, _("Invalid consent entry: {0}"))


def on_doctype_update():
	frappe.db.add_index("Social Consent Entry", ["party_type", "party"])
