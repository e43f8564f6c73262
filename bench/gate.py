"""Quality gate: every benchmark floor in one table; exits non-zero when one regresses.

    python -m bench.gate            # all rows
    python -m bench.gate stories    # rows whose name starts with "stories"

Each row names a metric, its floor (or ceiling, for "lower is better" rows),
and a function that measures it. Measuring functions import lazily so one slow
or missing dataset does not stop the others: a row whose dataset is absent is
reported as SKIP, not as a pass.

To add a floor: append a :class:`Row` to ``ROWS`` (keep rows grouped by issue).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .datasets import DatasetMissing


@dataclass(frozen=True)
class Row:
    name: str
    floor: float
    measure: Callable[[], float]
    higher_is_better: bool = True

    def passes(self, value: float) -> bool:
        return value >= self.floor if self.higher_is_better else value <= self.floor


def _cached(fn: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Benchmarks return a dict of figures; rows pick one figure each without re-running."""
    return cache(fn)


# ---------------------------------------------------------------- rows (grouped by issue)

ROWS: list[Row] = []

# -- issue 4: reading (bench/bench_reading.py, bench/bench_entity_coref.py; figures in docs/benchmarks.md)


@_cached
def _reading_demo() -> dict[str, Any]:
    from .bench_reading import demo_quality

    return demo_quality()


@_cached
def _entity_coref_test() -> dict[str, Any]:
    from .bench_entity_coref import evaluate

    return evaluate("test")


ROWS += [
    Row("reading.quote_precision", 0.95, lambda: _reading_demo()["quote_precision"]),
    Row("reading.quote_recall", 0.90, lambda: _reading_demo()["quote_recall"]),
    Row("reading.quote_speaker_accuracy", 0.95, lambda: _reading_demo()["quote_speaker_accuracy"]),
    Row("reading.date_accuracy", 0.95, lambda: _reading_demo()["date_accuracy"]),
    # ECB+ test, CoNLL F1 points above the head-lemma baseline. Issue 4 asks for +5; measured +1.8
    # (see docs/benchmarks.md), so this row guards against regression, not the target.
    Row("reading.ecb_entity_conll_margin", 1.5, lambda: _entity_coref_test()["margin_conll_f1"]),
    Row("reading.ecb_entity_conll_f1", 59.5, lambda: _entity_coref_test()["ours_conll_f1"]),
]


def main(argv: list[str]) -> int:
    prefix = argv[0] if argv else ""
    failed = 0
    for row in ROWS:
        if not row.name.startswith(prefix):
            continue
        began = time.perf_counter()
        try:
            value = row.measure()
        except DatasetMissing as exc:
            print(f"SKIP  {row.name}: {exc}")
            continue
        ok = row.passes(value)
        failed += not ok
        sign = ">=" if row.higher_is_better else "<="
        print(f"{'PASS' if ok else 'FAIL'}  {row.name} = {value:.4f} (floor {sign} {row.floor}) [{time.perf_counter() - began:.1f}s]")
    print(f"{'gate failed' if failed else 'gate passed'}: {failed} regression(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
