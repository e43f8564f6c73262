"""The account's opening: which article lead tells the story first.

Every report opens with its lead (who did what, where, when); told twice, the event reads twice, so the account
opens with one article lead and leaves the others out (:func:`article_leads`). Which one:

- **a story reported over days** (a report published :data:`DEVELOPMENT_GAP_HOURS` or more after the first) opens
  with the latest development: the first sentence of the latest day's report that tells how the news moved on (a word of
  :data:`~storyline.lang.events.DEVELOPMENT_CUES` outside quotation marks: "the toll rose to 11", "raised its
  offer"), so the account gives the latest figure, not the first night's early count; the next sentence of that
  report follows when it gives figures (:func:`development_figures`: "30 people, up from 21 on Tuesday");
- otherwise a lead of the first reports: the one with the most event content (figures, day, place) and
  support (independent origins whose spans support its wording, and copies that carry it), less one when it
  tells the event as still to come ("is expected to visit") — undated reports are ordered by what they tell —
  then the earliest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from ..lang.events import DEVELOPMENT_CUES, PROSPECTIVE
from ..records import Article, Citation, Fact

# How many of an article's first substantive sentences count as its lead (news writing puts who/what/where/when
# in the first one to three sentences; fitted by reading the demo and newsdesk briefs).
LEAD_WINDOW = 3
# A report published this long after the story's first one is a later report, which may tell a development
# (newsdesk: wire follow-ups come 6 to 30 hours after the first report; same-day rewrites within 3 to 5 hours).
DEVELOPMENT_GAP_HOURS = 6.0

# The first reports: the window an opening is taken from when the story has not moved on (newsdesk: same-day
# rewrites come within 3 to 10 hours; trade weeklies and next-day features 12 hours or more after the first).
FIRST_REPORTS_HOURS = 12.0
# What one more independent origin supporting a lead's wording weighs against its event content (a figure, the
# day or the place weighs one): two, so a lead two outlets vouch for outranks one report's extra figure and day.
ORIGIN_WEIGHT = 2

_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")
_PROSPECTIVE = re.compile(PROSPECTIVE, re.I)
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Candidate:
    """One sentence the account may tell: its wording, the citations that support that wording, its fact."""

    rank: tuple  # sort key (see AccountWriter._candidates)
    text: str
    cites: tuple[Citation, ...]
    fact: Fact
    own: Citation  # the span this wording comes from
    position: int  # among its article's substantive body sentences (0 = first)
    importance: int
    supported: int  # independent origins whose spans support the wording
    carried: int  # articles whose spans support it (copies count)
    minority: int  # contested values it gives that fewer origins give than another
    figures: int = 0  # amounts it states
    named: bool = False  # names the person or organisation it tells of


def published_at(article: Article | None) -> float | None:
    """Publication time as a UTC timestamp (a time without zone is read as UTC), None when undated."""
    if article is None or article.published is None:
        return None
    p: datetime = article.published
    return (p if p.tzinfo else p.replace(tzinfo=timezone.utc)).timestamp()


def tells_development(text: str) -> bool:
    """A development cue outside quotation marks."""
    return any(w.lower() in DEVELOPMENT_CUES for w in _WORD.findall(_QUOTED.sub(" ", text)))


def article_leads(candidates: Sequence[Candidate]) -> set[tuple[str, int]]:
    """(article id, start) of each article's lead: its first substantive body sentence, where it is a candidate."""
    return {(c.own.article_id, c.own.start) for c in candidates if c.fact.kind == "event" and c.position == 0}


def choose_opening(
    candidates: Sequence[Candidate], articles: Mapping[str, Article], leads: set[tuple[str, int]], *, can_open
) -> tuple[Candidate | None, bool]:
    """The candidate the account opens with (see the module docstring), and whether it tells a development;
    ``can_open``: it stands on its own."""
    pool = [c for c in candidates if (c.own.article_id, c.own.start) in leads and c.position == 0
            and not c.minority and can_open(c)]  # fmt: skip
    if not pool:
        return None, False
    # outlets telling one aligned event in their own words vouch for the event, whichever wording they support
    # word for word: the wording with the most event content tells it (a wire lead's day, place and score, not a
    # tabloid's "wrote his name into folklore" that the same outlets back)
    backing: dict[str, int] = {}
    for c in pool:
        backing[c.fact.id] = max(backing.get(c.fact.id, 0), _support(c))
    weight = {id(c): c.importance + backing[c.fact.id] + c.named - prospective(c.text) for c in pool}
    times = {aid: published_at(a) for aid, a in articles.items()}
    known = [t for t in times.values() if t is not None]
    if known:
        first = min(known)
        later = [
            c for c in pool
            if (t := times.get(c.own.article_id)) is not None and t - first >= DEVELOPMENT_GAP_HOURS * 3600
            and tells_development(c.text)
        ]  # fmt: skip
        if later:
            day = max(_day(times[c.own.article_id]) for c in later)
            latest = [c for c in later if _day(times[c.own.article_id]) == day]
            return min(latest, key=lambda c: (-weight[id(c)], c.rank)), True
        # the first reports tell the event; a weekly's analysis days later is no lead
        early = [c for c in pool if (t := times.get(c.own.article_id)) is None or t - first <= FIRST_REPORTS_HOURS * 3600]
        pool = early or pool  # the first reports' leads may not be candidates (a headline, a caption)
    never = float("inf")  # an undated report comes after the dated ones
    return min(pool, key=lambda c: (-weight[id(c)], times.get(c.own.article_id) or never, c.rank)), False


def development_figures(opening: Candidate, candidates: Sequence[Candidate]) -> Candidate | None:
    """The sentence after a development's lead in its report, when it gives figures: a follow-up puts the new
    figures there ("The final tally gave the measure 50.4 percent"; "30 people, up from 21")."""
    return next(
        (c for c in candidates if c.own.article_id == opening.own.article_id and c.position == opening.position + 1
         and c.figures and c.importance > 0),
        None,
    )  # fmt: skip


def _support(c: Candidate) -> int:
    """:data:`ORIGIN_WEIGHT` per further origin that supports the wording, and one when copies carry it too: a lead
    several outlets vouch for outranks a single report's fuller one. With the event content (figures, day, place),
    one more when it names who (a person or organisation: "Orvane is recalling", not "A Tollford company has
    recalled") and one less when it tells the event as still to come, this weighs an opening."""
    return ORIGIN_WEIGHT * (c.supported - 1) + min(c.carried - c.supported, 1)


def prospective(text: str) -> bool:
    """The sentence tells an event still to come ("is scheduled to visit"), outside quotation marks: a lead that
    tells it happened ("announced that he met") outranks it by one."""
    return bool(_PROSPECTIVE.search(_QUOTED.sub(" ", text)))


def _day(timestamp: float | None) -> str:
    return "" if timestamp is None else datetime.fromtimestamp(timestamp, timezone.utc).date().isoformat()
