"""The library API the CLI and web call: ingest is idempotent, export is versioned and complete."""

import csv
import io
import json

from storyline import workflow
from storyline.config import load_settings
from storyline.records import Article, CopyLink, Story
from storyline.store import open_store


def _write_corpus(folder):
    (folder / "one.md").write_text(
        "---\ntitle: Ferry service resumes\noutlet: Harbor Ledger\nurl: https://ledger.example/ferry\n"
        "published: 2026-03-18T09:00:00+00:00\nid: HL-1\n---\n"
        "PORTMERE — The ferry to Gull Island resumed service on Wednesday after a two-week halt.\n",
        encoding="utf-8",
    )
    (folder / "two.jsonl").write_text(
        json.dumps({"id": 7, "outlet": "Coast Wire", "url": "https://wire.example/7", "title": "Bridge opens",
                    "text": "The new bridge over the Marl opened to traffic on Monday, officials said."}) + "\n"
        + "{not json\n",
        encoding="utf-8",
    )


def test_ingest_twice_stores_once_and_reports_bad_records(tmp_path):
    _write_corpus(tmp_path)
    settings = load_settings(db=str(tmp_path / "s.db"), env={})
    with open_store(settings.db) as store:
        first = workflow.ingest(store, [str(tmp_path)], settings)
        second = workflow.ingest(store, [str(tmp_path)], settings)
        assert len(first.added) == 2 and not first.present
        assert not second.added and sorted(second.present) == sorted(first.added)
        assert [s.source for s in first.skipped] == [f"{tmp_path / 'two.jsonl'}#2"]
        assert "JSON" in first.skipped[0].reason or "json" in first.skipped[0].reason
        assert store.count_articles() == 2
        assert store.get_article("7").external_id == "7"
        assert store.get_article("HL-1").title == "Ferry service resumes"


def test_export_json_jsonl_csv_carry_every_record(tmp_path):
    with open_store(str(tmp_path / "e.db")) as store:
        a = Article(id="a1", text="Origin text.", title="Origin", external_id="X-1", url="https://o.example/1", source="t")
        b = Article(id="a2", text="Origin text.", title="Copy", external_id="X-2", url="https://c.example/2", source="t")
        store.add_articles([a, b])
        store.put_copies([CopyLink(article_id="a2", kind="syndicated", score=0.98, copy_of="a1", reason="same text")])
        store.save_stories([Story(id="s1", title="Origin", article_ids=("a1", "a2"), independent_origins=1)])
        store.put_story_doc("s1", "timeline", [{"date": "2026-03-18", "event": "x"}])

        out = io.StringIO()
        assert workflow.export(store, "json", out) == 2
        doc = json.loads(out.getvalue())
        assert doc["format"] == "storyline-export" and doc["version"] == 1
        assert [x["external_id"] for x in doc["articles"]] == ["X-1", "X-2"]
        assert doc["copies"][0]["copy_of"] == "a1" and doc["copies"][0]["external_id"] == "X-2"
        assert doc["stories"][0]["external_ids"] == ["X-1", "X-2"]
        assert doc["story_docs"]["s1"]["timeline"][0]["date"] == "2026-03-18"

        out = io.StringIO()
        workflow.export(store, "jsonl", out)
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert rows[0]["type"] == "header"
        assert {r["type"] for r in rows} >= {"article", "copy", "story", "story_doc"}

        out = io.StringIO()
        workflow.export(store, "csv", out)
        table = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert [r["copy_of"] for r in table] == ["", "a1"]
        assert table[1]["copy_kind"] == "syndicated"
