"""storyline: self-hosted news intelligence.

Ingest reports, trace copies to their origin, group reports into stories, read
who said what where and when, line the outlets up fact by fact, and write a
brief whose every sentence cites its source.
"""

from .config import Settings, load_settings
from .errors import StorylineError
from .records import Article
from .store import Store, open_store

__version__ = "0.1.0"

__all__ = ["Article", "Settings", "Store", "StorylineError", "__version__", "load_settings", "open_store"]
