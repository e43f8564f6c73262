"""Follow-ups: a later stage of one event (charge, trial, verdict) joins it across a long gap; a repeat does not."""

from __future__ import annotations

from datetime import date

import numpy as np

from storyline.cluster import StoryIndex, features_for
from storyline.cluster.features import named_dates
from storyline.cluster.followup import follow_up_links, refers_back
from storyline.records import Article, Reading


def test_named_dates_read_full_dates_months_and_yearless_ones_against_the_report_day() -> None:
    days, months = named_dates("It began on June 24, 2005. Talks resumed in March 2006.")
    assert days == frozenset({date(2005, 6, 24)}) and months == frozenset({(2005, 6), (2006, 3)})
    # "in September" in a December report is the September before it; "on March 3" in an April report this year
    days, months = named_dates("She opened fire in September. Hearings began on March 3.", date(2010, 12, 7))
    assert (2010, 9) in months and date(2010, 3, 3) in days
    days, months = named_dates("The vote is due in May.", date(2010, 2, 1))
    assert months == frozenset({(2009, 5)})  # the latest May up to the report's day
    assert named_dates("She opened fire in September.") == (frozenset(), frozenset())  # no anchor: no guess


def _art(aid: str, lead_date: str, body: str) -> Article:
    return Article(aid, f"{lead_date} {body}", title="Constable killed outside bakery")


def test_refers_back_by_day_month_or_year_but_not_for_a_repeat() -> None:
    killing = date(2005, 6, 24)
    verdict = features_for(_art("v", "April 4, 2007", "A jury ordered death for the gang member who shot the deputy in June 2005."), None)
    assert verdict.day == date(2007, 4, 4) and refers_back(verdict, killing)
    # a year alone names no event ("the worst since 2005")
    assert not refers_back(features_for(_art("y", "April 4, 2007", "The deadliest shooting since 2005."), None), killing)
    charge = features_for(_art("c", "July 26, 2005", "Prosecutors charged the man who shot the deputy on June 24, 2005."), None)
    assert refers_back(charge, killing)
    month = features_for(_art("m", "December 7, 2010", "The man accused of the robbery in September was held for trial."), None)
    assert refers_back(month, date(2010, 9, 10)) and not refers_back(month, date(2010, 5, 10))
    # its own month says nothing: most reports name it
    own = features_for(_art("s", "October 11, 2011", "The power cut in October 2011 left homes dark."), None)
    assert not refers_back(own, date(2011, 10, 1))
    # a repeat marked in the lead is a new event, whatever dates it names
    repeat = features_for(_art("r", "April 4, 2007", "A second deputy was shot dead, two years after the June 2005 killing."), None)
    assert repeat.event.repeat and not refers_back(repeat, killing)
    # an earlier report never refers back to a later one
    assert not refers_back(charge, date(2007, 4, 4))
    links = follow_up_links([charge, verdict, repeat, features_for(_art("k", "June 25, 2005", "A deputy was shot."), None)])
    # the verdict names June 2005 (not the charge's July); the repeat is linked to nothing
    assert links.tolist() == [[False, False, False, True], [False, False, False, True], [False] * 4, [True, True, False, False]]


def test_a_verdict_two_years_later_joins_the_killing_and_a_repeat_stays_apart() -> None:
    """Days from the text only (a reading that dated nothing): the long-gap penalty, not the event identity."""
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    body = "Constable Emrys Penhale of the Marrow County police was shot dead outside a bakery in Elmsford."
    reports = [
        ("k1", "June 24, 2005", body),
        ("k2", "June 25, 2005", body),
        ("v1", "April 4, 2007", body + " A jury ordered the death penalty for the shooting in June 2005."),
        ("v2", "April 5, 2007", body + " The jury ruled on the killing of June 24, 2005."),
        ("r1", "May 2, 2009", "A second " + body[0].lower() + body[1:] + " Penhale died on June 24, 2005."),
    ]
    for aid, when, text in reports:
        index.assign(aid, v, features_for(_art(aid, when, text), Reading(aid)))
    index.tidy()
    assert index.story_of["k1"] == index.story_of["k2"] == index.story_of["v1"] == index.story_of["v2"]
    assert index.story_of["r1"] != index.story_of["k1"]
    assert any("follow-up" in index.assignments[a].reason for a in ("v1", "v2"))


def test_the_event_identity_still_parts_a_follow_up_dated_in_its_lead() -> None:
    """A report of a second same-kind event names the first one's day as often as a follow-up does: lead days
    (the event identity) still part them; only the long-gap penalty is waived."""
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    body = "Floodwater swept through the valley towns overnight after the river burst its banks."
    index.assign("a", v, features_for(_art("a", "October 9, 2031", body), None))
    later = features_for(_art("b", "October 20, 2031", body + " The river rose higher than on October 9, 2031."), None)
    assert refers_back(later, date(2031, 10, 9))
    index.assign("b", v, later)
    index.tidy()
    assert index.story_of["a"] != index.story_of["b"] and "different days" in index.assignments["b"].reason
