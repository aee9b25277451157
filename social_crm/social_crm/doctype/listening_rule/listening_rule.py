# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import unicodedata

import frappe
from frappe import _
from frappe.model.document import Document

MAX_TERMS = 200
MAX_TERM_CHARS = 100


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

	def validate(self):
		terms = split_terms(self.terms)
		if not terms:
			frappe.throw(_("A listening rule needs at least one term"), frappe.MandatoryError)
		for label, values in ((_("Terms"), terms), (_("Exclusions"), split_terms(self.exclusions))):
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
		self.exclusions = "\n".join(split_terms(self.exclusions))
		self.languages = ", ".join(
			sorted({code.strip().lower() for code in (self.languages or "").split(",") if code.strip()})
		)


def split_terms(value: str | None) -> list[str]:
	"""Terms are one per line (commas also separate); blanks and repeats dropped, order kept."""
	seen, out = set(), []
	for raw in (value or "").replace(",", "\n").split("\n"):
		term = " ".join(raw.split())
		key = fold(term)
		if term and key not in seen:
			seen.add(key)
			out.append(term)
	return out


def fold(term: str) -> str:
	"""Case- and accent-insensitive key: "Café" and "cafe" are the same term."""
	decomposed = unicodedata.normalize("NFKD", term.casefold())
	return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
