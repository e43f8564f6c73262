"""Quality gate: every benchmark floor in one table; exits non-zero when one regresses.

    python -m bench.gate            # all rows
    python -m bench.gate stories    # rows whose name starts with "stories"

Each row names a metric, its floor (or ceiling, for "lower is better" rows),
and a function that measures it. Measuring functions import lazily so one slow
or missing dataset does not stop the others: a row whose dataset is absent is
reported as SKIP, not as a pass.

To add a floor: append a :class:`Row` to ``ROWS`` (keep rows grouped by area).
"""

from __future__ import annotations

import os
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


# ---------------------------------------------------------------- rows (grouped by area)

ROWS: list[Row] = []

#: The target is 0.70 of the models' limit end to end. The row guards the per-batch pipeline (measured 1.02 of
#: the limit in CPU time, docs/benchmarks.md); the store-wide entity refresh in finish() is not in it (0.24 with it).
THROUGHPUT_SHARE_FLOOR = 0.8

# -- reading (bench/bench_reading.py, bench/bench_entity_coref.py; figures in docs/benchmarks.md)


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
    # ECB+ test, CoNLL F1 points above the head-lemma baseline. The target is +5; measured +10.34
    # (68.67 vs 58.33, tree pair model with the sentence-position features, see docs/benchmarks.md).
    Row("reading.ecb_entity_conll_margin", 9.5, lambda: _entity_coref_test()["margin_conll_f1"]),
    Row("reading.ecb_entity_conll_f1", 68.0, lambda: _entity_coref_test()["ours_conll_f1"]),
]

# -- outlets side by side (bench/bench_compare.py; figures in docs/benchmarks.md)


@_cached
def _compare_demo() -> dict[str, Any]:
    from .bench_compare import default_args, run_demo

    return run_demo(default_args())


@_cached
def _compare_demo_gt_stories() -> dict[str, Any]:
    """The same, with the ground truth's story membership: isolates comparison from clustering."""
    from .bench_compare import default_args, run_demo

    return run_demo(default_args(no_runner=True))


@_cached
def _compare_seeds() -> dict[str, Any]:
    from .bench_compare import default_args, run_seeds

    return run_seeds(default_args())


@_cached
def _compare_perturb() -> dict[str, Any]:
    from .bench_compare import default_args, run_perturb

    return run_perturb(default_args())


ROWS += [
    Row("compare.demo_conflict_precision", 0.90, lambda: _compare_demo()["conflicts"]["precision"]),
    Row("compare.demo_conflict_recall", 0.85, lambda: _compare_demo()["conflicts"]["recall"]),
    Row("compare.demo_quote_group_f1", 0.90, lambda: _compare_demo()["quote_groups"]["f1"]),
    Row("compare.demo_timeline_date_accuracy", 0.90, lambda: _compare_demo()["timeline"]["accuracy"]),
    Row("compare.demo_unsupported_sentences", 0, lambda: _compare_demo()["unsupported_sentences"], higher_is_better=False),
    Row("compare.demo_stories_with_account", 5, lambda: _compare_demo()["stories_with_account"]),
    Row("compare.gt_stories_conflict_precision", 0.90, lambda: _compare_demo_gt_stories()["conflicts"]["precision"]),
    Row("compare.gt_stories_conflict_recall", 0.85, lambda: _compare_demo_gt_stories()["conflicts"]["recall"]),
    Row("compare.gt_stories_quote_group_f1", 0.90, lambda: _compare_demo_gt_stories()["quote_groups"]["f1"]),
    Row("compare.seeds_witkoff_titles_contested", 1, lambda: float(_compare_seeds()["witkoff_titles_contested"])),
    Row("compare.seeds_maybe_wording_contested", 1, lambda: float(_compare_seeds()["maybe_wording_contested"])),
    Row("compare.seeds_002_dates_resolved", 1, lambda: float(_compare_seeds()["seed002_dates_ok"])),
    # ECB+ dev perturbations (40 documents, seed 7): floors a little under the measured recall
    Row("compare.perturb_place_recall", 0.80, lambda: _compare_perturb()["recall"]["place"]),
    Row("compare.perturb_date_recall", 0.88, lambda: _compare_perturb()["recall"]["date"]),
    Row("compare.perturb_number_recall", 0.88, lambda: _compare_perturb()["recall"]["number"]),
    Row("compare.perturb_title_recall", 0.95, lambda: _compare_perturb()["recall"]["title"]),
    Row("compare.perturb_quote_recall", 0.95, lambda: _compare_perturb()["recall"]["quote"]),
    Row("compare.perturb_false_alarm_rate", 0.0, lambda: _compare_perturb()["false_alarm_rate"], higher_is_better=False),
]

