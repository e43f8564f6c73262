"""Storage behind the :class:`Store` protocol."""

from .base import Override, Store, open_store

__all__ = ["Override", "Store", "open_store"]
