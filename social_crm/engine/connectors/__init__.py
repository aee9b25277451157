"""Connectors: one client per source, each yielding pages of normalized posts with a safe cursor.

Usage from the Frappe layer::

        connector = get_connector(SourceConfig(platform="Mastodon", base_url=..., hashtags=[...]))
        for page in connector.fetch(stored_cursor):
            save(page.posts)
            log_rejected(page.rejected)
            stored_cursor = page.cursor  # commit only after the posts are saved
"""

from .base import (
	AuthError,
	Connector,
	ConnectorError,
	HttpClient,
	Page,
	RateLimited,
	RejectedItem,
	SourceConfig,
	TransientError,
)
from .registry import CONNECTORS, get_connector

__all__ = [
	"CONNECTORS",
	"AuthError",
	"Connector",
	"ConnectorError",
	"HttpClient",
	"Page",
	"RateLimited",
	"RejectedItem",
	"SourceConfig",
	"TransientError",
	"get_connector",
]
