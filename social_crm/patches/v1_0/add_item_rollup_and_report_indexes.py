"""Issue 14 item 3, on sites that already have mentions: the Item rows of the mention rollup
(Mentions by Item reads them) and the indexes Top Authors and retention read through. A
doctype's ``on_doctype_update`` runs only when its JSON changes, so the patch adds them."""

from social_crm.insight import rollup
from social_crm.social_crm.doctype.mention import mention
from social_crm.social_crm.doctype.social_profile import social_profile


def execute():
	mention.on_doctype_update()
	social_profile.on_doctype_update()
	rollup.rebuild_items()
