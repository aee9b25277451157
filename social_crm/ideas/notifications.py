"""Tell an idea's submitter and voters when its status changes.

Desk users get a Notification Log (bell) and an email; website (portal) users get an
email. Emails go through ``frappe.sendmail`` into the Email Queue. Whoever made the
change is not notified. Large audiences are handled in a background job.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, get_url

INLINE_LIMIT = 50  # more recipients than this are notified from a background job


def on_status_change(doc, old_status: str | None) -> None:
	recipients = get_recipients(doc.name, doc.website_user, exclude=frappe.session.user)
	if not recipients:
		return
	kwargs = {
		"idea": doc.name,
		"old_status": old_status,
		"recipients": recipients,
		"changed_by": frappe.session.user,
	}
	if len(recipients) <= INLINE_LIMIT:
		send_status_notifications(**kwargs)
	else:
		frappe.enqueue(
			"social_crm.ideas.notifications.send_status_notifications",
			queue="default",
			timeout=600,
			job_id=f"social_crm:idea_status:{doc.name}:{doc.status}",
			deduplicate=True,
			enqueue_after_commit=True,
			**kwargs,
		)


def get_recipients(idea: str, website_user: str | None, exclude: str | None = None) -> list[str]:
	"""Enabled users who submitted or voted for the idea, without ``exclude``."""
	users = [website_user] if website_user else []
	users += frappe.get_all(
		"Idea Vote", filters={"idea": idea, "voter_user": ("is", "set")}, pluck="voter_user"
	)
	wanted = {u for u in users if u and u not in ("Guest", exclude)}
	if not wanted:
		return []
	return sorted(frappe.get_all("User", filters={"name": ("in", list(wanted)), "enabled": 1}, pluck="name"))


def send_status_notifications(
	idea: str, old_status: str | None, recipients: list[str], changed_by: str | None = None
):
	doc = frappe.get_doc("Idea", idea)
	subject = _("Idea {0}: now {1}").format(doc.title, _(doc.status))
	message = build_message(doc, old_status)
	users = frappe.get_all(
		"User", filters={"name": ("in", recipients), "enabled": 1}, fields=["name", "email", "user_type"]
	)
	for user in users:
		if user.user_type == "System User":
			frappe.get_doc(
				{
					"doctype": "Notification Log",
					"for_user": user.name,
					"from_user": changed_by,
					"type": "Alert",
					"document_type": "Idea",
					"document_name": doc.name,
					"subject": escape_html(subject),
					"email_content": message,
				}
			).insert(ignore_permissions=True)
	emails = sorted({user.email for user in users if user.email})
	if not emails:
		return
	try:
		frappe.sendmail(
			recipients=emails,
			subject=subject,
			message=message,
			reference_doctype="Idea",
			reference_name=doc.name,
			expose_recipients=None,  # each voter sees only their own address
		)
	except frappe.OutgoingEmailError:
		frappe.log_error(
			title=_("Idea status email failed"), reference_doctype="Idea", reference_name=doc.name
		)


def build_message(doc, old_status: str | None) -> str:
	link = get_url(f"/ideas/{doc.name}") if doc.is_public else get_url(f"/app/idea/{doc.name}")
	parts = [
		"<p>"
		+ _("The idea {0} you submitted or voted for changed from {1} to {2}.").format(
			f"<b>{escape_html(doc.title)}</b>",
			escape_html(_(old_status or "")),
			f"<b>{escape_html(_(doc.status))}</b>",
		)
		+ "</p>"
	]
	if doc.status_reason:
		parts.append(f"<p>{escape_html(_('Reason'))}: {escape_html(doc.status_reason)}</p>")
	if doc.status == "Duplicate" and doc.duplicate_of:
		target = get_url(f"/ideas/{doc.duplicate_of}")
		parts.append(
			"<p>"
			+ _("Votes were moved to {0}.").format(
				f'<a href="{escape_html(target)}">{escape_html(doc.duplicate_of)}</a>'
			)
			+ "</p>"
		)
	parts.append(f'<p><a href="{escape_html(link)}">{escape_html(_("View the idea"))}</a></p>')
	return "\n".join(parts)
