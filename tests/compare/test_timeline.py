"""The story's timeline: every dated event, as precisely as the text dates it."""

from __future__ import annotations

from datetime import date, datetime, timezone

from storyline.compare.context import CompareSettings, StoryContext
from storyline.compare.timeline import timeline
from storyline.records import Article, DateRef, Reading, Story


def test_days_months_and_years_are_events_each_with_its_precision():
    text = "The plant opened in 2019. It was sold in March. The fire broke out on Tuesday."
    published = datetime(2026, 5, 8, 9, tzinfo=timezone.utc)
    art = Article(id="a", text=text, outlet="A", published=published)
    dates = (
        DateRef("in 2019", text.index("in 2019"), text.index("in 2019") + 7, date(2019, 1, 1), "year"),
        DateRef("in March", text.index("in March"), text.index("in March") + 8, date(2026, 3, 1), "month", True),
        DateRef("on Tuesday", text.index("on Tuesday"), text.index("on Tuesday") + 10, date(2026, 5, 5), "day", True),
        DateRef("this week", 0, 0, date(2026, 5, 4), "week", True),
    )
    reading = Reading(article_id="a", dates=dates)
    story = Story("s", "story", ("a",))
    ctx = StoryContext(story, {"a": art}, {"a": reading}, {"a": "a"}, None, CompareSettings(), None)  # type: ignore[arg-type]
    events = timeline(ctx, ["a"], {"a": art}, {"a": reading})
    assert [(e.when, e.earlier) for e in events] == [("2019", True), ("2026-03", True), ("2026-05-05", True)]
    assert events[0].text == "The plant opened in 2019."
