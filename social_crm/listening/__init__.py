"""Listening: the Frappe side of sources, polling, the ingest pipeline and enrichment.

- ``pipeline``: normalized posts -> suppression, rule matching, Social Profile upsert,
  idempotent Mention insert/update, enrichment enqueued (used by polling, webhook, import);
- ``sources``: Social Source -> engine ``SourceConfig``, health;
- ``jobs``: scheduler entry point and the per-source poll job;
- ``enrichment``: language and sentiment in batches.
"""
