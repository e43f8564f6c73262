"""The check corpora of ``bench/heldout`` end to end, one by one and pooled.

    python -m bench.bench_heldout [--sets h1,h2,h3,h4]

Each set goes through :func:`bench.bench_newsdesk.run` (a fresh database, ingest, export, the shared scorer
unchanged); the pooled figures add up the scorer's counts over the sets (conflicts found and reported, quotes
found and rightly credited, timeline events found). Saved to ``bench/results/heldout.json``. See
``bench/heldout/README.md`` for which sets may be read and which are only measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .bench_newsdesk import RESULTS, run
from .datasets import skip_if_missing

HELDOUT = Path(__file__).resolve().parent / "heldout"
SETS = ("h1", "h2", "h3", "h4")


def pooled(sets: tuple[str, ...] = SETS) -> dict[str, Any]:
    """Per-set scorer figures and the pooled ones."""
    return pool({name: run(str(HELDOUT / name)) for name in sets})


def pool(per_set: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The scorer's counts added up over the sets (``per_set``: :func:`bench.bench_newsdesk.run` figures)."""
    conflicts = [f["conflicts"] for f in per_set.values()]
    quotes = [f["quotes"] for f in per_set.values()]
    timeline = [f["timeline"] for f in per_set.values()]
    found, true = sum(c["found"] for c in conflicts), sum(c["true"] for c in conflicts)
    reported = sum(c["reported"] for c in conflicts)
    good = sum(round(c["precision"] * c["reported"]) for c in conflicts)
    credited = sum(round(q["speaker_acc"] * q["found"]) for q in quotes)
    return {
        "conflict_recall": found / true if true else 0.0,
        "conflict_precision": good / reported if reported else 0.0,
        "conflicts": {"found": found, "true": true, "reported": reported, "right": good,
                      "non_conflict_alarms": sum(c["non_conflict_alarms"] for c in conflicts),
                      "non_conflicts": sum(c["non_conflicts"] for c in conflicts)},
        "speaker_accuracy": credited / sum(q["found"] for q in quotes),
        "timeline_recall": sum(t["found"] for t in timeline) / sum(t["true"] for t in timeline),
        "story_b3_f1_mean": sum(f["stories"]["b3_f1"] for f in per_set.values()) / len(per_set),
        "sets": {name: f["summary"] for name, f in per_set.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated sets of bench/heldout")
    args = parser.parse_args()
    figures = pooled(tuple(s for s in args.sets.split(",") if s))
    for name, summary in figures["sets"].items():
        print(f"{name}: {summary}")
    c = figures["conflicts"]
    print(f"pooled: conflicts R {figures['conflict_recall']:.2f} ({c['found']}/{c['true']}) "
          f"P {figures['conflict_precision']:.2f} ({c['right']}/{c['reported']}), non-conflict alarms "
          f"{c['non_conflict_alarms']}/{c['non_conflicts']}; speakers {figures['speaker_accuracy']:.2f}; "
          f"timeline {figures['timeline_recall']:.2f}; stories B3 F1 mean {figures['story_b3_f1_mean']:.3f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "heldout.json").write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(skip_if_missing(main)() or 0)
