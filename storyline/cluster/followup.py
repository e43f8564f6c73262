"""Follow-ups: a later report on a stage of an earlier report's event (a charge, a trial, a verdict, a repair).

Two reports whose event days lie weeks or years apart are mostly different events, and clustering penalises the
gap. But one event's stages are reported across such gaps: a shooting, then the charge, the trial two years later
and the verdict. The later report names the earlier event's time, because its own news is about that event: "the
man accused of the robbery in March", "the bridge collapse of June 3, 2021", "the outage that began on August 16".
A report that does so, and whose lead does not mark a repeat ("a second round of talks", "for the
third time": :attr:`~storyline.cluster.events.EventKey.repeat`), is a *follow-up* of the earlier one: the long
gap between them (the gradual penalty from ``ClusterSettings.day_window`` days on, and average link's
``PairModel.never_join_days``) is no evidence that they report different events. The rest of the evidence
(wording, names, numbers, places) still has to bring them together.

The event-identity conflict (:func:`~storyline.cluster.events.event_conflict`: lead days at least
``EVENT_DAYS_APART`` apart, other countries, other sequence numbers) still applies to a follow-up: the report of a
second event of one kind names the first one's day just as often (a comparison with the first storm's
day), and on newsdesk waiving it merged two of its same-kind pairs (story B3 0.986 -> 0.971).

What counts as naming the earlier event's time, from the most to the least precise:

* a full date within :data:`REFERENCE_DAYS` of the earlier report's day;
* the month and year of that day ("in September 2010", or "in September" in a December report), when the later
  report is dated in another month (naming its own month says nothing: most reports do).

A year alone is not enough: "the worst since 2005" names a year as often as "shot the deputy in 2005" does. With
years counted too, ECB+ train fell from 0.952 to 0.948 (dev 0.995 either way); chosen on train/dev only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date

import numpy as np

from .features import ArticleFeatures

REFERENCE_DAYS = 2  # a full date this close to the earlier report's day names it (a report may date its event
# by the night before or by the day it was announced); set by hand, as the date reader's same-day tolerance.


def refers_back(later: ArticleFeatures, earlier: date) -> bool:
    """Whether ``later`` (dated after ``earlier``) names the time of an event dated ``earlier``, without a repeat cue."""
    if later.day is None or later.day <= earlier or later.event.repeat:
        return False
    if any(abs((d - earlier).days) <= REFERENCE_DAYS for d in later.named_days):
        return True
    return (earlier.year, earlier.month) in later.named_months and (earlier.year, earlier.month) != (later.day.year, later.day.month)


def follow_up_links(feats: Sequence[ArticleFeatures]) -> np.ndarray:
    """n x n booleans: True where one of the two reports is a follow-up of the other (symmetric)."""
    n = len(feats)
    out = np.zeros((n, n), dtype=bool)
    dated = sorted((f.day.toordinal(), i) for i, f in enumerate(feats) if f.day is not None)
    if len(dated) < 2:
        return out
    ordinals = [o for o, _ in dated]
    by_month: dict[tuple[int, int], list[int]] = {}
    for i, f in enumerate(feats):
        if f.day is not None:
            by_month.setdefault((f.day.year, f.day.month), []).append(i)
    for own, j in dated:
        f = feats[j]
        if f.event.repeat or not (f.named_days or f.named_months):
            continue
        hits: list[int] = []
        for d in f.named_days:  # the reports dated within REFERENCE_DAYS of a day it names
            o = d.toordinal()
            hits.extend(i for _, i in dated[bisect_left(ordinals, o - REFERENCE_DAYS) : bisect_right(ordinals, o + REFERENCE_DAYS)])
        for month in f.named_months - {(f.day.year, f.day.month)}:  # type: ignore[union-attr]
            hits.extend(by_month.get(month, ()))
        for i in hits:
            if feats[i].day < f.day:  # type: ignore[operator]
                out[j, i] = out[i, j] = True
    return out
