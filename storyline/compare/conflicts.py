from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from ..lang.calendar import MONTHS, WEEKDAYS
from ..records import Article, Conflict, DateRef, FactValue, Story, content_id
from .context import StoryContext
from .numbers import FIGURE_TOLERANCE, _fmt_number, _is_update, _num, _number_pairs, normalised, numbers_agree
from .places import _modifier, _place_key, _place_swaps, _places_agree, contains
from .sentences import _Sentence, in_quotation
from .text import _TALLY, _clip
from ..lang.claims import ANAPHORIC_COUNTS, GENERIC_COUNTS
from ..lang.words import REPORTING_LEMMAS

# the word-diff's five-letter context stems that say nothing about what a figure counts ("people", "percent")
_GENERIC_STEMS = frozenset(w[:5] for w in GENERIC_COUNTS - ANAPHORIC_COUNTS)


def sentence_conflicts(
    ctx: StoryContext, story: Story, fact_id: str, members: list[_Sentence], arts: Mapping[str, Article], rep: _Sentence
) -> list[Conflict]:
    """Dates, places and figures that aligned sentences of different articles give differently.

    Pairs are compared directly (a group can chain looser pairs): dates and places above
    ``conflict_cosine``, figures above ``figure_cosine``; a sentence that reports a change ("the toll rose to
    six on Wednesday") is not compared on its date.
    """
    out: list[Conflict] = []
    subject = _clip(rep.text)
    pairs = [
        (a, b) for i, a in enumerate(members) for b in members[i + 1 :]
        if a.article_id != b.article_id and ctx.cos[a.order, b.order] >= ctx.settings.figure_cosine
    ]  # fmt: skip
    if not pairs:
        return out
    # a date or a place is compared only between sentences that say nearly the same thing
    close = [(a, b) for a, b in pairs if ctx.cos[a.order, b.order] >= ctx.settings.conflict_cosine]

    def days(s: _Sentence, said: bool = False) -> dict[str, tuple[str, int, int]]:
        """The days a sentence names; ``said``: those of a verb of saying ("whose result was announced on Dec.
        20"), else those of anything else ("a ballot that closed on 19 December"): a report's day is not the day
        of what it reports, so the two are compared each with its own kind."""
        if _TALLY.search(s.text):
            return {}
        reported = _said_days(ctx, s)
        return {_day_key(d): (d.text, d.start, d.end) for d in s.dates
                if d.granularity == "day" and names_day(d) and not in_quotation(s, d.start)
                and ((d.start, d.end) in reported) == said}

    def where(s: _Sentence) -> dict[str, tuple[str, int, int]]:
        return {
            _place_key(p.name): (p.name, p.start, p.end)
            for p in s.places
            if (p.event_location or p.evidence in ("dateline", "in-phrase")) and not _modifier(s, p.end)
        }

    for said in (False, True):
        out += [
            replace(c, values=tuple(replace(v, value=v.value.partition("|")[0]) for v in c.values))
            for c in _pairwise(ctx, story, fact_id, "date", f"date: {subject}", close,
                               lambda s, said=said: days(s, said), days_agree)
        ]
    gaz = ctx.gazetteer

    def places_agree(a: str, b: str) -> bool:
        """The same place, or a place the gazetteer knows to lie in the other ("Leeds" / "UK"). Places of aligned
        sentences name the same spot, so a town the gazetteer does not know stays a different place from a
        country (ECB+ dev perturbations: recall 0.88 with known towns only, 0.62 when any town may lie in it)."""
        return _places_agree(a, b) or (gaz is not None and contains(gaz, a, b, known_only=True))

    out += _pairwise(ctx, story, fact_id, "location", f"location: {subject}", close, where, places_agree)
    if not any(c.kind == "location" for c in out):
        swaps = [row for a, b in close for row in _place_swaps(a, b)]  # rows in pairs: one side, the other
        rows = [row for x, y in zip(swaps[::2], swaps[1::2], strict=True) if not places_agree(x[1], y[1])
                for row in (x, y)]
        if rows:
            out.append(make_conflict(ctx, story, fact_id, "location", f"location: {subject}", rows, places_agree))

    if ctx.settings.word_diff_figures == "off":
        return out
    # how many: amounts counting the same thing, and figures a word-level diff lines up. Parsed claims pair figures
    # by what they count (claim_conflicts); this path reports a conflict only between close sentences ("injuring
    # 12 others" / "injured 15") on a word naming what is counted ("injur", "dead", not "peopl"); otherwise only
    # an update (newsdesk: its amount keys and loose pairs gave most of the false number conflicts)
    found: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
    close_found: set[str] = set()
    for a, b in pairs:
        near = ctx.cos[a.order, b.order] >= ctx.settings.conflict_cosine
        for key, rows in _number_pairs(a, b, keyed=near):
            found[key].extend(rows)
            if near and _names_a_count(key):
                close_found.add(key)
    for key, rows in found.items():
        per_article: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
        for row in dict.fromkeys(rows):
            per_article[row[0].article_id].append(row)
        conflict = figure_conflict(ctx, story, fact_id, key, per_article, arts)
        if conflict and (conflict.update or ctx.settings.word_diff_figures == "all" or key in close_found):
            out.append(conflict)
    return out


