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
   :class:`Entity` records and replays analyst overrides (merge, rename) in order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from ..records import Entity, LocalEntity, Mention, Reading, content_id
from .layout import Line, zone_at

KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW"})
# "U.S.-Russia", "US–Russia": a relation between two entities, not an entity
_COMPOUND = re.compile(r"^[A-Z][\w.]*\s?[-\u2013\u2014/]\s?[A-Z][\w.]*$")
HONORIFICS = frozenset({"mr", "ms", "mrs", "miss", "dr", "sir", "dame", "prof", "rev", "gen", "sen", "rep", "gov"})
MALE_HONORIFICS = frozenset({"mr", "sir"})
FEMALE_HONORIFICS = frozenset({"ms", "mrs", "miss", "dame"})
_DETERMINERS = ("the ", "The ", "a ", "A ", "an ", "An ")
_TRAIL = ".,;:!?\"'\u201c\u201d\u2018\u2019()[]-\u2013\u2014 "
_LEAD = ",;:!?\"'\u201c\u201d\u2018\u2019()[]-\u2013\u2014 "
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)")
_ACRONYM_WORD = re.compile(r"^[A-Z][A-Z&]{1,7}s?$")
_CONNECTORS = frozenset({"of", "for", "and", "the", "on", "de", "du", "des", "la", "le", "&", "in", "to", "at"})
# Honorific right before a name ("Mr. Dmitriev"): pulled into the mention.
_NOUN_DETERMINERS = r"(?i:a|an|the|every|each|another|his|her|their|our|my|fellow)"
_HONORIFIC_BEFORE = re.compile(r"\b(Mr|Ms|Mrs|Miss|Dr|Sir|Dame|Prof)\.?\s+$")


def fold(text: str) -> str:
    """Comparison form of a name: no accents, no periods or possessive, case-folded, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"'s\b|'$", "", text)
    text = text.replace(".", "").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def name_tokens(name: str) -> list[str]:
    """Folded tokens of a person's name without honorifics, initials kept (``"v"``)."""
    toks = fold(name).split()
    while toks and toks[0] in HONORIFICS:
        toks = toks[1:]
    return toks


def person_key(name: str) -> str | None:
    """``"first last"`` for a multi-word name (middle names and initials ignored), else ``None``."""
    toks = [t for t in name_tokens(name) if t not in {"jr", "sr", "ii", "iii"}]
    if len(toks) < 2:
        return None
    return f"{toks[0]} {toks[-1]}"


def surname(name: str) -> str | None:
    toks = [t for t in name_tokens(name) if t not in {"jr", "sr", "ii", "iii"}]
    return toks[-1] if toks else None


def initials(words: Sequence[str]) -> set[str]:
    """Acronyms a multi-word name can have: initials of all words, or of its capitalised words only."""
    clean = [w for w in (re.sub(r"[^\w&]", "", w) for w in words) if w]
    if len(clean) < 2:
        return set()
    every = "".join(w[0] for w in clean).upper()
    content = "".join(w[0] for w in clean if w.lower() not in _CONNECTORS).upper()
    return {every, content}


def is_acronym_of(short: str, long: str) -> bool:
    """``"RDIF"`` is an acronym of ``"Russian Direct Investment Fund"`` (periods and case ignored)."""
    short = re.sub(r"[^A-Za-z&]", "", short).upper()
    if len(short) < 2:
        return False
    words = re.split(r"[\s-]+", long.strip())
    return short in initials(words) or short.rstrip("S") in initials(words)


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
            cut = i  # "ROOKIE Rory Delaney": a word in capitals before a name in mixed case is a headline tag
        elif i == 0 and len(words) >= 3 and re.search(rf"\b{_NOUN_DETERMINERS}\s+{re.escape(token)}\b", text):
            cut = i  # "Neighbour Pauline Crabtree": elsewhere the article writes "a neighbour", a common noun
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
    Lindqvist, the director, ..." untagged, "Ms. Lindqvist" tagged), or gives it another label.
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
            continue  # part of a longer name of something else ("Lindqvist Shipping Ltd")
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


