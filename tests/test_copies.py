"""Copies and rewrites with hand-written articles about fictional events."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.copies import (
    CopyIndex,
    CopyStage,
    copy_tree,
    find_credit,
    independent_origins,
    normalize_url,
    origin_key,
)
from storyline.embed import FakeEmbedder
from storyline.pipeline import Batch, Pipeline
from storyline.records import Article

FERRY = (
    "The overnight ferry Saltwind ran aground off the Portmere breakwater late on Tuesday, and coastguard crews "
    "took all 212 passengers ashore in lifeboats before dawn. Harbour master Ilse Marrow said the vessel lost "
    "steering in a squall and drifted onto the sandbank north of the lighthouse. No one was seriously hurt, "
    "though four passengers were treated for cold. The operator, Bellwether Lines, cancelled Wednesday sailings "
    "and said divers would inspect the hull once the tide turned. Investigators from the maritime safety board "
    "are expected in Portmere on Thursday."
)
FERRY_REWRITE = (
    "Lifeboats brought more than two hundred people off a stranded ferry near Portmere overnight. According to "
    "the harbour master, the Saltwind's steering failed in bad weather and it came to rest on a sandbank by the "
    "lighthouse. Bellwether Lines has stopped its services for a day while divers check the damage."
)
VOTE = (
    "Councillors in Eastbrook voted nine to four on Monday to close the old library on Mill Street and move its "
    "collection to the new civic centre. Supporters said the building needs repairs the town cannot afford; "
    "opponents collected 3,000 signatures and promised to keep campaigning. The move is planned for next spring."
)
VOTE_OTHER = (
    "Eastbrook's library on Mill Street will shut after a council vote on Monday, a decision that angered readers "
    "who had gathered thousands of signatures. The council majority argued that restoring the building would "
    "cost too much and that the civic centre offers more room for books and events."
)


def art(aid: str, text: str, *, url: str | None = None, outlet: str | None = None, day: int | None = None, title: str | None = None) -> Article:
    published = datetime(2026, 3, day, 8, tzinfo=UTC) if day else None
    return Article(id=aid, text=text, url=url, outlet=outlet, published=published, title=title)


def test_find_credit_variants() -> None:
    c = find_credit("Body text.\nRead the full article at https://harbor-ledger.example/ferry-aground.")
    assert c is not None and c.url == "https://harbor-ledger.example/ferry-aground"
    c = find_credit("Body.\nThis article was originally published by The Harbor Ledger.")
    assert c is not None and c.outlet == "The Harbor Ledger" and c.url is None
    c = find_credit("PORTMERE (Reuters) - A ferry ran aground.")
    assert c is not None and c.wire and c.outlet == "Reuters"
    c = find_credit("This story first appeared on https://example.org/x/")
    assert c is not None and c.url == "https://example.org/x/"
    assert find_credit(FERRY) is None
    assert normalize_url("HTTPS://www.Example.org/x/?utm=1#top") == normalize_url("https://example.org/x")


def test_syndicated_copy_with_boilerplate_points_to_earliest() -> None:
    index = CopyIndex()
    assert index.add(art("a1", FERRY, url="https://ledger.example/1", day=3)) == []
    copy = "Sponsored: subscribe for daily news.\n" + FERRY + "\nCopyright the wire service. All rights reserved."
    links = index.add(art("a2", copy, url="https://gazette.example/2", day=4, title="Ferry aground"))
    assert len(links) == 1
    link = links[0]
    assert (link.article_id, link.kind, link.copy_of) == ("a2", "syndicated", "a1")
    assert link.score >= 0.8 and "containment" in link.reason
    assert index.add(art("b1", VOTE, day=2)) == []


def test_earlier_article_arriving_late_becomes_the_origin() -> None:
    index = CopyIndex()
    index.add(art("late", FERRY + " Updated.", day=5))
    index.add(art("later", FERRY + " Updated again.", day=6))
    changed = {link.article_id: link for link in index.add(art("first", FERRY, day=3))}
    assert changed["late"].copy_of == "first"
    assert changed["later"].copy_of == "first"
    assert "first" not in index.links
    assert origin_key("later", index.links) == "first"


def test_rewrite_credited_by_url_and_pending_credit() -> None:
    index = CopyIndex()
    rewrite = FERRY_REWRITE + "\nRead the full article at https://ledger.example/ferry"
    (pending,) = index.add(art("r1", rewrite, day=4))
    assert pending.copy_of is None and pending.credited_url == "https://ledger.example/ferry" and pending.kind == "rewrite"
    assert origin_key("r1", index.links) == "url:" + normalize_url("https://ledger.example/ferry")
    changed = index.add(art("o1", FERRY, url="https://www.ledger.example/ferry/", day=3))
    assert [(c.article_id, c.copy_of, c.kind) for c in changed] == [("r1", "o1", "rewrite")]
    # a rewrite arriving after its origin is linked at once
    (link,) = index.add(art("r2", FERRY_REWRITE + " Source: https://ledger.example/ferry", day=5))
    assert (link.copy_of, link.kind) == ("o1", "rewrite")


def test_outlet_credit_needs_similar_article_from_that_outlet() -> None:
    index = CopyIndex()
    index.add(art("o1", FERRY, outlet="Harbor Ledger", day=3))
    index.add(art("v1", VOTE, outlet="Harbor Ledger", day=3))
    (link,) = index.add(art("r1", FERRY_REWRITE + "\nThis article first appeared on Harbor Ledger.", day=4))
    assert (link.copy_of, link.kind) == ("o1", "rewrite")
    # crediting an outlet whose stored articles are about something else links nothing
    assert index.add(art("r2", "A new bakery opened downtown.\nOriginally published by Harbor Ledger.", day=4)) == []


def test_wire_credit_with_embeddings() -> None:
    emb = FakeEmbedder(dim=64)
    index = CopyIndex()
    wire = art("w1", FERRY, outlet="Reuters", day=3)
    index.add(wire, emb.encode([wire.text])[0])
    local = art("l1", "PORTMERE (Reuters) - " + FERRY_REWRITE, day=3)
    (link,) = index.add(local, emb.encode([local.text])[0])
    assert link.copy_of == "w1" and "embedding cosine" in link.reason


def test_same_event_by_different_outlets_is_not_a_copy() -> None:
    emb = FakeEmbedder(dim=64)
    index = CopyIndex()
    for aid, text in (("v1", VOTE), ("v2", VOTE_OTHER), ("f1", FERRY), ("f2", FERRY_REWRITE)):
        assert index.add(art(aid, text, day=2), emb.encode([text])[0]) == []


def test_copy_tree_and_independent_origins() -> None:
    index = CopyIndex()
    index.add(art("o1", FERRY, url="https://ledger.example/ferry", day=3))
    index.add(art("s1", "Advertisement\n" + FERRY, day=4))
    index.add(art("r1", FERRY_REWRITE + "\nRead the full article at https://ledger.example/ferry", day=4))
    index.add(art("x1", "Advertisement\n" + FERRY_REWRITE + "\nRead the full article at https://ledger.example/ferry", day=5))
    index.add(art("v1", VOTE, day=3))
    links = index.links
    assert independent_origins(["o1", "s1", "r1", "x1"], links) == 1
    assert independent_origins(["o1", "s1", "v1"], links) == 2
    # copies of an origin outside the set still count once
    assert independent_origins(["s1", "r1"], links) == 1
    (root,) = copy_tree(["o1", "s1", "r1"], links)
    assert root.article_id == "o1" and {c.article_id for c in root.children} == {"s1", "r1"}
    (virtual,) = copy_tree(["s1", "r1"], links)
    assert virtual.article_id == "o1" and len(virtual.children) == 2


def test_copy_stage_in_a_pipeline_and_rebuild() -> None:
    index = CopyIndex()
    stage = CopyStage(index)
    first = Batch(articles=(art("o1", FERRY, url="https://ledger.example/ferry", day=3), art("v1", VOTE, day=3)))
    out = Pipeline([stage]).run(first)
    assert dict(out.copies) == {}
    second = Batch(articles=(art("s1", FERRY + "\nShare this story.", day=4),))
    out = Pipeline([stage]).run(second)
    assert out.copies["s1"].copy_of == "o1"
    # rebuilt from "stored" articles and links, the index still recognises copies
    rebuilt = CopyIndex.build([art("o1", FERRY, day=3), art("s1", FERRY + "\nShare this story.", day=4)], index.links.values())
    (link,) = rebuilt.add(art("s2", "Breaking.\n" + FERRY, day=5))
    assert link.copy_of == "o1"


def test_wire_origin_arriving_last_is_still_the_origin() -> None:
    """Copies credit the wire by name before the wire's own report arrives; a date-only stamp is not 'earlier'."""
    wire_text = "PORTMERE, March 3 (Merriton Press) \u2014 " + FERRY
    index = CopyIndex()
    midnight = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    harbor = Article(id="h1", text=wire_text + "\nThis report was distributed by Merriton Press and is published by the Harbor Ledger.",
                     outlet="Harbor Ledger", published=midnight)  # fmt: skip
    valley = Article(id="v1", text=wire_text + "\nPublished by the Valley Courier through the Merriton Press wire service.",
                     outlet="Valley Courier", published=datetime(2026, 3, 3, 11, tzinfo=UTC))  # fmt: skip
    wire = Article(id="w1", text=wire_text, outlet="Merriton Press", published=datetime(2026, 3, 3, 6, tzinfo=UTC))
    index.add(harbor)
    index.add(valley)
    changed = {link.article_id: link for link in index.add(wire)}
    assert changed["h1"].copy_of == "w1" and changed["v1"].copy_of == "w1"
    assert changed["h1"].kind == "syndicated" and "Merriton Press" in changed["h1"].reason
    assert "w1" not in index.links  # naming itself in its dateline is no credit
    assert independent_origins(["h1", "v1", "w1"], index.links) == 1