def _said_days(ctx: StoryContext, s: _Sentence) -> set[tuple[int, int]]:
    """Spans of the sentence's dates that date a verb of saying, read from the parse (none without one)."""
    if ctx.syntax is None or not s.dates:
        return set()
    (claims,) = ctx.syntax.claims([s.text])
    said = [(s.start + c.start, s.start + c.end) for c in claims
            if c.kind == "time" and c.verb in REPORTING_LEMMAS and c.head == c.verb]
    return {(d.start, d.end) for d in s.dates if any(a < d.end and d.start < b for a, b in said)}


def _names_a_count(key: str) -> bool:
    """A word-diff context stem or an amount's counted word that names what is counted ("injur", "dead"), not
    a unit or a word any count takes ("peopl", "percent")."""
    if key.startswith("unit:"):
        return False
    word = key.removeprefix("word:")
    return word not in GENERIC_COUNTS - ANAPHORIC_COUNTS and word[:5] not in _GENERIC_STEMS


def _pairwise(
    ctx: StoryContext,
    story: Story,
    fact_id: str,
    kind: str,
    subject: str,
    pairs: list[tuple[_Sentence, _Sentence]],
    values_of: Any,
    agree: Any,
) -> list[Conflict]:
    """A conflict when a compared pair gives value sets with no value in common."""
    involved: dict[int, _Sentence] = {}
    for a, b in pairs:
        va, vb = values_of(a), values_of(b)
        if va and vb and not any(agree(x, y) for x in va for y in vb):
            involved[a.order] = a
            involved[b.order] = b
    if not involved:
        return []
    rows = [(s, k, *t) for s in involved.values() for k, t in values_of(s).items()]
    return [make_conflict(ctx, story, fact_id, kind, subject, rows, agree)]


def _figure_label(word: str, rows: list[tuple[_Sentence, str, str, int, int]]) -> str:
    """What a figure conflict is about: its key word, or for a word any count takes ("others", "people") that word
    as the first outlet writes it, after the word before the figure ("injuring others", not "other")."""
    if word not in GENERIC_COUNTS:
        return word
    sentence, _value, window, start, _end = rows[0]
    before = sentence.text[: start - sentence.start].split()[-1:]
    lead = before[0].strip(",;:()\"'“”").lower() if before else ""
    after = window.split()[-1].lower() if window.split() else ""
    counted = after if after.startswith(word) else word
    return f"{lead} {counted}".strip() if lead.isalpha() else counted


def figure_conflict(
    ctx: StoryContext,
    story: Story,
    fact_id: str | None,
    key: str,
    per_article: Mapping[str, list[tuple[_Sentence, float, str, int, int]]],
    arts: Mapping[str, Article],
) -> Conflict | None:
    """A number conflict (or update) from (sentence, value, text, start, end) rows grouped by article."""
    if len(per_article) < 2:
        return None
    # one scale and unit for every figure: "2.4 gigawatts" / "2,400-megawatt", "two weeks" / "14 days" agree
    read = {aid: [(r, *normalised(r[0], r[1], r[3])) for r in rows] for aid, rows in per_article.items()}
    units = {u for items in read.values() for _, _, u in items if u}
    if len(units) > 1:
        return None  # a share and an amount of money, or a length and a count: different things counted
    per_article = {aid: [(r[0], v, *r[2:]) for r, v, _ in items] for aid, items in read.items()}
    sets = {aid: [r[1] for r in rows] for aid, rows in per_article.items()}
    aids = list(sets)
    clash = any(
        not any(numbers_agree(x, y, tolerance=FIGURE_TOLERANCE) for x in sets[a] for y in sets[b])
        for i, a in enumerate(aids)
        for b in aids[i + 1 :]
    )
    if not clash:
        return None
    rows = [(r[0], _fmt_number(r[1]), r[2], r[3], r[4]) for items in per_article.values() for r in items]
    label = _figure_label(key.removeprefix("unit:").removeprefix("word:"), rows)
    conflict = make_conflict(ctx, 
        story, fact_id, "number", f"number: {label}", rows,
        lambda x, y: numbers_agree(_num(x), _num(y), tolerance=FIGURE_TOLERANCE)
    )
    if _is_update(per_article, arts):
        conflict = replace(conflict, update=True)
    return conflict


