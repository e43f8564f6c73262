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
