"""Enrichment of posts: language detection, sentiment and listening-rule matching.

Plain Python: ``language`` (langdetect), ``sentiment`` (offline default analyzer that
ships its lexicons + optional flair backend, imported lazily) and ``rules``.
"""
