"""The throughput benchmark's timing of the brief step's models (no models: stand-ins built by hand)."""

from __future__ import annotations

import inspect
from typing import Any

from bench.throughput import _time_brief_models


class _Embedder:
    def __init__(self) -> None:
        self.warmed = False

    def warm_up(self) -> None:
        self.warmed = True

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> list[int]:
        return [sum(range(20_000)) + len(t) for t in texts]  # some CPU to time


class _Syntax(_Embedder):
    def claims(self, texts: list[str]) -> list[tuple[()]]:
        return [() for _ in texts]


class _Runner:
    def __init__(self) -> None:
        self.embedder, self.syntax = _Embedder(), _Syntax()

    def sentence_embedder(self) -> Any:
        return self.embedder

    def analysis_tools(self) -> dict[str, Any]:
        return {"syntax": self.syntax, "gazetteer": object()}


def test_brief_models_are_loaded_first_then_timed_with_their_signatures_kept() -> None:
    runner = _Runner()
    parts = _time_brief_models(runner)
    assert runner.embedder.warmed and runner.syntax.warmed  # loaded before the brief step's clock
    assert parts == {"sentence_vectors": 0.0, "parse": 0.0}
    # the sentence vectors ask the embedder whether it takes a batch size: the wrapper must still say so
    assert "batch_size" in inspect.signature(runner.embedder.encode).parameters
    for _ in range(50):
        assert runner.embedder.encode(["a", "bb"], batch_size=16) == [sum(range(20_000)) + 1, sum(range(20_000)) + 2]
    assert runner.syntax.claims(["x"]) == [()]
    assert parts["sentence_vectors"] > 0 and parts["parse"] >= 0
