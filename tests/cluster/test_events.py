"""Event identity: same-kind events on different days or in different countries stay apart; follow-ups stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import numpy as np

from storyline.cluster import ArticleFeatures, StoryIndex, features_for
from storyline.cluster.events import EventKey, days_apart, event_conflict, event_key
from storyline.cluster.regroup import other_events
from storyline.read.gazetteer import Gazetteer
from storyline.records import Article, DateRef, Place, Reading


def test_days_places_sequence_and_figures_tell_events_apart() -> None:
    first = EventKey(frozenset({date(2031, 5, 16)}), date(2031, 5, 16), "Istanbul", "TR")
    second = EventKey(frozenset({date(2031, 6, 2)}), date(2031, 6, 2), "Istanbul", "TR")
    why = event_conflict(first, second)
    assert why is not None and "different days" in why and "16 May 2031 in Istanbul" in why and "2 Jun 2031" in why
    # a follow-up four days later whose lead names the event's day stays with it
    later = EventKey(frozenset({date(2031, 5, 16)}), date(2031, 5, 20))
    assert event_conflict(first, later) is None and days_apart(first, later) == 0
    # an undated lead published the day after is no conflict; three days apart in two countries is
    assert event_conflict(first, EventKey(published=date(2031, 5, 17))) is None
    quake = EventKey(frozenset({date(2031, 5, 19)}), date(2031, 5, 19), "Tabriz", "IR")
    assert "different countries" in (event_conflict(first, quake) or "")
    assert "second vs third round" in (event_conflict(EventKey(sequence=frozenset({("round", 2)})), EventKey(sequence=frozenset({("round", 3)}))) or "")
    assert "magnitude" in (event_conflict(EventKey(figures=frozenset({("magnitude", "6.1")})), EventKey(figures=frozenset({("magnitude", "5.4")}))) or "")
    matrix = other_events([first, later, second, quake])
    assert matrix.tolist() == [[0, 0, 1, 1], [0, 0, 1, 0], [1, 1, 0, 1], [1, 0, 1, 0]]  # "later" names no country


def _report(aid: str, day: int, place: str, when: str) -> tuple[Article, Reading]:
    text = f"{place.upper()}, March {day} (Wire) - The minister held talks {when} on energy and migration."
    art = Article(aid, text, title="Minister holds talks", published=datetime(2030, 3, day, 12, tzinfo=UTC))
    start = text.index(when)
    reading = Reading(aid, dates=(DateRef(when, start, start + len(when), date(2030, 3, day)),),
                      places=(Place(place.upper(), 0, len(place), place, True, "dateline"),))
    return art, reading


def test_same_kind_visits_ten_days_apart_get_two_stories_with_the_reason_shown() -> None:
    gaz = Gazetteer()
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    for aid, day, place in [("a1", 7, "Oslo"), ("a2", 7, "Oslo"), ("b1", 17, "Stockholm"), ("b2", 17, "Stockholm")]:
        art, reading = _report(aid, day, place, "on Tuesday")
        feats = features_for(art, reading, gaz)
        assert feats.event.days == frozenset({date(2030, 3, day)})
        index.assign(aid, v, feats)
    index.tidy()
    assert index.story_of["a1"] == index.story_of["a2"] != index.story_of["b1"] == index.story_of["b2"]
    assert "different days" in index.assignments["b1"].reason and "in Stockholm" in index.assignments["b1"].reason


def test_identical_reports_without_event_evidence_still_join() -> None:
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    for aid in ("x1", "x2", "x3"):
        index.assign(aid, v, ArticleFeatures(frozenset({"brenn"})))
    index.tidy()
    assert len(index.live_stories()) == 1


def _lead(aid: str, text: str, published: date, dates: list[tuple[str, date, str]]) -> tuple[Article, Reading]:
    """An article and a hand-built reading whose dates are the given (expression, first day, granularity)."""
    art = Article(aid, text, title="", published=datetime(published.year, published.month, published.day, 9, tzinfo=UTC))
    refs = tuple(
        DateRef(expr, text.index(expr), text.index(expr) + len(expr), value, gran, relative=True)  # type: ignore[arg-type]
        for expr, value, gran in dates
    )
    return art, Reading(aid, dates=refs)


def test_a_period_in_the_lead_is_a_range_that_keeps_a_follow_up_with_its_event() -> None:
    fire = event_key(*_lead("f1", "A fire killed four workers at the plant late on Tuesday.", date(2026, 3, 11),
                            [("on Tuesday", date(2026, 3, 10), "day")]))
    follow_up = event_key(*_lead(
        "f2", "The fire that killed six workers at the plant last week caused $4 million in damage, according to a "
        "report released on Monday.", date(2026, 3, 17),
        [("last week", date(2026, 3, 9), "week"), ("on Monday", date(2026, 3, 16), "day")]))
    assert follow_up.periods == frozenset({(date(2026, 3, 9), date(2026, 3, 15))})
    assert days_apart(fire, follow_up) == 0 and event_conflict(fire, follow_up) is None
    # "earlier this month" holds the month up to publication: a recall's follow-up two weeks on stays with it
    month = event_key(*_lead("r2", "Few of the kettles recalled earlier this month have come back, the firm said on "
                                   "Thursday.", date(2026, 4, 24),
                             [("earlier this month", date(2026, 4, 1), "month"), ("on Thursday", date(2026, 4, 23), "day")]))
    recall = EventKey(frozenset({date(2026, 4, 7)}), date(2026, 4, 8))
    assert month.periods == frozenset({(date(2026, 4, 1), date(2026, 4, 24))}) and event_conflict(recall, month) is None
    # without the period the Monday alone is five days from the first report's publication: another event
    assert "different days (5 apart)" in (event_conflict(fire, replace(follow_up, periods=frozenset())) or "")
    assert other_events([fire, follow_up, replace(follow_up, periods=frozenset())]).tolist() == [[0, 0, 1], [0, 0, 0], [1, 0, 0]]


def test_a_period_an_ordinal_counts_in_is_the_sequence_not_the_event() -> None:
    text = "The minister signed a fisheries pact with Chile on Friday, the second such accord she has struck this month."
    key = event_key(*_lead("t1", text, date(2034, 3, 17),
                           [("on Friday", date(2034, 3, 17), "day"), ("this month", date(2034, 3, 1), "month")]))
    assert key.periods == frozenset() and key.repeat
    first_visit = EventKey(frozenset({date(2034, 3, 7)}), date(2034, 3, 7))
    assert "different days (10 apart)" in (event_conflict(first_visit, key) or "")
    # the same period in the sentence after the ordinal's still counts
    later = text.replace(", the second such accord she has struck this month.", ". She arrived this month.")
    key = event_key(*_lead("t2", later, date(2034, 3, 17),
                           [("on Friday", date(2034, 3, 17), "day"), ("this month", date(2034, 3, 1), "month")]))
    assert key.periods == frozenset({(date(2034, 3, 1), date(2034, 3, 17))}) and not key.repeat


def test_a_report_dated_only_by_its_publication_is_not_split_by_a_week() -> None:
    launch = EventKey(frozenset({date(2034, 3, 21)}), date(2034, 3, 21))
    # a preview six days ahead and a back-reference ("the launch that ...") nine days on stay with the event
    preview = event_key(*_lead("p", "The rocket is ready for its maiden flight from the coast.", date(2034, 3, 15), []))
    after = event_key(*_lead("a", "The rocket that broke up over the sea carried no cargo, the firm said.", date(2034, 3, 30), []))
    assert not preview.dated and event_conflict(launch, preview) is None and event_conflict(launch, after) is None
    # beyond the week either side, days alone do tell them apart
    assert "different days" in (event_conflict(launch, replace(after, published=date(2034, 4, 3))) or "")
    # a report that says it is news of a repeat is about a day just before its publication
    repeat = event_key(*_lead("r", "For the second time in eleven days, the canal spilled into the streets.", date(2034, 3, 30), []))
    assert repeat.repeat and not repeat.dated and days_apart(launch, repeat) == 6
    assert "different days (6 apart)" in (event_conflict(launch, repeat) or "")
    # two leads without a day or period: nothing to go on
    assert event_conflict(preview, replace(after, published=date(2034, 5, 30))) is None
    keys = [launch, preview, after, repeat, replace(after, published=date(2034, 4, 3))]
    matrix = other_events(keys)
    assert matrix.tolist() == [[bool(event_conflict(a, b)) and a is not b for b in keys] for a in keys]


def test_a_follow_up_a_week_later_joins_the_story_of_its_event() -> None:
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    reports = [
        _lead("f1", "A fire killed four workers at the plant late on Tuesday.", date(2026, 3, 11), [("on Tuesday", date(2026, 3, 10), "day")]),
        _lead("f2", "Two more workers died after the fire at the plant on Tuesday.", date(2026, 3, 12), [("on Tuesday", date(2026, 3, 10), "day")]),
        _lead("f3", "The fire that killed six workers at the plant last week caused $4 million in damage, inspectors said "
                    "on Monday.", date(2026, 3, 17), [("last week", date(2026, 3, 9), "week"), ("on Monday", date(2026, 3, 16), "day")]),
        _lead("g1", "A fire killed two workers at the plant on Sunday.", date(2026, 3, 23), [("on Sunday", date(2026, 3, 22), "day")]),
    ]
    for art, reading in reports:
        index.assign(art.id, v, features_for(art, reading, None))
    index.tidy()
    assert index.story_of["f1"] == index.story_of["f2"] == index.story_of["f3"] != index.story_of["g1"]


def test_a_repeat_whose_lead_days_begin_after_the_other_event_is_another_event() -> None:
    # a first stoppage reported over three days, a second one told as "the second walkout" three days later
    first = EventKey(frozenset({date(2034, 6, 5), date(2034, 6, 6)}), date(2034, 6, 5),
                     periods=frozenset({(date(2034, 6, 5), date(2034, 6, 8))}))
    second = EventKey(frozenset({date(2034, 6, 11)}), date(2034, 6, 11), repeat=True)
    assert days_apart(first, second) == 3  # closer than the days rule needs
    assert "a repeat reported 3 days after" in (event_conflict(first, second) or "")
    assert "a repeat reported" in (event_conflict(second, first) or "")
    # a report of the same event that also says "second" names no day after the others: no conflict
    same = EventKey(frozenset({date(2034, 6, 6)}), date(2034, 6, 7), repeat=True)
    assert event_conflict(first, same) is None
    # two repeats, or a repeat with no lead day, are left to the other rules
    assert event_conflict(replace(first, repeat=True), second) is None
    assert event_conflict(first, replace(second, days=frozenset())) is None
    keys = [first, second, same, replace(second, days=frozenset())]
    assert other_events(keys).tolist() == [[bool(event_conflict(a, b)) and a is not b for b in keys] for a in keys]
