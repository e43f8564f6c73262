"""The event's day as the leads tell it: hand-built sentences, dates and parsed claims."""

from __future__ import annotations

from datetime import date, datetime, timezone

from storyline.compare.context import CompareSettings, StoryContext
from storyline.compare.lead_days import lead_day_conflicts
from storyline.compare.sentences import _Sentence
from storyline.compare.syntax import Claim
from storyline.records import Article, DateRef, Story

UTC = timezone.utc


def _story(published: dict[str, datetime | None]) -> tuple[StoryContext, Story]:
    arts = {a: Article(id=a, text="", outlet=a.upper(), published=p) for a, p in published.items()}
    story = Story("s", "story", tuple(arts))
    return StoryContext(story, arts, {}, {a: a for a in arts}, None, CompareSettings(), None), story  # type: ignore[arg-type]


def _lead(aid: str, order: int, verb: str, day: int, weekday: str) -> tuple[_Sentence, tuple[Claim, ...]]:
    text = f"Thieves {verb} the Tolby museum early on {weekday}."
    at = text.index(weekday)
    ref = DateRef(weekday, at, at + len(weekday), date(2026, 3, day), "day", relative=True)
    s = _Sentence(aid, 0, len(text), text, [], set(), [], [ref], [], [], order)
    claim = Claim("time", weekday, at, at + len(weekday), head=verb, verb=verb, subject="thief", prep="on")
    return s, (claim,)


def _run(ctx: StoryContext, story: Story, leads: list[tuple[_Sentence, tuple[Claim, ...]]]) -> list:
    return lead_day_conflicts(ctx, story, [s for s, _ in leads], {s.order: c for s, c in leads})


def test_a_lead_putting_the_event_a_day_early_is_set_against_the_agreed_day():
    ctx, story = _story({a: datetime(2026, 3, 10, 9, tzinfo=UTC) for a in "abc"})
    leads = [_lead("a", 0, "break", 9, "Monday"), _lead("b", 1, "rob", 9, "Monday"), _lead("c", 2, "strike", 8, "Sunday")]
    (c,) = _run(ctx, story, leads)
    assert c.kind == "date" and {v.value: v.article_ids for v in c.values} == {
        "2026-03-09": ("a", "b"), "2026-03-08": ("c",)}


def test_a_later_lead_day_an_early_report_or_a_lone_day_is_no_conflict():
    ctx, story = _story({a: datetime(2026, 3, 10, 9, tzinfo=UTC) for a in "abc"})
    later = [_lead("a", 0, "break", 9, "Monday"), _lead("b", 1, "rob", 9, "Monday"), _lead("c", 2, "arrest", 10, "Tuesday")]
    assert _run(ctx, story, later) == []  # a later development
    ctx, story = _story({"a": datetime(2026, 3, 10, tzinfo=UTC), "b": datetime(2026, 3, 10, tzinfo=UTC),
                         "c": datetime(2026, 3, 9, 18, tzinfo=UTC)})
    early = [_lead("a", 0, "close", 9, "Monday"), _lead("b", 1, "close", 9, "Monday"), _lead("c", 2, "open", 8, "Sunday")]
    assert _run(ctx, story, early) == []  # published by the agreed day: an earlier part of the story
    ctx, story = _story({a: datetime(2026, 3, 10, 9, tzinfo=UTC) for a in "ab"})
    assert _run(ctx, story, [_lead("a", 0, "break", 9, "Monday"), _lead("b", 1, "rob", 8, "Sunday")]) == []
