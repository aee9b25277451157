"""Social Source -> engine SourceConfig, health, and what a source listens for."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import convert_utc_to_system_timezone, get_datetime, get_system_timezone

from social_crm.engine.analysis.rules import split_query
from social_crm.engine.connectors import SourceConfig
from social_crm.engine.connectors.urlguard import UrlGuard

FAILING_AFTER = 3  # consecutive failed polls until a source shows "Failing"

# Which credentials each platform needs before a poll can work (checked on save).
REQUIRED_CREDENTIALS = {
	"Bluesky": ("username", "app_password"),
	"Reddit": ("client_id", "api_key"),
	"YouTube": ("api_key",),
	"Facebook": ("api_key",),
	"Instagram": ("api_key",),
	"X": ("api_key",),
	"LinkedIn": ("api_key",),
}


def unix_to_datetime(value: int | float):
	"""A unix time as the naive datetime in the system time zone that Frappe stores and shows."""
	return convert_utc_to_system_timezone(datetime.fromtimestamp(int(value), timezone.utc)).replace(
		tzinfo=None
	)


def datetime_to_unix(value) -> int:
	"""A naive datetime in the system time zone (as Frappe stores it) as unix time."""
	return int(get_datetime(value).replace(tzinfo=ZoneInfo(get_system_timezone())).timestamp())


def health_for(consecutive_failures: int) -> str:
	"""Healthy without failures, Degraded after one or two in a row, Failing from FAILING_AFTER."""
	failures = int(consecutive_failures or 0)
	if failures <= 0:
		return "Healthy"
	return "Failing" if failures >= FAILING_AFTER else "Degraded"


def rule_query_terms(source_name: str) -> tuple[list[str], list[str]]:
	"""Terms and hashtags of the enabled listening rules that apply to a source.

	A rule applies when it lists the source or lists no source at all.
	"""
	rules = frappe.get_all("Listening Rule", filters={"enabled": 1}, fields=["name", "terms"])
	if not rules:
		return [], []
	scoped: dict[str, set[str]] = {}
	for row in frappe.get_all(
		"Listening Rule Source",
		filters={"parenttype": "Listening Rule", "parent": ("in", [r.name for r in rules])},
		fields=["parent", "source"],
	):
		scoped.setdefault(row.parent, set()).add(row.source)
	terms, hashtags = [], []
	for rule in rules:
		if rule.name in scoped and source_name not in scoped[rule.name]:
			continue
		rule_terms, rule_tags = split_query(rule.terms)
		terms.extend(t for t in rule_terms if t not in terms)
		hashtags.extend(t for t in rule_tags if t not in hashtags)
	return terms, hashtags


def parse_options(value) -> dict:
	if not value:
		return {}
	if isinstance(value, dict):
		return value
	data = json.loads(value)
	if not isinstance(data, dict):
		raise ValueError("options must be a JSON object")
	return data


def network_guard() -> UrlGuard:
	"""The site's SSRF policy for every outgoing connector request (docs/security.md).

	Site config ``social_crm_allow_private_hosts`` lets sources reach loopback and private
	addresses (on-premise forums, tests) and plain http; ``social_crm_allow_http`` allows
	plain http to public hosts only.
	"""
	allow_private = bool(frappe.conf.get("social_crm_allow_private_hosts"))
	return UrlGuard(
		allow_private=allow_private,
		allow_http=allow_private or bool(frappe.conf.get("social_crm_allow_http")),
	)


def source_config(doc) -> SourceConfig:
	"""Build the engine's SourceConfig; credentials come from the Password fields."""
	if doc.query and doc.query.strip():
		terms, hashtags = split_query(doc.query)
	else:
		terms, hashtags = rule_query_terms(doc.name)
	api_key = doc.get_password("api_key", raise_exception=False) or ""
	credentials = {
		"username": doc.username or "",
		"client_id": doc.client_id or "",
		"api_key": api_key,
		"app_password": doc.get_password("app_password", raise_exception=False) or "",
		# The one secret field serves as Mastodon's, Meta's, X's and LinkedIn's access token and
		# Reddit's client secret; App Secret is Meta's app secret and LinkedIn's client secret.
		"token": api_key,
		"client_secret": api_key,
	}
	app_secret = doc.get_password("app_secret", raise_exception=False) if doc.get("app_secret") else ""
	if app_secret:
		credentials["app_secret"] = app_secret
		if doc.platform == "LinkedIn":
			credentials["client_secret"] = app_secret
	options = parse_options(doc.get("options"))
	return SourceConfig(
		platform=doc.platform,
		base_url=doc.base_url or "",
		query_terms=terms,
		hashtags=hashtags,
		credentials={k: v for k, v in credentials.items() if v},
		name=doc.name,
		options=options,
		page_size=int(options.get("page_size") or 40),
		max_pages=int(options.get("max_pages") or 5),
		guard=network_guard(),
	)
