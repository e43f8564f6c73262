"""A small store filled by hand: one story told by four outlets (one copy, one contested toll),
a second story, an article carrying script payloads, readings with exact offsets and the
per-story documents built from the comparison records. All text is original fiction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.config import Settings
from storyline.records import (
    Amount,
    Article,
    Assignment,
    Brief,
    BriefItem,
    BriefSentence,
    BriefSource,
    Citation,
    Conflict,
    CopyLink,
    DateRef,
    Entity,
    Fact,
    FactValue,
    LocalEntity,
    Mention,
    Place,
    Quote,
    QuoteGroup,
    QuoteVersion,
    Reading,
    Role,
    Story,
    TimelineEvent,
)
from storyline.store import Store, open_store
from storyline.web.app import create_app

TOKEN = "test-token-123"
XSS_TITLE = 'Harbour notice <img src=x onerror="window.__pwned=1">'
XSS_TEXT = (
    "Kestrel Bay council posted a notice. <script>window.__pwned = 2; alert('x')</script> "
    'The notice ended with <img src=x onerror="alert(3)"> and a <a href="javascript:alert(4)">link</a>.\n\n'
    "Residents said the ferry would run again on Monday."
)


def when(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def span(text: str, piece: str, after: int = 0) -> tuple[int, int]:
    start = text.index(piece, after)
    return start, start + len(piece)


@dataclass
class Corpus:
    story: Story  # the four-outlet story
    other: Story  # a second story, without any documents
    articles: dict[str, Article]  # by short name
    entity: Entity


def _fill(store: Store) -> Corpus:
    texts = {
        "ledger": (
            "Harbor Ledger",
            "Ferry fire at Portmere leaves 12 injured",
            'PORTMERE — A fire broke out on the ferry Alder Grace on March 18, injuring 12 people. '
            '"We evacuated every passenger within ten minutes," said harbour master Ines Calloway. '
            "The vessel had passed an inspection in January.",
        ),
        "courier": (
            "Valley Courier",
            "Twelve hurt as ferry burns in Portmere harbour",
            "PORTMERE — Twelve people were injured on March 18 when the ferry Alder Grace caught fire. "
            '"We evacuated all passengers within ten minutes," harbour master Ines Calloway told reporters.',
        ),
        "post": (
            "Northgate Post",
            "Ferry blaze: 15 injured, says Lindmoor hospital",
            "LINDMOOR — Fifteen people were treated after a fire on the ferry Alder Grace on March 18, "
            "the Lindmoor hospital said. Port director Ines Calloway praised the crew.",
        ),
        "wire": (
            "Coastline Wire",
            "Ferry fire at Portmere leaves 12 injured",
            'PORTMERE — A fire broke out on the ferry Alder Grace on March 18, injuring 12 people. '
            '"We evacuated every passenger within ten minutes," said harbour master Ines Calloway. '
            "The vessel had passed an inspection in January. (Syndicated.)",
        ),
        "budget": (
            "Harbor Ledger",
            "Lindmoor council approves bridge budget",
            "LINDMOOR — The council approved 4.5 million for the north bridge on March 20.",
        ),
        "xss": ("Riverside Daily", XSS_TITLE, XSS_TEXT),
    }
    hours = {"ledger": (18, 10), "courier": (18, 12), "post": (19, 8), "wire": (18, 15), "budget": (20, 9),
             "xss": (21, 9)}  # fmt: skip
    articles = {
        key: Article(
            id=Article.make_id(text, f"https://news.example/{key}"), text=text, title=title, outlet=outlet,
            url=f"https://news.example/{key}", published=when(*hours[key]), external_id=f"ext-{key}",
            source=f"hand#{key}", language="en",
        )  # fmt: skip
        for key, (outlet, title, text) in texts.items()
    }
    store.add_articles(articles.values())
    a = articles

    def read(key: str) -> Reading:
        t = a[key].text
        mentions, quotes, dates, amounts, places, roles = [], [], [], [], [], []
        s, e = span(t, "Ines Calloway")
        mentions.append(Mention("Ines Calloway", s, e, "PERSON", "Ines Calloway"))
        for title in ("harbour master", "Port director"):
            if title in t:
                rs, re_ = span(t, title)
                roles.append(Role("Ines Calloway", title, rs, re_))
        for place in ("Portmere", "Lindmoor"):
            if place.upper() in t:
                ps, pe = span(t, place.upper())
                places.append(Place(t[ps:pe], ps, pe, place, True, "dateline"))
        if "March 18" in t:
            ds, de = span(t, "March 18")
            dates.append(DateRef("March 18", ds, de, date(2026, 3, 18)))
        for figure, value in (("12 people", 12.0), ("Twelve people", 12.0), ("Fifteen people", 15.0)):
            if figure in t:
                ms, me = span(t, figure)
                amounts.append(Amount(figure, ms, me, value, "people", "injured"))
        if '"' in t:
            qs = t.index('"') + 1
            qe = t.index('"', qs)
            quotes.append(Quote(t[qs:qe], qs, qe, "Ines Calloway", s, e, "said"))
        return Reading(
            article_id=a[key].id,
            entities=(LocalEntity("Ines Calloway", "Ines Calloway", "PERSON", ("Calloway",)),),
            mentions=tuple(mentions), roles=tuple(roles), quotes=tuple(quotes), dates=tuple(dates),
            amounts=tuple(amounts), places=tuple(places),
        )  # fmt: skip

    fire = ("ledger", "courier", "post", "wire")
    store.put_readings(read(k) for k in fire)
    xss_text = a["xss"].text
    xs, xe = span(xss_text, "Kestrel Bay")
    store.put_readings([Reading(a["xss"].id, places=(Place("Kestrel Bay", xs, xe, "Kestrel Bay"),))])

    story = Story("st-fire-0001", "Ferry fire at Portmere", tuple(a[k].id for k in fire), when(18, 10), when(19, 8),
                  independent_origins=3, reason="hand-made")  # fmt: skip
    other = Story("st-budget-02", "Lindmoor bridge budget", (a["budget"].id, a["xss"].id), when(20, 9), when(21, 9), 2)
    store.save_stories([story, other])
    store.put_assignments(
        [Assignment(a[k].id, story.id, 0.9, k == "ledger", "hand") for k in fire]
        + [Assignment(a[k].id, other.id, 0.9, k == "budget", "hand") for k in ("budget", "xss")]
    )
    store.put_copies([
        CopyLink(a["wire"].id, "syndicated", 0.97, copy_of=a["ledger"].id, reason="same text"),
        CopyLink(a["budget"].id, "rewrite", 0.6, credited_url="https://wire.example/bridge-budget", reason="credits a wire"),
    ])  # fmt: skip
    entity = Entity("ent-calloway", "Ines Calloway", "PERSON", ("Calloway",), tuple(a[k].id for k in fire))
    store.put_entities([entity, Entity("ent-lindmoor", "Lindmoor", "GPE", (), (a["post"].id, a["budget"].id))])

    def cite(key: str, piece: str) -> Citation:
        s, e = span(a[key].text, piece)
        return Citation(a[key].id, s, e, a[key].outlet)

    toll = Conflict(
        "cf-toll", story.id, "number", "people injured",
        (FactValue("12", "12 people", (a["ledger"].id, a["courier"].id, a["wire"].id), (cite("ledger", "12 people"),)),
         FactValue("15", "Fifteen people", (a["post"].id,), (cite("post", "Fifteen people"),))),
        fact_id="f-injured",
    )  # fmt: skip
    place = Conflict(
        "cf-place", story.id, "location", "where the injured were counted",
        (FactValue("portmere", "Portmere", (a["ledger"].id, a["courier"].id)),
         FactValue("lindmoor", "Lindmoor", (a["post"].id,))),
    )  # fmt: skip
    facts = [
        Fact("f-injured", story.id, "event", "A fire broke out on the ferry Alder Grace, injuring 12 people.",
             "contested", who=("Alder Grace",), when=(date(2026, 3, 18),), how_many=("12", "15"),
             article_ids=tuple(a[k].id for k in fire), conflict_ids=("cf-toll",)),
        Fact("f-date", story.id, "event", "The fire happened on March 18.", "agreed", when=(date(2026, 3, 18),),
             article_ids=tuple(a[k].id for k in fire)),
        Fact("f-inspection", story.id, "event", "The vessel had passed an inspection in January.", "single-source",
             article_ids=(a["ledger"].id, a["wire"].id)),
    ]  # fmt: skip
    q_ledger = a["ledger"].text
    q_courier = a["courier"].text
    qs1, qe1 = span(q_ledger, "We evacuated every passenger within ten minutes,")
    qs2, qe2 = span(q_courier, "We evacuated all passengers within ten minutes,")
    group = QuoteGroup(
        "qg-1", story.id, "Ines Calloway", q_ledger[qs1:qe1],
        (QuoteVersion(a["ledger"].id, q_ledger[qs1:qe1], qs1, qe1, "Ines Calloway", "Harbor Ledger"),
         QuoteVersion(a["courier"].id, q_courier[qs2:qe2], qs2, qe2, "Ines Calloway", "Valley Courier")),
        wording_differs=True,
    )  # fmt: skip
    timeline = [
        TimelineEvent(date(2026, 1, 15), "month", "The vessel had passed an inspection in January.",
                      (a["ledger"].id,), (cite("ledger", "The vessel had passed an inspection in January."),), True),
        TimelineEvent(date(2026, 3, 18), "day", "A fire broke out on the ferry Alder Grace on March 18.",
                      (a["ledger"].id, a["courier"].id), (cite("ledger", "March 18"),)),
    ]  # fmt: skip
    account = BriefSentence("A fire on the ferry Alder Grace injured at least 12 people on March 18.",
                            (cite("ledger", "injuring 12 people"), cite("courier", "March 18")))  # fmt: skip
    brief = Brief(
        story.id, story.title, (account,),
        key_facts=(BriefItem(BriefSentence("The fire happened on March 18.", (cite("courier", "March 18"),)), "agreed"),),
        conflicts=(BriefItem(BriefSentence("Outlets give 12 or 15 injured.", (cite("post", "Fifteen people"),)),
                             "number", group="cf-toll"),),
        quotes=(), timeline=(),
        sources=tuple(BriefSource(a[k].id, a[k].outlet, a[k].title, a[k].url, a[k].published) for k in fire),
        independent_origins=3,
    )  # fmt: skip
    store.put_story_doc(story.id, "facts", facts)
    store.put_story_doc(story.id, "conflicts", [toll, place])
    store.put_story_doc(story.id, "quote_groups", [group])
    store.put_story_doc(story.id, "timeline", timeline)
    store.put_story_doc(story.id, "brief", brief)
    return Corpus(story, other, articles, entity)


@pytest.fixture
def filled(tmp_path: Path) -> tuple[str, Corpus]:
    db = str(tmp_path / "web.db")
    store = open_store(db)
    try:
        corpus = _fill(store)
    finally:
        store.close()
    return db, corpus


@pytest.fixture
def corpus(filled: tuple[str, Corpus]) -> Corpus:
    return filled[1]


def make_settings(db: str, **extra: object) -> Settings:
    return Settings(db=db, **extra)  # type: ignore[arg-type]


@pytest.fixture
def client(filled: tuple[str, Corpus]) -> Iterator[TestClient]:
    """The app with an API token, and ingest never starting the (model-loading) pipeline."""
    app = create_app(make_settings(filled[0], api_token=TOKEN, max_request_bytes=20_000), process=None)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
