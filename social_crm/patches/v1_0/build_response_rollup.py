"""Fill the response-time rollup (new in issue 14 item 3) from the mentions a site already has."""

from social_crm.insight import response_rollup


def execute():
	response_rollup.rebuild()
