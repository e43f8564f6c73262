"""Named-entity mentions: cleaning, resolution within an article, and across the whole store.

Three steps, each plain Python over character spans (the model only supplies raw NER spans):

1. :func:`clean_mentions` trims spans (determiners, possessives, punctuation), pulls an honorific
   ("Mr.", "Ms.") into the span, drops junk, and drops mentions from headlines, captions and credit
   lines unless the body names the same entity -- NER on Title Case headlines is unreliable
   ("Putin Advisor Visits Miami" yields the PERSON "Visits Miami").
2. :func:`resolve_local` groups an article's mentions into :class:`LocalEntity` records: full name,
   surname, "Mr./Ms. X", first+last with or without middle initials, acronyms and their expansions
   ("Russian Direct Investment Fund (RDIF)"), and the same string under different NER labels.
3. :func:`resolve_entities` merges the local entities of many articles into store-wide
   :class:`Entity` records and replays analyst overrides (merge, rename) in order
   (:mod:`storyline.read.entity_store`; name forms in :mod:`storyline.read.names`; both read from here too).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..records import LocalEntity, Mention
from .entity_store import (
    LABEL_CLASS,
    Groups,
    NamesakeChooser,
    OverrideLike,
    entity_id,
    find_entity,
    label_class,
    resolve_entities,
    resolve_local_entities,
)
from .layout import Line, zone_at
from .names import (
    _ACRONYM_WORD,
    _CONNECTORS,
    FEMALE_HONORIFICS,
    HONORIFICS,
    MALE_HONORIFICS,
    _strip_honorific,
    fold,
    initials,
    is_acronym_of,
    name_tokens,
    person_key,
    surname,
)

__all__ = [  # names read from here by other modules (store-wide resolution and name forms live apart)
    "FEMALE_HONORIFICS", "HONORIFICS", "LABEL_CLASS", "MALE_HONORIFICS", "NamesakeChooser", "OverrideLike", "RawEnt",
    "acronym_pairs", "antecedent", "clean_mentions", "entity_id", "find_entity", "fold", "gender_hints", "initials",
    "is_acronym_of", "label_class", "name_tokens", "person_key", "resolve_entities", "resolve_local",
    "resolve_local_entities", "sentence_index", "surname",
]

KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW"})
# "U.S.-Russia", "US–Russia": a relation between two entities, not an entity
_COMPOUND = re.compile(r"^[A-Z][\w.]*\s?[-\u2013\u2014/]\s?[A-Z][\w.]*$")
_DETERMINERS = ("the ", "The ", "a ", "A ", "an ", "An ")
_TRAIL = ".,;:!?\"'\u201c\u201d\u2018\u2019()[]-\u2013\u2014 "
_LEAD = ",;:!?\"'\u201c\u201d\u2018\u2019()[]-\u2013\u2014 "
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)")
# Honorific right before a name ("Mr. Dmitriev"): pulled into the mention.
_NOUN_DETERMINERS = r"(?i:a|an|the|every|each|another|his|her|their|our|my|fellow)"
_HONORIFIC_BEFORE = re.compile(r"\b(Mr|Ms|Mrs|Miss|Dr|Sir|Dame|Prof)\.?\s+$")


# ------------------------------------------------------------------ step 1: cleaning


@dataclass(frozen=True, slots=True)
class RawEnt:
    """A span as the NER model gave it."""

    start: int
    end: int
    label: str


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _LEAD:
        start += 1
    for det in _DETERMINERS:
        if text.startswith(det, start) and end - start > len(det):
            start += len(det)
            break
    changed = True
    while changed and end > start:
        changed = False
        for tail in ("'s", "\u2019s"):
            if text.endswith(tail, start, end):
                end -= len(tail)
                changed = True
        while end > start and text[end - 1] in _TRAIL:
            # keep the period of a final initial or abbreviation ("U.S.", "Jr.")
            if text[end - 1] == "." and re.search(r"(?:\b[A-Z]|\b[A-Z][a-z]?\.[A-Z]|Jr|Sr|Inc|Corp|Co|Ltd)\.$", text[start:end]):
                break
            end -= 1
            changed = True
    return start, end


def _is_junk(surface: str, label: str) -> bool:
    if len(surface) < 2 or not any(c.isupper() for c in surface):
        return True
    if "\n" in surface or _COMPOUND.match(surface):
        return True
    if label == "PERSON" and (any(c.isdigit() for c in surface) or len(surface.split()) > 5):
        return True
    if label in {"PERSON", "ORG", "GPE", "LOC"} and not surface[0].isupper() and not surface[0].isdigit():
        return True
    return False


def _strip_title(text: str, start: int, end: int) -> int:
    """Start of the name inside a PERSON span that took in a title ("Mayor Colm Ashby", "CPSB chair Dana Whitlow").

    Everything up to the last role word or title modifier goes; the title is read as a role by
    :mod:`storyline.read.roles`. At least one word of the name is kept.
    """
    from .roles import MODIFIERS, ROLE_NOUNS

    words = list(re.finditer(r"\S+", text[start:end]))
    cut = None
    for i, w in enumerate(words[:-1]):
        token = w.group().strip(",").lower()
        if token in ROLE_NOUNS or token in MODIFIERS:
            cut = i
        elif i == 0 and len(w.group()) > 1 and w.group().isupper() and not words[1].group().isupper():
            cut = i  # "ROOKIE Cal Dane": a word in capitals before a name in mixed case is a headline tag
        elif i == 0 and len(words) >= 3 and re.search(rf"\b{_NOUN_DETERMINERS}\s+{re.escape(token)}\b", text):
            cut = i  # "Neighbour Doreen Pilbeam": elsewhere the article writes "a neighbour", a common noun
    if cut is None:
        return start
    return start + words[cut + 1].start()


def _split_lines(text: str, ents: Iterable[RawEnt]) -> Iterator[RawEnt]:
    """A span the model ran across a line break ("FEDERATION\n\nKirill Dmitriev") becomes one per line."""
    for ent in ents:
        if "\n" not in text[ent.start : ent.end]:
            yield ent
            continue
        for part in re.finditer(r"[^\n]+", text[ent.start : ent.end]):
            if part.group().strip():
                yield RawEnt(ent.start + part.start(), ent.start + part.end(), ent.label)


_NOT_FIRST_NAME = frozenset(
    """the a an in on at as by for from with and but or of to if when while after before during since until
    mr ms mrs dr sir dame said says told union according""".split()
)


def _propagate_names(text: str, kept: list[RawEnt], layout: list[Line]) -> list[RawEnt]:
    """Find the other occurrences of each person the model recognised once.

    The small model often misses a name it tags correctly elsewhere in the same article ("Ana
    Hallgren, the director, ..." untagged, "Ms. Hallgren" tagged), or gives it another label.
    Every body occurrence of a recognised surname -- with the capitalised first name before it,
    when there is one -- becomes a PERSON mention, unless it is already a PERSON or a place.
    """
    from .roles import MODIFIERS, ROLE_NOUNS

    surnames = set()
    for e in kept:
        if e.label == "PERSON":
            toks = _strip_honorific(text[e.start : e.end]).split()
            if toks and len(toks[-1]) >= 3 and toks[-1][0].isupper() and toks[-1].isalpha():
                surnames.add(toks[-1])
    if not surnames:
        return kept
    out = list(kept)
    pattern = re.compile(r"\b(?:(?P<first>[A-Z][a-z]+)\s+)?(?P<last>" + "|".join(map(re.escape, sorted(surnames))) + r")\b")
    for m in pattern.finditer(text):
        if zone_at(layout, m.start()) != "body":
            continue
        first = m.group("first")
        start = m.start() if first and first.lower() not in _NOT_FIRST_NAME | ROLE_NOUNS | MODIFIERS else m.start("last")
        end = m.end()
        overlapping = [e for e in out if e.start < end and start < e.end]
        if any(e.label in {"PERSON", "GPE", "LOC", "NORP", "FAC"} for e in overlapping):
            continue
        if any(e.end - e.start > end - start for e in overlapping):
            continue  # part of a longer name of something else ("Hallgren Shipping Ltd")
        out = [e for e in out if e not in overlapping]
        before = _HONORIFIC_BEFORE.search(text, max(0, start - 6), start)
        out.append(RawEnt(before.start() if before else start, end, "PERSON"))
    return out


def clean_mentions(
    text: str, ents: Iterable[RawEnt], layout: list[Line], *, skip: tuple[int, int] | None = None,
    is_place: Callable[[str], bool] | None = None,
) -> list[RawEnt]:
    """Trimmed, de-junked entity spans of the kinds we keep, in text order.

    Mentions outside the body (headline, caption, credit line) survive only when a body mention
    has the same folded text or surname; ``skip`` is a span (the dateline) whose mentions are
    dropped because the caller handles it. Each type is then checked against how the article uses the
    name (:func:`storyline.read.mention_types.check_types`; ``is_place``: an optional gazetteer look-up).
    """
    body: list[RawEnt] = []
    other: list[RawEnt] = []
    for ent in _split_lines(text, ents):
        if ent.label not in KEEP_LABELS:
            continue
        if skip and ent.start < skip[1] < ent.end:
            ent = RawEnt(skip[1], ent.end, ent.label)  # the model ran a span out of the skipped dateline
        start, end = _trim(text, ent.start, ent.end)
        if end <= start:
            continue
        surface = text[start:end]
        if _is_junk(surface, ent.label):
            continue
        if ent.label == "PERSON":
            start = _strip_title(text, start, end)
            surface = text[start:end]
            if _is_junk(surface, ent.label):
                continue
            before = _HONORIFIC_BEFORE.search(text, max(0, start - 6), start)
            if before:
                start = before.start()
        if skip and skip[0] <= start < skip[1]:
            continue
        item = RawEnt(start, end, ent.label)
        (body if zone_at(layout, start) == "body" else other).append(item)
    known = set()
    for ent in body:
        surface = text[ent.start : ent.end]
        known.add(fold(surface))
        if ent.label == "PERSON" and (last := surname(surface)):
            known.add(last)
    kept = body + [e for e in other if fold(text[e.start : e.end]) in known]
    from .mention_types import check_types

    kept, _changes = check_types(text, kept, is_place=is_place)
    kept = _propagate_names(text, kept, layout)
    kept.sort(key=lambda e: (e.start, -e.end))
    out: list[RawEnt] = []
    for ent in kept:  # drop overlaps, keep the first/longest
        if out and ent.start < out[-1].end:
            continue
        out.append(ent)
    return out


# ------------------------------------------------------------------ step 2: within an article


def acronym_pairs(text: str) -> list[tuple[str, str]]:
    """``(long form, acronym)`` pairs defined in the text as "Long Form Name (LFN)"."""
    pairs = []
    for match in _ACRONYM_DEF.finditer(text):
        short = match.group(1)
        before = text[max(0, match.start() - 120) : match.start()].rstrip()
        words = re.findall(r"[\w&'\u2019.-]+", before)
        # try the shortest run of trailing words whose initials give the acronym
        for n in range(2, min(len(words), 10) + 1):
            cand = words[-n:]
            if cand[0].lower() in _CONNECTORS or not cand[0][0].isupper():
                continue
            if is_acronym_of(short, " ".join(cand)):
                pairs.append((" ".join(cand), short))
                break
    return pairs


def _display(surface: str) -> str:
    surface = _strip_honorific(surface)
    return re.sub(r"[\u2019']s$", "", surface).strip()


def resolve_local(text: str, ents: Sequence[RawEnt]) -> tuple[tuple[LocalEntity, ...], tuple[Mention, ...]]:
    """Group cleaned mentions of one article into entities; returns (entities, mentions)."""
    if not ents:
        return (), ()
    surfaces = [text[e.start : e.end] for e in ents]
    folded = [fold(_strip_honorific(s)) for s in surfaces]
    groups = Groups(len(ents))

    # same folded string -> same entity (labels are voted on below)
    first_by_fold: dict[str, int] = {}
    for i, f in enumerate(folded):
        if f in first_by_fold:
            groups.union(first_by_fold[f], i)
        else:
            first_by_fold[f] = i

    # persons: first+last, then a lone surname or first name that matches exactly one person
    person_idx = [i for i, e in enumerate(ents) if e.label == "PERSON" and person_key(surfaces[i])]
    by_key: dict[str, list[int]] = defaultdict(list)
    for i in person_idx:
        by_key[person_key(surfaces[i]) or ""].append(i)
    for members in by_key.values():
        for j in members[1:]:
            groups.union(members[0], j)
    by_last: dict[str, set[str]] = defaultdict(set)
    by_first: dict[str, set[str]] = defaultdict(set)
    for key in by_key:
        by_first[key.split()[0]].add(key)
        by_last[key.split()[-1]].add(key)
    for i, f in enumerate(folded):
        if len(f.split()) != 1 or ents[i].label not in {"PERSON", "ORG", "GPE", "NORP", "LOC", "PRODUCT", "FAC"}:
            continue
        keys = by_last.get(f) or (by_first.get(f) if ents[i].label == "PERSON" else None)
        if keys and len(keys) == 1:
            groups.union(by_key[next(iter(keys))][0], i)

    # a lone word that starts a multi-word organisation's or place's name is its short form
    # ("Kestrel" for "Kestrel Home Appliances", "Halden" for "Halden Falls"), whatever label the
    # model gave it, unless it is a person's surname
    for kinds, lone in (({"ORG"}, {"ORG", "PERSON"}), ({"GPE", "LOC", "FAC"}, {"GPE", "LOC", "FAC", "ORG", "PERSON"})):
        first_word: dict[str, set[int]] = defaultdict(set)
        for i, f in enumerate(folded):
            if ents[i].label in kinds and len(f.split()) >= 2:
                first_word[f.split()[0]].add(groups.find(i))
        for i, f in enumerate(folded):
            if len(f.split()) == 1 and len(first_word.get(f, ())) == 1 and f not in by_last and ents[i].label in lone:
                groups.union(next(iter(first_word[f])), i)

    # acronyms: defined in the text, or the initials of another multi-word mention
    for long, short in acronym_pairs(text):
        lf, sf = fold(long), fold(short)
        li = next((i for i, f in enumerate(folded) if f == lf or f.endswith(" " + lf) or lf.endswith(" " + f)), None)
        si = next((i for i, f in enumerate(folded) if f == sf), None)
        if li is not None and si is not None:
            groups.union(li, si)
    multi = [i for i, f in enumerate(folded) if len(f.split()) >= 2 and ents[i].label != "PERSON"]
    for i, s in enumerate(surfaces):
        if _ACRONYM_WORD.match(s):
            hits = {groups.find(j) for j in multi if is_acronym_of(s, surfaces[j])}
            if len(hits) == 1:
                groups.union(hits.pop(), i)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ents)):
        clusters[groups.find(i)].append(i)

    entities: list[LocalEntity] = []
    key_of: dict[int, str] = {}
    used: set[str] = set()
    for root, members in sorted(clusters.items()):
        labels = Counter(ents[i].label for i in members)
        if any(ents[i].label == "PERSON" and person_key(surfaces[i]) for i in members):
            label = "PERSON"
        elif any(ents[i].label == "ORG" and len(folded[i].split()) >= 2 for i in members):
            label = "ORG"
        else:
            label = max(labels, key=lambda lab: (labels[lab], lab == "PERSON", lab == "ORG"))
        names = [_display(surfaces[i]) for i in members]
        count = Counter(names)
        # canonical: the most complete form (most words, not an acronym), then the most frequent
        name = max(count, key=lambda n: (not _ACRONYM_WORD.match(n), len(n.split()), not n.isupper(), count[n], -names.index(n)))
        aliases = sorted({s for i in members for s in (_display(surfaces[i]), surfaces[i]) if s != name})
        key = name if name not in used else f"{name} ({label})"
        used.add(key)
        entities.append(LocalEntity(key=key, name=name, label=label, aliases=tuple(aliases)))
        for i in members:
            key_of[i] = key
    label_of = {e.key: e.label for e in entities}
    mentions = tuple(
        Mention(text=surfaces[i], start=e.start, end=e.end, label=label_of[key_of[i]], entity=key_of[i])
        for i, e in enumerate(ents)
    )
    return tuple(entities), mentions


def gender_hints(mentions: Iterable[Mention]) -> dict[str, str]:
    """``{entity key: "m" | "f"}`` from honorifics used in the article ("Mr. X", "Ms. Y")."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        first = m.text.split()[0].rstrip(".").lower() if m.text.split() else ""
        if first in MALE_HONORIFICS:
            votes[m.entity]["m"] += 1
        elif first in FEMALE_HONORIFICS:
            votes[m.entity]["f"] += 1
    return {k: v.most_common(1)[0][0] for k, v in votes.items()}


def sentence_index(sentences: Sequence[tuple[int, int]], offset: int) -> int:
    """Index of the sentence holding ``offset`` (the preceding one when it falls between two)."""
    best = 0
    for i, (s, e) in enumerate(sentences):
        if s <= offset:
            best = i
        if s <= offset < e:
            return i
    return best


def antecedent(
    mentions: Sequence[Mention],
    sentences: Sequence[tuple[int, int]],
    offset: int,
    *,
    gender: str | None = None,
    genders: dict[str, str] | None = None,
    labels: frozenset[str] = frozenset({"PERSON"}),
    skip: Callable[[int], bool] | None = None,
    window: int = 4,
) -> Mention | None:
    """The mention a pronoun at ``offset`` most likely refers to.

    Look in the pronoun's sentence before it, then up to ``window`` sentences back; in each, the
    first mention (a sentence's subject usually comes first) with a wanted label whose known
    gender does not clash. ``skip`` excludes offsets (e.g. names inside quotations).
    """
    genders = genders or {}
    sentences = list(sentences) or [(0, offset + 1)]
    idx = sentence_index(sentences, offset)
    ordered = sorted(mentions, key=lambda m: m.start)
    for k in range(idx, max(-1, idx - window - 1), -1):
        s, e = sentences[k]
        if k == idx:
            e = offset
        for m in ordered:
            if not (s <= m.start < e) or m.label not in labels or (skip and skip(m.start)):
                continue
            g = genders.get(m.entity)
            if gender and g and g != gender:
                continue
            return m
    return None