def make_conflict(
    ctx: StoryContext,
    story: Story,
    fact_id: str | None,
    kind: str,
    subject: str,
    rows: list[tuple[_Sentence, str, str, int, int]],
    agree: Any = None,
    *,
    update: bool = False,
) -> Conflict:
    """Group (sentence, value key, text, start, end) rows into values with their articles and spans."""
    groups: dict[str, list[tuple[_Sentence, str, int, int]]] = {}
    for s, key, text, _start, _end in rows:
        target = next((g for g in groups if agree and agree(g, key)), key) if agree else key
        groups.setdefault(target, []).append((s, text, _start, _end))
    values = []
    for key, items in groups.items():
        aids = tuple(dict.fromkeys(s.article_id for s, *_ in items))
        cites = tuple(dict.fromkeys(ctx.cite(s.article_id, s.start, s.end) for s, *_ in items))
        values.append(FactValue(key, items[0][1], aids, cites))
    cid = content_id(story.id, kind, subject, *sorted(v.value for v in values), prefix="c")
    return Conflict(cid, story.id, kind, subject, tuple(values), fact_id, update)  # type: ignore[arg-type]


# kinds whose subject names the one thing disputed (a person's title or employer, a quotation's wording or speaker):
# two of them between the same articles are two disputes, not one found twice
_ONE_PER_SUBJECT = frozenset({"title", "employer", "quote_wording", "quote_speaker", "quote_truncation"})


def _dedupe(conflicts: list[Conflict]) -> tuple[list[Conflict], dict[str, str]]:
    """One conflict per disagreement: sentence- and story-level checks, and different context words for the
    same figures, often find the same one. Same kind and same articles, or a number conflict with the same
    values, merge (articles and spans united). Returns the kept conflicts and a map old id -> kept id.
    """
    kept: list[Conflict] = []
    alias: dict[str, str] = {}
    for c in conflicts:
        parts = frozenset(frozenset(v.article_ids) for v in c.values)
        values = frozenset(v.value for v in c.values)
        match = next(
            (
                n for n, k in enumerate(kept)
                if k.kind == c.kind and k.update == c.update
                and (c.kind not in _ONE_PER_SUBJECT or k.subject == c.subject)
                and (parts == frozenset(frozenset(v.article_ids) for v in k.values)
                     or (c.kind == "number" and values == frozenset(v.value for v in k.values)))
            ),
            None,
        )  # fmt: skip
        if match is None:
            alias[c.id] = c.id
            kept.append(c)
            continue
        k = kept[match]
        alias[c.id] = k.id
        merged = []
        for v in k.values:
            other = next((o for o in c.values if o.value == v.value), None)
            if other is not None:
                v = replace(
                    v,
                    article_ids=tuple(dict.fromkeys((*v.article_ids, *other.article_ids))),
                    citations=tuple(dict.fromkeys((*v.citations, *other.citations))),
                )
            merged.append(v)
        kept[match] = replace(k, values=tuple(merged))
    return _within_updates(kept, alias)


def _within_updates(kept: list[Conflict], alias: dict[str, str]) -> tuple[list[Conflict], dict[str, str]]:
    """A number conflict whose every figure is a step of a figure updated over time, told by articles that also
    tell that update (the same figures, found on another key), is that update, not a second disagreement."""
    updates = [c for c in kept if c.update and c.kind == "number"]

    def steps(c: Conflict) -> set[tuple[str, float]]:
        return {(a, _num(v.value)) for v in c.values for a in v.article_ids}

    out = []
    for c in kept:
        if c.kind == "number" and not c.update:
            mine = steps(c)
            # every figure is one of the update's steps, and the articles giving them overlap (an undated article
            # quoting an earlier step is still that update)
            home = next((u for u in updates
                         if all(any(numbers_agree(x, y) for _b, y in steps(u)) for _a, x in mine)
                         and {a for a, _ in mine} & {b for b, _ in steps(u)}), None)
            if home is not None:
                for old, new in alias.items():
                    if new == c.id:
                        alias[old] = home.id
                continue
        out.append(c)
    return out, alias


def _day_key(d: DateRef) -> str:
    """The resolved day, with the weekday the text names when it names one without a month ("on Tuesday")."""
    low = d.text.lower()
    named = next((w for w in WEEKDAYS if w in low), None)
    bare = named is not None and not any(m in low.split() or m + "." in low.split() for m in MONTHS)
    return d.value.isoformat() + (f"|{named}" if bare and d.relative else "")


_DAY_WORDS = frozenset({*WEEKDAYS, *MONTHS, "today", "yesterday", "tomorrow", "tonight", "overnight"})


def names_day(d: DateRef) -> bool:
    """Whether a date's text names a day ("on Friday", "14 November", "yesterday"): a bare clock time ("shortly
    after 5 a.m.") resolves to the publication day and says nothing about which day it was."""
    words = set(re.findall(r"[a-z]+", d.text.lower()))
    return bool(words & _DAY_WORDS)


def days_agree(a: str, b: str) -> bool:
    """Same day; or a bare weekday ("on Wednesday") and a day that falls on it ("11 January"), or the same
    weekday resolved against two publication dates: the same day written two ways is no conflict."""
    da, _, wa = a.partition("|")
    db, _, wb = b.partition("|")
    if da == db:
        return True
    if wa and wb:
        return wa == wb
    weekday = wa or wb
    other = db if wa else da
    return bool(weekday) and list(WEEKDAYS)[date.fromisoformat(other).weekday()] == weekday
