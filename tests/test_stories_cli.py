"""The story commands end to end on a small store, with the fake embedder (no models)."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from storyline.cli import app
from storyline.config import load_settings
from storyline.embed import FakeEmbedder
from storyline.pipeline import Batch, Pipeline
from storyline.records import Article
from storyline.store import open_store
from storyline.stories import StoryWiring, load_story_index, save_story_state

FIRE = "HALDEN FALLS (Merriton Press) - A fire at the Brennard solvent plant in Halden Falls killed four workers on Tuesday, the fire service said."
FIRE_2 = "Four workers died in the Brennard plant fire in Halden Falls on Tuesday; the fire service is investigating the solvent hall."
STRIKE = "Dockworkers at the Port of Saltmarsh walked out on Monday over pay and night shifts, halting container traffic."
STRIKE_2 = "The Saltmarsh port strike by dockworkers over pay and night shifts entered its second day with ships queuing."


def _store(tmp_path):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "s.db")
    when = datetime(2026, 3, 11, 9, tzinfo=UTC)
    arts = [
        Article(id=f"a{i}", text=t, title=t[:30], outlet=o, url=f"https://{o.lower().replace(' ', '')}.example/{i}", published=when)
        for i, (t, o) in enumerate([(FIRE, "Merriton Press"), (STRIKE, "Harbor Ledger"), (FIRE + "\nCopyright Merriton Press.", "Valley Courier"),
                                    (FIRE_2, "Harbor Ledger"), (STRIKE_2, "Valley Courier")])
    ]  # fmt: skip
    store = open_store(db)
    store.add_articles(arts)
    return db, store, arts


def _process(store, arts, embedder):  # type: ignore[no-untyped-def]
    wiring = StoryWiring(store, load_settings(db=store.url), embedder)
    pre, models, post = Pipeline(wiring.pre_stages()), wiring.model_stages(), wiring.post_stages()
    batch = pre.run(Batch(articles=tuple(arts)))
    batch = Pipeline(models, provided=("articles", "copies")).run(batch)
    batch = Pipeline(post, provided=("articles", "copies", "embeddings")).run(batch)
    store.put_copies(batch.copies.values())
    store.put_assignments(batch.assignments.values())
    wiring.save(batch)
    return wiring.finish()


def test_wiring_and_commands(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, store, arts = _store(tmp_path)
    embedder = FakeEmbedder(dim=384)
    monkeypatch.setattr("storyline.stories.default_embedder", lambda settings: embedder)
    touched = _process(store, arts, embedder)
    assert len(touched) == 2
    stories = {frozenset(s.article_ids): s for s in store.stories()}
    assert set(stories) == {frozenset({"a0", "a2", "a3"}), frozenset({"a1", "a4"})}
    fire = stories[frozenset({"a0", "a2", "a3"})]
    assert fire.independent_origins == 2  # a2 is a syndicated copy of a0
    assert store.get_embeddings(embedder.name, ["a0"])  # vectors are cached in the store

    runner = CliRunner(env={"COLUMNS": "200"})
    out = runner.invoke(app, ["stories", "--db", db])
    assert out.exit_code == 0 and fire.id in out.output
    out = runner.invoke(app, ["story", fire.id[:8], "--db", db])
    assert out.exit_code == 0, out.output
    assert "copy tree" in out.output and "syndicated" in out.output

    strike = stories[frozenset({"a1", "a4"})]
    out = runner.invoke(app, ["merge", fire.id, strike.id, "--db", db])
    assert out.exit_code == 0, out.output
    assert store.get_story(strike.id).id == fire.id  # the merged id redirects
    out = runner.invoke(app, ["split", fire.id, "a1", "a4", "--db", db])
    assert out.exit_code == 0, out.output
    assert {frozenset(s.article_ids) for s in store.stories()} == set(stories)
    out = runner.invoke(app, ["split", fire.id, "nope", "--db", db])
    assert out.exit_code == 3

    # a later run rebuilds the state: overrides stay applied, new articles still find their story
    index = load_story_index(store, embedder.name, dim=384)
    assert {frozenset(index.members(s)) for s in index.live_stories()} == set(stories)
    assert [o.kind for o in store.overrides()] == ["merge", "split"]
    late = Article(id="a5", text=STRIKE_2 + " Talks are planned.", title="Strike day three", published=arts[0].published)
    store.add_articles([late])
    _process(store, [late], embedder)
    assert store.assignments()["a5"].story_id == store.assignments()["a4"].story_id
    save_story_state(store, index)
