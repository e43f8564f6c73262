"""Metadata date parsing: always timezone-aware, naive means UTC, no guessing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from storyline.ingest.meta import Meta, make_article, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04-17T08:45:00Z", datetime(2025, 4, 17, 8, 45, tzinfo=UTC)),
        ("2025-04-17T08:45:00+02:00", datetime(2025, 4, 17, 6, 45, tzinfo=UTC)),
        ("2025-04-17 08:45", datetime(2025, 4, 17, 8, 45, tzinfo=UTC)),
        ("2025-04-17", datetime(2025, 4, 17, tzinfo=UTC)),
        ("Thu, 17 Apr 2025 08:45:00 +0200", datetime(2025, 4, 17, 6, 45, tzinfo=UTC)),
        ("17 April 2025, 8:45 am", datetime(2025, 4, 17, 8, 45, tzinfo=UTC)),
        ("April 17, 2025", datetime(2025, 4, 17, tzinfo=UTC)),
        (date(2025, 4, 17), datetime(2025, 4, 17, tzinfo=UTC)),
        (datetime(2025, 4, 17, 8, 45), datetime(2025, 4, 17, 8, 45, tzinfo=UTC)),
    ],
)
def test_dates_are_aware_and_naive_means_utc(value: object, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is not None


def test_offset_is_kept() -> None:
    parsed = parse_date("2025-04-17T08:45:00-04:00")
    assert parsed is not None and parsed.utcoffset() == timezone(timedelta(hours=-4)).utcoffset(None)


@pytest.mark.parametrize(
    "value", ["", "   ", "yesterday", "3 days ago", "March 2025", "when the bells rang", "x" * 500, None, 12.5, True]
)
def test_not_dates(value: object) -> None:
    assert parse_date(value) is None


def test_make_article_normalizes_and_hashes() -> None:
    article = make_article("  First line here\r\n\r\n\r\n\r\nSecond   \n", Meta(url="https://x.example/a"), source="s")
    assert article.text == "First line here\n\nSecond"
    assert article.id == make_article("First line here\n\nSecond", Meta(url="https://x.example/a"), source="t").id
    assert article.ingested_at is not None and article.ingested_at.tzinfo is not None


def test_a_report_dated_years_ahead_is_kept_and_a_placeholder_is_refused():
    from datetime import UTC, datetime, timedelta, timezone

    from storyline.ingest.meta import date_problem

    assert date_problem(datetime(2034, 3, 7, 16, 40, tzinfo=timezone(timedelta(hours=1)))) is None
    assert date_problem(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-1)))) is not None
    assert date_problem(datetime(2200, 1, 1, tzinfo=UTC)) is not None
