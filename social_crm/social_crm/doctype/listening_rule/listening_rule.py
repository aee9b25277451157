# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from social_crm.engine.analysis.rules import MAX_TERM_CHARS, MAX_TERMS, Rule, parse_terms, validate_rule
from social_crm.engine.errors import InvalidRecord
from social_crm.insight import rollup


class ListeningRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from social_crm.social_crm.doctype.listening_rule_source.listening_rule_source import (
			ListeningRuleSource,
		)

		campaign: DF.Link | None
		competitor: DF.Link | None
		enabled: DF.Check
		exclusions: DF.SmallText | None
		item: DF.Link | None
		kind: DF.Literal["Brand", "Product", "Competitor", "Person", "Campaign"]
		languages: DF.Data | None
		rule_name: DF.Data
		sources: DF.TableMultiSelect[ListeningRuleSource]
		terms: DF.SmallText
	# end: auto-generated types

	def on_update(self):
		rollup.rule_changed(self)

	def validate(self):
		terms = parse_terms(self.terms)
		if not terms:
			frappe.throw(_("A listening rule needs at least one term"), frappe.MandatoryError)
		for label, values in ((_("Terms"), terms), (_("Exclusions"), parse_terms(self.exclusions))):
			if len(values) > MAX_TERMS:
				frappe.throw(_("{0}: at most {1} entries").format(label, MAX_TERMS))
			too_long = [v for v in values if len(v) > MAX_TERM_CHARS]
			if too_long:
				frappe.throw(
					_("{0}: entries must be at most {1} characters: {2}").format(
						label, MAX_TERM_CHARS, too_long[0][:40]
					)
				)
		self.terms = "\n".join(terms)
		self.exclusions = "\n".join(parse_terms(self.exclusions))
		self.languages = ", ".join(
			sorted({code.strip().lower() for code in (self.languages or "").split(",") if code.strip()})
		)
		try:
			# the matcher's own checks: well-formed #hashtags and @accounts, no control characters
			validate_rule(Rule(name=self.rule_name, kind=self.kind, terms=terms, exclusions=self.exclusions))
		except InvalidRecord as e:
			frappe.throw(
				_("This listening rule cannot be used: {0}").format(str(e)), title=_("Invalid Listening Rule")
			)
