"""Date expressions in article text, resolved to calendar days.

Absolute forms ("March 18", "March 18, 2025", "18 March 2025", "Feb. 5th, 2026", "2025-03-18",
"February 2022", "in 2022") and relative ones ("on Wednesday", "last week", "yesterday",
"earlier this month", "last weekend", "three days ago") are found with patterns and resolved
against the publication date with the rule news writing follows: a bare weekday means the most
recent such day (a weekday equal to the publication weekday is that very day) unless the clause
looks ahead ("will", "is expected to", "next"), then it is the next such day. A month and day
without a year is the closest such date to the publication date.

An article without a publication date is dated by :func:`infer_window` from the full dates it
states; relative expressions are then resolved against the start of that window and marked
``inferred``. Everything here is pure Python so it is tested without a model.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta

from ..lang.calendar import ABBREVIATED_MONTHS, HOLIDAYS, MONTHS, WEEKDAYS
from ..lang.numbers import SMALL_NUMBERS
from ..lang.titles import IRREGULAR_PAST_VERBS
from ..lang.words import HONORIFICS, SCHEDULE_VERBS
from ..records import DateRef

# "three days ago": the number words of spans, from the one list; "a"/"an" is one, "several" has no value
NUMBERS: dict[str, int | None] = {"a": 1, "an": 1, **{w: n for w, n in SMALL_NUMBERS.items() if 1 <= n <= 10}, "several": None}

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"  # fmt: skip
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# "Oct. 3 last year": a month and day placed in the year before, this or the next one
_YEAR_REL = r"(?:,?\s+(?P<yrel>last|this|next)\s+year\b)?"
# "Boxing Day", "the Boxing Day gales of 2029", "Christmas Day 2031"
_HOLIDAY = "|".join(re.escape(h).replace("'", "['\u2019]").replace("\\ ", r"\s+") for h in HOLIDAYS)

# Order matters: longer forms first; every pattern names its parts.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b(?:{_WD},?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b(?:{_WD},?\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")),
    ("md", re.compile(rf"\b(?:(?i:on|since|by|until|from)\s+)?(?:{_WD},?\s+)?{_MONTH}\s+{_DAY}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![\d:]){_YEAR_REL}")),
    ("dm", re.compile(rf"\b(?:(?i:on|since|by|until|from)\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!\s*,?\s*(?:19|20)\d\d){_YEAR_REL}")),
    ("holiday", re.compile(rf"\b(?P<hol>{_HOLIDAY})\b(?:\s+(?:[a-z]+\s+){{0,2}}?(?:(?:of|in)\s+)?{_YEAR}\b)?", re.I)),
    ("end_y", re.compile(rf"\b(?i:(?:the\s+)?end\s+of)\s+{_YEAR}\b")),
    ("my", re.compile(rf"\b(?:(?i:in|since|by|until|from|last|early|late|mid-?)\s+)?{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("y", re.compile(r"\b(?i:in|since|by|until|during|from|of|early|late)\s+(?P<year>(?:19|20)\d\d)\b(?![-/]\d)")),
    ("ago", re.compile(r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("rel_day", re.compile(r"\b(?:(?P<pre>on|from|since|until|by)\s+)?(?P<word>yesterday|today|tomorrow|tonight)\b", re.I)),
    ("rel_span", re.compile(r"\b(?P<mod>(?:earlier|later)\s+this|early\s+(?:this|last|next)|late\s+(?:this|last|next)|"
                            r"last|this|next|past|previous|coming)\s+(?P<unit>week|month|year|weekend)\b", re.I)),
    # "five days later", "a week later", "the next day": counted from the day the text gave just before
    ("later", re.compile(r"\b(?:(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>day|week)s?\s+"
                         r"(?:later|after\s+that)|the\s+(?P<next>next|following)\s+day)\b", re.I)),
    # "by 1am": an overnight report's small hours, the publication day
    ("small_hours", re.compile(r"\b(?i:by|at|around|about|until|before|from|shortly\s+(?:before|after))\s+(?P<hour>[1-5])(?:[:.][0-5]\d)?\s*(?:am|a\.m\.)(?!\w)")),
    ("weekday", re.compile(rf"\b(?:(?P<pre>(?i:on|last|this|next|since|until|by|from|late|early))\s+)?{_WD}(?:\s+(?P<part>morning|afternoon|evening|night))?\b")),
    ("month", re.compile(rf"\b(?P<pre>(?i:in|since|by|until|during|from|last|early|late|mid-?|this|next))\s+{_MONTH}\b(?!\s+\d)")),
]

_FUTURE = re.compile(
    r"\b(?:will|would|shall|is|are|was|were)\s+(?:(?:also|then|now|still|reportedly|likely)\s+)?"
    r"(?:expected|scheduled|set|due|slated|poised|planning|planned|going)\s+to\b|\b(?:will|'ll)\b|\bplans?\s+to\b|"
    r"\bupcoming\b|\bis\s+to\b|\bare\s+to\b|\bwould\b|\bpromised\s+to\b|\bintends?\s+to\b|\bhopes?\s+to\b|"
    r"\b(?:expected|scheduled|set|due|slated)\s+to\s+(?:" + "|".join(sorted(SCHEDULE_VERBS)) + r")\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Found:
    kind: str
    start: int
    end: int
    groups: dict[str, str | None]


def find_expressions(text: str) -> list[_Found]:
    """Non-overlapping date expressions, earliest first (longest wins an overlap)."""
    found: list[_Found] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(f.start < end and start < f.end for f in found):
                continue
            if kind == "md" and match.group("month") == "May" and not re.match(r"\d", text[match.start("day") :]):
                continue
            if kind in {"month", "md", "dm"} and match.group("month") in {"May", "March", "Mar"}:
                # "May" and "march" double as other words; demand a preposition or a day beside them
                if kind == "month" and (match.group("pre") or "").lower() not in {"in", "since", "by", "until", "during", "last", "early", "late", "next", "this"}:
                    continue
            found.append(_Found(kind, start, end, match.groupdict()))
    found.sort(key=lambda f: f.start)
    return found


def _closest_year(month: int, day: int, ref: date) -> date | None:
    best = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - ref).days) < abs((best - ref).days):
            best = cand
    return best


def _month_num(groups: dict[str, str | None]) -> int:
    return MONTHS[(groups.get("month") or "").lower().rstrip(".")]


def _looks_ahead(clause: str) -> bool:
    return bool(_FUTURE.search(clause))


# a clause break: a new line, a semicolon, or a full stop followed by a capital, a digit or a quote; a full stop
# closing "Mr.", "Jan." or an initial is not one, nor the one of "a.m."/"p.m." before a lower-case word or a day
# ("the ferry is due to sail at 5 a.m. on Friday", "at 5 a.m. Friday" are one clause)
_BREAK = re.compile(r"\n|;\s|(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘'(]?[A-Z0-9])")
_NOT_A_STOP = re.compile(r"\b(?:(?-i:[A-Z])|" + "|".join(sorted(HONORIFICS | ABBREVIATED_MONTHS)) + r")\.$", re.I)
_CLOCK_STOP = re.compile(r"\b[ap]\.m\.$", re.I)
_DAY_AFTER_CLOCK = re.compile(r"\s*(?:" + "|".join(sorted(set(WEEKDAYS) | set(MONTHS))) + r")\b", re.I)


@lru_cache(maxsize=16)
def _breaks(text: str) -> tuple[int, ...]:
    """Offsets of the clause breaks in ``text``, found once per text (every date expression of it asks)."""
    out = []
    for m in _BREAK.finditer(text):
        before = text[max(0, m.start() - 6) : m.start()]
        if _NOT_A_STOP.search(before) or _CLOCK_STOP.search(before) and _DAY_AFTER_CLOCK.match(text, m.end()):
            continue
        out.append(m.start())
    return tuple(out)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding a match: back to the previous sentence break, on to the next."""
    breaks = _breaks(text)
    before, after = bisect_left(breaks, start), bisect_left(breaks, end)
    return (breaks[before - 1] + 1 if before else 0), (breaks[after] if after < len(breaks) else len(text))


