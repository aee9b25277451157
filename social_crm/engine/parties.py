"""The ERPNext party doctypes Social CRM links social profiles to.

A module without imports: ``hooks.py`` builds the party doctypes' hooks from it, and
hooks are loaded before anything else of the app.
"""

PARTY_TYPES = ("Customer", "Lead", "Contact")
