"""The hostile-input bench on a small sample: every generator runs, and ingest survives all of it."""

from __future__ import annotations

import random
from pathlib import Path

from bench.bench_fuzz import GENERATORS, Corpus, failures, generate, run


def test_every_generator_writes_inputs(tmp_path: Path) -> None:
    rng = random.Random(1)
    for n, (make, _) in enumerate(GENERATORS):
        corpus = Corpus(tmp_path / f"g{n}")
        corpus.root.mkdir()
        make(rng, corpus, n)
        assert corpus.inputs, make.__name__
        for sock in corpus.sockets:
            sock.close()
    (tmp_path / "all").mkdir()
    corpus = generate(tmp_path / "all", 0, 1)
    assert len(corpus.good) == 20 and len(corpus.inputs) == 1  # the known-good file alone


def test_fifty_hostile_inputs_cost_nothing_good() -> None:
    result = run(n=50, seed=11, timeout=30.0, verbose=False)
    assert result["tried"] == 50 and result["good"] >= 20 and result["stored"] >= result["good"]
    assert failures(result) == 0, result["examples"]
    assert result["internal"] == 0, result["examples"]
