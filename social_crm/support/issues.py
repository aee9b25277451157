"""Mentions and ERPNext Issues.

- ``create_issue`` turns a Mention into an Issue for its Customer / Contact / Lead (post text,
  link and author in the description) or, when another post of the same conversation already
  has one, adds the post to that Issue as a received Communication: one Issue per conversation.
- Listening Rules with *Create Issues* do this automatically for new mentions that contain one
  of the rule's keywords (``enqueue_rule_issues``, called by the listening pipeline).
- A reply sent from the Mention is added to its Issue as a sent Communication; closing or
  resolving the Issue marks its mentions Responded.
- The Issue's Communications carry timeline links to the party, so the party's timeline shows
  the Issue beside the mentions it already shows.

ERPNext applies the service level agreement itself when the Issue is validated (Support
Settings: *Track Service Level Agreement* and a default or matching agreement).
"""

import frappe
from frappe import _
from frappe.utils import escape_html, strip_html

from social_crm.engine import support as engine
from social_crm.engine.status import CASE_CLOSED, RESPONDED, status_after
from social_crm.party import get_customer_of, get_party_title

CLOSED_STATES = ("Resolved", "Closed")
SUBJECT_LENGTH = 120


def conversation_of(mention) -> str:
	"""The conversation key of a mention: its thread's first post we know of."""
	parents: dict = {}
	parent = mention.in_reply_to
	seen = set()
	while parent and parent not in seen:
		seen.add(parent)
		row = frappe.db.get_value(
			"Mention", {"platform": mention.platform, "external_id": parent}, ["in_reply_to"], as_dict=True
		)
		if not row:
			break
		parents[parent] = row.in_reply_to
		parent = row.in_reply_to
	return engine.conversation_key(mention.platform, mention.external_id, mention.in_reply_to, parents)


def issue_of_conversation(conversation: str) -> str | None:
	return frappe.db.get_value(
		"Mention", {"conversation": conversation, "issue": ("is", "set")}, "issue", order_by="creation asc"
	)


def _author_line(mention) -> str:
	who = mention.author_name or mention.author_handle or _("unknown author")
	if mention.author_handle and mention.author_handle != who:
		who = f"{who} (@{mention.author_handle})"
	return who


def _post_html(mention) -> str:
	parts = [
		"<p><b>{}</b>: {} ({})</p>".format(
			escape_html(_("Author")), escape_html(_author_line(mention)), escape_html(mention.platform or "")
		),
		"<p>{}</p>".format(escape_html(mention.text or mention.title or "")),
	]
	if mention.url:
		parts.append('<p><a href="{0}">{0}</a></p>'.format(escape_html(mention.url)))
	return "".join(parts)


def _party_fields(mention) -> dict:
	values: dict = {}
	if mention.party_type == "Contact":
		values["contact"] = mention.party
		email = frappe.db.get_value("Contact", mention.party, "email_id")
		if email:
			values["raised_by"] = email
	elif mention.party_type == "Lead":
		values["lead"] = mention.party
	customer = mention.customer or get_customer_of(mention.party_type, mention.party)
	if customer:
		values["customer"] = customer
	return values


def _timeline_links(mention) -> list[tuple[str, str]]:
	links = []
	if mention.party_type and mention.party:
		links.append((mention.party_type, mention.party))
	customer = mention.customer or get_customer_of(mention.party_type, mention.party)
	if customer and ("Customer", customer) not in links:
		links.append(("Customer", customer))
	return links


def add_communication(issue: str, mention, content: str, sent: bool, sender: str | None = None, key=None):
	"""One Communication on the Issue (and on the party's timeline); ``key`` makes it idempotent."""
	existing = {"reference_doctype": "Issue", "reference_name": issue, "message_id": key}
	if key and frappe.db.exists("Communication", existing):
		return None
	comm = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Other",
			"sent_or_received": "Sent" if sent else "Received",
			"subject": frappe.db.get_value("Issue", issue, "subject"),
			"content": content,
			"sender": sender if sender and "@" in sender else None,
			"sender_full_name": None if sent else _author_line(mention),
			"reference_doctype": "Issue",
			"reference_name": issue,
			"message_id": key,
			"status": "Linked",
		}
	)
	for link_doctype, link_name in _timeline_links(mention):
		comm.add_link(link_doctype, link_name)
	comm.insert(ignore_permissions=True)
	return comm.name


