"""Factories for Social CRM integration tests. Every record is created inside the test's
transaction and rolled back by FrappeTestCase."""

import frappe
from frappe.utils import add_to_date

from social_crm.clock import utc_now


def leaf(doctype: str, fallback: str) -> str:
	return frappe.db.get_value(doctype, {"is_group": 0}, "name") or fallback


def make_customer(name: str = "_Test Social Customer", **kwargs) -> "frappe.Document":
	if frappe.db.exists("Customer", {"customer_name": name}):
		return frappe.get_doc("Customer", {"customer_name": name})
	return frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_type": "Company",
			"customer_group": leaf("Customer Group", "All Customer Groups"),
			"territory": leaf("Territory", "All Territories"),
			**kwargs,
		}
	).insert(ignore_permissions=True)


def make_lead(first_name: str = "Social", last_name: str = "Lead", **kwargs) -> "frappe.Document":
	return frappe.get_doc(
		{"doctype": "Lead", "first_name": first_name, "last_name": last_name, **kwargs}
	).insert(ignore_permissions=True)


def make_contact(first_name: str, customer: str | None = None, email: str | None = None) -> "frappe.Document":
	contact = frappe.get_doc({"doctype": "Contact", "first_name": first_name})
	if email:
		contact.append("email_ids", {"email_id": email, "is_primary": 1})
	if customer:
		contact.append("links", {"link_doctype": "Customer", "link_name": customer})
	return contact.insert(ignore_permissions=True)


def make_profile(external_id: str, platform: str = "Mastodon", **kwargs) -> "frappe.Document":
	return frappe.get_doc(
		{
			"doctype": "Social Profile",
			"platform": platform,
			"external_id": external_id,
			"handle": kwargs.pop("handle", f"user{external_id}@mastodon.social"),
			"display_name": kwargs.pop("display_name", f"User {external_id}"),
			**kwargs,
		}
	).insert(ignore_permissions=True)


def make_mention(external_id: str, author: str | None = None, minutes_ago: int = 0, **kwargs):
	return frappe.get_doc(
		{
			"doctype": "Mention",
			"platform": kwargs.pop("platform", "Mastodon"),
			"external_id": external_id,
			"author": author,
			"text": kwargs.pop("text", f"Post {external_id} about our brand"),
			"posted_at": add_to_date(utc_now(), minutes=-minutes_ago),  # posted_at is UTC
			**kwargs,
		}
	).insert(ignore_permissions=True)


def make_user(email: str, roles: list[str]) -> "frappe.Document":
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
	else:
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user.remove_roles(*[r.role for r in user.roles])
	if roles:
		user.add_roles(*roles)
	return user
