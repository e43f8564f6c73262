"""One pipeline run per database at a time.

Two processes running the pipeline on one database (``storyline process`` while the worker of ``storyline
serve`` drains its queue, or two ingests) would each load the story index, assign the same articles and
overwrite each other's stories. :meth:`PipelineLock.pipeline_lock` is held for the whole of a run; the second
process waits up to ``wait`` seconds and then raises :class:`~storyline.errors.PipelineBusy`, naming the
holder. A backend supplies three hooks: take the lock without waiting, release it, describe the holder.

* SQLite: ``fcntl.flock`` on a file beside the database (``<db>.pipeline-lock``) holding the holder's pid and
  host. The kernel releases it when the process ends, however it ends (kill -9 included), so no stale lock
  can outlive its holder.
* PostgreSQL: a session-level advisory lock, released by the server when the connection closes.

The lock is re-entrant within one store object (the worker takes it around a job; the runner it calls takes it
again), and never shared between two store objects, even in one process.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator

from ..errors import PipelineBusy

#: Seconds between two tries while waiting for the pipeline lock.
LOCK_POLL_SECONDS = 0.2


def holder_text() -> str:
    """Who this process is, as written for the other process's error message."""
    return f"pid {os.getpid()} on {socket.gethostname()}"


class PipelineLock:
    """The re-entrant, waiting pipeline lock over a backend's three hooks (see the module docstring)."""

    _pipeline_depth = 0

    def _try_pipeline_lock(self) -> bool:  # pragma: no cover - each backend overrides
        raise NotImplementedError

    def _release_pipeline_lock(self) -> None:  # pragma: no cover - each backend overrides
        raise NotImplementedError

    def _pipeline_holder(self) -> str | None:
        return None

    @contextlib.contextmanager
    def pipeline_lock(self, *, wait: float = 0.0) -> Iterator[None]:
        """Hold the database's pipeline lock for the block; wait up to ``wait`` seconds for another process
        to release it, then raise :class:`PipelineBusy`."""
        if self._pipeline_depth:
            self._pipeline_depth += 1
            try:
                yield
            finally:
                self._pipeline_depth -= 1
            return
        deadline = time.monotonic() + wait
        while not self._try_pipeline_lock():
            if time.monotonic() >= deadline:
                holder = self._pipeline_holder()
                raise PipelineBusy(
                    "another storyline process is running the pipeline on this database"
                    + (f" ({holder})" if holder else ""),
                    item=getattr(self, "_label", None),
                    hint="stored articles are kept: the worker of a running `storyline serve` processes them, "
                    "or run `storyline process` again once the other run has finished",
                )
            time.sleep(LOCK_POLL_SECONDS)
        self._pipeline_depth = 1
        try:
            yield
        finally:
            self._pipeline_depth = 0
            self._release_pipeline_lock()
