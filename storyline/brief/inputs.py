"""What the brief takes from the comparison stage, in one place.

The brief consumes :class:`StoryAnalysis` (records from :mod:`storyline.records`: facts, conflicts, quote groups,
timeline) plus a handful of text helpers the comparison owns; importing them only here keeps the rest of the
package independent of how the comparison is laid out.
"""

from __future__ import annotations

from ..compare import (  # noqa: F401  (re-exported for the brief modules)
    EntityIndex,
    StoryAnalysis,
    _content_stems,
    _stems_of,
    analyse_story,
    numbers_agree,
    sentence_bounds,
    squash,
)

__all__ = [
    "EntityIndex",
    "StoryAnalysis",
    "analyse_story",
    "content_stems",
    "numbers_agree",
    "sentence_bounds",
    "squash",
    "stems_of",
]

content_stems = _content_stems
stems_of = _stems_of
