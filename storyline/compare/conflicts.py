from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..records import Amount, Article, Conflict, FactValue, Reading, Story, content_id
from .context import StoryContext
from .numbers import _GENERIC_COUNTS, _counts_key, _fmt_number, _is_update, _num, _number_pairs, numbers_agree
from .places import _place_key, _place_swaps, _places_agree
from .sentences import _Sentence, _sentence_at
from .text import _CHANGE_VERBS, _clip, _norm_name


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

    def days(s: _Sentence) -> dict[str, tuple[str, int, int]]:
        if _CHANGE_VERBS.search(s.text):
            return {}
        return {d.value.isoformat(): (d.text, d.start, d.end) for d in s.dates if d.granularity == "day"}

    def where(s: _Sentence) -> dict[str, tuple[str, int, int]]:
        return {
            _place_key(p.name): (p.name, p.start, p.end)
            for p in s.places
            if p.event_location or p.evidence in ("dateline", "in-phrase")
        }

    out += _pairwise(ctx, story, fact_id, "date", f"date: {subject}", close, days, lambda a, b: a == b)
    out += _pairwise(ctx, story, fact_id, "location", f"location: {subject}", close, where, _places_agree)
    if not any(c.kind == "location" for c in out):
        rows = [row for a, b in close for row in _place_swaps(a, b)]
        if rows:
            out.append(make_conflict(ctx, story, fact_id, "location", f"location: {subject}", rows, _places_agree))

    # how many: amounts counting the same thing, and figures a word-level diff lines up
    found: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
    for a, b in pairs:
        for key, rows in _number_pairs(a, b, keyed=ctx.cos[a.order, b.order] >= ctx.settings.conflict_cosine):
            found[key].extend(rows)
    for key, rows in found.items():
        per_article: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
        for row in dict.fromkeys(rows):
            per_article[row[0].article_id].append(row)
        conflict = figure_conflict(ctx, story, fact_id, key, per_article, arts)
        if conflict:
            out.append(conflict)
    return out


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
    sets = {aid: [r[1] for r in rows] for aid, rows in per_article.items()}
    aids = list(sets)
    clash = any(
        not any(numbers_agree(x, y) for x in sets[a] for y in sets[b])
        for i, a in enumerate(aids)
        for b in aids[i + 1 :]
    )
    if not clash:
        return None
    rows = [(r[0], _fmt_number(r[1]), r[2], r[3], r[4]) for items in per_article.values() for r in items]
    label = key.removeprefix("unit:").removeprefix("word:")
    conflict = make_conflict(ctx, 
        story, fact_id, "number", f"number: {label}", rows, lambda x, y: numbers_agree(_num(x), _num(y))
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


def story_numbers(ctx: StoryContext, story: Story, sentences: list[_Sentence], arts: Mapping[str, Article]) -> list[Conflict]:
    """Amounts counting the same specific thing anywhere in the story ("air fryers", "deaths")."""
    by_key: dict[str, list[tuple[_Sentence, Amount]]] = defaultdict(list)
    for s in sentences:
        for a in s.amounts:
            key = _counts_key(a)
            if key and not key.startswith("unit:") and key not in _GENERIC_COUNTS:
                by_key[key].append((s, a))
    out = []
    for key, pairs in by_key.items():
        per_article: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
        for s, a in pairs:
            per_article[s.article_id].append((s, a.value, a.text, a.start, a.end))
        found = figure_conflict(ctx, story, None, key, per_article, arts)
        if found:
            out.append(found)
    return out


def story_locations(
    ctx: StoryContext,
    story: Story,
    ids: list[str],
    reads: Mapping[str, Reading],
    arts: Mapping[str, Article],
    sentences: list[_Sentence],
) -> list[Conflict]:
    """The event location each article gives (its dateline, else its first "in <place>" event location).

    Two articles disagree only when neither names the other's location anywhere: an article that says
    "the talks in Caldwick ... tougher than those in Portmere" knows both places, and a reader that
    picked the wrong one as the event location should not produce a conflict.
    """
    named: dict[str, set[str]] = {
        aid: {_place_key(p.name) for p in reads[aid].places}
        | {" ".join(_norm_name(m.text)) for m in reads[aid].mentions if m.label in ("GPE", "LOC", "FAC")}
        for aid in ids
    }
    rows = []
    for aid in ids:
        # only strong evidence: a dateline, or "in <place>"; a place the lead merely names is not enough
        rank = {"dateline": 0, "in-phrase": 1}
        places = sorted(
            (p for p in reads[aid].places if p.event_location and p.evidence in rank),
            key=lambda p: (rank[p.evidence], p.start),
        )
        if not places:
            continue
        p = places[0]
        sent = _sentence_at(sentences, aid, p.start) or _Sentence(aid, p.start, p.end, p.text, [], set(), [], [], [], [])
        rows.append((sent, _place_key(p.name), p.name, p.start, p.end))
    keys = [(r[0].article_id, r[1]) for r in rows]
    involved = set()
    for i, (aa, ka) in enumerate(keys):
        for ab, kb in keys[i + 1 :]:
            if aa == ab or _places_agree(ka, kb):
                continue
            if any(_places_agree(ka, x) for x in named[ab]) or any(_places_agree(kb, x) for x in named[aa]):
                continue
            involved |= {aa, ab}
    if not involved:
        return []
    rows = [r for r in rows if r[0].article_id in involved]
    return [make_conflict(ctx, story, None, "location", "where it happened", rows, _places_agree)]


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
    return kept, alias
