"""Rebuild the mention rollup: its per-rule, per-kind and competitor rows now carry the sentiment
towards the rule (aspect sentiment, issue 13) instead of the post's; the rebuild also fills the
alert job's Series rows and the per-party weekly rollup (Social Party Rollup, issue 14)."""

from social_crm.insight import rollup


def execute():
	rollup.rebuild()
