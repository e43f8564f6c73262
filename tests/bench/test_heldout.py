"""Pooling the check corpora's scorer figures (bench/bench_heldout.py)."""

from __future__ import annotations

import pytest

from bench.bench_heldout import HELDOUT, SETS, pool


def _figures(found: int, true: int, precision: float, reported: int, speaker: float, quotes: int, tl: int) -> dict:
    return {
        "conflicts": {"found": found, "true": true, "precision": precision, "reported": reported,
                      "non_conflict_alarms": 1, "non_conflicts": 10},
        "quotes": {"speaker_acc": speaker, "found": quotes},
        "timeline": {"found": tl, "true": 10},
        "stories": {"b3_f1": 0.9},
        "summary": "...",
    }


def test_counts_are_added_up_not_rates_averaged() -> None:
    got = pool({"a": _figures(1, 4, 0.5, 2, 1.0, 10, 10), "b": _figures(5, 6, 0.75, 8, 0.5, 30, 5)})
    assert got["conflict_recall"] == pytest.approx(6 / 10)
    assert got["conflict_precision"] == pytest.approx((1 + 6) / 10)
    assert got["speaker_accuracy"] == pytest.approx((10 + 15) / 40)
    assert got["timeline_recall"] == pytest.approx(15 / 20)
    assert got["conflicts"]["non_conflict_alarms"] == 2


def test_every_set_is_laid_out_like_newsdesk() -> None:
    for name in SETS:
        assert (HELDOUT / name / "articles.jsonl").is_file() and (HELDOUT / name / "truth.json").is_file()
