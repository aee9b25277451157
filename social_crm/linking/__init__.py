"""Linking social profiles to Customers, Leads and Contacts (the Frappe side of identity resolution).

- :mod:`.keys` keeps the indexed lookup table "Social Match Key" in step with parties and profiles
  and loads candidate parties as engine facts;
- :mod:`.jobs` runs the match job per profile, re-matches profiles when a party changes and
  moves mentions in the background for big histories;
- :mod:`.conversion` turns authors into Leads and lets social links follow Lead -> Customer
  conversion, renames and merges;
- :mod:`.events` are the doc_events wired in hooks.py.

Decisions (scores, thresholds, ambiguity) come from :mod:`social_crm.engine.identity`.
"""
