"""Storage behind the :class:`Store` protocol."""

from .base import FeedState, Job, Override, Store, open_store

__all__ = ["FeedState", "Job", "Override", "Store", "open_store"]
