"""Fill the mention rollup (new in issue 14) from the mentions a site already has."""

from social_crm.insight import rollup


def execute():
	rollup.rebuild()
