"""Turn stored records and per-story documents into what the pages draw.

Pure functions, no store and no HTML strings (except :func:`highlight`, which escapes
every piece of article text it emits): the agreement matrix, word-level quote diffs,
timeline geometry for the inline SVG and the article highlights. (The copy tree comes from
:func:`storyline.copies.copy_tree`.)

The per-story documents are written by the comparison stage (``storyline.compare`` /
``storyline.brief``) as :func:`storyline.codec.to_json` of lists of
:class:`~storyline.records.Fact`, :class:`~storyline.records.Conflict`,
:class:`~storyline.records.QuoteGroup`, :class:`~storyline.records.TimelineEvent` and one
:class:`~storyline.records.Brief`. A document that is absent is ``None`` here and the page
says so; one that does not parse is reported as :class:`DocProblem` and shown raw.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from markupsafe import Markup, escape

from ..codec import from_json
from ..records import Article, Brief, Conflict, Fact, QuoteGroup, Reading, TimelineEvent

T = TypeVar("T")

DOC_KINDS = ("facts", "conflicts", "quote_groups", "timeline", "brief")
DOC_TYPES: dict[str, type] = {
    "facts": Fact, "conflicts": Conflict, "quote_groups": QuoteGroup, "timeline": TimelineEvent, "brief": Brief,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocProblem:
    """A stored document that does not have the expected shape."""

    kind: str
    reason: str
    raw: Any


def parse_doc(kind: str, payload: Any) -> Any:
    """Records from a stored document: a list (or one :class:`Brief`), ``None`` when absent, else DocProblem."""
    if payload is None:
        return None
    cls = DOC_TYPES[kind]
    try:
        if kind == "brief":
            return from_json(cls, payload)
        items = payload.get(kind, payload.get("items")) if isinstance(payload, dict) else payload
        if not isinstance(items, list):
            return DocProblem(kind, "expected a list", payload)
        return [from_json(cls, item) for item in items]
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return DocProblem(kind, f"{type(exc).__name__}: {exc}", payload)


def outlet_name(article: Article | Any) -> str:
    """The column a matrix puts an article in: its outlet, else its id."""
    return article.outlet or f"({article.id[:8]})"


# ---------------------------------------------------------------- agreement matrix


@dataclass(frozen=True, slots=True)
class Cell:
    state: str  # "agree", "conflict", "update", "novalue" (carries the fact, not this detail), "silent"
    values: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One line of the matrix: a fact, or one disputed point of a fact (then ``fact_id`` names the fact)."""

    id: str  # the fact id, or the conflict id for a disputed point
    fact_id: str | None
    label: str  # the fact's sentence, shortened (the template shows it on the fact's first row)
    status: str  # agreed, single-source, contested (or "update")
    point: str  # what the cells compare: "number: people injured", or the agreed slots in short
    cells: tuple[Cell, ...]
    conflict: bool
    first: bool = True  # first row of its fact
    span: int = 1  # rows its fact spans


@dataclass(frozen=True, slots=True)
class Matrix:
    outlets: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


def _slots(fact: Fact) -> str:
    bits = []
    for name, values in (("who", fact.who), ("where", fact.where), ("when", tuple(d.isoformat() for d in fact.when)),
                         ("how many", fact.how_many), ("role", fact.roles)):  # fmt: skip
        if values:
            bits.append(f"{name} {', '.join(values)}")
    return " · ".join(bits)


