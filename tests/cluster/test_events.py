"""Event identity: same-kind events on different days or in different countries stay apart; follow-ups stay."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from storyline.cluster import ArticleFeatures, StoryIndex, features_for
from storyline.cluster.events import EventKey, days_apart, event_conflict
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
    for aid, day, place in [("a1", 7, "Rabat"), ("a2", 7, "Rabat"), ("b1", 17, "Tunis"), ("b2", 17, "Tunis")]:
        art, reading = _report(aid, day, place, "on Tuesday")
        feats = features_for(art, reading, gaz)
        assert feats.event.days == frozenset({date(2030, 3, day)})
        index.assign(aid, v, feats)
    index.tidy()
    assert index.story_of["a1"] == index.story_of["a2"] != index.story_of["b1"] == index.story_of["b2"]
    assert "different days" in index.assignments["b1"].reason and "in Tunis" in index.assignments["b1"].reason


def test_identical_reports_without_event_evidence_still_join() -> None:
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    for aid in ("x1", "x2", "x3"):
        index.assign(aid, v, ArticleFeatures(frozenset({"brenn"})))
    index.tidy()
    assert len(index.live_stories()) == 1
