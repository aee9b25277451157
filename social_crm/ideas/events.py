"""Doc events on Idea (hooks: doc_events)."""

from social_crm.ideas import notifications, similar


def on_idea_change(doc, method=None):
	similar.invalidate(doc)


def on_idea_update(doc, method=None):
	similar.invalidate(doc)
	before = doc.get_doc_before_save()
	if before and before.status != doc.status:
		notifications.on_status_change(doc, before.status)
