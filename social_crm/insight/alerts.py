"""Hourly volume-spike and sentiment-swing alerts per Listening Rule.

The decisions come from :mod:`social_crm.engine.insight.alerts`; this module reads the
hourly series from the database, stores one Social Alert per new episode and tells the
Social CRM Managers (bell + email). See docs/insight.md for the method.
"""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import escape_html, format_datetime, get_datetime, get_url_to_form

from social_crm.clock import site_to_utc, utc_now
from social_crm.engine.insight.alerts import SENTIMENT_SWING, Alert, AlertConfig, detect, query_range
from social_crm.engine.insight.rollup import HOUR, RULE, SERIES, name_range
from social_crm.insight import rollup
from social_crm.permissions import social_managers


def run_alerts(now: datetime | None = None, config: AlertConfig | None = None) -> list[str]:
	"""Detect new episodes for every enabled rule; return the names of the Social Alerts created.

	Scheduled hourly. Idempotent: an episode already stored (unique episode_key) is skipped.
	``now`` is naive UTC, like the rollup's buckets (``posted_at``); by default the current instant.
	"""
	config = config or AlertConfig()
	# the rollup's buckets are UTC hours (posted_at): so is ``now``
	now = get_datetime(now) if now else utc_now()
	start, end = query_range(now, config)
	series = rule_series(start, end)
	rules = (
		frappe.get_all(
			"Listening Rule",
			filters={"enabled": 1, "name": ("in", list(series))},
			fields=["name", "creation"],
		)
		if series
		else []
	)

	created = []
	for rule in rules:
		rows = series[rule.name]
		data_start = min(site_to_utc(rule.creation), rows[0][0])
		try:
			alerts = detect(rows, now, config, rule=rule.name, start=data_start)
		except Exception:
			frappe.log_error(
				title=_("Social CRM: alert detection failed"),
				reference_doctype="Listening Rule",
				reference_name=rule.name,
			)
			continue
		for alert in alerts:
			if not alert.should_notify:
				continue
			name = store_alert(alert)
			if name:
				created.append(name)
	return created


@frappe.read_only()
def rule_series(start: datetime, end: datetime) -> dict[str, list[tuple[datetime, int, int]]]:
	"""Hourly (bucket, total, negative) per listening rule for mentions posted in [start, end).

	Read from the rollup (dimension Series, grain Hour: one row per hour, rule and sentiment),
	so its cost follows the hours and rules, not the mentions. Read-only: a read replica can
	answer it. Empty hours are absent and count as zero in the engine.
	"""
	low, high = name_range(SERIES, start, end)  # one stretch of the rollup's primary key
	rows = frappe.db.sql(
		f"""
		select value, bucket, sum(mention_count) as total,
			sum(if(sentiment = 'Negative', mention_count, 0)) as negative
		from {rollup.TABLE}
		where name >= %(low)s and name < %(high)s
			and dimension = %(dimension)s and grain = %(grain)s and bucket >= %(start)s and bucket < %(end)s
		group by value, bucket
		order by value, bucket
		""",
		{"low": low, "high": high, "dimension": SERIES, "grain": HOUR, "start": start, "end": end},
	)
	series: dict[str, list[tuple[datetime, int, int]]] = {}
	for rule, bucket, total, negative in rows:
		series.setdefault(rule, []).append((get_datetime(bucket), int(total), int(negative or 0)))
	return series


def store_alert(alert: Alert) -> str | None:
	"""Insert the Social Alert of a new episode and notify; None when the episode is known."""
	if frappe.db.exists("Social Alert", {"episode_key": alert.episode_key}):
		return None
	mentions_from, mentions_to = alert.mentions_range()
	doc = frappe.get_doc(
		{
			"doctype": "Social Alert",
			"listening_rule": alert.rule,
			"kind": alert.kind,
			"bucket": alert.bucket,
			"peak_bucket": alert.peak_bucket,
			"last_bucket": alert.last_bucket,
			"buckets": alert.buckets,
			"value": alert.value,
			"baseline": alert.baseline,
			"z": alert.z,
			"episode_key": alert.episode_key,
			"mentions_from": mentions_from,
			"mentions_to": mentions_to,
		}
	)
	doc.mention_count = count_mentions(doc)
	try:
		doc.insert(ignore_permissions=True)
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		return None  # another worker stored the same episode first
	notify_managers(doc)
	return doc.name


def count_mentions(doc) -> int:
	"""Mentions behind an alert (for a swing the negative ones), from the rollup."""
	filters = {"value": doc.listening_rule}
	if doc.kind == SENTIMENT_SWING:
		filters["sentiment"] = "Negative"
	rows = rollup.counts(RULE, get_datetime(doc.mentions_from), get_datetime(doc.mentions_to), [], filters)
	return rows[0][0] if rows else 0


def describe(doc) -> str:
	if doc.kind == SENTIMENT_SWING:
		return _("Negative share {0}% against {1}% in the trailing week (z = {2})").format(
			round(doc.value * 100), round(doc.baseline * 100), doc.z
		)
	return _("{0} mentions in one hour against a median of {1} in the trailing week (z = {2})").format(
		int(doc.value), doc.baseline, doc.z
	)


def notify_managers(doc) -> list[str]:
	"""Bell notification and a queued email to every enabled Social CRM Manager."""
	users = social_managers()
	if not users:
		return []
	subject = _("{0} on {1} since {2}").format(_(doc.kind), doc.listening_rule, format_datetime(doc.bucket))
	detail = describe(doc)
	mentions_url = doc.mentions_url()
	for user in users:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"subject": subject,
				"email_content": detail,
				"document_type": "Social Alert",
				"document_name": doc.name,
			}
		).insert(ignore_permissions=True)
	emails = [e for e in frappe.get_all("User", {"name": ("in", users), "enabled": 1}, pluck="email") if e]
	if emails:
		send_email(doc, emails, subject, detail, mentions_url)
	return users


def send_email(doc, emails: list[str], subject: str, detail: str, mentions_url: str) -> bool:
	"""Queue the alert email; without an outgoing Email Account the bell must still work."""
	try:
		frappe.sendmail(
			recipients=emails,
			subject=subject,
			message=(
				f"<p>{escape_html(subject)}</p><p>{escape_html(detail)}</p>"
				f"<p><a href='{get_url_to_form('Social Alert', doc.name)}'>{_('Open Alert')}</a> · "
				f"<a href='{escape_html(mentions_url)}'>{_('View Mentions')}</a></p>"
			),
			reference_doctype="Social Alert",
			reference_name=doc.name,
		)
	except frappe.OutgoingEmailError:
		frappe.clear_last_message()
		frappe.log_error(
			title=_("Social CRM: alert email not sent (no outgoing Email Account)"),
			reference_doctype="Social Alert",
			reference_name=doc.name,
		)
		return False
	return True