# -- copies and stories (bench/bench_stories.py, bench/bench_demo_stories.py, bench/bench_story_speed.py)


@_cached
def _stories_ecb() -> dict[str, Any]:
    from .bench_stories import run_eval

    return run_eval()


@_cached
def _stories_demo() -> dict[str, Any]:
    from .bench_demo_stories import evaluate

    return evaluate()


@_cached
def _stories_speed() -> dict[str, Any]:
    from .bench_story_speed import clustering_rate

    rate, _, cpu_rate = clustering_rate()
    return {"rate": rate, "cpu_rate": cpu_rate}


ROWS += [
    # ECB+ test B3 F1 floor 0.975; measured 0.982 (P 0.972 / R 0.991) with the gap rule, follow-ups and the regroup
    # consolidation (docs/benchmarks.md "ECB+"). Re-embedding with another embedder or a change in the pair model can
    # move it by a point, so the floor sits under the figure, above the 0.97; dev is pinned a little under its figure
    # (1.000 since a gap between days read from the text needs other evidence, storyline/cluster/gap.py).
    Row("stories.ecb_test_b3_f1", 0.975, lambda: _stories_ecb()["test"]["storyline"]["b3_f1"]),
    Row("stories.ecb_dev_b3_f1", 0.99, lambda: _stories_ecb()["dev"]["storyline"]["b3_f1"]),
    Row("stories.seeds_000_apart_from_001_004", 1, lambda: float(_stories_ecb()["seeds"]["ok"])),
    Row("stories.demo_all_stories_exact", 1, lambda: float(_stories_demo()["stories_all_exact"])),
    Row("stories.demo_copy_precision", 1.0, lambda: _stories_demo()["copies_precision"]),
    Row("stories.demo_copy_recall", 1.0, lambda: _stories_demo()["copies_recall"]),
    # share of stories whose independent-origin count equals the truth's
    Row("stories.demo_independent_origins", 1.0, lambda: _stories_demo()["independent_origins_share"]),
    # assignments per CPU-second on ECB+ (target 500/s wall on 2 free cores); CPU time, as the machine is shared
    Row("stories.cluster_articles_per_cpu_s", 400, lambda: _stories_speed()["cpu_rate"]),
]


# -- throughput (bench/throughput.py, bench/model_limit.py; figures in docs/benchmarks.md)


@_cached
def _throughput() -> dict[str, Any]:
    """A short local run (150 synthetic articles, 20 % wire copies, briefs left out) beside the models alone, both
    in CPU time so that the machine's load does not decide the row."""
    from .model_limit import measure as model_limit
    from .synth import synthetic_articles
    from .throughput import measure

    limit = model_limit(100)
    return measure(synthetic_articles(150, copies=0.2), briefs="skip", limits=limit)


@_cached
def _throughput_briefs() -> dict[str, Any]:
    """The issue's cost run: 300 synthetic articles, 20 % wire copies, every brief built in a timed step after
    processing (``python -m bench.throughput --n 300 --copies 0.2``; about 6 min)."""
    from .synth import synthetic_articles
    from .throughput import measure

    return measure(synthetic_articles(300, copies=0.2), briefs="measure")


#: Ceiling of the analysis-and-briefs CPU per article over the batches' (the models') from the same run: 1.02 and
#: 1.03, single runs 0.94 to 1.24, on the benchmark machine with bfloat16 sentence vectors (docs/benchmarks.md;
#: the machine's speed swings and the two sides do not swing alike; a CPU without native bfloat16 embeds the
#: sentences in fp32 and costs more). The issue's goal is 0.5.
BRIEFS_COST_CEILING = 1.3


ROWS += [
    # syndicated copies must not reach the models: each takes its origin's reading (and vector)
    Row("throughput.copies_skip_models", 0.9,
        lambda: _throughput()["copies_given_origin_reading"] / max(1, _throughput()["syndicated_copies_made"])),
    # the batches (copies, models, stories; not the store-wide entity refresh or briefs) against the models alone,
    # CPU time; model loading is included, which a 150-article run does not amortise
    Row("throughput.batches_share_of_limit_cpu", THROUGHPUT_SHARE_FLOOR,
        lambda: _throughput()["batches_share_of_limit_cpu"]),
    # end to end, the store-wide entity refresh included (briefs left out), CPU time: the 70 %
    Row("throughput.share_of_limit_cpu", 0.7, lambda: _throughput()["share_of_limit_cpu"]),
    # analysis and briefs against the models, CPU per article from one run (lower is better)
    Row("throughput.briefs_cost_ratio", BRIEFS_COST_CEILING,
        lambda: _throughput_briefs()["briefs_cost_ratio"],
        higher_is_better=False),
]  # fmt: skip


