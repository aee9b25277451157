# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

import json

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now
from frappe.utils import now_datetime

from social_crm.engine.connectors import get_connector
from social_crm.engine.errors import InvalidRecord
from social_crm.engine.records import Post
from social_crm.listening.pipeline import Ingestor
from social_crm.listening.sources import source_config

RESOLVING = ("accepted", "updated", "duplicate", "dropped", "suppressed")
BULK_INLINE_LIMIT = 20


class SocialIngestError(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		error: DF.SmallText | None
		external_id: DF.Data | None
		last_retried_on: DF.Datetime | None
		origin: DF.Literal["", "Poll", "Webhook", "Import", "Retry"]
		payload: DF.Code | None
		payload_format: DF.Literal["Normalized", "Platform"]
		platform: DF.Data | None
		retry_count: DF.Int
		source: DF.Link | None
		status: DF.Literal["Open", "Retried", "Resolved"]
		traceback: DF.Code | None

	# end: auto-generated types
	def retry(self) -> str:
		"""Run the stored payload through the pipeline again; returns the record's outcome."""
		self.retry_count = (self.retry_count or 0) + 1
		self.last_retried_on = now_datetime()
		try:
			payload = json.loads(self.payload or "null")
			if self.payload_format == "Platform":
				if not self.source:
					raise InvalidRecord("a platform payload can only be retried with its source")
				source = frappe.get_doc("Social Source", self.source)
				post = get_connector(source_config(source)).normalize(payload)
			else:
				post = Post.from_dict(payload)
			result = Ingestor(source=self.source, origin="Retry", log_errors=False).ingest([post])[0]
		except Exception as exc:
			result = None
			self.error = _("Retry failed: {0}").format(f"{type(exc).__name__}: {exc}")[:2000]
		if result is not None and result.status in RESOLVING:
			self.status = "Resolved"
			self.error = f"{self.error or ''}\n{_('Retry')}: {result.status}".strip()[:2000]
		else:
			self.status = "Retried"
			if result is not None:
				self.error = _("Retry failed: {0}").format(result.reason)[:2000]
		self.save(ignore_permissions=True)
		return result.status if result is not None else "rejected"

	@frappe.whitelist(methods=["POST"])
	def retry_now(self) -> str:
		frappe.has_permission("Social Ingest Error", "write", doc=self, throw=True)
		return self.retry()

	@staticmethod
	def clear_old_logs(days: int = 30):
		"""Resolved and old rows go; called by Frappe's log clearing (default_log_clearing_doctypes)."""
		table = frappe.qb.DocType("Social Ingest Error")
		frappe.db.delete(table, filters=(table.modified < (Now() - Interval(days=days))))


@frappe.whitelist(methods=["POST"])
def retry_errors(names: list[str] | str) -> dict:
	"""Bulk retry from the list view; more than a few rows run as a background job."""
	if isinstance(names, str):
		names = json.loads(names) if names.strip().startswith("[") else [names]
	frappe.has_permission("Social Ingest Error", "write", throw=True)
	names = [n for n in names if isinstance(n, str)][:5000]
	if len(names) > BULK_INLINE_LIMIT:
		frappe.enqueue(
			"social_crm.social_crm.doctype.social_ingest_error.social_ingest_error.retry_errors_job",
			queue="long",
			timeout=3600,
			job_id=f"social_crm:retry-ingest-errors:{names[0]}",
			deduplicate=True,
			enqueue_after_commit=True,
			names=names,
		)
		return {"queued": len(names)}
	return retry_errors_job(names)


def retry_errors_job(names: list[str]) -> dict:
	outcome: dict[str, int] = {}
	for name in names:
		if not frappe.db.exists("Social Ingest Error", name):
			continue
		doc = frappe.get_doc("Social Ingest Error", name)
		if doc.status == "Resolved":
			continue
		status = doc.retry()
		outcome[status] = outcome.get(status, 0) + 1
	return outcome
