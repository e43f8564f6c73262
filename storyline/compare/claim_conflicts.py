"""Conflicts between parsed claims: a figure, a place or a day stated for the same thing by different outlets.

:mod:`.syntax` reads each aligned sentence of a story with two or more independent origins into
:class:`~.syntax.Claim` records. Two claims of different origins are about the same thing when they share
what they are about, read from the parse:

- **figures**: the noun counted ("38 people", "four of its 9 coaches" -> a part of the coaches) together with
  the governing verb when the noun says little by itself ("people", "percent": "rescued 38 people" and "injured
  12 people" count different things), or the subject of a figure that counts no noun ("the death toll rose to
  seven"); figures are compared in one scale and unit ("$4.2bn" / "$4.2 billion", "2,400-megawatt" / "2.4
  gigawatts") and up to rounding ("about 340,000"). A figure negated in its clause states nothing.
- **places**: the word a prepositional place hangs on ("the footbridge in Wendham", "arrested at
  Schiphol"), keyed by that noun, or by the verb with its subject; a place and a place containing it agree
  ("Oslo" / "Norway", via the gazetteer).
- **days**: the same for a day (``on Friday``), compared as resolved days, where a bare weekday agrees with a
  day falling on it.

Figures are joined when they share any key of what they count (:func:`_number_keys`: the counted noun, a part's
whole, whom it is for, a generic noun with its verb, the subject with a verb of level); across the story, only on
keys naming an action and what it is about (:func:`_telling`). Differing figures published on different days,
the later one with an update cue, are an ``update`` (see :func:`.numbers._is_update`); the same day, or without a
cue, they are a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..lang.claims import (
    CLOCK_WORDS, GENERIC_COUNTS, LEVEL_VERBS, LIGHT_VERBS, OCCURRENCE_VERBS, PLACE_NOUNS, PRONOUN_SUBJECTS,
    TIME_OF_DAY_NOUNS, VAGUE_PLACE_WORDS,
)
from ..lang.calendar import WEEKDAYS
from ..lang.verbs import same_action
from ..lang.words import REPORTING_LEMMAS
from ..read.gazetteer import Gazetteer
from ..records import Article, Conflict, Story
from .conflicts import _day_key, days_agree, figure_conflict, make_conflict, names_day
from .numbers import FIGURE_TOLERANCE, _fmt_number, numbers_agree
from .context import StoryContext
from .places import _place_key, _places_agree, contains
from .sentences import _Sentence, in_quotation
from .syntax import Claim

_Row = tuple[_Sentence, float, str, int, int]
# units of a size (length, power, area): unlike a count, a share, a sum, a mass of goods or a span of time, the
# size of a thing the parse names is compared across a story, and is a conflict, never an update
SIZE_UNITS = frozenset({"m", "W", "m2"})
# a figure this large names one act of one actor (a price, a sum): smaller ones ("two", "ten") are said of many;
# set by hand, checked on newsdesk (one date conflict found, none false)
DISTINCT_FIGURE = 100
# a sentence anchors another (:func:`_with_anchored`) only when it counts at least this many different nouns: one
# agreeing and one compared
ANCHOR_KEYS = 2



def _number_key(c: Claim) -> tuple[str, ...] | None:
    """What a figure counts, as one comparable key (None: nothing known about it)."""
    keys = _number_keys(c)
    return keys[0] if keys else None


def _number_keys(c: Claim) -> list[tuple[str, ...]]:
    """Every way the parse says what a figure counts, most telling first; two figures sharing one are compared.

    The counted noun ("37 trawlers", "81% of members" -> a part of the members); a noun any count takes ("people",
    "others") with the governing verb ("rescued 38 people"); the subject and verb of a figure that counts no noun
    ("turnout rose to 61.6 percent") or of a share ("Corvane owns 3.7%" / "Corvane, which holds 7.3 per cent
    of the group": a share is a share of whatever the outlet names after it).
    """
    if c.negated:
        return []
    out: list[tuple[str, ...]] = []
    counted = c.counted
    unit = c.unit or ""
    generic = bool(counted) and counted.removeprefix("of:") in GENERIC_COUNTS  # type: ignore[union-attr]
    if counted and not generic:
        # a noun that names what is counted ("37 trawlers") is a key whatever verb governs it ("ban", "bar"); a
        # part of a whole counts the whole's noun too ("six of its 12 carriages" and "six carriages derailed")
        out.append(("count", counted, "", unit))
        if counted.startswith("of:"):
            out.append(("count", counted.removeprefix("of:"), "", unit))
    if c.beneficiary and c.beneficiary not in GENERIC_COUNTS:
        # "6,000 places for seasonal workers" and "visas for 8,000 seasonal workers" count places for the workers
        out.append(("count", c.beneficiary, "", unit))
    if c.state:
        # the state it counts ("Nine are in a critical condition" / "four of them in a critical condition")
        out.append(("state", "" if generic or not counted else counted, c.state, unit))
    if c.verb and c.verb in REPORTING_LEMMAS:
        return out  # "said 12": what was said is no count
    verb = "" if c.verb in LIGHT_VERBS else (same_action(c.verb) or "")
    if counted and generic and verb:
        out.append(("verb", counted, verb, unit))
    if c.subject and c.verb and (not counted or generic or unit == "%"):
        # with the noun counted, if any: "workers walked out for five days" is no count of workers
        level = "be" if c.verb in LEVEL_VERBS else same_action(c.verb)
        out.append(("subject", c.subject, level, unit, counted if generic else ""))
    return out


def _label(key: tuple[str, ...]) -> str:
    if key[0] == "count":
        return key[1].replace("of:", "part of ")
    if key[0] == "verb":
        return f"{key[2]} {key[1]}".strip()
    if key[0] == "state":
        return f"{key[1]} {key[2]}".strip()
    return key[1]


def claim_conflicts(
    ctx: StoryContext,
    story: Story,
    sentences: Sequence[_Sentence],
    claims: Mapping[int, tuple[Claim, ...]],
    arts: Mapping[str, Article],
    gazetteer: Gazetteer | None = None,
    kinds: frozenset[str] = frozenset({"number", "place", "time"}),
    number_keys: frozenset[str] = frozenset({"count", "verb", "subject", "state"}),
    *,
    named_only: bool = False,
    story_wide: bool = False,
) -> list[Conflict]:
    """Number, place and day conflicts (and number updates) between the claims of different origins.

    ``named_only``: places are read only where they locate a named thing ("the Brennard Chemicals works in
    Easton Mill"), keyed by its name: where a named plant, bridge or office stands is one fact across a story.
    ``story_wide``: the sentences are not aligned as saying one thing, so figures and days are compared only on
    keys that name both an action and what it is about (:func:`_telling`).
    """
    by_order = {s.order: s for s in sentences}
    number_items: list[tuple[_Sentence, Claim, list[tuple[str, ...]]]] = []
    places: dict[tuple[str, ...], list[tuple[_Sentence, Claim]]] = defaultdict(list)
    times: dict[tuple[str, ...], list[tuple]] = defaultdict(list)  # type: ignore[type-arg]  # (s, c[, shown span])
    loose: list[tuple[_Sentence, Claim, list[tuple[str, ...]]]] = []
    for order, found in claims.items():
        s = by_order[order]
        for c in found:
            if c.kind not in kinds:
                continue
            if c.kind == "number":
                if _inside_date(s, c):
                    continue
                every = [k for k in _number_keys(c) if k[0] in number_keys]
                number_items.append((s, c, [k for k in every if not story_wide or _telling(k)]))
                if story_wide:
                    loose.append((s, c, [k for k in every if k[0] == "count" and not k[1].startswith("whole:")]))
            elif c.negated or (c.verb in REPORTING_LEMMAS and c.head == c.verb):
                continue
            elif c.kind == "place" and _is_place(s, c, gazetteer) and (not named_only or (c.named and c.prep != "from")):
                places[("named", c.named) if named_only else _anchor(c)].append((s, c))
            elif c.kind == "time":
                if in_quotation(s, s.start + c.start):
                    continue  # a speaker's day, dated from when they spoke
                if not story_wide or _telling_anchor(_anchor(c)):
                    times[_anchor(c)].append((s, c))
                if story_wide:
                    for key in _event_anchors(c):
                        times[key].append((s, c))
                if story_wide and c.head == c.verb and c.subject and c.subject not in PRONOUN_SUBJECTS:
                    # "On Friday, Jo Ruskin returned with 512p" / "on Saturday, Ruskin raised it to 512p": one actor
                    # putting one figure, on the day its verb is dated, is one act whatever the verb
                    for f in found:
                        if (f.kind == "number" and f.verb == c.verb and f.subject == c.subject and not f.negated
                                and (f.number or 0) >= DISTINCT_FIGURE and not _inside_date(s, f)):
                            shown = (min(c.start, f.start), max(c.end, f.end))  # the day and the figure, shown
                            times[("figure", c.subject, _fmt_number(f.number))].append((s, c, *shown))  # type: ignore
    if story_wide:
        number_items = _with_anchored(ctx, number_items, loose)
    out: list[Conflict] = []
    for key, items in _linked([item for item in number_items if item[2]]):
        per_article: dict[str, list[_Row]] = defaultdict(list)
        for s, c in items:
            per_article[s.article_id].append((s, c.number, c.text, s.start + c.start, s.start + c.end))  # type: ignore[arg-type]
        if len({ctx.origins[a] for a in per_article}) < 2:
            continue
        if story_wide and any(_several(rows) for rows in per_article.values()):
            continue  # one report gives two figures for it across the story: it counts several things
        found = figure_conflict(ctx, story, None, _label(key), per_article, arts)
        if found is not None and _size(key):
            found = replace(found, update=False)  # the size of a thing is no running tally
        if found is not None:
            out.append(found)
    if not story_wide and not named_only:
        places, times = _resolve_pronouns(places), _resolve_pronouns(times)
    gaz = gazetteer or Gazetteer()
    for key, items in places.items():
        rows = [(s, _place_key(c.text), *_said(s, c)) for s, c in items]
        conflict = _disagreement(ctx, story, "location", f"location: {_anchor_label(key)}", rows,
                                 lambda a, b: _places_agree(a, b) or contains(gaz, a, b))
        if conflict is not None:
            out.append(conflict)
    for key, items in times.items():
        rows = []
        for s, c, *span in items:
            d = _date_at(s, c)
            start, end = span or (c.start, c.end)
            shown = (s.text[start:end], s.start + start, s.start + end)
            if d is not None and d.granularity == "day" and names_day(d):
                rows.append((s, _day_key(d), *shown))
            elif d is None and c.text.lower() in WEEKDAYS and ctx.articles[s.article_id].published is None:
                # an undated report's "on Tuesday" resolves to no day but still names a weekday (see days_agree)
                day = c.text.lower()
                rows.append((s, f"{day}|{day}", *shown))
        conflict = _disagreement(ctx, story, "date", f"date: {_anchor_label(key)}", rows, days_agree)
        if conflict is not None:
            out.append(conflict)
    return out


def _linked(items: list[tuple[_Sentence, Claim, list[tuple[str, ...]]]]) -> list[tuple[tuple[str, ...], list]]:
    """Figures joined when they share a key (transitively), each group labelled by its most shared key."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, ...], int] = {}
    for n, (_s, _c, keys) in enumerate(items):
        for key in keys:
            if key in first:
                parent[find(n)] = find(first[key])
            else:
                first[key] = n
    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(items)):
        groups[find(n)].append(n)
    out = []
    for members in groups.values():
        counts: dict[tuple[str, ...], int] = defaultdict(int)
        for n in members:
            for key in items[n][2]:
                counts[key] += 1
        label = max(counts, key=lambda k: (counts[k], k[0] == "count", k))  # the key itself breaks a tie: no hash order
        out.append((label, [(items[n][0], items[n][1]) for n in members]))
    return out


def _with_anchored(ctx: StoryContext, items: list, loose: list) -> list:  # type: ignore[type-arg]
    """Figures of two sentences that did not align, joined on a noun they count when the two sentences also give
    the same figure for another noun ("carrying 812 passengers and 41 crew" / "with 821 passengers and 41 crew on
    board": the agreeing crew count shows both tell one manifest, so the passenger counts are compared).

    Each joined figure gets a key of its own for that noun and that set of anchored sentences; across a whole
    story a noun alone is never enough (:func:`_telling`).
    """
    per_sentence: dict[int, list[tuple[_Sentence, Claim, tuple[str, ...]]]] = defaultdict(list)
    for s, c, keys in loose:
        for k in keys:
            per_sentence[s.order].append((s, c, k))
    orders = [o for o, found in per_sentence.items() if len({k for *_, k in found}) >= ANCHOR_KEYS]
    parent: dict[tuple[tuple[str, ...], int], tuple[tuple[str, ...], int]] = {}

    def find(x: tuple[tuple[str, ...], int]) -> tuple[tuple[str, ...], int]:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    values: dict[int, dict[tuple[str, ...], list[float]]] = {}  # each sentence's figures by key, built once
    for o in orders:
        values[o] = defaultdict(list)
        for _s, c, k in per_sentence[o]:
            values[o][k].append(c.number)  # type: ignore[arg-type]
    for i, a in enumerate(orders):
        fa, va = per_sentence[a], values[a]
        for b in orders[i + 1 :]:
            fb, vb = per_sentence[b], values[b]
            if ctx.origins[fa[0][0].article_id] == ctx.origins[fb[0][0].article_id]:
                continue
            shared = va.keys() & vb.keys()
            agreed = {k for k in shared if any(numbers_agree(x, y, tolerance=FIGURE_TOLERANCE)
                                               for x in va[k] for y in vb[k])}
            for k in shared:
                if agreed - {k}:
                    parent[find((k, b))] = find((k, a))
    if not parent:
        return items
    extra: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for s, c, k in (row for found in per_sentence.values() for row in found):
        if (k, s.order) in parent:
            root = find((k, s.order))
            extra[id(c)].append((*k, f"@{root[1]}"))
    return [(s, c, keys + extra.get(id(c), [])) for s, c, keys in items]


def _several(rows: list[_Row]) -> bool:
    """Whether one report's figures for a key disagree (beyond rounding)."""
    return any(not numbers_agree(rows[0][1], r[1], tolerance=FIGURE_TOLERANCE) for r in rows[1:])


def _size(key: tuple[str, ...]) -> bool:
    """A key measuring a thing the parse names ("a depth of 10 km", "a 90-metre tanker")."""
    return key[0] == "count" and key[3] in SIZE_UNITS and not key[1].startswith(("of:", "whole:", "ordinal "))


def _telling(key: tuple[str, ...]) -> bool:
    """A key that holds across a whole story: an action with what it is done to or by ("rescued people", "the
    river peaked"), not a noun alone ("votes", "kilograms" count many things in one story) nor a pronoun."""
    if _size(key):
        return True  # a thing has one size in a story, whoever measures it
    if key[0] == "state":
        return True  # "in a critical condition", "in hospital": a count of people in that state
    if not (key[0] in ("verb", "subject") and key[1] and key[2]) or key[1] in PRONOUN_SUBJECTS:
        return False
    # "turnout was 74.3 percent": a copula tells what is counted when its subject names the figure itself
    return key[2] not in LIGHT_VERBS or (key[0] == "subject" and key[1] not in GENERIC_COUNTS)


def _telling_anchor(key: tuple[str, ...]) -> bool:
    """A day said of a verb with a named subject ("the river peaked on Sunday"), or of an event noun ("Thursday's
    talks", "a parade on Friday"), holds across a story."""
    if key[0] == "noun":
        return key[1] not in TIME_OF_DAY_NOUNS and key[1] not in GENERIC_COUNTS and key[1] not in PRONOUN_SUBJECTS
    return (key[0] == "verb" and bool(key[1]) and key[1] not in LIGHT_VERBS and key[1] not in REPORTING_LEMMAS
            and bool(key[2]) and key[2] not in PRONOUN_SUBJECTS)


def _disagreement(ctx: StoryContext, story: Story, kind: str, subject: str, rows: list, agree) -> Conflict | None:  # type: ignore[no-untyped-def]
    """A conflict when two articles of different origins give values with none in common. Each article is its own
    voice: a rewrite that changed the place or day of the report it copies is set against the others, its source
    too (as in :mod:`.outliers`), though it adds no support to what its source says; a verbatim copy is its
    source's voice."""
    per_article: dict[str, set[str]] = defaultdict(set)
    for s, value, *_ in rows:
        per_article[s.article_id].add(value)
    keys = list(per_article)
    clash = any(
        (ctx.origins[a] != ctx.origins[b] or a in ctx.rewritten or b in ctx.rewritten)
        and not any(agree(x, y) for x in per_article[a] for y in per_article[b])
        for i, a in enumerate(keys) for b in keys[i + 1 :]
    )  # fmt: skip
    if not clash:
        return None
    conflict = make_conflict(ctx, story, None, kind, subject, rows, agree)
    if kind == "date":
        from dataclasses import replace

        conflict = replace(conflict, values=tuple(replace(v, value=v.value.partition("|")[0]) for v in conflict.values))
    return conflict


def _said(s: _Sentence, c: Claim) -> tuple[str, int, int]:
    """A place as the outlet tells it, with the verb it hangs on when that stands just before ("nabbed at X"):
    outlets that name one action with different verbs are shown in their own words."""
    start = c.said_from if c.said_from is not None and c.head == c.verb else c.start
    return s.text[start : c.end], s.start + start, s.start + c.end


def _resolve_pronouns(groups: dict[tuple[str, ...], list]) -> dict[tuple[str, ...], list]:  # type: ignore[type-arg]
    """In sentences aligned as saying one thing, a verb whose subject is a pronoun ("he was arrested at X") has the
    subject the other outlets name with that verb ("Jo Bloggs was arrested at Y"), when they name just one."""
    out: dict[tuple[str, ...], list] = defaultdict(list)  # type: ignore[type-arg]
    for key, items in groups.items():
        target = key
        if key[0] == "verb" and key[1] and (not key[2] or key[2] in PRONOUN_SUBJECTS):
            named = {k for k in groups if k[0] == "verb" and k[1] == key[1] and k[2] and k[2] not in PRONOUN_SUBJECTS}
            if len(named) == 1:
                target = next(iter(named))
        out[target].extend(items)
    return out


def _anchor(c: Claim) -> tuple[str, ...]:
    """The word a place or a day hangs on: a noun by itself, a verb with its subject. A clock time is no noun of
    its own ("closed at 5 a.m. on Monday" / "reopens at 5 a.m. on Wednesday": the verbs tell the two days apart)."""
    if c.head and c.head != c.verb and c.head.lower() not in CLOCK_WORDS:
        return ("noun", c.head)
    return ("verb", same_action(c.verb) or "", c.subject or "")


def _event_anchors(c: Claim) -> list[tuple[str, ...]]:
    """Other words a day said of a verb is the day of, across a story: the verb with its object as with a subject
    ("opened the summit on Tuesday" / "the summit opened on Wednesday"), and the subject of a verb of
    occurring as the event noun it is ("the landslide happened on Tuesday" / "since the landslide on Monday"). A verb
    alone is not its noun: "rose on Thursday" and "the rise" may be any of a story's rises."""
    if not c.verb or c.head != c.verb or c.verb in REPORTING_LEMMAS:
        return []
    verb = same_action(c.verb) or c.verb
    out: list[tuple[str, ...]] = []
    if c.object and c.object not in PRONOUN_SUBJECTS and c.object != c.subject:
        out.append(("verb", verb, c.object))
    subject = c.subject or ""
    if c.verb in OCCURRENCE_VERBS and subject and " " not in subject and subject not in GENERIC_COUNTS:
        out.append(("noun", subject))
    return [k for k in out if _telling_anchor(k)]


def _anchor_label(key: tuple[str, ...]) -> str:
    return key[1] if key[0] in ("noun", "named") else " ".join(k for k in (key[2], key[1]) if k)


def _inside_date(s: _Sentence, c: Claim) -> bool:
    return any(d.start <= s.start + c.start < d.end for d in s.dates)


def _date_at(s: _Sentence, c: Claim):  # type: ignore[no-untyped-def]
    at, end = s.start + c.start, s.start + c.end
    return next((d for d in s.dates if d.start < end and at < d.end), None)


def _is_place(s: _Sentence, c: Claim, gaz: Gazetteer | None = None) -> bool:
    """A parsed place the reader also knows as a place (a Place, or a GPE/LOC/FAC name) or the gazetteer knows,
    or a name no one would take for anything else: after "in"/"near", or "the port/town of", and not a person's
    name; and no date."""
    at, end = s.start + c.start, s.start + c.end
    if any(d.start < end and at < d.end for d in s.dates) or set(c.text.lower().split()) & VAGUE_PLACE_WORDS:
        return False  # a date, or a region only roughly bounded ("northern England") that contradicts nothing
    if c.prep == "compound":
        # "a Milan court": only a town or country the gazetteer knows ("the Midlands firm" names a rough region)
        return gaz is not None and bool(gaz.countries(c.text))
    if any(p.start < end and at < p.end for p in s.places) or any(
        m.start < end and at < m.end and m.label in ("GPE", "LOC", "FAC") for m in s.mentions
    ):
        return True
    if any(m.start < end and at < m.end and m.label == "PERSON" for m in s.mentions):
        return False
    name = c.text.removeprefix("the ").removeprefix("The ")
    if gaz is not None and gaz.countries(name):
        return True
    # the reader's entity model often takes a small town for an organisation ("the Millrace footbridge in Kelby
    # Bridge"); organisations are "at" or "of" something, not "in" or "near" it
    return c.prep in ("in", "near") or (c.prep == "of" and c.head in PLACE_NOUNS)