# -- newsdesk end to end (bench/bench_newsdesk.py: ingest through the CLI, export, ../shared/eval/score.py)


@_cached
def _newsdesk() -> dict[str, Any]:
    from .bench_newsdesk import run

    return run("newsdesk")


ROWS += [
    Row("newsdesk.story_b3_f1", 0.98, lambda: _newsdesk()["stories"]["b3_f1"]),
    Row("newsdesk.copies_f1", 0.95, lambda: _newsdesk()["copies"]["f1"]),  # measured 0.964 (27 of 29, P 1.00)
    Row("newsdesk.quote_recall", 0.96, lambda: _newsdesk()["quotes"]["recall"]),  # measured 0.976 (445 of 456)
    Row("newsdesk.speaker_accuracy", 0.96, lambda: _newsdesk()["quotes"]["speaker_acc"]),  # measured 0.978
    # measured end to end: conflicts R 0.895 (51 of 57), P 0.903 (72 reported), 5 of 119 non-conflicts alarmed,
    # updates 12 of 15 as updates and 1 as conflicts (docs/benchmarks.md)
    Row("newsdesk.conflict_recall", 0.87, lambda: _newsdesk()["conflicts"]["recall"]),
    Row("newsdesk.conflict_precision", 0.88, lambda: _newsdesk()["conflicts"]["precision"]),
    Row("newsdesk.non_conflict_alarms", 5, lambda: _newsdesk()["conflicts"]["non_conflict_alarms"],
        higher_is_better=False),
    Row("newsdesk.updates_as_updates", 12, lambda: _newsdesk()["conflicts"]["updates_as_updates"]),
    Row("newsdesk.updates_as_conflicts", 1, lambda: _newsdesk()["conflicts"]["updates_as_conflicts"],
        higher_is_better=False),
    Row("newsdesk.quote_group_f1", 0.96, lambda: _newsdesk()["quote_groups"]["pair_f1"]),  # measured 0.971
    Row("newsdesk.timeline_recall", 0.95, lambda: _newsdesk()["timeline"]["recall"]),
]


@_cached
def _heldout() -> dict[str, Any]:
    """The four check corpora of bench/heldout scored one by one and pooled (counts added up)."""
    from .bench_heldout import pooled

    return pooled()


ROWS += [
    # pooled over bench/heldout h1-h4 (82 reports): floors a little under the figures in docs/benchmarks.md
    Row("heldout.conflict_recall", 0.58, lambda: _heldout()["conflict_recall"]),
    Row("heldout.conflict_precision", 0.66, lambda: _heldout()["conflict_precision"]),
    Row("heldout.speaker_accuracy", 0.90, lambda: _heldout()["speaker_accuracy"]),
    Row("heldout.timeline_recall", 0.93, lambda: _heldout()["timeline_recall"]),
    Row("heldout.non_conflict_alarms", 10, lambda: _heldout()["conflicts"]["non_conflict_alarms"], higher_is_better=False),
]


# -- briefs (bench/bench_briefs.py: every story's brief rebuilt and its account measured; docs/benchmarks.md)


@_cached
def _briefs_newsdesk() -> dict[str, Any]:
    from .bench_briefs import evaluate

    return evaluate("newsdesk")["figures"]


@_cached
def _briefs_demo() -> dict[str, Any]:
    from .bench_briefs import evaluate

    return evaluate("demo")["figures"]


def _brief_row(name: str, ceiling: float, figures: Callable[[], dict[str, Any]], key: str) -> Row:
    return Row(name, ceiling, lambda: float(figures()[key]), higher_is_better=False)


