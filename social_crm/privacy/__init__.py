"""Data protection for Social CRM: consent, suppression, retention, access and erasure.

Other parts of the app call the two functions below before they process a person:

- ``consent_allows(profile_name, purpose)`` — may this profile be processed for "Listening",
  "Linking" or "Marketing" now? (the consent log, its expiry and the default basis decide);
  ``consent_allows_many`` answers it for a page of authors at once
- ``is_suppressed(post)`` — was this post, its author or the author's handle erased or
  anonymized? Ingest drops such posts so erased people are never re-created.
"""

from social_crm.engine.records import Post
from social_crm.privacy.consent import allows, allows_many
from social_crm.privacy.suppression import is_post_suppressed, suppressed_indexes


def consent_allows(profile_name: str, purpose: str) -> bool:
	"""True when processing ``profile_name`` for ``purpose`` may go on now.

	An unknown or empty profile name has no log entries: the default basis for public
	posts (Social CRM Settings) decides for Listening and Linking; Marketing needs a grant.
	An anonymized profile is never processed again.
	"""
	return allows(profile_name, purpose)


def consent_allows_many(profile_names, purpose: str) -> dict[str, bool]:
	"""``consent_allows`` for many profiles in a few queries: {profile name: allowed}."""
	return allows_many(profile_names, purpose)


def is_suppressed(post: Post) -> bool:
	"""True when ``post`` (an engine Post) must not be stored: erased or anonymized before."""
	return is_post_suppressed(post)


def suppressed_posts(posts: list[Post]) -> set[int]:
	"""Indexes of the ``posts`` (one page) that :func:`is_suppressed` would drop, in a few queries."""
	return suppressed_indexes(posts)


__all__ = ["consent_allows", "consent_allows_many", "is_suppressed", "suppressed_posts"]
