"""Engine errors as translated user messages, in one place.

The engine raises errors with a ``code`` and ``params`` (``social_crm.engine.errors``); this
module keeps the translated message of every code the Frappe layer shows to users.
``message(error, **context)`` renders it with the error's ``params`` and ``field``
(``context`` adds values only the caller knows, such as a form's raw input); ``throw``
raises it as a Frappe error. An error whose code has no message here falls back to the
caller's ``fallback`` template (with the engine's text as ``{0}``). Never match on an
error's English text: give it a code instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import frappe
from frappe import _

from social_crm.display import display_html
from social_crm.engine.errors import EngineError


def _choices(values: Iterable[str]) -> str:
	return ", ".join(_(value) for value in values)


def _text(value: Any) -> str:
	return _(str(value or ""))


MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
	# consent entries (social_crm.engine.privacy.consent)
	"consent.unknown_purpose": lambda p: _("Unknown purpose; choose one of {0}").format(
		_choices(p["choices"])
	),
	"consent.unknown_basis": lambda p: _("Unknown lawful basis; choose one of {0}").format(
		_choices(p["choices"])
	),
	"consent.unknown_status": lambda p: _("Unknown status; choose one of {0}").format(_choices(p["choices"])),
	"consent.expires_not_grant": lambda p: _(
		"Only a grant can expire; clear Expires on a withdrawal or objection"
	),
	"consent.expires_before_at": lambda p: _("Expires must be after the time the consent was given"),
	"consent.at_in_future": lambda p: _("A consent entry cannot be dated in the future"),
	"consent.evidence_missing": lambda p: _(
		"A grant based on consent needs a source or evidence to prove it"
	),
	"consent.evidence_too_long": lambda p: _("Evidence is longer than {0} characters").format(p["limit"]),
	"consent.source_too_long": lambda p: _("Source is longer than {0} characters").format(p["limit"]),
	"consent.contract_default_basis": lambda p: _(
		"A contract cannot be the default lawful basis for public posts"
	),
	# retention policies (social_crm.engine.privacy.retention)
	"retention.name_missing": lambda p: _("Policy Name is required"),
	"retention.unknown_target": lambda p: _("Unknown target {0}; choose one of {1}").format(
		frappe.bold(p["value"]), _choices(p["choices"])
	),
	"retention.unknown_action": lambda p: _("Unknown action; choose Delete or Anonymize"),
	"retention.cannot_anonymize": lambda p: _("{0} records cannot be anonymized, only deleted").format(
		_text(p["target"])
	),
	"retention.keep_days": lambda p: _("Keep for Days must be a whole number from 1 to {0}, not {1}").format(
		p["max"], p.get("input", p["keep_days"])
	),
	"retention.no_conditions": lambda p: _(
		"This policy has no conditions: it would {0} every {1} record older than {2} days. "
		"Add a platform, linked or status condition, or tick Applies to All Records."
	).format(_text(p["action"]).lower(), _text(p["target"]), p["keep_days"]),
	"retention.all_with_conditions": lambda p: _(
		"A policy that applies to all records cannot also have conditions; clear them or untick Applies to All Records"
	),
	"retention.age_field": lambda p: _("Count Days From must be one of {0} for {1}").format(
		", ".join(p["choices"]), _text(p["target"])
	),
	"retention.platform": lambda p: _(
		"{0} records have no platform to filter on, or a platform is unknown: {1}"
	).format(_text(p["target"]), p.get("platform") or ""),
	"retention.linked": lambda p: _(
		"{0} records are never linked to a party; set Linked to a Party to Any"
	).format(_text(p["target"])),
	"retention.status": lambda p: _("Unknown status for {0}: {1}").format(
		_text(p["target"]), p.get("statuses") or ""
	),
	"retention.unknown_status": lambda p: _("Unknown status for {0}: {1}").format(
		_text(p.get("target")), p.get("statuses") or p.get("value") or ""
	),
	# ideas (social_crm.engine.ideas.ranking); "Please check your idea" is the title to throw with
	"idea.far_too_long": lambda p: _("The {0} is far too long.").format(_(p.get("field") or "text")),
	"idea.title_empty": lambda p: _("Please enter a title for your idea."),
	"idea.title_too_short": lambda p: _("The title is too short: please use at least {0} characters.").format(
		p["min"]
	),
	"idea.title_too_long": lambda p: _("The title is too long: at most {0} characters.").format(p["max"]),
	"idea.title_no_letters": lambda p: _("The title must contain letters or digits."),
	"idea.description_too_long": lambda p: _("The description is too long: at most {0} characters.").format(
		p["max"]
	),
	"idea.voting_closed": lambda p: _("Voting is closed: this idea is {0}.").format(_(p.get("status") or "")),
	# replies from the CRM (social_crm.engine.connectors)
	"reply.empty": lambda p: _("Please enter the text of the reply"),
	"reply.too_long": lambda p: _("A {0} reply can have at most {1} characters").format(
		p["platform"], p["limit"]
	),
	"reply.unsupported": lambda p: _("{0} does not support replies from the CRM").format(p["platform"]),
}


def message(error: EngineError, fallback: str | None = None, **context: Any) -> str:
	"""The translated message for ``error`` (by its code); ``fallback`` (translated, with ``{0}``
	for the engine's text) when the code has none, else the engine's text. The engine's text may
	carry remote strings (a platform's error): it is cleaned and escaped (``display_html``)."""
	render = MESSAGES.get(getattr(error, "code", ""))
	if render is not None:
		try:
			return render({"field": getattr(error, "field", None), **getattr(error, "params", {}), **context})
		except KeyError:
			pass  # a param the message needs is missing: say what the engine said
	if fallback:
		return fallback.format(display_html(str(error)))
	return display_html(str(error))


def throw(
	error: EngineError,
	title: str | None = None,
	exc: type[Exception] = frappe.ValidationError,
	fallback: str | None = None,
	**context: Any,
) -> None:
	"""Raise ``error`` as a Frappe error with its translated message."""
	frappe.throw(message(error, fallback, **context), exc, title=title)
