"""Meta Lead Ads into ERPNext Leads: a webhook delivery queues the lead's fetch, an hourly backfill
finds leads missed while the webhook was down, and both create or update one Lead per person.

A Lead is found by its Meta lead id first, then by email, then by mobile number, so a
redelivered webhook, a backfill of a lead the webhook already brought and a second form
filled in by the same person all end in one Lead. Parsing is the engine's
(``engine.connectors.meta``); this module only stores.
"""

from __future__ import annotations

import json
from datetime import timedelta

import frappe
from frappe.utils import get_datetime, now_datetime

from social_crm.engine.connectors.base import HttpClient
from social_crm.engine.connectors.meta import GraphClient, LeadAdsClient, LeadAnswers, LeadEvent
from social_crm.install import LEAD_SOURCE
from social_crm.listening.sources import datetime_to_unix, network_guard, parse_options

BACKFILL_FIRST_DAYS = 7  # a source's first backfill looks back a week (Meta keeps leads 90 days)
BACKFILL_OVERLAP = timedelta(minutes=10)  # re-read a little: leads appear in the list with a delay
JOB_TIMEOUT = 10 * 60
# The Lead fields Lead Ads fill in (custom fields of install.lead_ads_fields); exported with the Lead's social data.
LEAD_ADS_FIELDS = (
	"meta_leadgen_id",
	"meta_lead_form_id",
	"meta_ad_id",
	"meta_ad_name",
	"meta_campaign_id",
	"meta_campaign_name",
	"meta_lead_answers",
)


def lead_sources() -> list[str]:
	return frappe.get_all(
		"Social Source", filters={"platform": "Facebook", "enabled": 1, "lead_ads": 1}, pluck="name"
	)


def page_id(doc) -> str:
	return str(parse_options(doc.get("options")).get("page_id") or "").strip()


def lead_client(doc) -> LeadAdsClient:
	graph = GraphClient(
		HttpClient(guard=network_guard()),
		doc.get_password("api_key", raise_exception=False) or "",
		doc.get_password("app_secret", raise_exception=False) if doc.get("app_secret") else "",
		doc.base_url or "",
	)
	return LeadAdsClient(graph, page_id(doc))


def enqueue_lead(source: str, event: LeadEvent) -> None:
	frappe.enqueue(
		"social_crm.listening.lead_ads.fetch_lead",
		queue="short",
		timeout=JOB_TIMEOUT,
		job_id=f"social_crm:lead_ads:{event.leadgen_id}",
		deduplicate=True,
		source=source,
		leadgen_id=event.leadgen_id,
	)


def fetch_lead(source: str, leadgen_id: str) -> str:
	"""Job: read one lead's form answers from the Graph API and store it as a Lead."""
	doc = frappe.get_doc("Social Source", source)
	return upsert_lead(lead_client(doc).get_lead(leadgen_id))


def backfill_leads() -> dict[str, int]:
	"""Scheduler (hourly_long): every lead created since the last backfill, on every form of each Page."""
	counts = {}
	for source in lead_sources():
		try:
			counts[source] = backfill_source(source)
		except Exception:
			# one Page's failure (token expired, throttled) must not stop the others
			frappe.db.rollback()
			frappe.log_error(
				title=f"Social CRM: Lead Ads backfill of {source} failed",
				reference_doctype="Social Source",
				reference_name=source,
			)
			counts[source] = -1
	return counts


def backfill_source(source: str) -> int:
	doc = frappe.get_doc("Social Source", source)
	started = now_datetime()
	since = get_datetime(doc.leads_synced_until) if doc.leads_synced_until else None
	since = (since - BACKFILL_OVERLAP) if since else started - timedelta(days=BACKFILL_FIRST_DAYS)
	stored = 0
	for answers in lead_client(doc).leads_since(datetime_to_unix(since)):
		upsert_lead(answers)
		stored += 1
	frappe.db.set_value("Social Source", source, "leads_synced_until", started, update_modified=False)
	frappe.db.commit()  # nosemgrep: a scheduler job; the next run starts from this time
	return stored


def find_lead(answers: LeadAnswers) -> str | None:
	"""The existing Lead for these answers: same Meta lead id, else same email, else same mobile."""
	checks = [("meta_leadgen_id", answers.leadgen_id), ("email_id", answers.email)]
	checks += [("mobile_no", answers.phone), ("phone", answers.phone)]
	for fieldname, value in checks:
		if value:
			name = frappe.db.get_value("Lead", {fieldname: value}, "name")
			if name:
				return name
	return None


def upsert_lead(answers: LeadAnswers) -> str:
	"""Create or update the Lead for a Meta lead; returns its name. Fields a person filled in are kept."""
	name = find_lead(answers)
	lead = frappe.get_doc("Lead", name) if name else frappe.new_doc("Lead")
	if lead.get("meta_leadgen_id") and lead.meta_leadgen_id == answers.leadgen_id and name:
		return name  # this lead was stored already (redelivery, or the backfill met it again)
	values = {
		"first_name": answers.first_name,
		"last_name": answers.last_name,
		"email_id": answers.email,
		"mobile_no": answers.phone,
		"company_name": answers.company,
		"job_title": answers.job_title,
		"city": answers.city,
	}
	for fieldname, value in values.items():
		if value and not lead.get(fieldname) and lead.meta.has_field(fieldname):
			lead.set(fieldname, value)
	if not (lead.first_name or lead.lead_name or lead.company_name or lead.email_id):
		lead.first_name = answers.name or answers.leadgen_id
	if not lead.source and frappe.db.exists("Lead Source", LEAD_SOURCE):
		lead.source = LEAD_SOURCE
	if (
		answers.campaign_name
		and not lead.campaign_name
		and frappe.db.exists("Campaign", answers.campaign_name)
	):
		lead.campaign_name = answers.campaign_name
	lead.update(
		{
			"meta_leadgen_id": answers.leadgen_id,
			"meta_lead_form_id": answers.form_id,
			"meta_ad_id": answers.ad_id,
			"meta_ad_name": answers.ad_name,
			"meta_campaign_id": answers.campaign_id,
			"meta_campaign_name": answers.campaign_name,
			"meta_lead_answers": json.dumps(answers.answers, ensure_ascii=False) if answers.answers else None,
		}
	)
	lead.flags.ignore_permissions = True
	lead.save() if name else lead.insert()
	return lead.name
