"""An account that gives an updated figure in an earlier value is followed by the later report's latest value."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from storyline.brief import CitationChecker
from storyline.brief.latest import latest_figures
from storyline.compare import analyse_story
from storyline.embed import FakeEmbedder
from storyline.records import BriefSentence, Citation, Conflict, FactValue, Story

from ..side_by_side import ReadingBuilder, article

UTC = timezone.utc
FIRST = "Floodwater forced 120 people from their homes in Dunmere on Monday, the county council said."
LATER = (
    "The county council said on Tuesday that 180 people had now left their homes in Dunmere. "
    "- a further 40 homes without power;"
)


def _analysis(gap: timedelta, later_text: str = LATER):
    t0 = datetime(2031, 3, 3, 9, tzinfo=UTC)
    a = article("d-1", "Dunmere Post", FIRST, t0)
    b = article("d-2", "County Wire", later_text, t0 + gap)
    readings = {
        "d-1": ReadingBuilder(a).entity("Dunmere", "GPE").amount("120 people", 120, "people").build(),
        "d-2": ReadingBuilder(b).entity("Dunmere", "GPE").amount("180 people", 180, "people").build(),
    }
    analysis = analyse_story(Story("s-f", "Flood", ("d-1", "d-2")), {"d-1": a, "d-2": b}, readings, {}, FakeEmbedder())
    first_at, later_at = FIRST.index("120"), later_text.index("180")
    update = Conflict(
        "c-1", "s-f", "number", "number: people",
        (FactValue("120", "120", ("d-1",), (Citation("d-1", first_at, first_at + 3, "Dunmere Post"),)),
         FactValue("180", "180", ("d-2",), (Citation("d-2", later_at, later_at + 3, "County Wire"),))),
        update=True,
    )  # fmt: skip
    analysis = replace(analysis, conflicts=(update,))
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    account = [BriefSentence(FIRST, (Citation("d-1", 0, len(FIRST), "Dunmere Post"),), "account")]
    return analysis, checker, account


def test_the_latest_value_of_an_update_follows_the_sentence_with_the_earlier_one():
    analysis, checker, account = _analysis(timedelta(days=1))
    out = latest_figures(account, analysis, checker)
    assert [s.text for s in out] == [FIRST, "The county council said on Tuesday that 180 people had now left their homes in Dunmere."]
    assert out[1].citations[0].article_id == "d-2" and checker.problems(out[1]) == []


def test_no_latest_value_when_the_account_gives_it_or_the_reports_are_hours_apart():
    analysis, checker, account = _analysis(timedelta(days=1))
    both = account + [BriefSentence("180 people had now left.", (Citation("d-2", 0, 10, "County Wire"),), "account")]
    assert latest_figures(both, analysis, checker) == both
    analysis, checker, account = _analysis(timedelta(hours=2))
    assert latest_figures(account, analysis, checker) == account  # the same day's news told twice


def test_a_list_item_is_not_told_as_the_latest_value():
    analysis, checker, account = _analysis(timedelta(days=1), "Officials listed:\n- 180 people moved to shelters;")
    assert latest_figures(account, analysis, checker) == account
