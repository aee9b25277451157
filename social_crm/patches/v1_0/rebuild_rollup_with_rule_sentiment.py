"""Rebuild the mention rollup: its per-rule, per-kind and competitor rows now carry the sentiment
towards the rule (aspect sentiment, issue 13) instead of the post's."""

from social_crm.insight import rollup


def execute():
	rollup.rebuild()
