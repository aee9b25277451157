"""Actions on mentions: Mark Responded, Ignore (single and bulk) and Reply."""

import json

import frappe
from frappe import _

from social_crm.engagement.response import reply_to_mention, set_work_status
from social_crm.engine.status import IGNORED, RESPONDED

MAX_BULK = 500


@frappe.whitelist(methods=["POST"])
def mark_responded(mention: str) -> dict:
	"""Set the mention to Responded; records the first-response time once."""
	doc = set_work_status(mention, RESPONDED)
	return {
		"status": doc.status,
		"first_response_at": doc.first_response_at,
		"response_minutes": doc.response_minutes,
	}


@frappe.whitelist(methods=["POST"])
def mark_ignored(mention: str) -> dict:
	doc = set_work_status(mention, IGNORED)
	return {"status": doc.status}


@frappe.whitelist(methods=["POST"])
def bulk_set_status(names: str | list, status: str) -> dict:
	"""List action: set Responded or Ignored on many mentions; returns the done and the refused."""
	if isinstance(names, str):
		names = json.loads(names)
	if not isinstance(names, list) or not names:
		frappe.throw(_("Select at least one mention"))
	if len(names) > MAX_BULK:
		frappe.throw(_("At most {0} mentions can be updated at once").format(MAX_BULK))
	done, failed = [], []
	for name in names:
		try:
			set_work_status(str(name), status)
			done.append(name)
		except (frappe.PermissionError, frappe.ValidationError):
			failed.append(name)
			frappe.clear_last_message()
	return {"done": done, "failed": failed}


@frappe.whitelist(methods=["POST"])
def reply(mention: str, text: str) -> dict:
	"""Post a reply on the mention's platform with its source's credentials."""
	doc = reply_to_mention(mention, text)
	last = doc.sent_replies[-1]
	return {"status": doc.status, "reply_url": last.reply_url, "external_id": last.external_id}