# a clause a date's own clause reports or qualifies: "announced in March that it would ...", "met on Friday with
# officials who will ..."; a future tense there is that clause's, not the date's. Coordinated clauses stay ("is
# holding sessions on Wednesday and Thursday, and will ...": newsdesk timeline 0.95 when they were cut, 0.96 kept)
_SUBORDINATE = re.compile(r"\b(?:that|which|who|whom|whose)\b")


# a subordinate clause a date stands in, opened before it: when a past verb follows the opener, the date is that
# clause's and takes its tense, not the main clause's ("will sail on Friday after it broke down on Monday" keeps
# "Monday" past only with a past verb: "after it broke down on Monday")
_CLAUSE_OPENER = re.compile(r"\b(?:after|because|when|although|though|while|since|as|who|which|that)\s", re.I)
_PAST_VERB = re.compile(r"\b(?:\w{2,}ed|" + "|".join(sorted(IRREGULAR_PAST_VERBS)) + r")\b", re.I)
# a quotation in the clause speaks in its own tense ("'We will not give in,' she said on Monday": Monday is past)
_QUOTED = re.compile(r"“[^”]*”?|^[^“]*”|\"[^\"]*\"")


def _governing_clause(text: str, start: int, end: int) -> str:
    """The words a date's tense is read from: its clause up to the date, and after it up to a subordinate
    clause ("The firm announced in March that it would cut jobs": past)."""
    left, right = _clause_bounds(text, start, end)
    after = text[end:right]
    openers = list(_CLAUSE_OPENER.finditer(text, left, start))
    if openers and _PAST_VERB.search(text, openers[-1].end(), start):
        left = openers[-1].start()  # "must sail on Friday after a storm kept it in port on Monday"
        after = after.split(",", 1)[0]  # "The mayor, who visited on Monday, will return": the clause ends at a comma
    cut = _SUBORDINATE.search(after)
    clause = text[left:end] + (after[: cut.start()] if cut else after)
    return _QUOTED.sub(lambda m: m.group() if m.start() <= end - left <= m.end() else " ", clause)


