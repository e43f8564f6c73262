"""The ``storyline`` command line: a thin adapter over :mod:`storyline.workflow`.

Errors from the library become one red line naming the item and the reason, and the exit code
the error's class carries (the table in :mod:`storyline.errors`): 0 everything went in, 1 some
inputs skipped, 2 nothing usable, 3 not found, 4 store error, 5 processing failed. Commands that
only read refuse a database that does not exist instead of creating an empty one; ``ingest``,
``watch`` and ``demo`` create theirs. Library chatter (model loading bars, warnings) stays quiet
unless ``--verbose``; progress names the stage that is running.
"""

from __future__ import annotations

from . import data, pipeline, stories, web  # noqa: F401  (each module registers its commands on the app)
from .common import app, ingest_exit_code, plural

__all__ = ["app", "ingest_exit_code", "main", "plural"]


def main() -> None:
    app()