def create_issue(mention_name: str, reason: str | None = None) -> str:
	"""The Issue of the mention's conversation, created if there is none. Idempotent.

	The mention's row is locked first and the Issue read with a locking read, so a second
	worker running the same mention waits for the first one's commit and then finds its
	Issue instead of opening another (a plain read would see its older snapshot).
	"""
	mention = frappe.get_doc("Mention", mention_name, for_update=True)
	if mention.issue and frappe.db.get_value("Issue", mention.issue, "name", for_update=True):
		return mention.issue
	if mention.anonymized:
		frappe.throw(_("This mention was anonymized; it cannot become an Issue"))
	conversation = conversation_of(mention)
	issue = issue_of_conversation(conversation)
	if issue:
		add_communication(issue, mention, _post_html(mention), sent=False, key=f"mention:{mention.name}")
	else:
		text = strip_html(mention.text or mention.title or "").strip().replace("\n", " ")
		subject = _("{0} on {1}: {2}").format(_author_line(mention), mention.platform, text)
		description = _post_html(mention)
		if reason:
			description += f"<p><i>{escape_html(reason)}</i></p>"
		doc = frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": subject[:SUBJECT_LENGTH],
				"description": description,
				"opening_date": frappe.utils.getdate(mention.posted_at) if mention.posted_at else None,
				**_party_fields(mention),
			}
		)
		doc.insert(ignore_permissions=True)
		issue = doc.name
		add_communication(issue, mention, description, sent=False, key=f"mention:{mention.name}")
	frappe.db.set_value("Mention", mention.name, {"issue": issue, "conversation": conversation})
	frappe.get_doc("Mention", mention.name).add_comment(
		"Info", _("Support case {0} opened for this post").format(issue)
	)
	return issue


# --- automatic rules ---------------------------------------------------------------------------


def rule_reason(mention) -> str | None:
	"""Why a mention must become an Issue under its matched rules (None: it need not)."""
	rules = [r.listening_rule for r in mention.get("matched_rules") or [] if r.listening_rule]
	if not rules or mention.anonymized or mention.issue:
		return None
	for rule in frappe.get_all(
		"Listening Rule",
		filters={"name": ("in", rules), "create_issues": 1, "enabled": 1},
		fields=["name", "issue_keywords"],
	):
		found = engine.matching_keywords(
			" ".join(filter(None, [mention.title, mention.text])), engine.parse_keywords(rule.issue_keywords)
		)
		if found:
			return _("Opened by Listening Rule {0} (keywords: {1})").format(rule.name, ", ".join(found))
	return None


def apply_rules(mentions: list[str]) -> list[str]:
	"""Create Issues for the given mentions where a rule asks for it. Returns the Issues."""
	issues = []
	for name in mentions:
		if not frappe.db.exists("Mention", name):
			continue
		mention = frappe.get_doc("Mention", name)
		reason = rule_reason(mention)
		if reason:
			issues.append(create_issue(name, reason))
	return issues


def enqueue_rule_issues(mentions: list[str]) -> None:
	"""After new mentions are stored: a job applies the issue rules, if any rule asks for Issues."""
	mentions = list(mentions or [])
	if not mentions or not frappe.db.exists("Listening Rule", {"create_issues": 1, "enabled": 1}):
		return
	frappe.enqueue(
		"social_crm.support.issues.apply_rules",
		queue="short",
		timeout=300,
		# a page's new mentions are new names: the first one names the batch
		job_id=f"social_crm:issues:{mentions[0]}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
		mentions=mentions,
	)


# --- both ways ---------------------------------------------------------------------------------


