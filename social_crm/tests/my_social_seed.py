"""Data for the /my-social browser test (``browser-tests/my_social.run.sh``); idempotent, for test sites only.

bench --site SITE execute social_crm.tests.my_social_seed.seed
"""

import json

import frappe
from frappe.utils import now_datetime
from frappe.utils.password import update_password

from social_crm.tests.utils import make_customer, make_mention, make_profile

PORTAL_USER = "my-social.portal@example.com"
PORTAL_PASSWORD = "My-Social-Portal-2026!"
CUSTOMER = "_My Social Portal Customer"
PROFILES = {"mine": "my-social-mine", "wrong": "my-social-wrong"}


def seed() -> dict:
	if not (frappe.conf.get("allow_tests") or frappe.conf.get("developer_mode")):
		frappe.throw("The my-social seed runs on test or developer sites only")
	if not frappe.db.exists("User", PORTAL_USER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": PORTAL_USER,
				"first_name": "Mila",
				"last_name": "Portal",
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "Customer"}],
			}
		).insert(ignore_permissions=True)
	update_password(PORTAL_USER, PORTAL_PASSWORD)
	customer = make_customer(CUSTOMER, customer_type="Individual")
	contact_name = frappe.db.get_value("Contact", {"user": PORTAL_USER})
	if not contact_name:
		contact = frappe.get_doc({"doctype": "Contact", "first_name": "Mila", "user": PORTAL_USER})
		contact.append("email_ids", {"email_id": PORTAL_USER, "is_primary": 1})
		contact_name = contact.insert(ignore_permissions=True).name
	contact = frappe.get_doc("Contact", contact_name)
	if not any(link.link_name == customer.name for link in contact.links):
		contact.append("links", {"link_doctype": "Customer", "link_name": customer.name})
		contact.save(ignore_permissions=True)

	# a clean slate: earlier runs' profiles, mentions, consent entries and requests go
	for external_id in PROFILES.values():
		for name in frappe.get_all("Social Profile", filters={"external_id": external_id}, pluck="name"):
			frappe.db.delete("Mention", {"author": name})
			frappe.db.delete("Social Consent Entry", {"social_profile": name})
			frappe.delete_doc("Social Profile", name, ignore_permissions=True, force=True)
	for party_type, party in (("Contact", contact_name), ("Customer", customer.name)):
		frappe.db.delete("Social Consent Entry", {"party_type": party_type, "party": party})
	frappe.db.delete("Social Privacy Request", {"website_user": PORTAL_USER})

	mine = make_profile(PROFILES["mine"], handle="mila@mastodon.social", display_name="Mila P.")
	mine.party_type, mine.party = "Contact", contact_name
	mine.save(ignore_permissions=True)
	reason = {"signal": "email", "weight": 0.9, "detail": "the profile's email is the contact's email"}
	frappe.db.set_value(
		"Social Profile",
		mine.name,
		{
			"link_method": "Email",
			"match_candidates": json.dumps(
				{
					"candidates": [
						{"party_type": "Contact", "party": contact_name, "score": 0.95, "reasons": [reason]}
					]
				}
			),
		},
	)
	wrong = make_profile(PROFILES["wrong"], handle="mila_rossi@mastodon.social", display_name="Mila Rossi")
	wrong.party_type, wrong.party = "Customer", customer.name
	wrong.save(ignore_permissions=True)
	make_mention(
		"my-social-post-1", author=mine.name, text="The new espresso beans are great", minutes_ago=30
	)
	frappe.get_doc(
		{
			"doctype": "Social Consent Entry",
			"party_type": "Contact",
			"party": contact_name,
			"purpose": "Marketing",
			"status": "Granted",
			"lawful_basis": "Consent",
			"at": now_datetime(),
			"source": "Newsletter sign-up",
		}
	).insert(ignore_permissions=True)
	frappe.cache.delete_keys("rl:social_crm.api.my_social")
	frappe.db.commit()  # nosemgrep: bench execute seed for the browser test; the server must see the rows
	return {"user": PORTAL_USER, "contact": contact_name, "mine": mine.name, "wrong": wrong.name}
