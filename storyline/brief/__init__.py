"""Briefs: a story told from its aligned facts, every sentence cited and checked.

- :mod:`.account` — what happened, from the sentences the most independent origins support;
- :mod:`.builder` — key facts, conflicts, updates, quote versions, timeline, sources; the whole brief checked;
- :mod:`.checker` — every name, number, place and date of a sentence must be in each span it cites;
- :mod:`.render` — Markdown, self-contained HTML, JSON, escaped for each;
- :mod:`.stored` — analyse, build and store a story's brief; write brief files.
"""

from __future__ import annotations

from .account import AccountWriter
from .builder import BriefBuilder, build_brief
from .checker import STAGE, CitationChecker, check_brief, sentence_claims
from .render import FORMATS, brief_context, render_brief
from .stored import DOC_KINDS, analyse_and_store, brief_for, stored_brief, write_brief_files

__all__ = [
    "DOC_KINDS",
    "FORMATS",
    "STAGE",
    "AccountWriter",
    "BriefBuilder",
    "CitationChecker",
    "analyse_and_store",
    "brief_context",
    "brief_for",
    "build_brief",
    "check_brief",
    "render_brief",
    "sentence_claims",
    "stored_brief",
    "write_brief_files",
]
