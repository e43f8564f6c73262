"""Stages and the pipeline that runs them in order.

A stage is a small class: configuration in ``__init__``, heavy models loaded in
``warm_up()``, and ``run(batch) -> batch`` that returns a *new* :class:`Batch`.
Each stage names the batch fields it ``requires`` and ``provides``; the
:class:`Pipeline` checks that wiring when it is built, before any data flows.
Stages never import the store, the CLI or the web app: a runner loads state,
runs the pipeline and writes results back.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np

from .errors import PipelineError, StageError
from .records import Article, Assignment, CopyLink, Reading, Skipped


@dataclass(frozen=True)
class Batch:
    """What flows between stages. Fields other than ``articles`` start empty."""

    articles: tuple[Article, ...]
    copies: Mapping[str, CopyLink] = field(default_factory=dict)
    embeddings: Mapping[str, np.ndarray] = field(default_factory=dict)
    readings: Mapping[str, Reading] = field(default_factory=dict)
    assignments: Mapping[str, Assignment] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()

    FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"articles", "copies", "embeddings", "readings", "assignments", "skipped"}
    )

    def replace(self, **changes: object) -> Batch:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@runtime_checkable
class Stage(Protocol):
    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def warm_up(self) -> None: ...

    def run(self, batch: Batch) -> Batch: ...


@dataclass(frozen=True, slots=True)
class StageTiming:
    stage: str
    seconds: float
    articles: int


class Pipeline:
    """An ordered list of named stages, checked when built."""

    def __init__(self, stages: Sequence[Stage], *, provided: Iterable[str] = ("articles",)) -> None:
        self.stages = tuple(stages)
        self._check(set(provided))
        self._warm = False

    def _check(self, available: set[str]) -> None:
        seen: set[str] = set()
        for stage in self.stages:
            if not isinstance(stage, Stage):
                raise PipelineError(f"{stage!r} is not a Stage (needs name, requires, provides, warm_up, run)")
            if stage.name in seen:
                raise PipelineError(f"two stages are named {stage.name!r}")
            seen.add(stage.name)
            for name in (*stage.requires, *stage.provides):
                if name not in Batch.FIELDS:
                    raise PipelineError(f"stage {stage.name!r} names unknown batch field {name!r}")
            missing = [r for r in stage.requires if r not in available]
            if missing:
                raise PipelineError(
                    f"stage {stage.name!r} requires {', '.join(missing)} but no earlier stage provides it",
                    hint="reorder the stages or add the stage that provides it",
                )
            available.update(stage.provides)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stages)

    def warm_up(self) -> None:
        if not self._warm:
            for stage in self.stages:
                stage.warm_up()
            self._warm = True

    def run(
        self,
        batch: Batch,
        *,
        on_stage: Callable[[StageTiming], None] | None = None,
    ) -> Batch:
        self.warm_up()
        for stage in self.stages:
            began = time.perf_counter()
            try:
                batch = stage.run(batch)
            except StageError:
                raise
            except Exception as exc:  # wrap with the stage's name; keep the cause
                raise StageError(stage.name, f"{type(exc).__name__}: {exc}") from exc
            if on_stage:
                on_stage(StageTiming(stage.name, time.perf_counter() - began, len(batch.articles)))
        return batch
