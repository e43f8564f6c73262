"""The day of a story's event as the reports' leads tell it, and a report whose lead puts it a day or two earlier.

A news report says in its lead (its first sentences) what happened and when: "Thieves broke into a museum early on
Monday", "a gang who broke into the museum in the early hours of Monday". Outlets word that sentence so differently
that it rarely aligns with another outlet's, and the verbs differ ("broke into" / "struck at"), so neither the
aligned comparison nor a verb-keyed one (:mod:`.claim_conflicts`) sets the days side by side. What makes them
comparable is their place: the first day a report's lead gives to an act (not to a verb of saying) is the day of
the story's event. When independent origins agree on that day, a report published after it whose lead gives
an earlier one for its own act disagrees with them: a later lead day is a later development ("police arrested a
man on Tuesday"), an earlier one in a report published by the agreed day an earlier part of the story (the
first day of a conference), and an earlier one, within ``MAX_DAYS_EARLIER``, in a report that already knew the
agreed day's event, a slip of the day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from ..lang.words import REPORTING_LEMMAS
from ..records import Conflict, Story
from .conflicts import _day_key, make_conflict, names_day
from .context import StoryContext
from .sentences import _Sentence, in_quotation
from .syntax import Claim

# sentences of a report's body read as its lead; set by hand (newsdesk leads name their day within three)
LEAD_SENTENCES = 3
# a lead day at most this many days before the agreed one is the same event told on the wrong day; further back it
# is another event (the cause, an earlier incident); set by hand (a slip of a day or of a night's edge)
MAX_DAYS_EARLIER = 2
# independent origins whose leads must agree on a day before another lead is set against it
MIN_AGREEING_ORIGINS = 2


def lead_day_conflicts(
    ctx: StoryContext, story: Story, sentences: Sequence[_Sentence], claims: Mapping[int, tuple[Claim, ...]]
) -> list[Conflict]:
    """A date conflict when one report's lead puts the story's event earlier than the day other origins' leads
    agree on."""
    leads = _lead_days(sentences, claims)
    support: dict[date, set[str]] = defaultdict(set)
    for aid, (_s, _c, day) in leads.items():
        support[day].add(ctx.origins[aid])
    agreed = [day for day, origins in support.items() if len(origins) >= MIN_AGREEING_ORIGINS]
    if len(agreed) != 1:
        return []  # no day the leads agree on, or two: the story's leads tell more than one event
    day = agreed[0]
    odd = [aid for aid, (_s, _c, d) in leads.items()
           if 0 < (day - d).days <= MAX_DAYS_EARLIER and ctx.origins[aid] not in support[day]
           and _published_by(ctx, aid, day)]
    if not odd:
        return []
    rows = []
    for aid, (s, c, d) in leads.items():
        if d == day or aid in odd:
            rows.append((s, d.isoformat(), s.text[c.start : c.end], s.start + c.start, s.start + c.end))
    return [make_conflict(ctx, story, None, "date", "date: the event, as the leads tell it", rows)]


def _published_by(ctx: StoryContext, aid: str, day: date) -> bool:
    """Whether the report came out after ``day``, when the day's event was known: one published before it, or on
    it (a wire story of the day before, syndicated after midnight), told an earlier part of the story (the first
    day of a two-day conference), not the agreed day's event on a wrong day."""
    published = ctx.articles[aid].published
    return published is not None and published.date() > day


def _lead_days(
    sentences: Sequence[_Sentence], claims: Mapping[int, tuple[Claim, ...]]
) -> dict[str, tuple[_Sentence, Claim, date]]:
    """Each article's first lead day said of an act: a day its parse hangs on a verb other than one of saying,
    outside a quotation, resolved to a day it names."""
    by_article: dict[str, list[_Sentence]] = defaultdict(list)
    for s in sentences:
        by_article[s.article_id].append(s)
    out: dict[str, tuple[_Sentence, Claim, date]] = {}
    for aid, found in by_article.items():
        for s in sorted(found, key=lambda x: x.start)[:LEAD_SENTENCES]:
            hit = _act_day(s, claims.get(s.order, ()))
            if hit is not None:
                out[aid] = (s, *hit)
                break
    return out


def _act_day(s: _Sentence, claims: tuple[Claim, ...]) -> tuple[Claim, date] | None:
    for c in claims:
        if c.kind != "time" or c.negated or not c.verb or c.head != c.verb or c.verb in REPORTING_LEMMAS:
            continue
        at = s.start + c.start
        if in_quotation(s, at):
            continue
        d = next((d for d in s.dates if d.start <= at < d.end or at <= d.start < s.start + c.end), None)
        if d is not None and d.granularity == "day" and names_day(d):
            return c, date.fromisoformat(_day_key(d).partition("|")[0])
    return None
