"""Truth conflicts found and missed, slot by slot, on a kept newsdesk export (the shared scorer's own matching).

    python -m bench.bench_newsdesk --keep DIR       # once
    python -m bench.bench_conflict_slots DIR [--slots title,employer] [--corpus newsdesk]

Prints, for each truth conflict of the chosen slots, FOUND or MISS with the reported values that matched; each
truth non-conflict of those slots that a reported conflict matches (ALARM); and the reported conflicts of the
kinds those slots are reported as (``title`` for title and employer) that match no truth conflict. Matching is
``score.matches`` of the shared scorer, loaded unchanged, so the counts add up to the scorer's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .bench_quotes_newsdesk import load_scorer
from .datasets import datasets_dir, skip_if_missing

# the conflict kind the product reports each truth slot under
SLOT_KINDS = {"title": "title", "employer": "title"}


def slot_report(scorer: Any, doc: dict[str, Any], truth: dict[str, Any], slots: set[str]) -> dict[str, Any]:
    ex = scorer.Export(doc)
    reported = [c for c in ex.conflicts if len(c["values"]) >= 2 and not c["update"]]
    lines, found, true = [], 0, 0
    for item in truth.get("conflicts", []):
        if item["slot"] in slots:
            true += 1
            hits = [c for c in reported if scorer.matches(item, c)]
            found += bool(hits)
            lines.append(f"{'FOUND' if hits else 'MISS '} {item['story']} {item['slot']}: {item['subject'][:80]}")
    alarms = 0
    for item in truth.get("non_conflicts", []):
        hits = [c for c in reported if scorer.matches(item, c) and c["kind"] in {SLOT_KINDS.get(s) for s in slots}]
        if item["slot"] in slots and hits:
            alarms += 1
            lines.append(f"ALARM {item['story']} {item['slot']}: {item['subject'][:80]}")
    kinds = {SLOT_KINDS.get(s, s) for s in slots}
    false = [c for c in reported if c["kind"] in kinds and not any(scorer.matches(t, c) for t in truth["conflicts"])]
    for c in false:
        lines.append("FALSE " + " | ".join(f"{v['value']!r} {sorted(v['articles'])}" for v in c["values"])[:300])
    return {"found": found, "true": true, "alarms": alarms, "false": len(false), "lines": lines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="the folder given to bench.bench_newsdesk --keep")
    parser.add_argument("--corpus", default="newsdesk")
    parser.add_argument("--slots", default="title,employer")
    args = parser.parse_args()
    truth = json.loads((datasets_dir() / args.corpus / "truth.json").read_text(encoding="utf-8"))
    doc = json.loads((args.dir / f"{args.corpus}-export.json").read_text(encoding="utf-8"))
    slots = set(args.slots.split(","))
    out = slot_report(load_scorer(), doc, truth, slots)
    print("\n".join(out["lines"]))
    per_slot = {s: slot_report(load_scorer(), doc, truth, {s}) for s in sorted(slots)}
    print(
        f"{args.slots}: found {out['found']} of {out['true']} ("
        + ", ".join(f"{s} {r['found']}/{r['true']}" for s, r in per_slot.items())
        + f"); non-conflict alarms {out['alarms']}; reported {'/'.join(sorted({SLOT_KINDS.get(s, s) for s in slots}))}"
        f" conflicts matching no truth conflict {out['false']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(skip_if_missing(main)() or 0)
