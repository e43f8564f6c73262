"""A test hook that kills this process at a named point, so crash consistency is tested with real kills.

Set ``STORYLINE_FAULT_AFTER=POINT:N`` (several as ``POINT:N,POINT:M``) and the N-th time this process reaches
POINT it sends itself SIGKILL: no cleanup, no ``finally``, no rollback, no atexit — what a power cut, the OOM
killer or ``kill -9`` does. It is a test hook only (``tests/runners/test_kill.py``, ``bench/bench_faults.py``);
unset, a point costs a dictionary lookup. The points, in the order a run reaches them:

``ingest-chunk``
    a chunk of ingested articles was stored (:func:`storyline.workflow.ingest`, the Dask runner's ingest)
``models``
    a batch came back from the model stages (embedding, reading), nothing of it stored yet
``batch-write``
    inside a batch's transaction, every write issued, the commit not yet
``batch``
    a batch was committed
``tidy``
    the end-of-run consolidation of the touched stories was committed
``entities``
    the store-wide entity table was written, its stale mark not cleared yet
``brief``
    one story's documents and brief were stored
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Mapping

from ..errors import ConfigError

FAULT_ENV = "STORYLINE_FAULT_AFTER"

POINTS = ("ingest-chunk", "models", "batch-write", "batch", "tidy", "entities", "brief")


class FaultPlan:
    """Where to kill this process (parsed from :data:`FAULT_ENV`), and how often each point was reached.

    Each owner (a runner, one ingest call) keeps its own plan; the points of ingest and of processing differ, so
    their counts never mix.
    """

    def __init__(self, kill_at: Mapping[str, int] | None = None) -> None:
        self.kill_at = dict(kill_at or {})
        self.seen: Counter[str] = Counter()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FaultPlan:
        raw = (os.environ if env is None else env).get(FAULT_ENV, "").strip()
        kill_at: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in raw.split(","))):
            point, _, count = part.partition(":")
            if point not in POINTS or not count.isdigit() or int(count) < 1:
                raise ConfigError(f"bad {FAULT_ENV} entry {part!r}", hint=f"POINT:N with N >= 1, POINT one of {', '.join(POINTS)}")
            kill_at[point] = int(count)
        return cls(kill_at)

    def reached(self, point: str) -> None:
        """Count one arrival at ``point``; on the planned one, kill this process at once."""
        if not self.kill_at:
            return
        self.seen[point] += 1
        if self.kill_at.get(point) == self.seen[point]:
            os.kill(os.getpid(), signal.SIGKILL)
