"""Metadata a user gives for a whole batch (``storyline ingest --outlet ... --published ...``).

Plain text files often carry no outlet and no date. :class:`BatchDefaults` fills those fields on every
article of a batch that lacks them; what an input states itself (front matter, a feed's ``pubDate``, a
page's metadata) always wins over the batch's values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from ..errors import InputError
from ..records import Article
from .meta import clean, read_date


@dataclass(frozen=True, slots=True)
class BatchDefaults:
    """An outlet and a publication time for the articles of a batch that state none."""

    outlet: str | None = None
    published: datetime | None = None  # timezone-aware

    @classmethod
    def parse(cls, *, outlet: str | None = None, published: str | None = None) -> BatchDefaults:
        """From user input; a date is ISO 8601 or any date the ingest understands (naive means UTC)."""
        when = None
        if published is not None and published.strip():
            when, problem = read_date(published)
            if when is None:
                raise InputError(f"--published {published[:60]!r} {problem}", item="--published",
                                 hint="use ISO 8601, e.g. 2025-04-03 or 2025-04-03T09:00+02:00")  # fmt: skip
        return cls(outlet=clean(outlet) if outlet else None, published=when)

    def __bool__(self) -> bool:
        return self.outlet is not None or self.published is not None

    def apply(self, article: Article) -> Article:
        """``article`` with the batch's values in the fields it leaves empty."""
        changes: dict[str, object] = {}
        if self.outlet and not article.outlet:
            changes["outlet"] = self.outlet
        if self.published is not None and article.published is None:
            changes["published"] = self.published
        return dataclasses.replace(article, **changes) if changes else article
