"""A figure most outlets agree on and one outlet gives differently, wherever in their reports they give it.

Independent reports of one event rarely word a figure's sentence alike ("a closure it says will cut 140 jobs" /
"a closure that would cost 104 jobs"), so such sentences often do not align and their figures are not compared as
one claim (:mod:`.claim_conflicts`). What makes the two comparable is the story itself: when every outlet that
counts a thing ("jobs", "hours" of a closure, "tankers") gives one figure for it, and two or more independent
origins give the same figure, that figure is the story's count of that thing, and a report that gives one other
figure for it states something else about the same thing: an independent outlet, or a rewrite that changed the
figure of the report it copies (a copy adds no support to its source's figure, but may depart from it).

A noun some report counts twice with different figures ("12 bidders in the first round, 19 by the close") counts
several things in this story and is left alone, as is a generic noun ("people", "others") and a part of a whole
("six of its 12 carriages": :mod:`.claim_conflicts` pairs those). The differing figure must lie within
``MAX_RATIO`` of the agreed one: outlets that tell one figure differently disagree by a slip of a digit or an
estimate, not by an order of magnitude ("3 victims were children" against "12 victims" counts another group, and
is left out of the comparison).
Whether two figures published days apart are an update is decided as for any figure
(:func:`.conflicts.figure_conflict`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..lang.claims import GENERIC_COUNTS
from ..records import Article, Conflict, Story
from .claim_conflicts import SIZE_UNITS, _inside_date
from .conflicts import figure_conflict
from .context import StoryContext
from .numbers import FIGURE_TOLERANCE, normalised, numbers_agree
from .sentences import _Sentence
from .syntax import Claim

# the largest ratio between an agreed figure and another outlet's figure for the same thing that is compared;
# newsdesk's number conflicts differ by at most 1.39 ("46 people" / "64 people"); set a little above that
MAX_RATIO = 1.5
# independent origins that must give the same figure before another origin's figure is set against it
MIN_AGREEING_ORIGINS = 2

_Row = tuple[_Sentence, float, str, int, int]


def outlier_figures(
    ctx: StoryContext,
    story: Story,
    sentences: Sequence[_Sentence],
    claims: Mapping[int, tuple[Claim, ...]],
    arts: Mapping[str, Article],
) -> list[Conflict]:
    """Conflicts (or updates) where one origin's figure for a counted noun differs from the one others agree on."""
    by_noun: dict[tuple[str, str | None], dict[str, list[_Row]]] = defaultdict(lambda: defaultdict(list))
    for s in sentences:
        for c in claims.get(s.order, ()):
            noun = _counted_noun(c)
            if noun is None or _inside_date(s, c):
                continue
            value, unit = normalised(s, c.number, s.start + c.start)  # type: ignore[arg-type]
            by_noun[(noun, unit)][s.article_id].append((s, value, c.text, s.start + c.start, s.start + c.end))
    out = []
    for (noun, unit), per_article in by_noun.items():
        figures = {aid: [r[1] for r in rows] for aid, rows in per_article.items()}
        if not all(_one_figure(v) for v in figures.values()):
            continue
        agreed = _agreed_figure({aid: v[0] for aid, v in figures.items()}, ctx.origins)
        if agreed is None:
            continue
        odd = [aid for aid, v in figures.items() if not numbers_agree(v[0], agreed, tolerance=FIGURE_TOLERANCE)]
        far = {aid for aid in odd if not _near(figures[aid][0], agreed)}  # another group of the thing counted
        if len(far) == len(odd):
            continue
        found = figure_conflict(ctx, story, None, noun, {a: r for a, r in per_article.items() if a not in far}, arts)
        if found is not None and unit in SIZE_UNITS:
            found = replace(found, update=False)  # the size of a thing is no running tally
        if found is not None:
            out.append(found)
    return out


def _counted_noun(c: Claim) -> str | None:
    """The specific noun a figure counts ("jobs", "tankers"), or None (generic, a part, negated, no noun)."""
    noun = c.counted
    if c.kind != "number" or c.negated or not noun or c.number is None or noun.startswith(("of:", "whole:")):
        return None
    return None if noun in GENERIC_COUNTS else noun


def _one_figure(values: list[float]) -> bool:
    """Whether an article gives one figure for the noun (repeated, or rounded: "about 140" and "140" are one)."""
    return all(numbers_agree(values[0], v, tolerance=FIGURE_TOLERANCE) for v in values[1:])


def _agreed_figure(figures: dict[str, float], origins: Mapping[str, str]) -> float | None:
    """The figure articles of at least ``MIN_AGREEING_ORIGINS`` independent origins give, when exactly one figure
    has that support (a copy repeating its source adds no support; a rewrite that changed it is set against it)."""
    supported: list[float] = []
    for f in figures.values():
        support = {origins[aid] for aid, g in figures.items() if numbers_agree(f, g, tolerance=FIGURE_TOLERANCE)}
        if len(support) >= MIN_AGREEING_ORIGINS and not any(numbers_agree(f, s, tolerance=FIGURE_TOLERANCE) for s in supported):
            supported.append(f)
    return supported[0] if len(supported) == 1 else None


def _near(value: float, agreed: float) -> bool:
    low, high = sorted((abs(value), abs(agreed)))
    return low > 0 and high / low <= MAX_RATIO