def mention_on_update(doc, method=None) -> None:
	"""Replies sent from the Mention go to its Issue as sent Communications."""
	if not doc.issue or not frappe.db.exists("Issue", doc.issue):
		return
	for reply in doc.get("sent_replies") or []:
		content = "<p>{}</p>".format(escape_html(reply.text or ""))
		if reply.reply_url:
			content += '<p><a href="{0}">{0}</a></p>'.format(escape_html(reply.reply_url))
		add_communication(
			doc.issue, doc, content, sent=True, sender=reply.sent_by, key=f"reply:{doc.name}:{reply.name}"
		)


def issue_on_update(doc, method=None) -> None:
	"""Closing or resolving the Issue marks its open mentions Responded."""
	if doc.status not in CLOSED_STATES:
		return
	before = doc.get_doc_before_save()
	if before and before.status in CLOSED_STATES:
		return
	for row in frappe.get_all("Mention", filters={"issue": doc.name}, fields=["name", "status"]):
		new = status_after(row.status, CASE_CLOSED)
		if new == row.status:
			continue
		name = row.name
		frappe.db.set_value("Mention", name, "status", new)
		frappe.get_doc("Mention", name).add_comment(
			"Info", _("Support case {0} was {1}").format(doc.name, _(doc.status))
		)


# --- data protection ---------------------------------------------------------------------------


def redact_copies(mentions: list[str]) -> int:
	"""Remove the post copies Social CRM put on Issues for mentions being anonymized or deleted.

	Called by the privacy store (retention, consent withdrawal, erasure): the Communications
	holding a post (and the Issue description, where that post opened the Issue) lose the text,
	link and author; the Issue itself, a support case of the ERP, stays.
	"""
	if not mentions:
		return 0
	rows = []
	for start in range(0, len(mentions), 5000):  # keys bound as one parameter: batches are large
		rows += frappe.db.sql(
			"""select name, reference_name, message_id from `tabCommunication`
			where reference_doctype = 'Issue' and message_id in %(keys)s""",
			{"keys": [f"mention:{m}" for m in mentions[start : start + 5000]]},
			as_dict=True,
		)
	if not rows:
		return 0
	redacted = "<p>{}</p>".format(escape_html(_("Social post removed for data protection")))
	for row in rows:
		frappe.db.set_value(
			"Communication",
			row.name,
			{"content": redacted, "sender_full_name": None, "subject": _("Social post")},
			update_modified=False,
		)
		first = frappe.db.get_value(
			"Communication",
			{
				"reference_doctype": "Issue",
				"reference_name": row.reference_name,
				"message_id": ("like", "mention:%"),
			},
			"message_id",
			order_by="creation asc",
		)
		if first == row.message_id:
			frappe.db.set_value(
				"Issue",
				row.reference_name,
				{"description": redacted, "subject": _("Social post")},
				update_modified=False,
			)
	frappe.db.delete("Version", {"ref_doctype": "Communication", "docname": ("in", [r.name for r in rows])})
	return len(rows)


def issues_for_export(mentions: list[str]) -> list[dict]:
	"""The ERPNext Issues opened from (or joined by) these mentions, for a subject's data export:
	the Issue's own fields and the mentions that belong to it."""
	if not mentions:
		return []
	links = frappe.get_all(
		"Mention", filters={"name": ("in", mentions), "issue": ("is", "set")}, fields=["name", "issue"]
	)
	by_issue: dict[str, list[str]] = {}
	for row in links:
		by_issue.setdefault(row.issue, []).append(row.name)
	if not by_issue:
		return []
	rows = frappe.get_all(
		"Issue",
		filters={"name": ("in", list(by_issue))},
		fields=[
			"name",
			"subject",
			"status",
			"opening_date",
			"customer",
			"contact",
			"raised_by",
			"description",
		],
		order_by="name asc",
	)
	for row in rows:
		row["mentions"] = sorted(by_issue[row.name])
	return [{k: v for k, v in row.items() if v not in (None, "")} for row in rows]
