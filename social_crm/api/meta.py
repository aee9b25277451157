"""Meta webhooks: ``/api/method/social_crm.api.meta.lead_ads_webhook``.

GET is Meta's subscription check (``hub.mode=subscribe``, ``hub.verify_token``, ``hub.challenge``):
answered with the challenge when the token is the Webhook Verify Token of a Facebook source
with *Import Lead Ads* or of an Instagram source. POST is a delivery: its ``X-Hub-Signature-256``
must be the HMAC of the raw body with that source's App Secret (401 otherwise). Each ``leadgen``
change of a Page queues the fetch of the lead's answers, deduplicated by the lead id; each
``mentions`` change of an Instagram account queues the read of the caption or comment that
@mentioned it.
"""

from __future__ import annotations

import hmac
import json

from werkzeug.wrappers import Response

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from social_crm.engine.connectors.meta import lead_events, mention_events, verify_signature
from social_crm.listening.instagram import enqueue_mention, instagram_sources
from social_crm.listening.lead_ads import enqueue_lead, lead_sources, page_id

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 1024 * 1024


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=600, seconds=60)
def lead_ads_webhook():
	if frappe.request.method == "GET":
		return _verify_subscription()
	body = frappe.request.get_data(cache=True) or b""
	if len(body) > MAX_BODY_BYTES:
		frappe.throw(_("Request body is too large"), frappe.ValidationError)
	signature = frappe.get_request_header(SIGNATURE_HEADER)
	sources = _signed_by(body, signature)
	accounts = _instagram_signed_by(body, signature)
	if not sources and not accounts:
		frappe.throw(_("Invalid signature"), frappe.AuthenticationError)
	try:
		payload = json.loads(body)
	except ValueError:
		frappe.throw(_("The body must be JSON"), frappe.ValidationError)
	queued = 0
	for event in lead_events(payload):
		source = next((s for s, page in sources if page == event.page_id), None)
		if source:
			enqueue_lead(source, event)
			queued += 1
	for event in mention_events(payload):
		source = next((s for s, user in accounts if user == event.ig_user_id), None)
		if source:
			enqueue_mention(source, event)
			queued += 1
	return {"queued": queued}


def _secret(doc, fieldname: str) -> str:
	return doc.get_password(fieldname, raise_exception=False) or "" if doc.get(fieldname) else ""


def _signed_by(body: bytes, signature: str | None) -> list[tuple[str, str]]:
	"""(source, page id) of the Lead Ads sources whose App Secret signed this body."""
	if not signature:
		return []
	signed = []
	for name in lead_sources():
		doc = frappe.get_doc("Social Source", name)
		if verify_signature(body, signature, _secret(doc, "app_secret")):
			signed.append((name, page_id(doc)))
	return signed


def _instagram_signed_by(body: bytes, signature: str | None) -> list[tuple[str, str]]:
	"""(source, ig user id) of the Instagram sources whose App Secret signed this body."""
	if not signature:
		return []
	signed = []
	for name, user in instagram_sources():
		if verify_signature(body, signature, _secret(frappe.get_doc("Social Source", name), "app_secret")):
			signed.append((name, user))
	return signed


def _verify_subscription() -> Response:
	args = frappe.request.args
	token = args.get("hub.verify_token") or ""
	if args.get("hub.mode") != "subscribe" or not token:
		frappe.throw(_("Not a subscription request"), frappe.ValidationError)
	for name in [*lead_sources(), *(source for source, _user in instagram_sources())]:
		expected = _secret(frappe.get_doc("Social Source", name), "webhook_verify_token")
		if expected and hmac.compare_digest(expected, token):
			return Response(args.get("hub.challenge") or "", mimetype="text/plain")
	frappe.throw(_("Wrong verify token"), frappe.PermissionError)
