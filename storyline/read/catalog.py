"""Store-wide entity operations: refresh, look up, merge, rename, and an entity's profile.

Adapters (CLI, web, runner) call these; the resolver itself is pure
(:func:`storyline.read.entities.resolve_entities`). Analyst decisions are stored as overrides
(``entity-merge``, ``entity-rename``) and replayed on every refresh, so they survive new
articles and re-runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..errors import Conflict, NotFound
from ..records import Entity, LocalEntity, Reading
from ..store import Store
from .coref import NameContext, NamesakeLinker
from .entities import NamesakeChooser, find_entity, fold, resolve_local_entities, sentence_index

ENTITY_OVERRIDES = ("entity-merge", "entity-rename")


def refresh_entities(
    store: Store, *, namesakes: NamesakeChooser | None = None, linker: NamesakeLinker | None = None
) -> list[Entity]:
    """Recompute the entity table from every stored reading and replay the analysts' overrides.

    Only the readings' local entities are decoded (:meth:`Store.local_entities`). A lone surname
    that several stored people share ("Mr. Dmitriev" with both a Kirill and an Ivan Dmitriev in the
    store) goes to the one reported in the same story when there is exactly one (the stories come
    from the stored assignments); otherwise ``namesakes`` settles it, by default a
    :class:`NamesakeLinker` that reads the mentions' sentences from the stored articles. MiniLM is
    loaded only when such a question turns up, so a store without namesakes pays nothing for it. A
    runner passes its own long-lived ``linker`` so that questions answered in an earlier batch are
    not asked again.
    """
    overrides = [o for o in store.overrides() if o.kind in ENTITY_OVERRIDES]
    story_of = {aid: a.story_id for aid, a in store.assignments().items()}
    if namesakes is not None:
        chooser: NamesakeChooser = namesakes
    elif linker is not None:
        chooser = linker.rebind(StoreContexts(store))
    else:
        chooser = NamesakeLinker(StoreContexts(store))
    entities = resolve_local_entities(store.local_entities(), overrides, namesakes=chooser, story_of=story_of)
    store.put_entities(entities)
    return entities


class StoreContexts:
    """``contexts(article_id, local_entity)``: the entity's mentions in that article, each with its
    sentence, read from the stored reading and article text.

    Articles are read when first asked for, or many at once through :meth:`load` (which
    :meth:`NamesakeLinker.prefetch` calls with every article its questions involve).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._readings: dict[str, Reading | None] = {}
        self._texts: dict[str, str] = {}

    def load(self, article_ids: Sequence[str]) -> None:
        todo = [a for a in article_ids if a not in self._readings]
        if not todo:
            return
        found = self.store.readings(todo)
        for aid in todo:
            self._readings[aid] = found.get(aid)
        self._texts.update((a.id, a.text) for a in self.store.articles(ids=todo))

    def __call__(self, article_id: str, entity: LocalEntity) -> list[NameContext]:
        self.load([article_id])
        reading = self._readings.get(article_id)
        if reading is None:
            return []
        text = self._texts.get(article_id, "")
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
    """Give entity ``ref`` a new canonical name (the old one stays an alias).

    Refused when another entity already has that name: two entities under one name cannot be told
    apart by name afterwards (and name-based overrides would pick either), which is a merge, not a
    rename; the error says which entity holds the name and how to merge them.
    """
    entity = get_entity(store, ref)
    if not name.strip():
        raise Conflict("the new name is empty", item=entity.id)
    holder = next((e for e in store.entities() if e.id != entity.id and fold(e.name) == fold(name.strip())), None)
    if holder is not None:
        raise Conflict(
            f"another entity is already called {holder.name!r} ({holder.id}, {holder.label}, {len(holder.article_ids)} articles)",
            item=entity.id,
            hint=f"to make them one entity: storyline entity-merge {holder.id} {entity.id}",
        )
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
