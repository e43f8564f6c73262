"""Values aligned sentences are compared on: what a place swap may be, where a place lies, whose day a quoted
day is, and a figure fixed at the moment of the event."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import numpy as np

from storyline.compare.conflicts import sentence_conflicts
from storyline.compare.context import CompareSettings, StoryContext
from storyline.compare.numbers import _at_the_moment, _is_update
from storyline.compare.places import _place_swaps
from storyline.compare.sentences import _Sentence, in_quotation
from storyline.read.gazetteer import Gazetteer
from storyline.records import Article, DateRef, Mention, Place, Story

UTC = timezone.utc


def _sent(aid: str, order: int, text: str, *, places=(), mentions=(), dates=()) -> _Sentence:
    return _Sentence(aid, 0, len(text), text, list(mentions), set(), list(places), list(dates), [], [], order)


def _place(text: str, name: str, evidence: str = "in-phrase") -> Place:
    at = text.index(name)
    return Place(name, at, at + len(name), name, event_location=True, evidence=evidence)


def _ctx(days: tuple[int, int] = (5, 5), gazetteer: Gazetteer | None = None) -> tuple[StoryContext, Story]:
    arts = {
        a: Article(id=a, text="", outlet=a.upper(), published=datetime(2026, 3, d, 9, tzinfo=UTC))
        for a, d in zip("ab", days, strict=True)
    }
    story = Story("s", "story", tuple(arts))
    ctx = StoryContext(story, arts, {}, {a: a for a in arts}, None, CompareSettings(), None,  # type: ignore[arg-type]
                       gazetteer=gazetteer)
    return replace(ctx, cos=np.array([[1.0, 0.9], [0.9, 1.0]], dtype=np.float32)), story


def _kinds(ctx: StoryContext, story: Story, a: _Sentence, b: _Sentence, kind: str) -> list:
    return [c for c in sentence_conflicts(ctx, story, "f", [a, b], ctx.articles, a) if c.kind == kind]


def test_a_capitalized_article_is_no_place_in_a_swap():
    a_text, b_text = "A Lyon court on Thursday sentenced the founder.", "The court on Thursday sentenced the founder."
    a = _sent("a", 0, a_text, places=[_place(a_text, "Lyon", "mention")])
    b = _sent("b", 1, b_text)
    assert _place_swaps(a, b) == []


def test_a_person_swapped_for_a_place_is_no_place():
    a_text, b_text = "The winner was scored in Norway late on.", "The winner was scored by Tomas Berg late on."
    at = b_text.index("Tomas Berg")
    a = _sent("a", 0, a_text, places=[_place(a_text, "Norway", "mention")])
    b = _sent("b", 1, b_text, mentions=[Mention("Tomas Berg", at, at + 10, "PERSON", "Tomas Berg")])
    assert _place_swaps(a, b) == []
    c_text = "The winner was scored in Sweden late on."
    c = _sent("b", 1, c_text, places=[_place(c_text, "Sweden", "mention")])
    assert {row[1] for row in _place_swaps(a, c)} == {"norway", "sweden"}


def test_a_town_and_its_country_agree_when_the_gazetteer_is_known():
    a_text, b_text = "Nurses walked out in Lyon on Tuesday.", "Nurses walked out in France on Tuesday."
    a = _sent("a", 0, a_text, places=[_place(a_text, "Lyon")])
    b = _sent("b", 1, b_text, places=[_place(b_text, "France")])
    ctx, story = _ctx(gazetteer=Gazetteer())
    assert _kinds(ctx, story, a, b, "location") == []
    c_text = "Nurses walked out in Geneva on Tuesday."
    c = _sent("b", 1, c_text, places=[_place(c_text, "Geneva")])
    assert len(_kinds(ctx, story, a, c, "location")) == 1


def test_a_day_inside_a_quotation_is_not_compared():
    a_text = 'The chief executive said: "Today we turn the page."'
    b_text = 'The chief executive said: "Today we turn the page for good."'
    at_a, at_b = a_text.index("Today"), b_text.index("Today")
    a = _sent("a", 0, a_text, dates=[DateRef("Today", at_a, at_a + 5, date(2026, 3, 5))])
    b = _sent("b", 1, b_text, dates=[DateRef("Today", at_b, at_b + 5, date(2026, 3, 6))])
    assert in_quotation(a, at_a) and not in_quotation(a, 0)
    ctx, story = _ctx(days=(5, 6))
    assert _kinds(ctx, story, a, b, "date") == []
    a_plain = "The plant closed today after the fire."
    b_plain = "The plant closed today after the fire, officials said."
    a = _sent("a", 0, a_plain, dates=[DateRef("today", 17, 22, date(2026, 3, 5))])
    b = _sent("b", 1, b_plain, dates=[DateRef("today", 17, 22, date(2026, 3, 6))])
    assert len(_kinds(ctx, story, a, b, "date")) == 1


def test_a_running_tally_is_not_compared_on_its_day():
    ctx, story = _ctx(days=(5, 9))

    def day(aid: str, order: int, text: str, word: str, value: date) -> _Sentence:
        at = text.index(word)
        return _sent(aid, order, text, dates=[DateRef(word, at, at + len(word), value, "day", relative=True)])

    a = day("a", 0, "Bidders offered $610 million on Wednesday at the auction.", "on Wednesday", date(2026, 3, 4))
    for text in ("Bids have reached $840 million on Monday at the auction.",
                 "Bids stood at $840 million on Monday, up from $700 million at the auction."):
        assert _kinds(ctx, story, a, day("b", 1, text, "on Monday", date(2026, 3, 9)), "date") == []
    b = day("b", 1, "Bidders offered $610 million on Tuesday at the auction.", "on Tuesday", date(2026, 3, 3))
    assert len(_kinds(ctx, story, a, b, "date")) == 1
    # "reaching" or "reached" without a figure is no tally
    b = day("b", 1, "Reaching for cash, bidders offered $610 million on Tuesday at the auction.", "on Tuesday",
            date(2026, 3, 3))
    assert len(_kinds(ctx, story, a, b, "date")) == 1


def test_a_figure_fixed_at_the_moment_of_the_event_is_no_update():
    early = "The ferry sank at dawn, when 52 passengers were aboard."
    later_text = "Six people are still missing. The ferry sank at dawn, when 62 passengers were aboard."
    arts = {
        "a": Article(id="a", text=early, outlet="A", published=datetime(2026, 3, 5, 9, tzinfo=UTC)),
        "b": Article(id="b", text=later_text, outlet="B", published=datetime(2026, 3, 7, 9, tzinfo=UTC)),
    }
    s_a = _Sentence("a", 0, len(early), early, [], set(), [], [], [], [])
    start = later_text.index("The ferry")
    s_b = _Sentence("b", start, len(later_text), later_text[start:], [], set(), [], [], [], [])
    row_a = (s_a, 52.0, "52", early.index("52"), early.index("52") + 2)
    row_b = (s_b, 62.0, "62", later_text.index("62"), later_text.index("62") + 2)
    assert _at_the_moment(row_a) and _at_the_moment(row_b)
    assert not _is_update({"a": [row_a], "b": [row_b]}, arts)
    # the same figures as a running count, the later one with its cue nearby, are an update
    tally = "Six people are still missing. In all, 62 passengers were hurt."
    arts["b"] = replace(arts["b"], text=tally)
    s_t = _Sentence("b", tally.index("In all"), len(tally), tally[tally.index("In all"):], [], set(), [], [], [], [])
    row_t = (s_t, 62.0, "62", tally.index("62"), tally.index("62") + 2)
    assert not _at_the_moment(row_t)
    assert _is_update({"a": [row_a], "b": [row_t]}, arts)