ROWS += [
    # newsdesk, 20 stories, 86 account sentences measured (fresh run and kept database alike): none failing the
    # checker, uncited or under-cited, none empty; 0 repeats (6 before), 1 lead without the day and 2 without the
    # place a story's lead gives, 0 accounts with a superseded count (2 before the latest-figure rule), 0 conflict names that read as clipped
    # sentences (37 before); ceilings a little above
    _brief_row("briefs.newsdesk_failing", 0, _briefs_newsdesk, "failing"),
    _brief_row("briefs.newsdesk_uncited", 0, _briefs_newsdesk, "uncited"),
    _brief_row("briefs.newsdesk_empty", 0, _briefs_newsdesk, "empty"),
    _brief_row("briefs.newsdesk_undercited", 1, _briefs_newsdesk, "undercited"),
    _brief_row("briefs.newsdesk_repeats", 1, _briefs_newsdesk, "repeats"),
    _brief_row("briefs.newsdesk_lead_no_date", 2, _briefs_newsdesk, "lead_no_date"),
    _brief_row("briefs.newsdesk_lead_no_place", 3, _briefs_newsdesk, "lead_no_place"),
    _brief_row("briefs.newsdesk_superseded", 1, _briefs_newsdesk, "superseded"),
    _brief_row("briefs.newsdesk_untitled", 0, _briefs_newsdesk, "untitled"),
    _brief_row("briefs.newsdesk_clipped_subjects", 1, _briefs_newsdesk, "clipped_subjects"),
    _brief_row("briefs.demo_failing", 0, _briefs_demo, "failing"),
    _brief_row("briefs.demo_repeats", 0, _briefs_demo, "repeats"),
    _brief_row("briefs.demo_empty", 0, _briefs_demo, "empty"),
]


# -- ingest: hostile input (bench/bench_fuzz.py): no crash, hang, lost or duplicated article, nothing read from
# outside a walked folder, over 2,000 generated inputs


@_cached
def _fuzz() -> dict[str, Any]:
    from .bench_fuzz import failures, run

    result = run(n=2000, seed=7, verbose=False)
    return dict(result, failures=failures(result))


ROWS += [
    # crashes + hangs + lost + duplicated (+ articles read from outside a walked folder) == 0
    Row("ingest.fuzz_failures", 0, lambda: float(_fuzz()["failures"]), higher_is_better=False),
    Row("ingest.fuzz_inputs_tried", 2000, lambda: float(_fuzz()["tried"])),
]  # fmt: skip


# -- crash consistency (bench/bench_faults.py: kill -9 at every named point of ingest and process, then one ingest)


@_cached
def _faults() -> dict[str, Any]:
    from .bench_faults import run

    return run(n=100, backends=("sqlite", "postgres"))  # PostgreSQL only when STORYLINE_TEST_PG_URL is set


ROWS += [
    # Measured 11 of 11 kill points recovered on SQLite and on PostgreSQL (n=100): anything less is a defect.
    Row("faults.recovered_share", 1.0, lambda: _faults()["recovered_share"]),
    Row("faults.failures", 0, lambda: _faults()["failures"], higher_is_better=False),
]


# -- backup (bench/bench_roundtrip.py): newsdesk's first 20 reports with a story merge, an entity rename and an
# article edit; export -> import into a fresh database (SQLite, and PostgreSQL when configured) -> export


@_cached
def _roundtrip() -> dict[str, Any]:
    from .bench_roundtrip import run

    return run(20, ("sqlite", "postgres"), os.environ.get("STORYLINE_TEST_PG_URL"))


ROWS += [
    # Measured: every section (articles, stories, overrides, copies, assignments, readings, entities, story
    # documents) the same after the round trip, on both backends: any difference is a defect.
    Row("backup.roundtrip_sections_different", 0, lambda: float(_roundtrip()["sections_different"]),
        higher_is_better=False),
]


# -- serving (bench/bench_serve_load.py): 50 readers against `storyline serve` while its worker processes 300 articles


@_cached
def _serve_load() -> dict[str, Any]:
    from .bench_serve_load import run

    figures = run(300, 50, 20)
    return {"p99_ms": figures.p99_ms, "errors": figures.errors, "processed": figures.processed}


ROWS += [
    # The target: p99 < 200 ms while processing (measured 116.8 ms on 2 loaded cores, docs/benchmarks.md).
    Row("serve.p99_ms_while_processing", 200.0, lambda: _serve_load()["p99_ms"], higher_is_better=False),
    Row("serve.errors", 0, lambda: float(_serve_load()["errors"] + (0 if _serve_load()["processed"] else 1)),
        higher_is_better=False),
]


def main(argv: list[str]) -> int:
    if argv and argv[0].startswith("-"):
        print("usage: python -m bench.gate [ROW-PREFIX]   e.g. `compare`, `reading.ecb`, `throughput`; rows:")
        print("\n".join(f"  {row.name} (floor {row.floor})" for row in ROWS))
        return 0 if argv[0] in ("-h", "--help") else 2
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
