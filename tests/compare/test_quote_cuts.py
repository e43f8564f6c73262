"""Quote cuts and short quotes in quote groups (pure functions, hand-written fictional text)."""

from __future__ import annotations

from storyline.compare.quotes import _lead_restores, _meaning_cuts, same_statement
from storyline.records import QuoteGroup, QuoteVersion


def words(text: str) -> list[str]:
    return text.lower().replace(",", "").replace(".", "").split()


def test_a_short_run_joins_the_same_speakers_quote_that_holds_it() -> None:
    full = words("It is wrong to claim the bridge collapsed. The span did what it was designed to do.")
    assert same_statement(None, full, words("the bridge collapsed"), "Ida Roe", "Ida Roe", 0.0)  # type: ignore[arg-type]
    # another speaker's words, or a one-word quote from the middle, stay apart
    assert not same_statement(None, full, words("the bridge collapsed"), "Ida Roe", "Bo Lind", 0.0)  # type: ignore[arg-type]
    assert not same_statement(None, full, ["wrong"], "Ida Roe", "Ida Roe", 0.0)  # type: ignore[arg-type]


def test_lead_in_that_keeps_the_dropped_negation_is_no_cut() -> None:
    full = words("Our young nurses should not have to board a night coach abroad to find a decent job.")
    kept = words("board a night coach abroad")
    faithful = "Her line about young nurses who should not have to \u201cboard a night coach abroad\u201d was sharp."
    bare = "She said young nurses want to \u201cboard a night coach abroad\u201d, aides said."
    assert _lead_restores(faithful, faithful.index("\u201c") + 1, kept, [full])
    assert not _lead_restores(bare, bare.index("\u201c") + 1, kept, [full])


def test_only_cuts_that_change_the_meaning_are_values() -> None:
    full = QuoteVersion("a1", "We have no evidence that the water is involved, and we are testing every well.", 0, 80, "Ida Roe")
    denial = QuoteVersion("a2", "the water is involved", 10, 31, "Ida Roe", flags=("truncated",))
    trim = QuoteVersion("a3", "We have no evidence that the water is involved", 5, 52, "Ida Roe", flags=("truncated",))
    group = QuoteGroup("g1", "s1", "Ida Roe", full.text, (full, denial, trim))
    assert _meaning_cuts(group, [denial, trim]) == [denial]


def test_a_cut_that_drops_a_condition_changes_the_meaning() -> None:
    full = QuoteVersion("a1", "We will not sign the deal unless the terms change. Talks go on.", 0, 63, "Ola Berg")
    flat = QuoteVersion("a2", "We will not sign the deal", 0, 25, "Ola Berg", flags=("truncated",))
    tail = QuoteVersion("a3", "We will not sign the deal unless the terms change.", 0, 50, "Ola Berg", flags=("truncated",))
    group = QuoteGroup("g1", "s1", "Ola Berg", full.text, (full, flat, tail))
    assert _meaning_cuts(group, [flat, tail]) == [flat]