def _weekday(wd: int, ref: date, pre: str, ahead: bool) -> date:
    back = (ref.weekday() - wd) % 7  # 0..6 days back (0 = the publication day itself)
    fwd = (wd - ref.weekday()) % 7
    if pre == "last":
        return ref - timedelta(days=back or 7)
    if pre == "next":
        return ref + timedelta(days=fwd or 7)
    if pre == "this":
        return ref + timedelta(days=fwd) if ahead else ref - timedelta(days=back)
    if ahead:
        return ref + timedelta(days=fwd)
    return ref - timedelta(days=back)


def _span(mod: str, unit: str, ref: date, ahead: bool) -> tuple[date, str]:
    mod = " ".join(mod.lower().split())
    step = 0
    if mod in {"last", "past", "previous", "early last", "late last"}:
        step = -1
    elif mod in {"next", "coming", "early next", "late next"}:
        step = 1
    if unit == "week":
        monday = ref - timedelta(days=ref.weekday())
        return monday + timedelta(weeks=step), "week"
    if unit == "weekend":
        saturday = ref - timedelta(days=(ref.weekday() - 5) % 7)  # the latest Saturday on or before ref
        if mod in {"this", "coming"} and ahead or step == 1:
            saturday = ref + timedelta(days=(5 - ref.weekday()) % 7)
        return saturday, "day"
    if unit == "month":
        month = ref.month + step
        year = ref.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return date(year, month, 1), "month"
    return date(ref.year + step, 1, 1), "year"


