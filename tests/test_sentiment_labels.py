"""The sentiment labels live once, in the engine (``engine.analysis.sentiment.LABELS``).

Doctype Select fields that store a label must offer exactly those labels, in that order; the
desk scripts read the Mention's options instead of keeping their own list.
"""

from __future__ import annotations

import json
from pathlib import Path

from social_crm.engine.analysis.sentiment import LABELS

DOCTYPES = Path(__file__).resolve().parent.parent / "social_crm" / "social_crm" / "doctype"
LABEL_FIELDS = {
	"mention": ("sentiment", "human_sentiment"),
	"mention_rule_match": ("sentiment",),
}


def _options(doctype: str, fieldname: str) -> tuple[str, ...]:
	meta = json.loads((DOCTYPES / doctype / f"{doctype}.json").read_text(encoding="utf-8"))
	field = next(f for f in meta["fields"] if f["fieldname"] == fieldname)
	return tuple(o for o in field["options"].split("\n") if o)


def test_select_fields_offer_the_engine_labels():
	for doctype, fields in LABEL_FIELDS.items():
		for fieldname in fields:
			assert _options(doctype, fieldname) == LABELS, (doctype, fieldname)


def test_desk_scripts_do_not_copy_the_label_list():
	for script in ("mention.js", "mention_list.js"):
		source = (DOCTYPES / "mention" / script).read_text(encoding="utf-8")
		assert '["Positive", "Neutral", "Negative"]' not in source, script
		assert "sentiment_options()" in source, script
