"""Data for the ideas browser test (``browser-tests/ideas.run.sh``); idempotent, for test sites only.

bench --site SITE execute social_crm.tests.ideas_seed.seed
"""

import frappe
from frappe.utils.password import update_password

from social_crm.tests.utils import make_contact, make_customer

PORTAL_USER = "ideas.portal@example.com"
PORTAL_PASSWORD = "Ideas-Portal-2026!"
SEED_IDEA = "Oat milk version of the vanilla ice cream"
SEED_VOTERS = ("_Ideas Seed Voter A", "_Ideas Seed Voter B", "_Ideas Seed Voter C")


def seed() -> dict:
	if not (frappe.conf.get("allow_tests") or frappe.conf.get("developer_mode")):
		frappe.throw("The ideas seed runs on test or developer sites only")
	customer = make_customer("_Ideas Portal Customer")
	if not frappe.db.exists("User", PORTAL_USER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": PORTAL_USER,
				"first_name": "Ida",
				"last_name": "Portal",
				"user_type": "Website User",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
	update_password(PORTAL_USER, PORTAL_PASSWORD)
	contact = frappe.db.get_value("Contact", {"user": PORTAL_USER})
	if not contact:
		contact = make_contact("Ida", customer=customer.name, email=PORTAL_USER)
		frappe.db.set_value("Contact", contact.name, "user", PORTAL_USER)

	# a clean slate for the portal user: their ideas and votes from earlier runs go
	for name in frappe.get_all("Idea", filters={"website_user": PORTAL_USER}, pluck="name"):
		frappe.db.delete("Idea Vote", {"idea": name})
		frappe.delete_doc("Idea", name, ignore_permissions=True, force=True)
	for vote in frappe.get_all("Idea Vote", filters={"voter_user": PORTAL_USER}, pluck="name"):
		frappe.delete_doc("Idea Vote", vote, ignore_permissions=True)

	idea = frappe.db.get_value("Idea", {"title": SEED_IDEA})
	if not idea:
		idea = (
			frappe.get_doc(
				{
					"doctype": "Idea",
					"title": SEED_IDEA,
					"description": "Please make the vanilla ice cream with oat milk, for people who avoid dairy.",
					"status": "Open",
					"is_public": 1,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	for voter in SEED_VOTERS:
		party = make_customer(voter).name
		if not frappe.db.exists("Idea Vote", {"idea": idea, "voter": f"Customer:{party}"}):
			frappe.get_doc(
				{"doctype": "Idea Vote", "idea": idea, "party_type": "Customer", "party": party}
			).insert(ignore_permissions=True)
	if not frappe.db.exists("Idea", {"title": "Recyclable paper cups"}):
		frappe.get_doc(
			{"doctype": "Idea", "title": "Recyclable paper cups", "status": "Planned", "is_public": 1}
		).insert(ignore_permissions=True)
	frappe.cache.delete_keys("rl:social_crm.api.ideas")
	frappe.db.commit()  # nosemgrep: bench execute seed for the browser test; the server must see the rows
	return {"user": PORTAL_USER, "idea": idea, "votes": frappe.db.get_value("Idea", idea, "vote_count")}
