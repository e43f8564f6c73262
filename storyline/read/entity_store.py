"""Store-wide entities: every article's local entities merged into :class:`Entity` records (a full name, its
surname in another article when one person fits, acronyms and their expansions), with analyst overrides (merge,
rename) replayed in order; :func:`find_entity` looks one up by id or name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from ..records import Entity, LocalEntity, Reading, content_id
from .names import _ACRONYM_WORD, _strip_honorific, fold, person_key, surname


class Groups:
    """Union-find over indexes (mentions of an article, local entities of the store)."""

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
    groups = Groups(len(nodes))
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
