"""Store-wide entity operations on a SQLite store with hand-built readings (no model)."""

from datetime import datetime, timezone

import pytest

from storyline.errors import Conflict, NotFound
from storyline.read.catalog import entity_profile, get_entity, merge_entities, refresh_entities, rename_entity
from storyline.records import Article, LocalEntity, Mention, Reading, Role
from storyline.store import open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "t.db"))
    a1 = Article(id="a1", text="Minister Ana Lind spoke.", outlet="Harbor Ledger", published=datetime(2026, 3, 18, tzinfo=timezone.utc))
    a2 = Article(id="a2", text="Ms. Lind and Tom Berg met.", outlet="Valley Courier", published=datetime(2026, 3, 19, tzinfo=timezone.utc))
    s.add_articles([a1, a2])
    s.put_readings([
        Reading("a1", entities=(LocalEntity("Ana Lind", "Ana Lind", "PERSON"),),
                mentions=(Mention("Ana Lind", 9, 17, "PERSON", "Ana Lind"),),
                roles=(Role("Ana Lind", "Minister", 0, 8),)),
        Reading("a2", entities=(LocalEntity("Lind", "Lind", "PERSON", ("Ms. Lind",)), LocalEntity("Tom Berg", "Tom Berg", "PERSON")),
                mentions=(Mention("Ms. Lind", 0, 8, "PERSON", "Lind"), Mention("Tom Berg", 13, 21, "PERSON", "Tom Berg"))),
    ])
    refresh_entities(s)
    yield s
    s.close()


def test_profile_has_roles_by_outlet_and_date(store) -> None:
    profile = entity_profile(store, "Ms. Lind")
    assert profile.entity.name == "Ana Lind" and profile.entity.article_ids == ("a1", "a2")
    assert [(r.outlet, r.title) for r in profile.roles] == [("Harbor Ledger", "Minister")]
    assert profile.mentions == 2


def test_merge_and_rename_survive_a_refresh(store) -> None:
    merged = merge_entities(store, "Ana Lind", "Tom Berg")
    assert "Tom Berg" in merged.aliases
    renamed = rename_entity(store, merged.id, "Ana M. Lind")
    assert renamed.id == merged.id and renamed.name == "Ana M. Lind"
    refresh_entities(store)  # e.g. after new articles: the overrides are replayed
    again = get_entity(store, "Tom Berg")
    assert again.id == merged.id and again.name == "Ana M. Lind"


def test_errors(store) -> None:
    with pytest.raises(NotFound):
        get_entity(store, "Nobody")
    with pytest.raises(Conflict):
        merge_entities(store, "Ana Lind", "Ms. Lind")


def test_rename_to_a_name_another_entity_has_is_refused_and_changes_nothing(store) -> None:
    before = store.entities()
    overrides = store.overrides()
    with pytest.raises(Conflict, match="already called 'Tom Berg'") as caught:
        rename_entity(store, "Ana Lind", "tom berg")  # case does not make it another name
    assert "entity-merge" in (caught.value.hint or "")
    assert store.entities() == before and store.overrides() == overrides
    assert rename_entity(store, "Ana Lind", "Ana Lind").name == "Ana Lind"  # its own name is no clash
