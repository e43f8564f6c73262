from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..records import LocalEntity, Reading
from .text import _norm_name


# ---------------------------------------------------------------- entities across articles


@dataclass
class EntityIndex:
    """Article-local entity keys resolved to story-wide keys, with canonical names and surface forms."""

    key_of: dict[tuple[str, str], str] = field(default_factory=dict)  # (article id, local key) -> global key
    name_of: dict[str, str] = field(default_factory=dict)  # global key -> canonical name
    label_of: dict[str, str] = field(default_factory=dict)
    forms_of: dict[str, set[str]] = field(default_factory=dict)  # global key -> lower-case surface forms
    # (article id, start, end) of a sentence -> the fact texts (whitespace squashed) it was aligned to as an
    # agreeing paraphrase. Filled by :meth:`Comparer.analyse`; the citation checker reads it from here because
    # it is the story-wide index every checker is built with (see :class:`storyline.brief.CitationChecker`).
    paraphrases: dict[tuple[str, int, int], set[str]] = field(default_factory=dict)

    def resolve(self, article_id: str, local: str | None) -> str | None:
        """The global key of a local key (or of a name as written, when the reader left it unresolved)."""
        if not local:
            return None
        hit = self.key_of.get((article_id, local))
        if hit:
            return hit
        norm = " ".join(_norm_name(local))
        for key, forms in self.forms_of.items():
            if norm and norm in forms:
                return key
        return None

    def name(self, key: str | None) -> str | None:
        return self.name_of.get(key, key) if key else None

    def forms(self, name: str) -> set[str]:
        """Every lower-case surface form of the entity called ``name`` (canonical name or alias)."""
        norm = " ".join(_norm_name(name))
        for key, forms in self.forms_of.items():
            if norm in forms or name.lower() == self.name_of.get(key, "").lower():
                return forms
        return set()


_COARSE = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "NORP": "NORP"}


def resolve_entities(readings: Mapping[str, Reading]) -> EntityIndex:
    """Story-wide entity keys: the reading stage's cross-article resolver when present, else our own.

    :func:`storyline.read.entities.resolve_entities` returns store-wide :class:`Entity` records (name,
    aliases, article ids); a local entity belongs to the one whose article ids hold its article and whose
    name or aliases hold its name. Local entities it does not place fall back to :func:`join_entities`.
    """
    own = join_entities(readings)
    try:
        from .read.entities import resolve_entities as resolve_store_wide
    except ImportError:  # the reading package is optional for this module
        return own
    entities = resolve_store_wide(list(readings.values()))
    by_name: dict[tuple[str, str], str] = {}
    out = EntityIndex()
    for e in entities:
        key = "E:" + e.id
        out.name_of[key] = e.name
        out.label_of[key] = e.label
        forms = out.forms_of.setdefault(key, set())
        for text in (e.name, *e.aliases):
            forms.add(text.lower())
            norm = " ".join(_norm_name(text))
            if norm:
                forms.add(norm)
            for aid in e.article_ids:
                by_name[(aid, text)] = key
        if e.label == "PERSON" and _norm_name(e.name):
            forms.add(_norm_name(e.name)[-1])
    for aid, reading in readings.items():
        for ent in reading.entities:
            key = by_name.get((aid, ent.name))
            if key is None:
                fallback = own.key_of.get((aid, ent.key))
                if fallback is None:
                    continue
                key = fallback
                out.name_of.setdefault(key, own.name_of[key])
                out.label_of.setdefault(key, own.label_of[key])
                out.forms_of.setdefault(key, set()).update(own.forms_of[key])
            out.key_of[(aid, ent.key)] = key
        for mention in reading.mentions:
            key = out.key_of.get((aid, mention.entity))
            if key:
                out.forms_of[key].add(mention.text.lower())
    return out


def join_entities(readings: Mapping[str, Reading]) -> EntityIndex:
    """Join the readings' article-local entities across a story (our own resolver).

    Two local entities are one when (same coarse type) their normalized names match, an alias of one is a
    name or alias of the other (acronyms, "Mr. Surname"), their first and last names match ("Sergey V.
    Lavrov" / "Sergey Lavrov"), or one is a bare surname that only one full name in the story ends with.
    """
    nodes: list[tuple[str, LocalEntity]] = [(aid, e) for aid, r in readings.items() for e in r.entities]
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    full_by_last: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    for n, (_aid, ent) in enumerate(nodes):
        coarse = _COARSE.get(ent.label, ent.label)
        names = {_norm_name(ent.name), *(_norm_name(a) for a in ent.aliases)}
        for toks in names:
            if not toks:
                continue
            index[(coarse, " ".join(toks))].append(n)
            if coarse == "PERSON" and len(toks) >= 2:
                index[(coarse, "first-last:" + toks[0] + " " + toks[-1])].append(n)
        main = _norm_name(ent.name)
        if coarse == "PERSON" and len(main) >= 2:
            full_by_last[(coarse, main[-1])].add(main)
    for members in index.values():
        for other in members[1:]:
            union(members[0], other)
    # a bare surname joins the one full name in the story that ends with it
    for n, (_aid, ent) in enumerate(nodes):
        coarse = _COARSE.get(ent.label, ent.label)
        main = _norm_name(ent.name)
        if coarse == "PERSON" and len(main) == 1:
            fulls = full_by_last.get((coarse, main[0]), set())
            if len(fulls) == 1:
                target = index.get((coarse, " ".join(next(iter(fulls)))))
                if target:
                    union(n, target[0])

    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(nodes)):
        groups[find(n)].append(n)
    out = EntityIndex()
    for members in groups.values():
        names = Counter(nodes[m][1].name for m in members)
        canonical = max(names, key=lambda nm: (len(_norm_name(nm)), names[nm], nm))
        label = Counter(nodes[m][1].label for m in members).most_common(1)[0][0]
        key = "E:" + (" ".join(_norm_name(canonical)) or canonical.lower())
        if key in out.name_of and out.label_of.get(key) != label:
            key = f"{key}/{label}"
        forms = out.forms_of.setdefault(key, set())
        out.name_of.setdefault(key, canonical)
        out.label_of.setdefault(key, label)
        for m in members:
            aid, ent = nodes[m]
            out.key_of[(aid, ent.key)] = key
            for text in (ent.name, *ent.aliases):
                forms.add(text.lower())
                norm = " ".join(_norm_name(text))
                if norm:
                    forms.add(norm)
            if label == "PERSON" and _norm_name(ent.name):
                forms.add(_norm_name(ent.name)[-1])
    for aid, reading in readings.items():
        for mention in reading.mentions:
            key = out.key_of.get((aid, mention.entity))
            if key:
                out.forms_of[key].add(mention.text.lower())
    return out
