"""Social Contests in the database (the rules are in ``social_crm.engine.contests``).

- Entries come from stored mentions carrying the contest's hashtag within its period
  (``collect_post_entries``) and from the portal (``add_entry`` via ``api.contests.enter``).
  One entry per person (a unique key per contest and profile / party / email); the consent to
  the terms is recorded in the Social Consent Entry log (purpose Marketing, basis Consent,
  the terms as evidence).
- ``draw`` records the seed and the entry list on the contest and marks the winners; anyone
  can re-run it with ``verify_draw`` (or the engine's ``draw`` with the recorded values).
- Each winner gets one ERPNext Coupon Code (maximum use 1) on the contest's Pricing Rule,
  a Gift Card of their Customer where there is one, and an email where an address is known.
"""

import json

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from social_crm.engine import contests as engine
from social_crm.engine.privacy import consent as consent_engine
from social_crm.party import get_customer_of
from social_crm.privacy import store
from social_crm.privacy.suppression import get_secret

OPEN, DRAWN = "Open", "Drawn"


def person_of(profile=None, party_type=None, party=None, email=None) -> str:
	if profile:
		return f"profile:{profile}"
	if party_type and party:
		return f"{party_type}:{party}"
	if email:
		return f"email:{email.strip().casefold()}"
	frappe.throw(_("An entry needs a social profile, a party or an email"))


def add_entry(
	contest: str,
	*,
	via: str,
	profile: str | None = None,
	party_type: str | None = None,
	party: str | None = None,
	email: str | None = None,
	mention: str | None = None,
	at=None,
	accepted_terms: bool = False,
) -> str:
	"""The person's entry in the contest (an existing one is returned: one entry per person)."""
	doc = frappe.get_doc("Social Contest", contest)
	at = get_datetime(at) if at else now_datetime()
	if doc.status != OPEN or not (get_datetime(doc.start) <= at <= get_datetime(doc.end)):
		frappe.throw(_("Contest {0} does not take entries at this time").format(contest))
	if not accepted_terms:
		frappe.throw(_("Please accept the terms of the contest"))
	if profile and not party:
		party_type, party = frappe.db.get_value("Social Profile", profile, ["party_type", "party"]) or (
			None,
			None,
		)
	person = person_of(profile, party_type, party, email)
	existing = frappe.db.get_value("Social Contest Entry", {"entry_key": f"{contest}|{person}"})
	if existing:
		return existing
	consent = frappe.get_doc(
		{
			"doctype": "Social Consent Entry",
			"social_profile": profile,
			"party_type": party_type if party else None,
			"party": party,
			"purpose": consent_engine.MARKETING,
			"status": consent_engine.GRANTED,
			"lawful_basis": consent_engine.CONSENT,
			"at": min(at, now_datetime()),
			"source": _("Contest {0}").format(contest)[: consent_engine.MAX_SOURCE_CHARS],
			"evidence": (doc.terms or "")[: consent_engine.MAX_EVIDENCE_CHARS],
		}
	).insert(ignore_permissions=True)
	entry = frappe.get_doc(
		{
			"doctype": "Social Contest Entry",
			"contest": contest,
			"person": person,
			"entry_key": f"{contest}|{person}",
			"entered_at": at,
			"via": via,
			"social_profile": profile,
			"mention": mention,
			"party_type": party_type if party else None,
			"party": party,
			"email": email,
			"consent_entry": consent.name,
		}
	)
	entry.insert(ignore_permissions=True)
	return entry.name


def collect_post_entries(contest: str) -> int:
	"""Entries from stored mentions with the hashtag in the period. Returns how many are new."""
	doc = frappe.get_doc("Social Contest", contest)
	tag = engine.normalize_hashtag(doc.hashtag)
	rows = frappe.get_all(
		"Mention",
		filters={
			"posted_at": ("between", [doc.start, doc.end]),
			"text": ("like", f"%#{tag}%"),
			"author": ("is", "set"),
			"anonymized": 0,
		},
		fields=["name", "author", "text", "posted_at", "party_type", "party"],
		order_by="posted_at asc",
	)
	before = frappe.db.count("Social Contest Entry", {"contest": contest})
	for row in rows:
		if engine.has_hashtag(row.text, tag):
			add_entry(
				contest,
				via="Post",
				profile=row.author,
				party_type=row.party_type,
				party=row.party,
				mention=row.name,
				at=row.posted_at,
				accepted_terms=True,  # the terms say: posting with the hashtag accepts them
			)
	return frappe.db.count("Social Contest Entry", {"contest": contest}) - before


def _entries_for_engine(contest: str) -> list[dict]:
	rows = frappe.get_all(
		"Social Contest Entry",
		filters={"contest": contest},
		fields=["name", "person", "entered_at", "consent_entry"],
	)
	return [
		{"key": r.name, "person": r.person, "at": r.entered_at, "consent": bool(r.consent_entry)}
		for r in rows
	]


