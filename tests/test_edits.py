"""``storyline edit``: fixing an article's metadata re-runs its reading, its story and the stories' briefs.

A small store is processed once per module through the real pipeline (spaCy reading; the deterministic fake
embedder for vectors, so no MiniLM) and copied for each test with the store's online backup.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.config import Settings
from storyline.edits import ArticleEdit, edit_article, reprocess_article
from storyline.embed import FakeEmbedder
from storyline.errors import InputError, NotFound
from storyline.read.stage import ReadStage
from storyline.records import Article
from storyline.runners.local import LocalRunner
from storyline.store import Store, open_store

pytestmark = pytest.mark.models

EMBEDDER = FakeEmbedder(dim=384)
WEDNESDAY = datetime(2026, 3, 18, 9, tzinfo=UTC)
TEXTS = [
    ("Harbor Ledger", "Ferry fire in Portmere",
     "PORTMERE - A fire broke out on the ferry Alder Grace on Tuesday, injuring 12 people, harbour master Ines Calloway said."),
    ("Valley Courier", "Twelve hurt in Portmere ferry fire",
     "Twelve people were injured on Tuesday when the ferry Alder Grace caught fire in Portmere harbour, Ines Calloway said."),
    ("Northgate Post", "Ferry Alder Grace burns",
     "The ferry Alder Grace burned in Portmere harbour on Tuesday; harbour master Ines Calloway said 12 were hurt."),
    ("Harbor Ledger", "Lindmoor bridge budget approved",
     "LINDMOOR - The council approved 4.5 million for the north bridge on Monday, mayor Tomas Reyna said."),
    ("Valley Courier", "Lindmoor council backs bridge",
     "Lindmoor council on Monday approved the north bridge budget of 4.5 million, mayor Tomas Reyna said."),
]  # fmt: skip


@pytest.fixture(scope="module")
def reader() -> ReadStage:
    return ReadStage(Settings())


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory, reader: ReadStage) -> Path:
    db = tmp_path_factory.mktemp("edits") / "source.db"
    with open_store(str(db)) as store:
        store.add_articles(
            Article(id=Article.make_id(text, f"https://news.example/{n}"), text=text, title=title, outlet=outlet,
                    url=f"https://news.example/{n}", published=WEDNESDAY + timedelta(hours=n), external_id=f"ext-{n}",
                    source=f"hand#{n}")  # fmt: skip
            for n, (outlet, title, text) in enumerate(TEXTS)
        )
        runner = LocalRunner(store, Settings(db=str(db)), embedder=EMBEDDER)
        runner._read_stage = reader  # one spaCy load for the module
        runner.process()
    return db


@pytest.fixture
def store(processed: Path, tmp_path: Path) -> Iterator[Store]:
    with open_store(str(processed)) as source:
        source.backup(str(tmp_path / "copy.db"))
    with open_store(str(tmp_path / "copy.db")) as copy:
        yield copy


def partition(store: Store) -> dict[str, str]:
    """Article -> story from the stories, checked against the assignments: no article in two stories or none."""
    seen: dict[str, str] = {}
    for story in store.stories():
        for aid in story.article_ids:
            assert aid not in seen, f"{aid} is in two stories"
            seen[aid] = story.id
    assert seen == {aid: a.story_id for aid, a in store.assignments().items()}
    assert set(seen) == {a.id for a in store.articles()}
    return seen


def first(store: Store) -> Article:
    return store.get_article("ext-0")


def test_new_publication_time_re_resolves_relative_dates_and_rebuilds_the_brief(store: Store, reader: ReadStage) -> None:
    article = first(store)
    assert [d.value for d in store.readings([article.id])[article.id].dates if d.text == "on Tuesday"] == [date(2026, 3, 17)]
    home = store.assignments()[article.id].story_id
    stories_before = partition(store)
    store.put_story_doc(home, "brief", None)  # so that we see it built again

    updated = edit_article(store, "ext-0", ArticleEdit.parse(published="2026-04-02T09:00+02:00"))
    report = reprocess_article(store, Settings(db=store.url), article.id, before=article, embedder=EMBEDDER, reader=reader)

    assert updated.id == article.id and store.count_articles() == len(TEXTS)
    got = store.get_article(article.id)
    assert got.published == datetime(2026, 4, 2, 9, tzinfo=timezone(timedelta(hours=2)))
    assert (got.text, got.url, got.external_id, got.source, got.outlet, got.title) == (
        article.text, article.url, article.external_id, article.source, article.outlet, article.title)
    assert [d.value for d in store.readings([article.id])[article.id].dates if d.text == "on Tuesday"] == [date(2026, 3, 31)]
    # The event day moved two weeks: by the event-identity rule (storyline/cluster/events.py) that is another
    # event, so the article leaves its story, and the story it joins follows its new time.
    assert article.id in report.moved and len(partition(store)) >= len(stories_before)
    new_home = store.assignments()[article.id].story_id
    assert new_home != home and store.get_story(new_home).last_published == got.published
    assert report.briefs >= 1


def test_outlet_and_title_edit_keeps_the_story_and_updates_its_records(store: Store, reader: ReadStage) -> None:
    article = first(store)
    before = partition(store)
    edit_article(store, article.id, ArticleEdit.parse(outlet="Coastline Wire", title="Portmere ferry blaze"))
    report = reprocess_article(store, Settings(db=store.url), article.id, before=article, embedder=EMBEDDER, reader=reader)
    assert report.reembedded == [article.id]  # the title is part of the embedded text
    assert partition(store) == before
    home = store.get_story(before[article.id])
    assert home.article_ids == tuple(a for a, s in before.items() if s == home.id)  # members keep their order
    brief = store.get_story_doc(home.id, "brief")
    assert "Coastline Wire" in str(brief)  # the brief's sources carry the fixed outlet


def test_a_date_far_from_its_story_moves_the_article_out_without_losing_anything(store: Store, reader: ReadStage) -> None:
    article = first(store)
    before = partition(store)
    home = before[article.id]
    edit_article(store, article.id, ArticleEdit.parse(published="2026-11-02"))
    report = reprocess_article(store, Settings(db=store.url), article.id, before=article, embedder=EMBEDDER, reader=reader)
    after = partition(store)  # every article in exactly one story
    assert report.moved[article.id][0] == home and after[article.id] != home
    assert {a: s for a, s in after.items() if a != article.id} == {a: s for a, s in before.items() if a != article.id}
    assert store.get_story(after[article.id]).article_ids == (article.id,)
    assert article.id not in store.get_story(home).article_ids


def test_an_article_an_analyst_split_off_stays_where_it_was_put(
    store: Store, reader: ReadStage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.stories import split_story

    monkeypatch.setattr("storyline.stories.default_embedder", lambda settings: EMBEDDER)

    article = first(store)
    home = store.assignments()[article.id].story_id
    others = [a for a in store.get_story(home).article_ids if a != article.id]
    split = split_story(store, Settings(db=store.url), home, [others[0]])
    moved = store.get_article(others[0])
    edit_article(store, moved.id, ArticleEdit.parse(published="2026-03-18T11:00Z"))
    report = reprocess_article(store, Settings(db=store.url), moved.id, before=moved, embedder=EMBEDDER, reader=reader)
    assert report.moved == {} and store.assignments()[moved.id].story_id == split.id
    partition(store)


def test_bad_edits_are_refused(store: Store) -> None:
    with pytest.raises(InputError, match="not a date"):
        ArticleEdit.parse(published="soonish")
    with pytest.raises(InputError, match="nothing to change"):
        ArticleEdit.parse()
    with pytest.raises(NotFound):
        edit_article(store, "no-such-article", ArticleEdit.parse(title="x"))
    cleared = edit_article(store, "ext-1", ArticleEdit.parse(published="none", title=""))
    assert cleared.published is None and cleared.title is None


def test_cli_edit(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storyline.stories.default_embedder", lambda settings: EMBEDDER)
    db = store.url
    article = first(store)
    result = CliRunner().invoke(app, ["edit", "ext-0", "--outlet", "Coastline Wire", "--published", "2026-03-25", "--db", db])
    assert result.exit_code == 0, result.output
    assert article.id in result.output and "re-read 1" in result.output
    with open_store(db) as fresh:
        got = fresh.get_article(article.id)
        assert got.outlet == "Coastline Wire" and got.published == datetime(2026, 3, 25, tzinfo=UTC)
        dates = [d.value for d in fresh.readings([article.id])[article.id].dates if d.text == "on Tuesday"]
        assert dates == [date(2026, 3, 24)]
    bad = CliRunner().invoke(app, ["edit", "ext-0", "--published", "whenever", "--db", db])
    assert bad.exit_code == InputError.exit_code and "not a date" in bad.output
