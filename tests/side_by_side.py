"""Hand-built articles and readings for the compare and brief tests (fictional events, original text).

``ReadingBuilder`` finds each surface string in the article text and records its offsets, so the tests
state *what* the reader found without counting characters by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from storyline.records import (
    Amount,
    Article,
    CopyLink,
    DateRef,
    LocalEntity,
    Mention,
    Place,
    Quote,
    Reading,
    Role,
    Story,
)

UTC = timezone.utc


class ReadingBuilder:
    def __init__(self, article: Article) -> None:
        self.article = article
        self.entities: dict[str, LocalEntity] = {}
        self.mentions: list[Mention] = []
        self.roles: list[Role] = []
        self.quotes: list[Quote] = []
        self.dates: list[DateRef] = []
        self.amounts: list[Amount] = []
        self.places: list[Place] = []

    def span(self, text: str, nth: int = 0) -> tuple[int, int]:
        start = -1
        for _ in range(nth + 1):
            start = self.article.text.index(text, start + 1)
        return start, start + len(text)

    def entity(self, name: str, label: str, *surfaces: str, aliases: tuple[str, ...] = ()) -> ReadingBuilder:
        self.entities[name] = LocalEntity(name, name, label, aliases)
        for surface in surfaces or (name,):
            n = 0
            while True:
                try:
                    s, e = self.span(surface, n)
                except ValueError:
                    break
                self.mentions.append(Mention(surface, s, e, label, name))
                n += 1
        return self

    def role(self, person: str, title: str, *, former: bool = False) -> ReadingBuilder:
        s, e = self.span(title)
        self.roles.append(Role(person, title, s, e, former))
        return self

    def quote(self, text: str, speaker: str | None, speaker_surface: str | None = None) -> ReadingBuilder:
        s, e = self.span(text)
        ss = se = None
        if speaker_surface:
            ss, se = self.span(speaker_surface)
        self.quotes.append(Quote(text, s, e, speaker, ss, se, "said"))
        return self

    def date(self, text: str, value: date, *, relative: bool = False, granularity: str = "day") -> ReadingBuilder:
        s, e = self.span(text)
        self.dates.append(DateRef(text, s, e, value, granularity, relative))  # type: ignore[arg-type]
        return self

    def amount(self, text: str, value: float, counts: str | None = None) -> ReadingBuilder:
        s, e = self.span(text)
        self.amounts.append(Amount(text, s, e, value, None, counts))
        return self

    def place(self, text: str, *, event: bool = True, evidence: str = "in-phrase") -> ReadingBuilder:
        s, e = self.span(text)
        self.places.append(Place(text, s, e, text, event, evidence))
        return self

    def build(self) -> Reading:
        return Reading(
            article_id=self.article.id,
            entities=tuple(self.entities.values()),
            mentions=tuple(sorted(self.mentions, key=lambda m: m.start)),
            roles=tuple(self.roles),
            quotes=tuple(self.quotes),
            dates=tuple(self.dates),
            amounts=tuple(self.amounts),
            places=tuple(self.places),
        )


def article(aid: str, outlet: str, text: str, published: datetime, url: str | None = None) -> Article:
    return Article(id=aid, text=text, title=f"{outlet} report", outlet=outlet, url=url or f"https://{aid}.example/x",
                   published=published)  # fmt: skip


# ---------------------------------------------------------------- the cannery fire, told by three outlets

LEDGER = (
    "A fire at the Kessel cannery in Portmere killed 12 people on Tuesday, officials said. "
    "Fire chief Dana Morrow said crews fought the blaze for six hours. "
    "\"We did everything we could to reach the workers on the upper floor,\" Morrow said. "
    "The cannery employs 340 people and reopened in March 2026 after repairs."
)
WIRE = (
    "A fire at the Kessel cannery in Eastvale killed 12 people on Wednesday, officials said. "
    "Former fire chief Dana Morrow said crews fought the blaze for six hours. "
    "\"We did everything we could to reach the workers,\" Morrow said. "
    "The cannery employs 430 people and reopened in March 2026 after repairs."
)
COPY = LEDGER  # a syndicated copy of the Ledger


def cannery_story() -> tuple[Story, dict[str, Article], dict[str, Reading], dict[str, CopyLink]]:
    tue = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)  # a Wednesday
    a = article("a-ledger", "Harbor Ledger", LEDGER, tue)
    b = article("a-wire", "Coast Wire", WIRE, datetime(2026, 3, 18, 15, 0, tzinfo=UTC))
    c = article("a-copy", "Daily Echo", COPY, datetime(2026, 3, 18, 11, 0, tzinfo=UTC))

    def ledger_reading(art: Article) -> Reading:
        return (
            ReadingBuilder(art)
            .entity("Dana Morrow", "PERSON", "Dana Morrow", "Morrow")
            .entity("Kessel", "ORG", "Kessel")
            .role("Dana Morrow", "Fire chief")
            .quote("We did everything we could to reach the workers on the upper floor,", "Dana Morrow", "Morrow said")
            .date("on Tuesday", date(2026, 3, 17), relative=True)
            .date("March 2026", date(2026, 3, 1), granularity="month")
            .amount("12 people", 12, "people")
            .amount("340 people", 340, "employees")
            .place("Portmere")
            .build()
        )

    wire = (
        ReadingBuilder(b)
        .entity("Dana Morrow", "PERSON", "Dana Morrow", "Morrow")
        .entity("Kessel", "ORG", "Kessel")
        .role("Dana Morrow", "Former fire chief", former=True)
        .quote("We did everything we could to reach the workers,", "Dana Morrow", "Morrow said")
        .date("on Wednesday", date(2026, 3, 18), relative=True)
        .date("March 2026", date(2026, 3, 1), granularity="month")
        .amount("12 people", 12, "people")
        .amount("430 people", 430, "employees")
        .place("Eastvale")
        .build()
    )
    articles = {x.id: x for x in (a, b, c)}
    readings = {a.id: ledger_reading(a), b.id: wire, c.id: ledger_reading(c)}
    copies = {c.id: CopyLink(c.id, "syndicated", 0.99, copy_of=a.id, reason="same text")}
    story = Story("s-cannery", "Cannery fire", (a.id, b.id, c.id))
    return story, articles, readings, copies


# ---------------------------------------------------------------- a bridge opening: two outlets in their own words, one copy

TIMES = (
    "Ilse Varga opened the Brannock footbridge in Tollford on Friday after two years of work. "
    "The crossing links the old market to the rail station."
)
COURIER = (
    "After two years of building and one flood, Mayor Ilse Varga formally opened the Brannock footbridge in "
    "Tollford on Friday, to applause from a few hundred residents. Cyclists must dismount on the span."
)


def bridge_story(
    courier_text: str = COURIER, courier_day: date = date(2026, 5, 15), *, with_courier: bool = True
) -> tuple[Story, dict[str, Article], dict[str, Reading], dict[str, CopyLink]]:
    """Two independent outlets agree on who opened what, where and when, in different words; a third copies one.

    2026-05-15 is a Friday; the Courier's day can be changed to test that a date it does not give is never stated.
    """
    sat = datetime(2026, 5, 16, 9, 0, tzinfo=UTC)
    times = article("b-times", "Tollford Times", TIMES, sat)
    courier = article("b-courier", "Valley Courier", courier_text, datetime(2026, 5, 16, 11, 0, tzinfo=UTC))
    copy = article("b-copy", "Rail Gazette", TIMES, datetime(2026, 5, 16, 13, 0, tzinfo=UTC))

    def times_reading(art: Article) -> Reading:
        return (
            ReadingBuilder(art)
            .entity("Ilse Varga", "PERSON")
            .entity("Brannock", "ORG")
            .date("on Friday", date(2026, 5, 15), relative=True)
            .place("Tollford")
            .build()
        )

    day_text = "on Friday" if "on Friday" in courier_text else "on Thursday"
    courier_reading = (
        ReadingBuilder(courier)
        .entity("Ilse Varga", "PERSON")
        .entity("Brannock", "ORG")
        .date(day_text, courier_day, relative=True)
        .place("Tollford")
        .build()
    )
    articles = {times.id: times, copy.id: copy}
    readings = {times.id: times_reading(times), copy.id: times_reading(copy)}
    if with_courier:
        articles[courier.id] = courier
        readings[courier.id] = courier_reading
    copies = {copy.id: CopyLink(copy.id, "syndicated", 0.99, copy_of=times.id, reason="same text")}
    story = Story("s-bridge", "Footbridge opens", tuple(articles))
    return story, articles, readings, copies