def draw(contest: str, seed: str | None = None) -> list[str]:
	"""Draw the winners once; record seed and entries; issue vouchers; notify. Returns winner entries."""
	doc = frappe.get_doc("Social Contest", contest)
	if doc.status == DRAWN:
		frappe.throw(_("Contest {0} was drawn already").format(contest))
	keys = [e["key"] for e in engine.eligible(_entries_for_engine(contest))]
	seed = seed or engine.new_seed()
	winners = engine.draw(keys, seed, doc.number_of_winners)
	doc.db_set(
		{
			"seed": seed,
			"draw_entries": json.dumps(sorted(keys)),
			"winners": "\n".join(winners),
			"drawn_on": now_datetime(),
			"status": DRAWN,
		}
	)
	rule = pricing_rule_for(doc) if winners else None
	for name in winners:
		entry = frappe.get_doc("Social Contest Entry", name)
		entry.db_set({"winner": 1, "coupon_code": issue_coupon(doc, entry, rule)})
		notify_winner(doc, entry)
	return winners


def verify_draw(contest: str) -> bool:
	"""Re-run the recorded draw: True when the recorded seed and entries give the recorded winners."""
	doc = frappe.get_doc("Social Contest", contest)
	if doc.status != DRAWN:
		return False
	again = engine.draw(json.loads(doc.draw_entries or "[]"), doc.seed, doc.number_of_winners)
	return again == (doc.winners or "").split("\n") if again else not doc.winners


def pricing_rule_for(contest) -> str:
	title = _("Contest {0}").format(contest.name)[:140]
	existing = frappe.db.get_value("Pricing Rule", {"title": title, "coupon_code_based": 1})
	if existing:
		return existing
	rule = frappe.get_doc(
		{
			"doctype": "Pricing Rule",
			"title": title,
			"apply_on": "Transaction",
			"price_or_product_discount": "Price",
			"selling": 1,
			"coupon_code_based": 1,
			"rate_or_discount": "Discount Percentage",
			"discount_percentage": contest.discount_percentage,
			"company": frappe.defaults.get_defaults().get("company") or None,
			"currency": None,
		}
	)
	rule.insert(ignore_permissions=True)
	return rule.name


def issue_coupon(contest, entry, rule: str) -> str:
	if entry.coupon_code:
		return entry.coupon_code
	customer = get_customer_of(entry.party_type, entry.party)
	coupon = frappe.get_doc(
		{
			"doctype": "Coupon Code",
			"coupon_name": f"{contest.name} {entry.name}"[:140],
			"coupon_code": frappe.generate_hash(length=10).upper(),
			"coupon_type": "Gift Card" if customer else "Promotional",
			"customer": customer,
			"pricing_rule": rule,
			"maximum_use": 1,
			"valid_from": getdate(),
			"valid_upto": add_days(getdate(), contest.voucher_valid_days)
			if contest.voucher_valid_days
			else None,
			"description": _("Voucher won in contest {0}").format(contest.name),
		}
	)
	coupon.insert(ignore_permissions=True)
	return coupon.name


def winner_email(entry) -> str | None:
	if entry.email:
		return entry.email
	if entry.party_type in ("Contact", "Lead") and entry.party:
		field = "email_id"
		return frappe.db.get_value(entry.party_type, entry.party, field)
	if entry.party_type == "Customer" and entry.party:
		return frappe.db.get_value("Customer", entry.party, "email_id")
	return None


def notify_winner(contest, entry) -> None:
	code = frappe.db.get_value("Coupon Code", entry.coupon_code, "coupon_code")
	email = winner_email(entry)
	if email:
		try:
			frappe.sendmail(
				recipients=[email],
				subject=_("You won in {0}").format(contest.name),
				message=_("Congratulations! Your voucher code: {0}").format(frappe.bold(code)),
				reference_doctype="Social Contest Entry",
				reference_name=entry.name,
			)
		except frappe.OutgoingEmailError:
			email = None  # no outgoing account: the desk hands the voucher over
	frappe.get_doc("Social Contest Entry", entry.name).add_comment(
		"Info", _("Winner notified; voucher {0}").format(code)
	)
	entry.db_set("notified", 1 if email else 0)


def anonymize_entries(names: list[str]) -> int:
	"""Anonymize contest entries (erasure, retention): the entrant's links and email go, a keyed
	hash of the person stays (``engine.anonymize_entry_fields``). The row, its winner flag and
	coupon stay, so the contest's recorded draw (entry names and seed) re-runs unchanged."""
	if not names:
		return 0
	rows = frappe.get_all(
		"Social Contest Entry",
		filters={"name": ("in", names)},
		fields=["name", "contest", "person", *engine.ENTRY_CLEAR],
	)
	secret = get_secret()
	updates = {row.name: engine.anonymize_entry_fields(row, secret) for row in rows}
	updates = {name: values for name, values in updates.items() if values}
	store.bulk_update("Social Contest Entry", updates, constants={"modified": now_datetime()})
	store.forget_history("Social Contest Entry", list(updates))
	return len(updates)
