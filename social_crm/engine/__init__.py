"""Plain-Python core of Social CRM.

Nothing in this package imports ``frappe``: connectors, text handling, analysis,
identity scoring, privacy and insight logic live here so they can be tested with
plain pytest on any machine. The Frappe layer (doctypes, jobs, API) calls into it.
"""
