"""One conformance suite for every Store backend (SQLite always; PostgreSQL when configured).

Every test takes the ``store`` (or ``store_url``) fixture from ``conftest.py`` and so runs once per
backend: what passes here behaves the same on both. Records are built by hand.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import traceback
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pytest

from storyline.codec import to_json
from storyline.errors import Conflict, NotFound, StoreError
from storyline.records import (
    Amount,
    Article,
    Assignment,
    CopyLink,
    DateRef,
    Entity,
    LocalEntity,
    Mention,
    Place,
    Quote,
    Reading,
    Role,
    Story,
)
from storyline.store import ArticleFailure, Store, open_store
from storyline.store.migrations import MIGRATIONS

T0 = datetime(2026, 3, 18, 8, 0, tzinfo=UTC)


def art(n: int, **kw: Any) -> Article:
    """Article number ``n``, with a readable fixed id (``a0000000n``) unless one is given."""
    fields: dict[str, Any] = {
        "id": f"a{n:08d}",
        "text": f"Report {n}: the harbour wall at Portmere gave way after the storm.",
        "title": f"Harbour report {n}",
        "outlet": "Harbor Ledger",
        "url": f"https://ledger.example/{n}",
        "published": T0 + timedelta(hours=n),
        "ingested_at": T0 + timedelta(days=1),
        "source": f"feed.jsonl#{n}",
    }
    fields.update(kw)
    return Article(**fields)


def story(sid: str, last: datetime | None, **kw: Any) -> Story:
    return Story(sid, f"Story {sid}", ("a1", "a2"), first_published=last, last_published=last, **kw)


def ids_of(records: list[Any]) -> list[str]:
    return [r.id for r in records]


# ---------------------------------------------------------------- articles


def test_add_reports_added_then_present(store: Store) -> None:
    assert store.add_articles([art(1), art(2)]) == (["a00000001", "a00000002"], [])
    assert store.add_articles([art(2), art(3)]) == (["a00000003"], ["a00000002"])
    assert store.add_articles([]) == ([], [])
    assert store.count_articles() == 3


def test_same_article_twice_is_stored_once(store: Store) -> None:
    assert store.add_articles([art(3), art(1), art(3, title="Again"), art(2)]) == (
        ["a00000003", "a00000001", "a00000002"],
        ["a00000003"],
    )
    assert ids_of(store.articles()) == ["a00000003", "a00000001", "a00000002"]  # first occurrence, input order
    assert store.get_article("a00000003").title == "Harbour report 3"
    assert store.add_articles([art(4), art(4)]) == (["a00000004"], ["a00000004"])
    assert store.count_articles() == 4


def test_a_stored_article_is_not_overwritten(store: Store) -> None:
    assert store.add_articles([art(1)]) == (["a00000001"], [])
    # The id is a content hash: a second ingest of that id is the same report and does not overwrite it.
    assert store.add_articles([art(1, title="Edited")]) == ([], ["a00000001"])
    assert store.count_articles() == 1
    assert store.get_article("a00000001").title == "Harbour report 1"


def test_article_round_trips_every_field(store: Store) -> None:
    full = art(
        7,
        text="Quote: “100% sure?” — she said; O'Brien's ‘caveat’ 🌊, a literal ? and %s and _ and \\ too.",
        author="Mara Quill",
        language="en",
        external_id="ext-7",
        published=datetime(2026, 3, 18, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    )
    bare = Article(id="abare0001", text="Only text.")
    store.add_articles([full, bare])
    got = store.get_article(full.id)
    assert got == full
    assert got.published is not None and got.published.utcoffset() == timedelta(hours=5, minutes=30)
    got = store.get_article(bare.id)
    assert (got.title, got.outlet, got.url, got.author, got.published, got.language, got.external_id) == (None,) * 7
    assert got.ingested_at is not None and got.ingested_at.tzinfo is not None  # the store stamps it


def test_get_article_by_id_prefix_and_external_id(store: Store) -> None:
    store.add_articles([art(1, id="abcd1000", external_id="wire-1"), art(2, id="abcd2000"), art(3, id="abce3000")])
    assert store.get_article("abcd1000").id == "abcd1000"
    assert store.get_article("abcd2").id == "abcd2000"  # unique prefix
    assert store.get_article("abce").id == "abce3000"  # four characters are enough
    assert store.get_article("wire-1").id == "abcd1000"  # external id
    with pytest.raises(NotFound, match="ambiguous"):
        store.get_article("abcd")
    with pytest.raises(NotFound, match="no such article"):
        store.get_article("abc")  # shorter than 4: never read as a prefix
    with pytest.raises(NotFound, match="no such article"):
        store.get_article("abc_")  # LIKE wildcards in the reference are literal characters
    with pytest.raises(NotFound, match="no such article"):
        store.get_article("ab%d")
    with pytest.raises(NotFound, match="no such article"):
        store.get_article("zzzz9999")


def test_exact_id_wins_over_external_id_and_shared_external_id_is_ambiguous(store: Store) -> None:
    store.add_articles([art(1, id="aaaa0001", external_id="bbbb0002"), art(2, id="bbbb0002")])
    assert store.get_article("bbbb0002").id == "bbbb0002"
    store.add_articles([art(3, id="cccc0003", external_id="wire-9"), art(4, id="dddd0004", external_id="wire-9")])
    with pytest.raises(NotFound, match="ambiguous"):
        store.get_article("wire-9")


def test_articles_keep_ingest_order_not_id_order(store: Store) -> None:
    store.add_articles([art(5), art(2)])
    store.add_articles([art(9), art(1)])
    order = ["a00000005", "a00000002", "a00000009", "a00000001"]
    assert ids_of(store.articles()) == order
    assert ids_of(store.articles(limit=2)) == order[:2]
    assert ids_of(store.articles(limit=2, offset=1)) == order[1:3]
    assert ids_of(store.articles(limit=10, offset=3)) == order[3:]
    # ids=: in the order asked for, unknown ids left out
    assert ids_of(store.articles(ids=["a00000001", "nope", "a00000005"])) == ["a00000001", "a00000005"]
    assert store.articles(ids=[]) == []


@pytest.mark.parametrize("batch_size", [1, 2, 3, 7, 100])
def test_iter_articles_yields_everything_in_order_in_batches(store: Store, batch_size: int) -> None:
    store.add_articles([art(n) for n in (4, 0, 6, 3)])
    store.add_articles([art(n) for n in (1, 5, 2)])
    assert ids_of(list(store.iter_articles(batch_size=batch_size))) == ids_of(store.articles())
    assert store.count_articles() == 7


def test_iter_articles_is_lazy(store: Store) -> None:
    """Batches are fetched as the caller goes: rows added after the start still show up at the end."""
    store.add_articles([art(n) for n in range(4)])
    it = store.iter_articles(batch_size=2)
    seen = [next(it).id, next(it).id]
    store.add_articles([art(10)])
    seen += [a.id for a in it]
    assert seen == [f"a{n:08d}" for n in (0, 1, 2, 3, 10)]


def test_lookups_longer_than_one_chunk(store: Store) -> None:
    """add_articles() inserts in chunks; articles(ids=), readings(ids=), get_embeddings() query 500 ids at a time."""
    many = [art(n, text=f"t{n}") for n in range(1100)]
    store.add_articles([many[250]])
    added, present = store.add_articles([*many, many[0]])  # inserted in several statements
    assert (len(added), present) == (1099, [many[250].id, many[0].id])
    assert ids_of(store.articles()) == [many[250].id] + [a.id for a in many if a is not many[250]]
    wanted = [a.id for a in reversed(many)]
    assert ids_of(store.articles(ids=wanted)) == wanted
    store.put_embeddings("m", {a.id: np.full(4, n, dtype=np.float32) for n, a in enumerate(many)})
    got = store.get_embeddings("m", wanted)
    assert len(got) == 1100 and got["a00001099"][0] == 1099.0
    store.put_readings(Reading(article_id=a.id) for a in many)
    assert set(store.readings(wanted)) == set(wanted)


def test_sql_text_may_contain_a_literal_percent(store: Store) -> None:
    """Statements use ``?`` placeholders on every backend; a ``%`` in the SQL itself stays a ``%``."""
    rows = store._rows("SELECT '100%' || ?, '%s%%' || ?", ("x", "y"))  # type: ignore[attr-defined]
    assert [tuple(r) for r in rows] == [("100%x", "%s%%y")]


def test_failed_batch_stores_nothing_and_store_stays_usable(store: Store) -> None:
    bad = Article(id="abad0001", text=None)  # type: ignore[arg-type]  # violates NOT NULL
    with pytest.raises(StoreError):
        store.add_articles([art(1), bad])
    assert store.count_articles() == 0  # one transaction: the good article went too
    assert store.add_articles([art(1)]) == (["a00000001"], [])  # and the connection still works


# ---------------------------------------------------------------- embeddings


def test_embeddings_round_trip_bit_exact(store: Store) -> None:
    rng = np.random.default_rng(7)
    vectors = {f"a{n:08d}": rng.standard_normal(384).astype(np.float32) for n in range(5)}
    f32 = np.finfo(np.float32)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, f32.tiny, f32.smallest_subnormal, f32.max, f32.eps])
    vectors["aspecial"] = special.astype(np.float32)
    store.put_embeddings("minilm", vectors)
    got = store.get_embeddings("minilm", [*vectors, "amissing"])
    assert set(got) == set(vectors)
    for aid, vec in vectors.items():
        assert got[aid].dtype == np.float32 and got[aid].shape == vec.shape
        assert got[aid].tobytes() == vec.tobytes(), aid
    got["aspecial"][0] = 5.0  # the arrays handed out are writable copies


def test_embeddings_upsert_models_and_float64_input(store: Store) -> None:
    store.put_embeddings("m1", {"a1": np.arange(4, dtype=np.float64) / 3})
    store.put_embeddings("m2", {"a1": np.ones(2, dtype=np.float32)})
    assert store.get_embeddings("m1", ["a1"])["a1"].tobytes() == (np.arange(4) / 3).astype(np.float32).tobytes()
    store.put_embeddings("m1", {"a1": np.full(3, 2.5, dtype=np.float32)})  # replaces, even with another size
    assert store.get_embeddings("m1", ["a1"])["a1"].tolist() == [2.5, 2.5, 2.5]
    assert store.get_embeddings("m2", ["a1"])["a1"].tolist() == [1.0, 1.0]
    assert store.get_embeddings("m3", ["a1"]) == {}
    assert store.get_embeddings("m1", []) == {}


# ---------------------------------------------------------------- copies, readings, assignments


def test_copies_replace_per_article(store: Store) -> None:
    links = [
        CopyLink("a3", "rewrite", 0.81, copy_of="a1", reason="shared 8 of 10 sentences"),
        CopyLink("a2", "syndicated", 1.0, credited_url="https://wire.example/x", reason="credit line"),
    ]
    store.put_copies(links)
    assert store.copies() == sorted(links, key=lambda c: c.article_id)
    store.put_copies([CopyLink("a3", "syndicated", 0.99, copy_of="a2", reason="re-checked")])
    assert store.copies() == [links[1], CopyLink("a3", "syndicated", 0.99, copy_of="a2", reason="re-checked")]


def test_readings_round_trip_nested_records(store: Store) -> None:
    reading = Reading(
        article_id="a1",
        sentences=((0, 42), (43, 90)),
        entities=(LocalEntity("Mara Quill", "Mara Quill", "PERSON", aliases=("Ms. Quill", "Quill")),),
        mentions=(Mention("Ms. Quill", 10, 19, "PERSON", "Mara Quill"),),
        roles=(Role("Mara Quill", "harbour master", 22, 36, former=True),),
        quotes=(Quote("The wall “held” until 3 a.m.", 50, 78, "Mara Quill", 10, 19, cue="said", kind="partial"),),
        dates=(DateRef("on Wednesday", 80, 92, date(2026, 3, 18), relative=True),),
        amounts=(Amount("340,000 air fryers", 93, 111, 340000.0, unit=None, counts="air fryers"),),
        places=(Place("Portmere", 0, 8, "Portmere", event_location=True, evidence="dateline"),),
        published_window=(date(2026, 3, 17), date(2026, 3, 19)),
    )
    other = Reading(article_id="a2", quotes=(Quote("Yes.", 0, 4, None),))
    store.put_readings([reading, other])
    assert store.readings() == {"a1": reading, "a2": other}
    assert store.readings(["a2", "a9"]) == {"a2": other}
    assert store.readings([]) == {}
    assert store.local_entities() == {"a1": reading.entities, "a2": ()}
    changed = Reading(article_id="a1", sentences=((0, 5),))
    store.put_readings([changed])
    assert store.readings(["a1"]) == {"a1": changed}
    assert store.local_entities()["a1"] == ()


def test_assignments_upsert(store: Store) -> None:
    first = [Assignment("a1", "s1", 0.9, True, "new story"), Assignment("a2", "s1", 0.72, False, "near a1")]
    store.put_assignments(first)
    assert store.assignments() == {"a1": first[0], "a2": first[1]}
    moved = Assignment("a2", "s2", 0.66, True, "split by analyst")
    store.put_assignments([moved])
    assert store.assignments() == {"a1": first[0], "a2": moved}


def test_last_write_wins_within_one_call(store: Store) -> None:
    store.put_assignments([Assignment("a1", "s1", 0.1, True, "first"), Assignment("a1", "s2", 0.2, True, "second")])
    assert store.assignments()["a1"].reason == "second"


# ---------------------------------------------------------------- stories


def test_stories_upsert_and_order_newest_first_undated_last(store: Store) -> None:
    plus5 = timezone(timedelta(hours=5))
    stories = [
        story("s-undated-b", None),
        story("s-tz", datetime(2026, 3, 20, 10, 0, tzinfo=plus5)),  # 05:00 UTC: later on the clock, earlier in time
        story("s-new", datetime(2026, 3, 20, 6, 0, tzinfo=UTC)),
        story("s-half", datetime(2026, 3, 20, 5, 0, 0, 500000, tzinfo=UTC)),
        story("s-undated-a", None),
        story("s-tie-b", datetime(2026, 3, 19, tzinfo=UTC)),
        story("s-tie-a", datetime(2026, 3, 19, tzinfo=UTC)),
    ]
    store.save_stories(stories)
    expected = ["s-new", "s-half", "s-tz", "s-tie-a", "s-tie-b", "s-undated-a", "s-undated-b"]
    assert ids_of(store.stories()) == expected
    assert store.get_story("s-tz") == stories[1]  # the payload keeps the original time zone
    store.save_stories([story("s-undated-b", datetime(2026, 3, 21, tzinfo=UTC))])
    assert ids_of(store.stories())[0] == "s-undated-b"
    assert len(store.stories()) == 7


def test_story_redirects_follow_merge_chains(store: Store) -> None:
    store.save_stories(
        [
            story("s-a", T0, redirect_to="s-b"),
            story("s-b", T0, redirect_to="s-c"),
            story("s-c", T0),
            story("s-d", T0),
        ]
    )
    assert store.get_story("s-a").id == "s-c"
    assert store.get_story("s-b").id == "s-c"
    assert ids_of(store.stories()) == ["s-c", "s-d"]
    assert ids_of(store.stories(include_merged=True)) == ["s-a", "s-b", "s-c", "s-d"]


def test_story_redirect_cycle_and_dangling_redirect(store: Store) -> None:
    store.save_stories([story("s-x", T0, redirect_to="s-y"), story("s-y", T0, redirect_to="s-x")])
    with pytest.raises(Conflict, match="cycle"):
        store.get_story("s-x")
    store.save_stories([story("s-self", T0, redirect_to="s-self")])
    with pytest.raises(Conflict, match="cycle"):
        store.get_story("s-self")
    store.save_stories([story("s-gone", T0, redirect_to="s-never-saved")])
    with pytest.raises(NotFound):
        store.get_story("s-gone")


def test_get_story_by_prefix(store: Store) -> None:
    store.save_stories([story("sabc1000", T0), story("sabc2000", T0), story("sab_0000", T0)])
    assert store.get_story("sabc1").id == "sabc1000"
    assert store.get_story("sab_").id == "sab_0000"  # "_" is a literal character, not a wildcard
    with pytest.raises(NotFound, match="ambiguous"):
        store.get_story("sabc")
    with pytest.raises(NotFound, match="no such story"):
        store.get_story("sab")  # shorter than 4: never read as a prefix
    with pytest.raises(NotFound, match="no such story"):
        store.get_story("zzzzz")


# ---------------------------------------------------------------- overrides, entities, documents


def test_overrides_are_kept_in_order(store: Store) -> None:
    before = datetime.now(UTC)
    first = store.add_override("merge", ["s-a", "s-b"])
    second = store.add_override("split", ("s-c", "a1", "a2"))
    assert (first.kind, first.args) == ("merge", ("s-a", "s-b"))
    assert (second.kind, second.args) == ("split", ("s-c", "a1", "a2"))
    assert second.id > first.id
    assert before <= first.created_at <= second.created_at <= datetime.now(UTC)
    assert store.overrides() == [first, second]


def test_entities_are_replaced_whole_and_sorted_by_name(store: Store) -> None:
    batch = [
        Entity("e2", "Zed Harbour", "ORG", aliases=("ZH",), article_ids=("a1",)),
        Entity("e1", "alpha", "PERSON"),
        Entity("e3", "Alpha", "PERSON", article_ids=("a1", "a2")),
        Entity("e0", "Alpha", "GPE"),
    ]
    store.put_entities(batch)
    # Code point order (upper case first), the same on every backend and collation.
    assert ids_of(store.entities()) == ["e0", "e3", "e2", "e1"]
    assert {e.id: e for e in store.entities()} == {e.id: e for e in batch}
    store.put_entities([Entity("e9", "Portmere", "GPE")])
    assert ids_of(store.entities()) == ["e9"]
    store.put_entities([])
    assert store.entities() == []


def test_failed_entity_replacement_keeps_the_old_table(store: Store) -> None:
    store.put_entities([Entity("e1", "Old", "ORG")])
    with pytest.raises(StoreError):
        store.put_entities([Entity("e2", "New", "ORG"), Entity("e2", "Twice", "ORG")])  # duplicate id
    assert ids_of(store.entities()) == ["e1"]


def test_story_docs_round_trip_and_upsert(store: Store) -> None:
    payload = {"facts": [{"text": "Wall gave way — 3 a.m.", "status": "agreed", "cites": ["a1", "a2"]}], "n": 2.5}
    store.put_story_doc("s1", "facts", payload)
    store.put_story_doc("s1", "timeline", [Quote("Yes.", 0, 4, None)])  # records go through to_json
    assert store.get_story_doc("s1", "facts") == payload
    assert store.get_story_doc("s1", "timeline") == to_json([Quote("Yes.", 0, 4, None)])
    assert store.get_story_doc("s1", "brief") is None
    assert store.get_story_doc("s2", "facts") is None
    store.put_story_doc("s1", "facts", {"facts": []})
    assert store.get_story_doc("s1", "facts") == {"facts": []}


# ---------------------------------------------------------------- transactions, deleting, failures, stale marks


def test_transaction_commits_everything_at_its_end_and_nothing_before(store: Store, store_url: str) -> None:
    other = open_store(store_url)  # another process's view
    try:
        with store.transaction():
            store.add_articles([art(1)])
            store.put_readings([Reading(article_id="a00000001", sentences=((0, 5),))])
            store.put_assignments([Assignment("a00000001", "s1", 0.5, True, "first")])
            store.save_stories([story("s1", T0)])
            store.mark_stale("tidy", ["s1"])
            assert store.count_articles() == 1 and set(store.assignments()) == {"a00000001"}  # own writes seen
            assert other.count_articles() == 0 and other.assignments() == {} and other.stale("tidy") == set()
        assert other.count_articles() == 1 and set(other.assignments()) == {"a00000001"}
        assert ids_of(other.stories()) == ["s1"] and other.stale("tidy") == {"s1"}
    finally:
        other.close()


def test_exception_in_a_transaction_rolls_back_every_write(store: Store) -> None:
    store.add_articles([art(1)])
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_articles([art(2)])
            store.put_copies([CopyLink("a00000002", "syndicated", 1.0, copy_of="a00000001")])
            store.put_embeddings("m", {"a00000002": np.ones(3, dtype=np.float32)})
            store.put_failures([ArticleFailure("a00000001", "read", "boom", T0)])
            store.add_override("merge", ["s1", "s2"])
            raise RuntimeError("killed half way")
    assert ids_of(store.articles()) == ["a00000001"]
    assert store.copies() == [] and store.get_embeddings("m", ["a00000002"]) == {}
    assert store.failures() == {} and store.overrides() == []
    store.add_articles([art(3)])  # the connection is usable afterwards
    assert store.count_articles() == 2


def test_nested_transactions_commit_with_the_outermost(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            with store.transaction():
                store.add_articles([art(1)])
            assert store.count_articles() == 1
            raise RuntimeError("after the inner block")
    assert store.count_articles() == 0
    with store.transaction():
        with store.transaction():
            store.add_articles([art(2)])
        store.add_articles([art(3)])
    assert ids_of(store.articles()) == ["a00000002", "a00000003"]


def test_a_failed_write_inside_a_transaction_fails_the_whole_block(store: Store) -> None:
    bad = Article(id="abad0001", text=None)  # type: ignore[arg-type]  # violates NOT NULL
    with pytest.raises(StoreError):
        with store.transaction():
            store.put_readings([Reading(article_id="a1")])
            with contextlib.suppress(StoreError):  # a caller that swallows the error cannot commit the rest
                store.add_articles([bad])
            store.put_assignments([Assignment("a1", "s1", 0.5, True, "")])
    assert store.readings() == {} and store.assignments() == {}
    store.put_readings([Reading(article_id="a1")])
    assert set(store.readings()) == {"a1"}


def test_delete_articles_removes_every_row_keyed_by_them(store: Store) -> None:
    store.add_articles([art(1), art(2), art(3)])
    ids = ["a00000001", "a00000002", "a00000003"]
    store.put_embeddings("m1", {i: np.ones(2, dtype=np.float32) for i in ids})
    store.put_embeddings("m2", {"a00000002": np.ones(2, dtype=np.float32)})
    spans = {"a00000002#0-9:0a1b2c3d": np.ones(2, dtype=np.float32), "a00000022#0-9:0a1b2c3d": np.ones(2, dtype=np.float32)}
    store.put_embeddings("sentences:m1", spans)  # a brief's sentence vectors, keyed by article span
    store.put_copies([CopyLink("a00000002", "syndicated", 1.0, copy_of="a00000001"),
                      CopyLink("a00000003", "rewrite", 0.8, copy_of="a00000002")])  # fmt: skip
    store.put_readings(Reading(article_id=i) for i in ids)
    store.put_assignments(Assignment(i, "s1", 0.5, False, "") for i in ids)
    store.put_failures([ArticleFailure("a00000002", "read", "boom", T0)])
    assert store.delete_articles(["a00000002", "anotthere"]) == ["a00000002"]
    assert ids_of(store.articles()) == ["a00000001", "a00000003"] and store.count_articles() == 2
    assert set(store.get_embeddings("m1", ids)) == {"a00000001", "a00000003"} and store.get_embeddings("m2", ids) == {}
    assert [c.article_id for c in store.copies()] == ["a00000003"]  # a link *to* it is the caller's to fix
    assert set(store.get_embeddings("sentences:m1", list(spans))) == {"a00000022#0-9:0a1b2c3d"}
    assert set(store.readings()) == set(store.assignments()) == {"a00000001", "a00000003"}
    assert store.failures() == {}
    with pytest.raises(NotFound):
        store.get_article("a00000002")
    assert store.search("harbour") and all(aid != "a00000002" for aid, _ in store.search("harbour"))
    assert store.add_articles([art(2)]) == (["a00000002"], [])  # ingesting it again stores it again
    assert store.delete_articles([]) == []


def test_copies_of_some_articles_and_deleting_links(store: Store) -> None:
    links = [CopyLink(f"a{n}", "syndicated", 1.0, copy_of="a0") for n in range(1, 5)]
    store.put_copies(links)
    assert [c.article_id for c in store.copies(["a3", "a1", "a9"])] == ["a1", "a3"]
    assert store.copies([]) == []
    store.delete_copies(["a2", "a4", "a9"])
    assert [c.article_id for c in store.copies()] == ["a1", "a3"]


def test_delete_stories_removes_their_documents(store: Store) -> None:
    store.save_stories([story("s1", T0), story("s2", T0)])
    store.put_story_doc("s1", "brief", {"x": 1})
    store.put_story_doc("s2", "brief", {"x": 2})
    store.delete_stories(["s1"])
    assert ids_of(store.stories(include_merged=True)) == ["s2"]
    assert store.get_story_doc("s1", "brief") is None and store.get_story_doc("s2", "brief") == {"x": 2}
    with pytest.raises(NotFound):
        store.get_story("s1")


def test_failures_replace_per_article_and_clear(store: Store) -> None:
    later = T0 + timedelta(minutes=5)
    store.put_failures([ArticleFailure("a2", "read", "[read] text too long", T0),
                        ArticleFailure("a1", "store", "date out of range", later)])  # fmt: skip
    assert list(store.failures()) == ["a2", "a1"]  # oldest failure first
    assert store.failures()["a1"] == ArticleFailure("a1", "store", "date out of range", later)
    store.put_failures([ArticleFailure("a2", "cluster", "again", later)])
    assert store.failures()["a2"].stage == "cluster" and len(store.failures()) == 2
    assert store.clear_failures(["a2", "a9"]) == ["a2"]
    assert list(store.failures()) == ["a1"]
    store.put_failures([ArticleFailure("a3", "embed", "x", T0)])
    assert store.clear_failures() == ["a1", "a3"] and store.failures() == {}


def test_stale_marks_per_kind(store: Store) -> None:
    store.mark_stale("tidy", ["s1", "s2", "s1"])
    store.mark_stale("tidy", ["s2", "s3"])
    store.mark_stale("entities", [""])
    assert store.stale("tidy") == {"s1", "s2", "s3"} and store.stale("entities") == {""} and store.stale("brief") == set()
    store.clear_stale("tidy", ["s2", "s9"])
    assert store.stale("tidy") == {"s1", "s3"}
    store.clear_stale("tidy")
    assert store.stale("tidy") == set() and store.stale("entities") == {""}
    with pytest.raises(StoreError):
        store.mark_stale("nonsense", ["x"])


# ---------------------------------------------------------------- search


@pytest.fixture
def searchable(store: Store) -> Store:
    store.add_articles(
        [
            art(1, title="Harbour wall collapses", text="The storm surge broke the harbour wall at Portmere at night."),
            art(2, title="Council meets", text="The council discussed budget cuts on Tuesday, 100% of members there."),
            art(3, title="Storm warning", text="Forecasters warn of another storm before the weekend."),
        ]
    )
    return store


def test_search_finds_words_in_title_or_text(searchable: Store) -> None:
    hits = lambda q, **kw: {aid for aid, _ in searchable.search(q, **kw)}  # noqa: E731
    assert hits("storm") == {"a00000001", "a00000003"}
    assert hits("STORM") == {"a00000001", "a00000003"}  # case-insensitive
    assert hits("collapses") == {"a00000001"}  # title only
    assert hits("harbour portmere") == {"a00000001"}  # every word must match
    assert hits("council storm") == set()
    assert hits("volcano") == set()
    assert len(searchable.search("the", limit=2)) == 2  # no stop words: "the" is a word like any other


def test_search_snippets_mark_the_hit(searchable: Store) -> None:
    [(aid, snippet)] = searchable.search("budget")
    assert aid == "a00000002"
    assert "[budget]" in snippet


@pytest.mark.parametrize("query", ["", "   ", "!!! ???", "100%", "O'Brien", '"unclosed', "a -b", "%s ? %%"])
def test_search_survives_odd_queries(searchable: Store, query: str) -> None:
    results = searchable.search(query)
    assert isinstance(results, list)
    assert all(isinstance(aid, str) and isinstance(snip, str) for aid, snip in results)


# ---------------------------------------------------------------- migrations


def _migrations(store: Store) -> list[tuple[Any, ...]]:
    sql = "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
    return [tuple(r) for r in store._rows(sql)]  # type: ignore[attr-defined]


def test_migrations_are_recorded_and_not_rerun(store_url: str) -> None:
    first = open_store(store_url)
    try:
        recorded = _migrations(first)
        assert [(v, n) for v, n, _ in recorded] == [(v, n) for v, n, _ in MIGRATIONS]
        assert first.schema_version() == MIGRATIONS[-1][0]  # type: ignore[attr-defined]
        first.add_articles([art(1)])
    finally:
        first.close()
    again = open_store(store_url)
    try:
        assert _migrations(again) == recorded  # same rows, same applied_at: nothing was applied twice
        assert ids_of(again.articles()) == ["a00000001"]
    finally:
        again.close()


# ---------------------------------------------------------------- concurrency (separate processes)

# Children open their own stores, like two CLI runs. Fork is cheap where it exists; the parent holds no
# open connection when it forks.
_MP = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def _in_child(out: Any, job: Any, *args: Any) -> None:
    try:
        out.put(("ok", job(*args)))
    except BaseException:  # noqa: BLE001 - the parent reports it
        out.put(("error", traceback.format_exc()))


def _run_together(jobs: list[tuple[Any, ...]], timeout: float = 120) -> list[Any]:
    """Run each (function, *args) in its own process, all released at once; return their results in order."""
    barrier = _MP.Barrier(len(jobs))
    queues = [_MP.Queue() for _ in jobs]
    procs = [
        _MP.Process(target=_in_child, args=(q, job[0], barrier, *job[1:]), daemon=True)
        for q, job in zip(queues, jobs, strict=True)
    ]
    for p in procs:
        p.start()
    results = []
    try:
        for q in queues:
            status, value = q.get(timeout=timeout)
            assert status == "ok", value
            results.append(value)
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    return results


def _open_and_report(barrier: Any, url: str) -> int:
    barrier.wait()
    store = open_store(url)
    try:
        return int(store.schema_version())  # type: ignore[attr-defined]
    finally:
        store.close()


def _add_in_batches(barrier: Any, url: str, numbers: list[int], batch: int) -> tuple[list[str], list[str]]:
    store = open_store(url)
    try:
        barrier.wait()
        added: list[str] = []
        present: list[str] = []
        for start in range(0, len(numbers), batch):
            a, p = store.add_articles([art(n) for n in numbers[start : start + batch]])
            added += a
            present += p
        return added, present
    finally:
        store.close()


def _replace_entities(barrier: Any, url: str, name: str, rounds: int) -> int:
    store = open_store(url)
    try:
        barrier.wait()
        for _ in range(rounds):
            store.put_entities([Entity(f"e{n}", f"{name} {n}", "ORG") for n in range(10)])
        return rounds
    finally:
        store.close()


def _upsert_many(barrier: Any, url: str, numbers: list[int], rounds: int) -> int:
    store = open_store(url)
    try:
        barrier.wait()
        for r in range(rounds):
            store.put_readings(Reading(article_id=f"a{n:08d}", sentences=((0, r),)) for n in numbers)
            store.put_embeddings("m", {f"a{n:08d}": np.full(2, r, dtype=np.float32) for n in numbers})
            store.put_assignments(Assignment(f"a{n:08d}", f"s{r}", 0.5, False, "") for n in numbers)
        return rounds
    finally:
        store.close()


def test_concurrent_migrators_apply_each_migration_once(store_url: str) -> None:
    versions = _run_together([(_open_and_report, store_url) for _ in range(3)])
    assert versions == [MIGRATIONS[-1][0]] * 3
    store = open_store(store_url)
    try:
        assert [v for v, _, _ in _migrations(store)] == [v for v, _, _ in MIGRATIONS]
    finally:
        store.close()


def test_concurrent_writers_store_the_union_exactly_once(store_url: str) -> None:
    open_store(store_url).close()  # migrated up front: this test is about the writers
    left = list(range(0, 300))
    right = list(reversed(range(150, 450)))  # overlaps 150..299, met in the opposite order
    (added_l, present_l), (added_r, present_r) = _run_together(
        [(_add_in_batches, store_url, left, 25), (_add_in_batches, store_url, right, 20)]
    )
    union = {f"a{n:08d}" for n in (*left, *right)}
    assert not set(added_l) & set(added_r)  # nobody was told "added" for the same article
    assert set(added_l) | set(added_r) == union
    assert set(added_l) | set(present_l) == {f"a{n:08d}" for n in left}
    assert set(added_r) | set(present_r) == {f"a{n:08d}" for n in right}
    store = open_store(store_url)
    try:
        stored = ids_of(store.articles())
        assert len(stored) == len(set(stored)) == store.count_articles() == len(union)
        assert set(stored) == union
    finally:
        store.close()


def test_concurrent_entity_replacements_never_mix(store_url: str) -> None:
    open_store(store_url).close()
    _run_together([(_replace_entities, store_url, "Left", 15), (_replace_entities, store_url, "Right", 15)])
    store = open_store(store_url)
    try:
        names = {e.name.split()[0] for e in store.entities()}
        assert len(store.entities()) == 10 and len(names) == 1  # one writer's whole table, not a mix
    finally:
        store.close()


def test_concurrent_upserts_of_the_same_rows_in_opposite_orders(store_url: str) -> None:
    open_store(store_url).close()
    numbers = list(range(200))
    _run_together([(_upsert_many, store_url, numbers, 10), (_upsert_many, store_url, numbers[::-1], 10)])
    store = open_store(store_url)
    try:
        ids = [f"a{n:08d}" for n in numbers]
        assert len(store.readings()) == len(store.assignments()) == len(store.get_embeddings("m", ids)) == 200
        assert {r.sentences for r in store.readings().values()} == {((0, 9),)}  # both writers' last round
    finally:
        store.close()


# ---------------------------------------------------------------- article edits, restore, work queue, backup


def test_update_article_changes_metadata_in_place_and_search_follows(store: Store) -> None:
    store.add_articles([art(1, title="Breakwater notice"), art(2)])
    before = store.get_article("a00000001")
    when = datetime(2026, 3, 20, 6, 15, tzinfo=timezone(timedelta(hours=-4)))
    edited = Article(**{**{f: getattr(before, f) for f in before.__slots__}, "title": "Quayside collapse",  # type: ignore[attr-defined]
                        "outlet": "Valley Courier", "published": when, "author": "R. Varrick", "language": "en",
                        "text": "ignored: the text stays", "source": "ignored too"})  # fmt: skip
    store.update_article(edited)
    got = store.get_article("a00000001")
    assert (got.title, got.outlet, got.published, got.author, got.language) == ("Quayside collapse", "Valley Courier", when, "R. Varrick", "en")
    assert got.published is not None and got.published.utcoffset() == timedelta(hours=-4)
    assert (got.id, got.text, got.url, got.source, got.ingested_at) == (before.id, before.text, before.url, before.source, before.ingested_at)
    assert ids_of(store.articles()) == ["a00000001", "a00000002"]  # same place in ingest order, nothing duplicated
    assert store.count_articles() == 2
    assert [aid for aid, _ in store.search("quayside")] == ["a00000001"]  # the new title is searchable
    assert store.search("breakwater") == []  # the old title is gone from the index
    assert "a00000001" in [aid for aid, _ in store.search("harbour")]  # the text still is
    store.update_article(Article(**{**{f: getattr(got, f) for f in got.__slots__}, "title": None, "published": None}))  # type: ignore[attr-defined]
    cleared = store.get_article("a00000001")
    assert cleared.title is None and cleared.published is None
    with pytest.raises(NotFound):
        store.update_article(art(9))


def test_override_keeps_a_given_creation_time(store: Store) -> None:
    then = datetime(2025, 12, 1, 17, 30, 5, 250000, tzinfo=timezone(timedelta(hours=1)))
    o = store.add_override("entity-rename", ("e-1", "New Name"), created_at=then)
    assert o.created_at == then and store.overrides()[0].created_at == then


def test_job_queue_is_first_in_first_out_without_duplicates(store: Store) -> None:
    assert store.jobs() == []
    store.enqueue("process")
    store.enqueue("reprocess", ["a1", '{"title": null}'])
    store.enqueue("process")  # equal to a queued job: not added again
    jobs = store.jobs()
    assert [(j.kind, j.args) for j in jobs] == [("process", ()), ("reprocess", ("a1", '{"title": null}'))]
    assert jobs[0].id < jobs[1].id and jobs[0].created_at.tzinfo is not None
    assert len(store.jobs(limit=1)) == 1
    store.finish_jobs([jobs[0].id])
    store.enqueue("process")  # queued again once the earlier one is done
    assert [(j.kind, j.args) for j in store.jobs()] == [("reprocess", ("a1", '{"title": null}')), ("process", ())]
    store.finish_jobs([j.id for j in store.jobs()])
    assert store.jobs() == []


def test_backup_copies_sqlite_online_and_names_pg_dump_for_postgres(store: Store, tmp_path: Any) -> None:
    store.add_articles([art(1), art(2)])
    dest = tmp_path / "backup.db"
    if store.url.startswith("postgresql"):
        with pytest.raises(StoreError, match="pg_dump"):
            store.backup(str(dest))
        assert not dest.exists()
        return
    other = open_store(store.url)  # another connection keeps writing while the copy is taken
    try:
        store.backup(str(dest))
        other.add_articles([art(3)])
    finally:
        other.close()
    with open_store(str(dest)) as copy:
        assert ids_of(copy.articles()) == ["a00000001", "a00000002"]
        assert [aid for aid, _ in copy.search("harbour")] != []
    with pytest.raises(StoreError, match="already exists"):
        store.backup(str(dest))
