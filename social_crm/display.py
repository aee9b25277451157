"""Remote strings at the edges: what a platform sent is cleaned, then escaped, before it is HTML.

Names, handles and error texts are cleaned once on the way in (``engine.text.clean_display``:
no markup, no bidi or zero-width characters); a message that shows remote text in a dialog
(``frappe.msgprint`` / ``frappe.throw``) escapes it too, with :func:`display_html`.
"""

from __future__ import annotations

from frappe.utils import escape_html

from social_crm.engine.text import clean_display


def display_html(value: object) -> str:
	"""Remote text safe to put into an HTML message: cleaned, then HTML-escaped."""
	return escape_html(clean_display(value))