def _shorten(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _point(c: Conflict) -> str:
    return _shorten(f"{c.kind.replace('_', ' ')}: {c.subject.removeprefix(c.kind + ': ')}", 70)


#: Which kind of fact a disputed point belongs to when several facts link it: a quote's wording or speaker
#: to the quote itself, a title to the person's role; other points to the fact the conflict names.
_OWNER_KIND = {"quote_wording": "quote", "quote_speaker": "quote", "title": "role"}
_QUOTE_POINTS = ("quote_wording", "quote_speaker")


def _owners(facts: Sequence[Fact], conflicts: Sequence[Conflict]) -> tuple[dict[str, list[Conflict]], dict[str, str]]:
    """Each conflict's one owning fact (``fact id -> its conflicts``, in the facts' order) and the
    facts folded into another (``fact id -> owner id``).

    The comparison links a conflict to every fact whose sentence carries the point, so a quoted
    sentence, the quote itself and a paraphrase of it would each repeat the same disputed wording:
    one row per point keeps the matrix to one claim or quote per row. An event sentence whose only
    disputed points are a quote's wording or speaker is that quote, and is folded into its row.
    """
    linked: dict[str, list[Fact]] = {}
    for fact in facts:
        for cid in dict.fromkeys([*fact.conflict_ids, *(c.id for c in conflicts if c.fact_id == fact.id)]):
            linked.setdefault(cid, []).append(fact)
    owned: dict[str, list[Conflict]] = {}
    owner_of: dict[str, str] = {}
    for c in conflicts:
        candidates = linked.get(c.id, [])
        if not candidates:
            continue
        kind = _OWNER_KIND.get(c.kind)
        best = (next((f for f in candidates if kind and f.kind == kind), None)
                or next((f for f in candidates if f.id == c.fact_id), None) or candidates[0])  # fmt: skip
        owned.setdefault(best.id, []).append(c)
        owner_of[c.id] = best.id
    folded: dict[str, str] = {}
    for fact in facts:
        points = [c for c in conflicts if fact in linked.get(c.id, [])]
        if fact.kind == "event" and fact.id not in owned and points and all(c.kind in _QUOTE_POINTS for c in points):
            folded[fact.id] = owner_of[points[0].id]
    return owned, folded


def agreement_matrix(facts: Sequence[Fact], conflicts: Sequence[Conflict], articles: Sequence[Article]) -> Matrix:
    """Facts by outlets: which outlet gives which value, with the disputed points marked.

    A fact without conflicts is one row whose cells say whether each outlet carries it. A
    contested fact gets one row per disputed point (its conflicts), each cell showing the value
    that outlet's articles give. Each disputed point appears once, under the fact it is about
    (:func:`_owners`); conflicts that belong to no listed fact get rows of their own.
    """
    outlets = tuple(dict.fromkeys(outlet_name(a) for a in articles))
    by_outlet: dict[str, set[str]] = {}
    for a in articles:
        by_outlet.setdefault(outlet_name(a), set()).add(a.id)
    owned, folded = _owners(facts, conflicts)
    carriers: dict[str, set[str]] = {f.id: set(f.article_ids) for f in facts}
    for fact in facts:
        if fact.id in folded:
            carriers[folded[fact.id]] |= set(fact.article_ids)
    used: set[str] = set()

    def conflict_cells(c: Conflict, carrying: set[str] = frozenset()) -> tuple[Cell, ...]:  # type: ignore[assignment]
        cells = []
        for outlet in outlets:
            mine = by_outlet[outlet]
            values, ids = [], []
            for v in c.values:
                hit = mine.intersection(v.article_ids)
                if hit:
                    values.append(v.text or v.value)
                    ids.extend(sorted(hit))
            if values:
                cells.append(Cell("update" if c.update else "conflict", tuple(dict.fromkeys(values)),
                                  tuple(dict.fromkeys(ids))))  # fmt: skip
            else:
                cells.append(Cell("novalue" if mine & carrying else "silent"))
        return tuple(cells)

    rows: list[MatrixRow] = []
    for fact in facts:
        if fact.id in folded:
            continue
        mine = owned.get(fact.id, [])
        used.update(c.id for c in mine)
        label = _shorten(fact.text)
        if not mine:
            carried = carriers[fact.id]
            cells = tuple(
                Cell("agree", (_slots(fact) or "reports it",), tuple(sorted(by_outlet[o] & carried)))
                if by_outlet[o] & carried
                else Cell("silent")
                for o in outlets
            )
            rows.append(MatrixRow(fact.id, fact.id, label, fact.status, _slots(fact), cells, False))
            continue
        for n, c in enumerate(mine):
            rows.append(MatrixRow(c.id, fact.id, label, fact.status, _point(c), conflict_cells(c, carriers[fact.id]),
                                  not c.update, first=n == 0, span=len(mine)))  # fmt: skip
    for c in conflicts:
        if c.id not in used:
            rows.append(MatrixRow(c.id, None, _point(c), "update" if c.update else "contested", _point(c),
                                  conflict_cells(c), not c.update))  # fmt: skip
    return Matrix(outlets, tuple(rows))


# ---------------------------------------------------------------- quotes


@dataclass(frozen=True, slots=True)
class DiffPiece:
    op: str  # "equal", "insert" (only in this version), "delete" (only in the reference)
    text: str


_WORD = re.compile(r"\S+")


def word_diff(reference: str, version: str) -> tuple[DiffPiece, ...]:
    """Word-level differences of ``version`` against ``reference`` (difflib on word tokens)."""
    a, b = _WORD.findall(reference), _WORD.findall(version)
    pieces: list[DiffPiece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(DiffPiece("equal", " ".join(a[i1:i2])))
            continue
        if op in ("replace", "delete"):
            pieces.append(DiffPiece("delete", " ".join(a[i1:i2])))
        if op in ("replace", "insert"):
            pieces.append(DiffPiece("insert", " ".join(b[j1:j2])))
    return tuple(pieces)


# ---------------------------------------------------------------- timeline


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    x: float
    y: float
    day: date
    label: str
    text: str
    article_ids: tuple[str, ...]
    earlier: bool


@dataclass(frozen=True, slots=True)
class TimelineChart:
    width: int
    height: int
    axis_y: float
    points: tuple[TimelinePoint, ...]
    ticks: tuple[tuple[float, str], ...]


def timeline_chart(events: Sequence[TimelineEvent], *, width: int = 760, lane: int = 22) -> TimelineChart | None:
    """Positions for an inline SVG: x by date, events of nearby dates stacked in lanes."""
    if not events:
        return None
    ordered = sorted(events, key=lambda e: e.date)
    first, last = ordered[0].date, ordered[-1].date
    span = max((last - first).days, 1)
    left, right = 40, width - 40
    placed: list[tuple[float, int, TimelineEvent]] = []
    lanes_end: list[float] = []  # x of the last point in each lane
    for e in ordered:
        x = left + (right - left) * (e.date - first).days / span if last != first else (left + right) / 2
        level = next((n for n, end in enumerate(lanes_end) if x - end >= 14), len(lanes_end))
        if level == len(lanes_end):
            lanes_end.append(x)
        lanes_end[level] = x
        placed.append((round(x, 1), level, e))
    height = 50 + lane * len(lanes_end)
    axis_y = height - 28
    points = tuple(
        TimelinePoint(x, axis_y - 14 - level * lane, e.date, e.when, _shorten(e.text, 200),
                      e.article_ids, e.earlier)  # fmt: skip
        for x, level, e in placed
    )
    n_ticks = min(6, span + 1) if last != first else 1
    ticks = []
    for k in range(n_ticks):
        frac = k / (n_ticks - 1) if n_ticks > 1 else 0.5
        day = date.fromordinal(first.toordinal() + round(span * frac)) if last != first else first
        ticks.append((round(left + (right - left) * frac, 1), day.isoformat()))
    return TimelineChart(width, height, axis_y, points, tuple(ticks))


# ---------------------------------------------------------------- links


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL (so ``javascript:`` and the like never become links)."""
    if url and re.match(r"^https?://[^\s\"'<>]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


# ---------------------------------------------------------------- article highlights

HIGHLIGHT_KINDS = ("entity", "quote", "date", "amount", "place", "role")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    note: str


def reading_spans(reading: Reading | None, text_length: int) -> list[Span]:
    """The highlightable spans of a reading; offsets outside the text are dropped."""
    if reading is None:
        return []
    spans: list[Span] = []

    def add(items: Iterable[Any], kind: str, note: Any) -> None:
        for item in items:
            if 0 <= item.start < item.end <= text_length:
                spans.append(Span(item.start, item.end, kind, note(item)))

    add(reading.mentions, "entity", lambda m: f"{m.label}: {m.entity}")
    add(reading.quotes, "quote", lambda q: f"quote ({q.kind})" + (f" by {q.speaker}" if q.speaker else ""))
    add(reading.dates, "date", lambda d: f"date {d.value.isoformat()} ({d.granularity})")
    add(reading.amounts, "amount",
        lambda m: f"amount {m.value:g}" + (f" {m.unit}" if m.unit else "") + (f" ({m.counts})" if m.counts else ""))
    add(reading.places, "place", lambda p: f"place {p.name}" + (" (event location)" if p.event_location else ""))
    add(reading.roles, "role", lambda r: f"role of {r.entity}" + (" (former)" if r.former else ""))
    return spans


def highlight(text: str, spans: Sequence[Span], *, anchor: int | None = None) -> Markup:
    """Article text as HTML with ``<mark>`` around every span; every text piece is escaped.

    Spans may overlap (a name inside a quote): the text is cut at every span boundary and
    each piece gets the classes of all spans covering it, so the markup is always well nested.
    Paragraph breaks become ``<br>``; ``anchor`` puts ``<span id="cited">`` at that offset.
    """
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starts: dict[int, list[Span]] = {}
    for s in spans:
        starts.setdefault(s.start, []).append(s)
    active: list[Span] = []
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == anchor:
            out.append('<span id="cited"></span>')
        active = [s for s in active if s.end > a] + starts.get(a, [])
        piece = str(escape(text[a:b])).replace("\n", "<br>\n")
        if active:
            kinds = sorted({s.kind for s in active})
            classes = " ".join(f"hl-{k}" for k in kinds)
            title = "; ".join(dict.fromkeys(s.note for s in active))
            out.append(f'<mark class="hl {classes}" data-kinds="{" ".join(kinds)}" title="{escape(title)}">{piece}</mark>')
        else:
            out.append(piece)
    return Markup("".join(out))
