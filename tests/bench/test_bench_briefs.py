"""The brief bench's measures count what they claim to (hand-made accounts, no corpus, no model)."""

from __future__ import annotations

from bench.bench_briefs import _counts, clipped, repeats


def test_repeats_are_counted_by_shared_words_or_a_shared_figure():
    lead = "Kestor Home is recalling 218,000 kettles because the base can overheat, the board said on Tuesday."
    again = "Kestor Home is recalling kettles."  # every content word already told
    figure = "The recall of 218,000 kettles covers three finishes."  # a told figure and a quarter of the words
    side = "One other outlet gives “219,000 kettles”."  # the other side of a disagreement, not a repeat
    new = "Customers can get a $49 refund at any shop."
    found = repeats([lead, again, figure, side, new])
    assert [later for _, later in found] == [again, figure]


def test_a_year_or_a_time_of_day_shared_is_no_repeat():
    assert repeats(["The plant opened in 2031 at 02:52, staff said.", "A second line opened in 2031 at 02:52 too."]) == []


def test_clipped_subjects_are_long_or_cut_after_a_function_word():
    assert clipped("location: “The Sable Star struck rocks near Marrow Bay in…”")
    assert clipped("date: " + "a very long sentence that goes on " * 3)
    assert not clipped("location: “The Sable Star struck rocks near Marrow Bay…”")
    assert not clipped("title of Ada Quell")


def test_a_count_is_a_figure_followed_by_what_it_counts():
    assert _counts("Police said 52 people were hurt.", "52", "people")
    assert _counts("Nine confirmed cases were reported.", "9", "cases")
    assert not _counts("At 02 52 the train left; 52 carriages", "52", "people")
    assert _counts("The toll rose to six.", "6", "")
