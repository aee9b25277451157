"""Data protection rules: consent state, retention planning, anonymization, suppression keys.

Plain Python; the Frappe layer stores the consent log, retention policies and purge
log, and applies what these modules decide.
"""
