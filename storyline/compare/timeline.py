from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from ..records import Article, DateRef, Reading, TimelineEvent
from .context import StoryContext
from .sentences import _sentence_around


def timeline(ctx: StoryContext, ids: list[str], arts: Mapping[str, Article], reads: Mapping[str, Reading]) -> list[TimelineEvent]:
    """One event per resolved date (day, month or year: "in 2031", a background year, is a dated event too), with
    every article and sentence that dates it."""
    first = min((arts[i].published.date() for i in ids if arts[i].published), default=None)
    by_day: dict[tuple[date, str], list[tuple[str, DateRef, tuple[int, int]]]] = defaultdict(list)
    for aid in ids:
        for d in reads[aid].dates:
            if d.granularity not in ("day", "month", "year"):
                continue
            by_day[(d.value, d.granularity)].append((aid, d, _sentence_around(arts[aid], reads[aid], d.start, d.end)))
    events = []
    for (day, gran), items in sorted(by_day.items(), key=lambda kv: (kv[0][0], kv[0][1] != "day")):
        aid, _d, (s, e) = items[0]
        cites = tuple(dict.fromkeys(ctx.cite(a, st, en) for a, _, (st, en) in items))
        events.append(
            TimelineEvent(
                day, gran, arts[aid].text[s:e], tuple(dict.fromkeys(a for a, _, _ in items)), cites,
                earlier=bool(first and _last_day(day, gran) < first),
            )
        )
    return events



def _last_day(day: date, granularity: str) -> date:
    """The last day of the day, month or year a date names."""
    if granularity == "year":
        return date(day.year, 12, 31)
    if granularity == "month":
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    return day
