"""Store-wide entity operations: refresh, look up, merge, rename, and an entity's profile.

Adapters (CLI, web, runner) call these; the resolver itself is pure
(:func:`storyline.read.entities.resolve_entities`). Analyst decisions are stored as overrides
(``entity-merge``, ``entity-rename``) and replayed on every refresh, so they survive new
articles and re-runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..errors import Conflict, NotFound
from ..records import Entity, LocalEntity, Reading
from ..store import Store
from .coref import NameContext, NamesakeLinker
from .entities import NamesakeChooser, find_entity, fold, resolve_entities, sentence_index

ENTITY_OVERRIDES = ("entity-merge", "entity-rename")


def refresh_entities(
    store: Store, *, namesakes: NamesakeChooser | None = None, linker: NamesakeLinker | None = None
) -> list[Entity]:
    """Recompute the entity table from every stored reading and replay the analysts' overrides.

    A lone surname that several stored people share ("Mr. Dmitriev" with both a Kirill and an Ivan
    Dmitriev in the store) is settled by ``namesakes``; by default a :class:`NamesakeLinker` that
    reads the mentions' sentences from the stored articles. MiniLM is loaded only when such a
    surname turns up, so a store without namesakes pays nothing for it. A runner passes its own
    long-lived ``linker`` so that questions answered in an earlier batch are not asked again.
    """
    readings = store.readings()
    overrides = [o for o in store.overrides() if o.kind in ENTITY_OVERRIDES]
    if namesakes is not None:
        chooser: NamesakeChooser = namesakes
    elif linker is not None:
        chooser = linker.rebind(store_contexts(store, readings))
    else:
        chooser = NamesakeLinker(store_contexts(store, readings))
    entities = resolve_entities(readings.values(), overrides, namesakes=chooser)
    store.put_entities(entities)
    return entities


def store_contexts(store: Store, readings: dict[str, Reading]) -> Callable[[str, LocalEntity], list[NameContext]]:
    """``contexts(article_id, local_entity)``: the entity's mentions in that article, each with its
    sentence (from the stored article text, fetched when first asked for)."""
    texts: dict[str, str] = {}

    def contexts(article_id: str, entity: LocalEntity) -> list[NameContext]:
        reading = readings.get(article_id)
        if reading is None:
            return []
        if article_id not in texts:
            found = store.articles(ids=[article_id])
            texts[article_id] = found[0].text if found else ""
        text = texts[article_id]
        out = []
        for m in reading.mentions:
            if m.entity != entity.key or m.end > len(text):
                continue
            k = sentence_index(reading.sentences, m.start) if reading.sentences else 0
            s, e = reading.sentences[k] if reading.sentences else (0, len(text))
            if not s <= m.start < m.end <= e:
                s, e = max(0, m.start - 200), min(len(text), m.end + 200)
            out.append(NameContext(article_id, text[s:e], m.start - s, m.end - s, k))
        return out

    return contexts


def get_entity(store: Store, ref: str) -> Entity:
    entity = find_entity(store.entities(), ref)
    if entity is None:
        raise NotFound("no such entity", item=ref, hint="list them with `storyline entities`")
    return entity


def merge_entities(store: Store, keep: str, gone: str) -> Entity:
    """Fold entity ``gone`` into ``keep`` (ids, names or aliases); returns the merged entity."""
    a, b = get_entity(store, keep), get_entity(store, gone)
    if a.id == b.id:
        raise Conflict("cannot merge an entity into itself", item=a.id)
    store.add_override("entity-merge", (a.name, b.name))
    merged = find_entity(refresh_entities(store), a.name)
    assert merged is not None
    return merged


def rename_entity(store: Store, ref: str, name: str) -> Entity:
    entity = get_entity(store, ref)
    if not name.strip():
        raise Conflict("the new name is empty", item=entity.id)
    store.add_override("entity-rename", (entity.id, name.strip()))
    renamed = next((e for e in refresh_entities(store) if e.id == entity.id), None) or get_entity(store, name)
    return renamed


@dataclass(frozen=True, slots=True)
class RoleSeen:
    title: str
    former: bool
    outlet: str | None
    published: datetime | None
    article_id: str


@dataclass(frozen=True, slots=True)
class EntityProfile:
    entity: Entity
    mentions: int
    roles: tuple[RoleSeen, ...]
    quotes: int


def entity_profile(store: Store, ref: str) -> EntityProfile:
    """The entity with its roles as each outlet gave them (dated by the article) and its quote count."""
    entity = get_entity(store, ref)
    forms = {fold(f) for f in (entity.name, *entity.aliases)}
    readings = store.readings(list(entity.article_ids))
    articles = {a.id: a for a in store.articles(ids=list(entity.article_ids))}
    roles: list[RoleSeen] = []
    mentions = quotes = 0
    for aid, reading in readings.items():
        keys = {le.key for le in reading.entities if fold(le.name) in forms}
        article = articles.get(aid)
        mentions += sum(1 for m in reading.mentions if m.entity in keys)
        quotes += sum(1 for q in reading.quotes if q.speaker in keys)
        for role in reading.roles:
            if role.entity in keys:
                roles.append(RoleSeen(role.title, role.former, article.outlet if article else None,
                                      article.published if article else None, aid))
    roles.sort(key=lambda r: (r.published is None, r.published or datetime.min, r.outlet or ""))
    return EntityProfile(entity, mentions, tuple(roles), quotes)
