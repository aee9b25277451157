"""Issue #12: the server is part of a Discourse handle and of a bare post id.

Before, a Discourse author was stored with the bare user name as handle ("anna"), so a party
that recorded "discourse:anna" linked every forum's anna; and a Discourse, Mastodon or RSS
post delivered by webhook or import with a bare id ("42") was stored as "42", colliding with
every other server's post 42. New records are stored as ``anna@forum.example`` and
``forum.example:42`` (``engine.handles`` / ``engine.records.scoped_post_id``); this patch
brings the stored rows to the same form so they stay readable and deduplicate:

- Discourse profiles: the handle becomes the profile's id (``user@host``, as the connector
  stores it), the mentions' handle copies follow, the profiles' lookup keys are rebuilt;
- mentions with a bare id on those platforms: the host of the mention's URL is put in front,
  unless a row with that id exists already (then the row is left as it is).
"""

import frappe

from social_crm.engine.records import SCOPED_POST_PLATFORMS, scope_host, scoped_post_id
from social_crm.linking.keys import sync_profile


def execute():
	scope_discourse_handles()
	scope_bare_post_ids()


def scope_discourse_handles():
	rows = frappe.db.sql(
		"""select name, handle, external_id from `tabSocial Profile`
		where platform = 'Discourse' and ifnull(anonymized, 0) = 0
		and handle is not null and handle != '' and handle not like '%%@%%'
		and external_id like '%%@%%'""",
		as_dict=True,
	)
	for row in rows:
		user, _sep, host = row.external_id.lower().rpartition("@")
		if user != row.handle.lower() or not host:
			continue
		handle = f"{user}@{host}"[:140]
		frappe.db.set_value("Social Profile", row.name, "handle", handle, update_modified=False)
		frappe.db.sql("update `tabMention` set author_handle = %s where author = %s", (handle, row.name))
		sync_profile(frappe.db.get_value("Social Profile", row.name, ["*"], as_dict=True))


def scope_bare_post_ids():
	for platform in sorted(SCOPED_POST_PLATFORMS):
		rows = frappe.db.sql(
			"""select name, external_id, url from `tabMention`
			where platform = %s and external_id not like '%%:%%' and ifnull(url, '') != ''""",
			platform,
			as_dict=True,
		)
		for row in rows:
			scoped = scoped_post_id(platform, row.external_id, scope_host(row.url))
			if scoped == row.external_id or len(scoped) > 140:
				continue
			if frappe.db.exists("Mention", {"platform": platform, "external_id": scoped}):
				continue
			frappe.db.set_value("Mention", row.name, "external_id", scoped, update_modified=False)
