"""One exception tree for storyline.

Every error says *where* (stage, item) and, when we know it, *how to fix it*.
A dropped item is not an exception at the batch level: stages return a
:class:`storyline.records.Skipped` result instead, built from :class:`Skip`.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""

    def __init__(self, message: str, *, item: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.item = item
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.item}: {self.message}" if self.item else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_dict(self) -> dict[str, str | None]:
        """The one JSON error shape, shared by the CLI (--json) and the REST API."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "item": self.item,
            "hint": self.hint,
        }


class ConfigError(StorylineError):
    """Settings are missing or malformed."""


class InputError(StorylineError):
    """An input file, record or URL cannot be turned into an article."""


class Skip(InputError):
    """Raised inside a parser for one item; the batch records it and goes on."""


class FetchError(InputError):
    """A URL could not be fetched (network, status, size, content type)."""


class StageError(StorylineError):
    """A pipeline stage failed on an item."""

    def __init__(self, stage: str, message: str, *, item: str | None = None, hint: str | None = None) -> None:
        self.stage = stage
        super().__init__(message, item=item, hint=hint)

    def __str__(self) -> str:
        return f"[{self.stage}] " + super().__str__()

    def to_dict(self) -> dict[str, str | None]:
        data = super().to_dict()
        data["stage"] = self.stage
        return data


class PipelineError(StorylineError):
    """The pipeline is wired wrongly (checked before any data flows)."""


class ModelError(StorylineError):
    """A model package is missing or failed to load."""


class StoreError(StorylineError):
    """The store cannot be opened, migrated, read or written."""


class NotFound(StoreError):
    """A requested record (article, story, entity) does not exist."""


class Conflict(StoreError):
    """The requested change contradicts what is stored (e.g. merging a story into itself)."""