class _Groups:
    """Union-find over mention indexes."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _strip_honorific(surface: str) -> str:
    parts = surface.split()
    if len(parts) > 1 and parts[0].rstrip(".").lower() in HONORIFICS:
        return " ".join(parts[1:])
    return surface


def _display(surface: str) -> str:
    surface = _strip_honorific(surface)
    return re.sub(r"[\u2019']s$", "", surface).strip()


def resolve_local(text: str, ents: Sequence[RawEnt]) -> tuple[tuple[LocalEntity, ...], tuple[Mention, ...]]:
    """Group cleaned mentions of one article into entities; returns (entities, mentions)."""
    if not ents:
        return (), ()
    surfaces = [text[e.start : e.end] for e in ents]
    folded = [fold(_strip_honorific(s)) for s in surfaces]
    groups = _Groups(len(ents))

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


# ------------------------------------------------------------------ step 3: across the store

LABEL_CLASS = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


def label_class(label: str) -> str:
    return LABEL_CLASS.get(label, label)


class OverrideLike(Protocol):
    kind: str
    args: tuple[str, ...]


class NamesakeChooser(Protocol):
    """Picks which candidate person a lone surname of another article means (index), or ``None``.

    ``lone`` is ``(article_id, local entity)``; each candidate is the list of ``(article_id, local
    entity)`` already grouped as one person. :class:`storyline.read.coref.NamesakeLinker` is the
    one storyline uses (mention contexts through the coreference pair model).
    """

    def __call__(self, lone: tuple[str, LocalEntity],
                 candidates: Sequence[Sequence[tuple[str, LocalEntity]]]) -> int | None: ...


@dataclass
class _Cluster:
    members: list[tuple[str, LocalEntity]]
    name: str = ""
    label: str = ""
    extra_aliases: set[str] | None = None
    forced_name: str | None = None


def _entity_keys(ent: LocalEntity) -> set[str]:
    """Keys under which two local entities of the same label class are the same entity."""
    cls = label_class(ent.label)
    keys = set()
    for form in (ent.name, *ent.aliases):
        f = fold(_strip_honorific(form))
        if not f:
            continue
        if cls == "PERSON":
            pk = person_key(form)
            if pk:
                keys.add(f"{cls}|p|{pk}")
            elif len(f.split()) == 1:
                # a lone surname ("Williams", "Mr. Williams") is attached separately: two people
                # who share a surname must not meet through it
                continue
        keys.add(f"{cls}|n|{f}")
    return keys


def _canonical(members: list[tuple[str, LocalEntity]]) -> tuple[str, str]:
    names: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    for _, ent in members:
        names[ent.name] += 1
        labels[ent.label] += 1
    name = max(names, key=lambda n: (not _ACRONYM_WORD.match(n), names[n], len(n.split()), n))
    return name, labels.most_common(1)[0][0]


def entity_id(name: str, label: str) -> str:
    return content_id(label_class(label), fold(name), prefix="e")


def resolve_entities(readings: Iterable[Reading], overrides: Sequence[OverrideLike] = (), *,
                     namesakes: NamesakeChooser | None = None,
                     story_of: Mapping[str, str] | None = None) -> list[Entity]:
    """Store-wide entities from every article's local entities, with analyst overrides replayed.

    The readings' local entities go to :func:`resolve_local_entities`, which does the work.
    """
    return resolve_local_entities({r.article_id: r.entities for r in readings}, overrides,
                                  namesakes=namesakes, story_of=story_of)


def resolve_local_entities(entities_by_article: Mapping[str, Sequence[LocalEntity]],
                           overrides: Sequence[OverrideLike] = (), *,
                           namesakes: NamesakeChooser | None = None,
                           story_of: Mapping[str, str] | None = None) -> list[Entity]:
    """Store-wide entities from the local entities of many articles, with analyst overrides replayed.

    Local entities of one label class join when they share a full-name key (first + last name),
    a folded name or an alias (so "RDIF" in one article meets "Russian Direct Investment Fund
    (RDIF)" in another). A lone surname ("Mr. Dmitriev") joins the only full-name person with that
    surname, if there is exactly one. When several share it:

    1. With ``story_of`` (article id -> story id): only the candidates reported in the lone
       surname's own story count. Reports of one event name the same people, so one such candidate
       settles it for the price of a dictionary lookup, and so does one the story names in at least
       twice as many articles as any other (its protagonist: "Mr. Peterson" in the Scott Peterson
       trial story, where Laci Peterson is named too); none leaves the surname on its own (nothing
       ties it to any of them, and guessing across events from sentence wording is both costly and
       unreliable); several go to step 2.
    2. ``namesakes`` (if given) chooses from the mentions' contexts; all questions are collected
       first and handed to its ``prefetch`` method (when it has one), so a model behind it can
       encode every context in a few large batches instead of one question at a time.
    3. Otherwise the surname stays on its own (a wrong merge is worse than a missed one).

    Candidates are the full-name people as grouped by their keys, never the lone surnames that
    joined them, so the questions, and the answers, do not depend on the order they are asked in.
    Overrides: ``entity-merge (a, b)`` folds b into a; ``entity-rename (ref, name)`` renames; refs
    are ids, names or aliases and are looked up when replayed.
    """
    nodes: list[tuple[str, LocalEntity]] = [(aid, ent) for aid, ents in entities_by_article.items() for ent in ents]
    groups = _Groups(len(nodes))
    first_with: dict[str, int] = {}
    for i, (_, ent) in enumerate(nodes):
        for key in _entity_keys(ent):
            if key in first_with:
                groups.union(first_with[key], i)
            else:
                first_with[key] = i
    # the full-name people by surname: {surname: {group root: member node indexes}}
    people: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, (_, ent) in enumerate(nodes):
        if ent.label == "PERSON" and person_key(ent.name):
            people[surname(ent.name) or ""][groups.find(i)].append(i)
    full_by_last = {last: set(by_root) for last, by_root in people.items()}
    # per (surname, candidate person), how many of its articles each story holds, counted once when first needed
    # (a person's group can sit under two surnames with different members: "Ana Lind" aka "Ana Berg")
    story_articles: dict[tuple[str, int], Counter[str | None]] = {}

    def articles_in(last: str, root: int, members: list[int], story: str) -> int:
        if (last, root) not in story_articles:
            story_articles[last, root] = Counter(story_of.get(a) for a in {nodes[j][0] for j in members})  # type: ignore[union-attr]
        return story_articles[last, root][story]

    questions: list[tuple[int, list[int], dict[int, list[int]]]] = []  # (lone surname node, candidate roots, people)
    for i, (aid, ent) in enumerate(nodes):
        if ent.label != "PERSON" or person_key(ent.name):
            continue
        last = _lone_fold(ent)
        by_root = people.get(last, {})
        if len(by_root) == 1:
            groups.union(next(iter(by_root)), i)
            continue
        candidates = sorted(by_root)
        story = story_of.get(aid) if story_of else None
        if story is not None:
            reported = {r: articles_in(last, r, by_root[r], story) for r in candidates}
            candidates = [r for r in candidates if reported[r]]
            lead = _protagonist(candidates, reported)
            if lead is not None:
                groups.union(lead, i)
                continue
        if len(candidates) > 1 and namesakes is not None:
            questions.append((i, candidates, by_root))
    if questions and namesakes is not None:
        asked = [(nodes[i], [_story_first([nodes[j] for j in by_root[r]], nodes[i][0], story_of) for r in roots])
                 for i, roots, by_root in questions]
        prefetch = getattr(namesakes, "prefetch", None)
        if prefetch is not None:
            prefetch(asked)
        for (i, roots, _), (lone, candidates) in zip(questions, asked, strict=True):
            pick = namesakes(lone, candidates)
            if pick is not None:
                groups.union(roots[pick], i)

    # a lone word the model called a person in one article but a place or organisation elsewhere
    # ("Kiev", "Twitter") joins the other reading; the cluster's label is then voted on
    other_by_fold: dict[str, set[int]] = defaultdict(set)
    for i, (_, ent) in enumerate(nodes):
        if ent.label != "PERSON":
            other_by_fold[fold(ent.name)].add(groups.find(i))
    for i, (_, ent) in enumerate(nodes):
        if ent.label == "PERSON" and not person_key(ent.name):
            f = fold(_strip_honorific(ent.name))
            if f in other_by_fold and not full_by_last.get(f):
                roots = {groups.find(j) for j in other_by_fold[f]}
                if len(roots) == 1:
                    groups.union(roots.pop(), i)

    by_root: dict[int, list[tuple[str, LocalEntity]]] = defaultdict(list)
    for i, node in enumerate(nodes):
        by_root[groups.find(i)].append(node)
    clusters: list[_Cluster] = []
    for members in by_root.values():
        name, label = _canonical(members)
        clusters.append(_Cluster(members=members, name=name, label=label, extra_aliases=set()))
    for override in overrides:
        _apply_override(clusters, override)
    return sorted(_unique_ids([_to_entity(c) for c in clusters]), key=lambda e: (e.name.casefold(), e.id))


def _lone_fold(ent: LocalEntity) -> str:
    return fold(_strip_honorific(ent.name))


def _protagonist(candidates: Sequence[int], reported: Mapping[int, int]) -> int | None:
    """The candidate the story is about: the only one it reports, or one it reports in at least
    twice as many articles as any other (and in two or more). ``None`` when it is not that clear."""
    if len(candidates) == 1:
        return candidates[0]
    ranked = sorted(candidates, key=lambda r: -reported[r])
    if len(ranked) > 1 and reported[ranked[0]] >= max(2, 2 * reported[ranked[1]]):
        return ranked[0]
    return None


def _story_first(members: list[tuple[str, LocalEntity]], article_id: str,
                 story_of: Mapping[str, str] | None) -> list[tuple[str, LocalEntity]]:
    """A candidate's members, those in ``article_id``'s story first, then by article id: the
    mentions a namesake chooser reads first are the ones about the same event."""
    story = story_of.get(article_id) if story_of else None
    return sorted(members, key=lambda m: (story is None or story_of.get(m[0]) != story, m[0], m[1].key))  # type: ignore[union-attr]


def _unique_ids(entities: list[Entity]) -> list[Entity]:
    """Two clusters can share a canonical name (two people both called only "Smith" that nothing joined):
    the one in most articles keeps the plain id, the others get an id salted with their first article, so
    ids stay unique and stable across runs."""
    by_id: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:
        by_id[e.id].append(e)
    out: list[Entity] = []
    for eid, group in by_id.items():
        group.sort(key=lambda e: (-len(e.article_ids), e.article_ids))
        out.append(group[0])
        for e in group[1:]:
            salted = content_id(eid, e.article_ids[0] if e.article_ids else "", ",".join(e.aliases), prefix="e")
            out.append(replace(e, id=salted))
    return out


def _to_entity(cluster: _Cluster) -> Entity:
    eid = entity_id(cluster.name, cluster.label)  # from the automatic name: stable across renames
    name = cluster.forced_name or cluster.name
    aliases = {cluster.name} | (cluster.extra_aliases or set())
    for _, ent in cluster.members:
        aliases.add(ent.name)
        aliases.update(ent.aliases)
    aliases.discard(name)
    articles = sorted({aid for aid, _ in cluster.members})
    return Entity(id=eid, name=name, label=cluster.label, aliases=tuple(sorted(aliases)), article_ids=tuple(articles))


def _find(clusters: list[_Cluster], ref: str) -> _Cluster | None:
    ref_fold = fold(ref)
    for test in (
        lambda c: entity_id(c.name, c.label) == ref,
        lambda c: entity_id(c.name, c.label).startswith(ref) and len(ref) >= 5,
        lambda c: fold(c.forced_name or c.name) == ref_fold,
        lambda c: fold(c.name) == ref_fold,
        lambda c: any(fold(a) == ref_fold for _, e in c.members for a in (e.name, *e.aliases)),
    ):
        hits = [c for c in clusters if test(c)]
        if hits:
            return max(hits, key=lambda c: len(c.members))
    return None


def find_entity(entities: Sequence[Entity], ref: str) -> Entity | None:
    """An entity by id, unique id prefix, name or alias (case and accents ignored)."""
    ref_fold = fold(ref)
    for test in (
        lambda e: e.id == ref,
        lambda e: e.id.startswith(ref) and len(ref) >= 5,
        lambda e: fold(e.name) == ref_fold,
        lambda e: any(fold(a) == ref_fold for a in e.aliases),
    ):
        hits = [e for e in entities if test(e)]
        if hits:
            return max(hits, key=lambda e: len(e.article_ids))
    return None


def _apply_override(clusters: list[_Cluster], override: OverrideLike) -> None:
    if override.kind == "entity-merge" and len(override.args) >= 2:
        keep, gone = _find(clusters, override.args[0]), _find(clusters, override.args[1])
        if keep is None or gone is None or keep is gone:
            return  # an override whose entities no longer exist is ignored, not fatal
        keep.members.extend(gone.members)
        keep.extra_aliases = (keep.extra_aliases or set()) | (gone.extra_aliases or set()) | {gone.forced_name or gone.name}
        clusters.remove(gone)
    elif override.kind == "entity-rename" and len(override.args) >= 2:
        target = _find(clusters, override.args[0])
        if target is not None:
            if target.forced_name:
                target.extra_aliases = (target.extra_aliases or set()) | {target.forced_name}
            target.forced_name = override.args[1]
