"""`storyline entities / entity / entity-merge / entity-rename / show` on a store with hand-built readings."""

from datetime import date, datetime, timezone

from typer.testing import CliRunner

from storyline.cli import app
from storyline.read.catalog import refresh_entities
from storyline.records import Article, DateRef, LocalEntity, Mention, Quote, Reading, Role
from storyline.store import open_store

TEXT = "Minister Ana Lind said on Wednesday: \u201cThe quay is safe.\u201d"


def _db(tmp_path) -> str:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "t.db")
    store = open_store(db)
    store.add_articles([
        Article(id="a1", text=TEXT, outlet="Harbor Ledger", title="Quay safe", published=datetime(2026, 3, 19, tzinfo=timezone.utc)),
        Article(id="a2", text="Ms. Lind and Tom Berg met.", outlet="Valley Courier", title="Meeting"),
    ])
    store.put_readings([
        Reading("a1", entities=(LocalEntity("Ana Lind", "Ana Lind", "PERSON"),),
                mentions=(Mention("Ana Lind", 9, 17, "PERSON", "Ana Lind"),), roles=(Role("Ana Lind", "Minister", 0, 8),),
                quotes=(Quote("The quay is safe.", 38, 55, "Ana Lind", 9, 17, "said"),),
                dates=(DateRef("on Wednesday", 23, 35, date(2026, 3, 18), relative=True),)),
        Reading("a2", entities=(LocalEntity("Lind", "Lind", "PERSON", ("Ms. Lind",)), LocalEntity("Tom Berg", "Tom Berg", "PERSON")),
                mentions=(Mention("Ms. Lind", 0, 8, "PERSON", "Lind"), Mention("Tom Berg", 13, 21, "PERSON", "Tom Berg"))),
    ])
    refresh_entities(store)
    store.close()
    return db


def test_entity_commands(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    runner = CliRunner(env={"COLUMNS": "200"})
    out = runner.invoke(app, ["entities", "--db", db])
    assert out.exit_code == 0 and "Ana Lind" in out.output and "Tom Berg" in out.output
    out = runner.invoke(app, ["entity", "Ms. Lind", "--db", db])
    assert out.exit_code == 0 and "Harbor Ledger: Minister" in out.output and "2026-03-19" in out.output
    out = runner.invoke(app, ["entity-merge", "Ana Lind", "Tom Berg", "--db", db])
    assert out.exit_code == 0 and "Tom Berg" in out.output
    out = runner.invoke(app, ["entity-rename", "Ana Lind", "Ana M. Lind", "--db", db])
    assert out.exit_code == 0 and "Ana M. Lind" in out.output
    out = runner.invoke(app, ["entity", "Nobody", "--db", db])
    assert out.exit_code == 3


def test_show_prints_the_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    out = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["show", "a1", "--db", db])
    assert out.exit_code == 0, out.output
    assert "Ana Lind: Minister" in out.output
    assert "The quay is safe." in out.output and "'on Wednesday' -> 2026-03-18" in out.output


def test_entity_rename_onto_a_taken_name_fails_clearly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    with open_store(db) as store:
        before = store.entities()
    out = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["entity-rename", "Tom Berg", "Ana Lind", "--db", db])
    from storyline.errors import Conflict

    assert out.exit_code == Conflict.exit_code
    assert "already called 'Ana Lind'" in out.output and "entity-merge" in out.output
    assert "is now" not in out.output
    with open_store(db) as store:
        assert store.entities() == before and store.overrides() == []
