"""``storyline import`` and ``storyline backup``: an export read back gives the same store, on SQLite and PostgreSQL.

The source store is filled by hand (the web tests' corpus: articles with external ids and sources, readings,
copy links, two stories, entities and every per-story document) plus a merged story and one override of each
kind. Vectors are recomputed with the deterministic fake embedder.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storyline.errors import StoreError

from storyline.backup import import_export
from storyline.cli import app
from storyline.config import Settings
from storyline.embed import FakeEmbedder
from storyline.errors import InputError
from storyline.records import Story
from storyline.store import Store, open_store
from storyline.workflow import export, export_document
from tests.store.conftest import backend, pg_database, store_url  # noqa: F401 - fixtures, one test per backend
from tests.web.conftest import _fill

EMBEDDER = FakeEmbedder(dim=384)
T = datetime(2026, 3, 22, 8, 30, tzinfo=UTC)


def fill(store: Store) -> None:
    corpus = _fill(store)
    # a story merged away (its id must still redirect after a restore), and one override of each kind
    store.save_stories([Story("st-gone-0003", "", (), reason="analyst merge", redirect_to=corpus.story.id)])
    store.add_override("merge", (corpus.story.id, "st-gone-0003"), created_at=T)
    store.add_override("split", (corpus.other.id, corpus.articles["xss"].id), created_at=T)
    store.add_override("entity-merge", ("Ines Calloway", "Calloway"), created_at=T)
    store.add_override("entity-rename", ("ent-lindmoor", "Lindmoor town"), created_at=T)


def comparable(store: Store) -> dict[str, Any]:
    doc = export_document(store)
    doc.pop("exported_at")
    return doc


def dump(store: Store, fmt: str) -> str:
    out = io.StringIO()
    export(store, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_import_export_gives_the_same_store(store_url: str, tmp_path: Path, fmt: str) -> None:  # noqa: F811
    source_path = tmp_path / "source.db"
    with open_store(str(source_path)) as source:
        fill(source)
        before = comparable(source)
        (tmp_path / f"x.{fmt}").write_text(dump(source, fmt), encoding="utf-8")
    assert len(before["overrides"]) == 4 and any(s["redirect_to"] for s in before["stories"])

    with open_store(store_url) as target:
        summary = import_export(target, tmp_path / f"x.{fmt}", Settings(db=store_url), embedder=EMBEDDER)
        assert summary.mode == "restore" and summary.skipped == [] and summary.pending == []
        assert len(summary.added) == 6 and summary.overrides_added == 4
        assert summary.vectors == 6
        after = comparable(target)
        assert after == before  # articles (ids, external ids, sources, urls, times), stories, overrides, everything
        vectors = target.get_embeddings(EMBEDDER.name, [a["id"] for a in before["articles"]])
        link = next(c for c in before["copies"] if c["kind"] == "syndicated")  # borrows its origin's vector
        assert (vectors[link["article_id"]] == vectors[link["copy_of"]]).all()
        assert len(vectors) == 6

        again = import_export(target, tmp_path / f"x.{fmt}", Settings(db=store_url), embedder=EMBEDDER)
        assert again.added == [] and len(again.present) == 6 and again.overrides_added == 0 and again.vectors == 0
        assert comparable(target) == before  # importing twice duplicates nothing
        assert len(target.overrides()) == 4


def test_merged_story_ids_redirect_after_restore(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "a.db")) as source:
        fill(source)
        (tmp_path / "x.jsonl").write_text(dump(source, "jsonl"), encoding="utf-8")
    with open_store(str(tmp_path / "b.db")) as target:
        import_export(target, tmp_path / "x.jsonl", Settings(db=target.url), embedder=EMBEDDER)
        assert target.get_story("st-gone-0003").id == "st-fire-0001"


def test_bad_records_are_skipped_with_file_record_and_reason(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "a.db")) as source:
        fill(source)
        lines = dump(source, "jsonl").splitlines()
        source_doc = comparable(source)
    article_rows = [n for n, line in enumerate(lines) if json.loads(line)["type"] == "article"]
    tampered = json.loads(lines[article_rows[0]])
    tampered["text"] += " (edited)"  # no longer matches its content-hash id
    lines[article_rows[0]] = json.dumps(tampered)
    lines.insert(article_rows[-1] + 1, "{not json")
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_store(str(tmp_path / "b.db")) as target:
        summary = import_export(target, tmp_path / "bad.jsonl", Settings(db=target.url), embedder=EMBEDDER)
        reasons = {s.source: s.reason for s in summary.skipped}
        assert reasons[f"bad.jsonl#{article_rows[0] + 1}"].startswith("the id does not match")
        assert reasons[f"bad.jsonl#{article_rows[-1] + 2}"].startswith("not JSON")
        lost = tampered["id"]
        # everything that named the lost article is skipped too, each with its own line and reason
        assert any("not in the file" in r and lost in r for r in reasons.values())
        assert target.count_articles() == 5
        assert lost not in {a.id for a in target.articles()}
        # its story was skipped, and with it that story's assignments: those articles are left to process
        fire = next(s for s in source_doc["stories"] if s["id"] == "st-fire-0001")
        assert sorted(summary.pending) == sorted(a for a in fire["article_ids"] if a != lost)
        assert len(target.overrides()) == 4


def test_not_an_export_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,text\n1,hello\n", encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"format": "storyline-export", "version": 99}), encoding="utf-8")
    with open_store(str(tmp_path / "s.db")) as store:
        with pytest.raises(InputError, match="not a storyline export"):
            import_export(store, tmp_path / "a.csv", Settings(db=store.url), embedder=EMBEDDER)
        with pytest.raises(InputError, match="newer"):
            import_export(store, tmp_path / "b.json", Settings(db=store.url), embedder=EMBEDDER)
        with pytest.raises(InputError, match="no such file"):
            import_export(store, tmp_path / "missing.json", Settings(db=store.url), embedder=EMBEDDER)


def test_import_into_a_store_with_other_articles_merges(tmp_path: Path) -> None:
    from storyline.records import Article

    with open_store(str(tmp_path / "a.db")) as source:
        fill(source)
        (tmp_path / "x.json").write_text(dump(source, "json"), encoding="utf-8")
        original = {a.id: a for a in source.articles()}
    with open_store(str(tmp_path / "b.db")) as target:
        text = "An unrelated report about a county fair."
        target.add_articles([Article(Article.make_id(text, None), text)])
        summary = import_export(target, tmp_path / "x.json", Settings(db=target.url), embedder=EMBEDDER)
        assert summary.mode == "merge" and summary.skipped == []
        assert sorted(summary.pending) == sorted(original)  # left for `storyline process`
        for article in target.articles(ids=list(original)):  # metadata intact: external id, source, times
            assert article == original[article.id]
        assert target.stories() == [] and len(target.overrides()) == 4


def test_cli_import_and_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storyline.stories.default_embedder", lambda settings: EMBEDDER)
    with open_store(str(tmp_path / "a.db")) as source:
        fill(source)
        (tmp_path / "x.jsonl").write_text(dump(source, "jsonl"), encoding="utf-8")
        before = comparable(source)
    runner = CliRunner()
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["import", str(tmp_path / "x.jsonl"), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    assert "restore: 6 articles added" in result.output
    result = runner.invoke(app, ["backup", str(tmp_path / "copy.db"), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    with open_store(str(tmp_path / "copy.db")) as copy:
        assert comparable(copy) == before
    assert sqlite3.connect(tmp_path / "copy.db").execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = runner.invoke(app, ["backup", str(tmp_path / "copy.db"), "--db", str(fresh)])
    assert again.exit_code == StoreError.exit_code and "already exists" in again.output  # the exception table's code


def test_backup_refuses_postgres_with_pg_dump_hint(store_url: str, tmp_path: Path) -> None:  # noqa: F811
    with open_store(store_url) as store:
        if store_url.startswith("postgresql"):
            with pytest.raises(StoreError, match="pg_dump"):
                store.backup(str(tmp_path / "x.db"))
        else:
            store.backup(str(tmp_path / "x.db"))
            assert (tmp_path / "x.db").exists() and not (tmp_path / "x.db.partial").exists()