def resolve(found: _Found, text: str, ref: date | None) -> tuple[date, str, bool] | None:
    """(first day, granularity, relative) for one expression, or ``None`` when it cannot be dated."""
    g = found.groups
    kind = found.kind
    if kind == "iso":
        try:
            return date(int(g["year"] or 0), int(g["mnum"] or 0), int(g["day"] or 0)), "day", False
        except ValueError:
            return None
    if kind in {"mdy", "dmy"}:
        try:
            return date(int(g["year"] or 0), _month_num(g), int(g["day"] or 0)), "day", False
        except ValueError:
            return None
    if kind == "my":
        return date(int(g["year"] or 0), _month_num(g), 1), "month", False
    if kind == "y":
        return date(int(g["year"] or 0), 1, 1), "year", False
    if kind == "end_y":  # "by the end of 2038": a deadline on the year's last day
        return date(int(g["year"] or 0), 12, 31), "day", False
    if kind == "holiday":
        month, day = HOLIDAYS[re.sub(r"\s+", " ", (g.get("hol") or "").lower().replace("\u2019", "'"))]
        if g.get("year"):
            return date(int(g["year"] or 0), month, day), "day", False
        if ref is None:
            return None
        near = _closest_year(month, day, ref)
        return (near, "day", True) if near else None
    if ref is None:
        return None
    ahead = _looks_ahead(_governing_clause(text, found.start, found.end))
    if kind in {"md", "dm"}:
        yrel = (g.get("yrel") or "").lower()
        if yrel:
            try:
                return date(ref.year + {"last": -1, "this": 0, "next": 1}[yrel], _month_num(g), int(g["day"] or 0)), "day", True
            except ValueError:
                return None
        day = _closest_year(_month_num(g), int(g["day"] or 0), ref)
        return (day, "day", False) if day else None
    if kind == "month":
        month = _month_num(g)
        pre = (g.get("pre") or "").lower()
        year = ref.year
        if pre == "next" or (ahead and month < ref.month and pre != "last"):
            year = ref.year + (month < ref.month or pre == "next" and month <= ref.month)
        elif month > ref.month and not ahead:
            year = ref.year - 1
        return date(year, month, 1), "month", True
    if kind == "ago":
        raw = (g.get("n") or "").lower()
        n = int(raw) if raw.isdigit() else NUMBERS.get(raw)
        if not n:
            return None
        unit = (g.get("unit") or "").lower()
        if unit == "day":
            return ref - timedelta(days=n), "day", True
        if unit == "week":
            return ref - timedelta(weeks=n), "week", True
        if unit == "month":
            month = ref.month - n
            return date(ref.year + (month - 1) // 12, (month - 1) % 12 + 1, 1), "month", True
        return date(ref.year - n, 1, 1), "year", True
    if kind == "rel_day":
        word = (g.get("word") or "").lower()
        delta = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[word]
        return ref + timedelta(days=delta), "day", True
    if kind == "rel_span":
        day, gran = _span(g.get("mod") or "", (g.get("unit") or "").lower(), ref, ahead)
        return day, gran, True
    if kind == "small_hours":
        return ref, "day", True
    if kind == "weekday":
        pre = (g.get("pre") or "").lower()
        return _weekday(WEEKDAYS[(g.get("wd") or "").lower()], ref, pre, ahead), "day", True
    return None


def _trim_preposition(text: str, start: int, end: int) -> int:
    """Keep "on Wednesday"/"last week" whole but drop a leading "since"/"by"/"until"/"from"."""
    m = re.match(r"(?:since|by|until|from|during)\s+", text[start:end], re.I)
    return start + m.end() if m else start


def date_spans(text: str) -> list[tuple[int, int]]:
    """Spans of every date expression, dated or not (amounts skip numbers inside them)."""
    return [(f.start, f.end) for f in find_expressions(text)]


def find_dates(
    text: str,
    published: date | None,
    *,
    skip: list[tuple[int, int]] | None = None,
    infer_from: list[tuple[int, int]] | None = None,
    found: list[_Found] | None = None,
) -> tuple[list[DateRef], tuple[date, date] | None]:
    """Dated expressions in ``text`` and, when ``published`` is absent, the inferred publication window.

    Expressions inside ``skip`` spans (headlines, captions) are not reported. Only full dates
    inside ``infer_from`` spans (default: everywhere) date an undated article: a caption's "File
    photo" date says nothing about when the article was written.
    """
    every = find_expressions(text) if found is None else found
    found = [f for f in every if not any(s <= f.start < e for s, e in (skip or []))]
    window = None
    ref = published
    inferred = False
    if ref is None:
        window = infer_window(text, [f for f in every if infer_from is None or any(s <= f.start < e for s, e in infer_from)])
        if window:
            ref, inferred = window[0], True
    refs: list[DateRef] = []
    for f in found:
        resolved = _counted_on(f, text, refs, found) if f.kind in {"later", "small_hours"} else resolve(f, text, ref)
        if f.kind == "small_hours" and resolved is not None:
            resolved = resolve(f, text, ref)
        if resolved is None:
            continue
        value, gran, relative = resolved
        start = _trim_preposition(text, f.start, f.end)
        refs.append(
            DateRef(text=text[start : f.end], start=start, end=f.end, value=value, granularity=gran,  # type: ignore[arg-type]
                    relative=relative, inferred=inferred and relative)
        )
    return refs, window


#: How far before "five days later" the day it counts from may be written (characters): the sentence before.
LATER_ANCHOR_CHARS = 300  # "... first reported the loan on Jan. 13. X ordered an audit six days later."


def _counted_on(f: _Found, text: str, refs: list[DateRef], found: list[_Found]) -> tuple[date, str, bool] | None:
    """A "later" expression counted from the last day-precise date written shortly before it; for a small-hours
    time, a placeholder when no other date shares its clause (``None`` when one does: that date says the day)."""
    if f.kind == "small_hours":
        left, right = _clause_bounds(text, f.start, f.end)
        return None if any(o is not f and left <= o.start < right for o in found) else (date.min, "day", True)
    before = [r for r in refs if r.granularity == "day" and 0 <= f.start - r.end <= LATER_ANCHOR_CHARS]
    if not before:
        return None
    g = f.groups
    raw = (g.get("n") or ("one" if g.get("next") else "")).lower()
    n = int(raw) if raw.isdigit() else NUMBERS.get(raw)
    if not n:
        return None
    step = timedelta(weeks=n) if (g.get("unit") or "").lower() == "week" else timedelta(days=n)
    return before[-1].value + step, "day", True


def infer_window(text: str, found: list[_Found] | None = None) -> tuple[date, date] | None:
    """A publication window for an undated article: from its latest stated full date to a week later.

    News reports state past dates far more often than future ones, so the latest full date is a
    lower bound for when the article was written; a week is the usual horizon of "on Wednesday"
    style references. Only full dates (with a year) count.
    """
    days = []
    for f in found if found is not None else find_expressions(text):
        if f.kind in {"iso", "mdy", "dmy"}:
            resolved = resolve(f, text, None)
            if resolved:
                days.append(resolved[0])
    if not days:
        return None
    latest = max(days)
    return latest, latest + timedelta(days=7)
