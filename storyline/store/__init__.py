"""Storage behind the :class:`Store` protocol."""

from .base import FeedState, Override, Store, open_store

__all__ = ["FeedState", "Override", "Store", "open_store"]
