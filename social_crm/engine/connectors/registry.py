"""Pick the connector class for a source's platform."""

from __future__ import annotations

from ..handles import normalize_platform
from .base import Connector, ConnectorError, HttpClient, SourceConfig
from .bluesky import BlueskyConnector
from .discourse import DiscourseConnector
from .feeds import FeedConnector
from .hackernews import HackerNewsConnector
from .linkedin import LinkedInConnector
from .mastodon import MastodonConnector
from .meta import FacebookConnector, InstagramConnector
from .reddit import RedditConnector
from .x import XConnector
from .youtube import YouTubeConnector

CONNECTORS: dict[str, type[Connector]] = {
	"Mastodon": MastodonConnector,
	"Bluesky": BlueskyConnector,
	"Reddit": RedditConnector,
	"Hacker News": HackerNewsConnector,
	"Discourse": DiscourseConnector,
	"RSS": FeedConnector,
	"YouTube": YouTubeConnector,
	"Facebook": FacebookConnector,
	"Instagram": InstagramConnector,
	"X": XConnector,
	"LinkedIn": LinkedInConnector,
}


def get_connector(config: SourceConfig, http: HttpClient | None = None) -> Connector:
	"""Return a connector for ``config.platform`` (names as in ``handles.PLATFORMS``; "Atom" means RSS)."""
	platform = normalize_platform(config.platform)
	connector_class = CONNECTORS.get(platform or "")
	if connector_class is None:
		raise ConnectorError(f"no connector for platform {str(config.platform)[:40]!r}")
	config.platform = platform
	return connector_class(config, http)
