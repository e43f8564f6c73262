"""Quotation marks paired into quoted spans (pure string work, no model).

Curly and straight marks; a quote running over several paragraphs follows the print convention that each
paragraph is left open and the next one re-opens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lang.words import QUOTE_CUE_VERBS as SPEECH_VERBS

OPEN_CURLY, CLOSE_CURLY = "\u201c", "\u201d"


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quotation: ``start:end`` is the inner text; ``open_at``/``close_at`` the marks."""

    start: int
    end: int
    open_at: int
    close_at: int  # index of the closing mark (== end), or end of the paragraph when unclosed


def _straight_opens(text: str, i: int) -> bool:
    """A straight double quote opens when it follows white space, start or an opening bracket/dash."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{\u2014\u2013-:" or i == 0:
        return not after.isspace()
    return False


def scan_quotes(text: str) -> list[QuoteSpan]:
    """Quoted spans, curly or straight, including quotes carried over paragraph breaks."""
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    opener = ""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" and open_at is not None:
            # paragraph break inside a quote: it continues if the next paragraph re-opens it
            j = i
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in (OPEN_CURLY, '"') and (text[j] == opener or opener == OPEN_CURLY and text[j] == '"'):
                i = j + 1
                continue
            # unclosed: close at the paragraph end (broken markup) unless it is long prose
            if i - open_at <= 1500:
                spans.append(QuoteSpan(open_at + 1, i, open_at, i))
            open_at = None
            i += 1
            continue
        if open_at is None:
            if ch == OPEN_CURLY or (ch == '"' and _straight_opens(text, i)):
                open_at, opener = i, ch
        elif (opener == OPEN_CURLY and ch == CLOSE_CURLY) or (opener == '"' and ch == '"'):
            if i > open_at + 1:
                spans.append(QuoteSpan(open_at + 1, i, open_at, i))
            open_at = None
        elif opener == OPEN_CURLY and ch == OPEN_CURLY:
            open_at = i  # a stray opener: restart from the newer one
        i += 1
    if open_at is not None and n - open_at <= 1500:
        spans.append(QuoteSpan(open_at + 1, n, open_at, n))
    # trim white space inside the marks
    out = []
    for s in spans:
        start, end = s.start, s.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(QuoteSpan(start, end, s.open_at, s.close_at))
    return out


def quote_text(text: str, span: QuoteSpan) -> str:
    """The verbatim quoted words: paragraph re-opening marks removed, paragraph breaks as one space."""
    inner = text[span.start : span.end]
    inner = re.sub(r"\s*\n\s*[\u201c\"]?", " ", inner)
    return inner.strip()


def quote_kind(text: str, q: QuoteSpan, post: bool) -> str:
    """"post" (a social-media post), "partial" (a quoted phrase inside the writer's sentence) or "direct"."""
    if post:
        return "post"
    before = text[max(0, q.open_at - 30) : q.open_at].rstrip()
    inner = text[q.start : q.end]
    if before and before[-1].isalnum() and not re.search(rf"\b(?:{SPEECH_VERBS})$", before, re.I):
        return "partial"
    if inner[:1].islower() and not re.search(rf"\b(?:{SPEECH_VERBS})$", before, re.I):
        return "partial"
    return "direct"