def _paragraphs(topic: str, n: int, words: int = 40) -> list[str]:
    """``n`` paragraphs of distinct made-up words (so only pasted text is shared between reports)."""
    return [" ".join(f"{topic}{p}x{w}" for w in range(words)) + "." for p in range(n)]


WIRE = _paragraphs("wire", 6)
LOCAL = _paragraphs("local", 5)
QUOTE = '"We will rebuild the harbour wall before winter and nobody will be left without help," the mayor said.'


def test_a_block_of_wire_paragraphs_inside_a_local_report_is_a_partial_copy_of_the_wire() -> None:
    wire = Article("wire", "\n\n".join([*WIRE, QUOTE]), published=datetime(2030, 4, 2, 9, tzinfo=UTC))
    local = Article("local", "\n\n".join([LOCAL[0], WIRE[1], WIRE[2], WIRE[3], *LOCAL[1:], QUOTE]),
                    published=datetime(2030, 4, 2, 15, tzinfo=UTC))  # fmt: skip
    other = Article("other", "\n\n".join([*_paragraphs("other", 5), QUOTE]), published=datetime(2030, 4, 2, 16, tzinfo=UTC))
    index = CopyIndex()
    assert index.add(wire) == []
    (link,) = index.add(local)
    assert (link.article_id, link.kind, link.copy_of) == ("local", "partial", "wire") and "partial copy" in link.reason
    assert index.add(other) == []  # one shared quote is no copy
    assert independent_origins(["wire", "local", "other"], index.links) == 2


def test_a_partial_copy_that_arrives_first_is_pointed_at_the_earlier_origin_and_undated_pairs_get_no_guess() -> None:
    wire = Article("wire", "\n\n".join(WIRE), published=datetime(2030, 4, 2, 9, tzinfo=UTC))
    local = Article("local", "\n\n".join([LOCAL[0], WIRE[1], WIRE[2], WIRE[3], *LOCAL[1:]]), published=datetime(2030, 4, 3, tzinfo=UTC))
    index = CopyIndex()
    assert index.add(local) == []
    (link,) = index.add(wire)
    assert (link.article_id, link.kind, link.copy_of) == ("local", "partial", "wire")
    undated = CopyIndex()
    undated.add(Article("a", local.text))
    assert undated.add(Article("b", wire.text)) == []


def test_one_count_of_independent_origins_resolves_credited_urls_by_one_url_rule() -> None:
    from storyline.records import CopyLink

    links = {"r": CopyLink("r", "rewrite", 0.0, None, "http://www.wire.example/story/1/", "credits it, not stored then")}
    assert independent_origins(["w", "r"], links) == 2  # nothing says which stored article the URL is
    assert independent_origins(["w", "r"], links, {"https://wire.example/story/1": "w"}) == 1
