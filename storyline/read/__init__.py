"""Reading articles: entities, roles, quotes, dates, amounts and places, all with character offsets.

- :class:`~storyline.read.stage.ReadStage` -- the pipeline stage (spaCy NER + sentences, then the
  pattern readers in :mod:`.entities`, :mod:`.roles`, :mod:`.quotes`, :mod:`.dates`,
  :mod:`.amounts`, :mod:`.places`); provides ``readings``.
- :func:`~storyline.read.entities.resolve_entities` -- store-wide entities from all readings plus
  the analysts' overrides; :mod:`.catalog` wraps it for the store (refresh, merge, rename, profile).
"""

from .entities import find_entity, resolve_entities
from .stage import ReadStage, read_article

__all__ = ["ReadStage", "find_entity", "read_article", "resolve_entities"]
