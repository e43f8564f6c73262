"""One exception tree for storyline, and the one table of what each error means to a user.

Every error says *where* (stage, item) and, when we know it, *how to fix it*. Each class carries
its HTTP status (``http_status``, what the REST API answers) and its exit code (``exit_code``, what
the ``storyline`` command exits with); the web app and the CLI read those two attributes and
nothing else, so this tree is the only place that decides them::

    StorylineError                    HTTP 500  exit 5   base: something failed
    ├── ConfigError                   HTTP 500  exit 2   settings or options are missing or malformed
    ├── InputError                    HTTP 400  exit 2   an input cannot become an article
    │   ├── Skip                      HTTP 400  exit 2   one item skipped inside a parser (the batch goes on)
    │   ├── FetchError                HTTP 400  exit 2   a URL could not be fetched
    │   ├── InvalidRequest            HTTP 422  exit 2   request parameters or body fail validation
    │   └── TooLarge                  HTTP 413  exit 2   request body over ``max_request_bytes``
    ├── AuthError                     HTTP 401  exit 2   no valid API token
    ├── IngestDisabled                HTTP 403  exit 2   ingest over HTTP is off (no token configured)
    ├── StoreError                    HTTP 500  exit 4   the store cannot be opened, read or written
    │   ├── NotFound                  HTTP 404  exit 3   no such article, story, entity or page
    │   │   └── MissingDatabase       HTTP 404  exit 3   a read command named a database that does not exist
    │   └── Conflict                  HTTP 409  exit 4   the change contradicts what is stored
    │       └── PipelineBusy          HTTP 409  exit 4   another process is running the pipeline on this database
    ├── ModelError                    HTTP 500  exit 5   a model package is missing or failed to load
    ├── PipelineError                 HTTP 500  exit 5   the pipeline is wired wrongly
    ├── StageError                    HTTP 500  exit 5   a pipeline stage failed on an item
    └── InternalError                 HTTP 500  exit 5   an unexpected exception (details in the log)

Exit codes of the ``storyline`` command (:data:`EXIT_CODES`; the README and ``storyline --help``
list the same): 0 everything went in, 1 some inputs were skipped (the rest went in), 2 nothing
usable (every input failed, or the input, option or setting is wrong), 3 not found, 4 store error,
5 processing failed.

The one JSON error shape (REST API and ``--json`` output), :meth:`StorylineError.to_dict`::

    {"error": "NotFound", "status": 404, "message": "no such story", "item": "s9zz", "hint": "..."}

(a :class:`StageError` adds ``"stage"``). A dropped item is not an exception at the batch level:
stages return a :class:`storyline.records.Skipped` result instead, built from :class:`Skip`.
"""

from __future__ import annotations

from typing import ClassVar

#: Exit statuses of the ``storyline`` command.
EXIT_OK = 0
EXIT_PARTIAL = 1  # some inputs were skipped, the rest went in
EXIT_NOTHING_USABLE = 2  # every input failed, or the input / option / setting is wrong
EXIT_NOT_FOUND = 3
EXIT_STORE = 4
EXIT_FAILED = 5

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "everything went in",
    EXIT_PARTIAL: "some inputs were skipped (the rest went in; each skip is printed with its reason)",
    EXIT_NOTHING_USABLE: "nothing usable: every input failed, or an input, option or setting is wrong",
    EXIT_NOT_FOUND: "not found: no such article, story or entity, or the database does not exist",
    EXIT_STORE: "the database cannot be opened, read or written",
    EXIT_FAILED: "processing failed (a model, a stage or an unexpected error)",
}


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = EXIT_FAILED

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

    def to_dict(self, status: int | None = None) -> dict[str, str | int | None]:
        """The one JSON error shape, shared by the CLI (--json) and the REST API.

        ``status`` overrides the class's HTTP status, for answers the web framework decides (405 and such).
        """
        return {
            "error": type(self).__name__,
            "status": self.http_status if status is None else status,
            "message": self.message,
            "item": self.item,
            "hint": self.hint,
        }


class ConfigError(StorylineError):
    """Settings or command-line options are missing or malformed."""

    exit_code = EXIT_NOTHING_USABLE


class InputError(StorylineError):
    """An input file, record, URL or request cannot be turned into an article or an answer."""

    http_status = 400
    exit_code = EXIT_NOTHING_USABLE


class Skip(InputError):
    """Raised inside a parser for one item; the batch records it and goes on."""


class FetchError(InputError):
    """A URL could not be fetched (network, status, size, content type)."""


class InvalidRequest(InputError):
    """Request parameters or body fail validation (HTTP 422)."""

    http_status = 422


class TooLarge(InputError):
    """The request body is larger than ``max_request_bytes`` (HTTP 413)."""

    http_status = 413


class AuthError(StorylineError):
    """The request has no valid API token (HTTP 401)."""

    http_status = 401
    exit_code = EXIT_NOTHING_USABLE


class IngestDisabled(StorylineError):
    """Ingest over HTTP is off because no API token is configured (HTTP 403)."""

    http_status = 403
    exit_code = EXIT_NOTHING_USABLE


class StageError(StorylineError):
    """A pipeline stage failed on an item."""

    def __init__(self, stage: str, message: str, *, item: str | None = None, hint: str | None = None) -> None:
        self.stage = stage
        super().__init__(message, item=item, hint=hint)

    def __str__(self) -> str:
        return f"[{self.stage}] " + super().__str__()

    def to_dict(self, status: int | None = None) -> dict[str, str | int | None]:
        data = super().to_dict(status)
        data["stage"] = self.stage
        return data


class PipelineError(StorylineError):
    """The pipeline is wired wrongly (checked before any data flows)."""


class ModelError(StorylineError):
    """A model package is missing or failed to load."""


class StoreError(StorylineError):
    """The store cannot be opened, migrated, read or written."""

    exit_code = EXIT_STORE


class NotFound(StoreError):
    """A requested record (article, story, entity) does not exist."""

    http_status = 404
    exit_code = EXIT_NOT_FOUND


class MissingDatabase(NotFound):
    """A command that only reads was pointed at a database that does not exist (it is never created then)."""


class Conflict(StoreError):
    """The requested change contradicts what is stored (e.g. merging a story into itself)."""

    http_status = 409


class PipelineBusy(Conflict):
    """Another process holds the database's pipeline lock (``storyline process`` while the worker of
    ``storyline serve`` runs, or two ingests at once); see :mod:`storyline.store.pipeline_lock`."""


class InternalError(StorylineError):
    """An unexpected exception, reported without its details (those go to the log)."""
