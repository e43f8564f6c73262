"""Storage behind the :class:`Store` protocol."""

from .base import STALE_KINDS, ArticleFailure, FeedState, Job, Override, Store, open_store

__all__ = ["STALE_KINDS", "ArticleFailure", "FeedState", "Job", "Override", "Store", "open_store"]
