"""Speaker names read off the layout of news copy, and short names widened to the article's full name.

* :func:`credit_after`: an embedded social-media post is credited on the line under it (or after its closing
  mark) with a dash, the author's name and handle: ``— Jo Bloggs (@jbloggs), 9 January 2034``.
* :func:`unmarked_posts`: a paragraph without quotation marks that such a credit line follows is the post's text.
* :func:`full_name`: the NER often cuts a name short or takes a title word into it ("Cllr Jo", "Jo" for "Jo
  Bloggs"); a speaker is the longest name of the same person the article writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lang.words import HONORIFICS, NAME_TITLES
from ..records import Mention

#: A credit line: a dash, a name, the handle in brackets.
_CREDIT = re.compile(r"[ \t]*(?:\n[ \t]*)?[\u2014\u2013-]{1,2}[ \t]*(?P<name>[^\n(@\u201c\u201d\"]{1,80}?)[ \t]*\(@\w{1,30}\)")
#: A capitalised word right after a name, before a comma or a speech verb: the rest of the name.
_NEXT_NAME = re.compile(r"[ ]([A-Z][\w'\u2019-]*\w)(?=,|\s+(?:said|says|told|added|wrote)\b)")
_QUOTE_MARKS = re.compile(r"[\"\u201c\u201d]")


def credit_after(text: str, close_at: int) -> tuple[str, int, int] | None:
    """``(name, start, end)`` of a post's credit line right after the character at ``close_at`` (the quote's
    closing mark, or the end of an unmarked post's paragraph), else ``None``."""
    m = _CREDIT.match(text, close_at + 1)
    if not m or not m.group("name").strip():
        return None
    name = m.group("name").strip()
    return name, m.start("name"), m.start("name") + len(name)


def unmarked_posts(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph without quotation marks that a post's credit line follows."""
    out = []
    for para in re.finditer(r"[^\n]+", text):
        body = para.group()
        if _QUOTE_MARKS.search(body) or re.match(r"\s*[\u2014\u2013-]", body):
            continue
        if credit_after(text, para.end() - 1) is not None and text[para.end() : para.end() + 1] == "\n":
            out.append((para.start(), para.end()))
    return out


def _core(words: list[str], roles: frozenset[str]) -> list[str]:
    """``words`` without the titles and job words in front ("Cllr", "Dr", "skipper")."""
    while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS | NAME_TITLES | roles:
        words = words[1:]
    return words


def _written_out(text: str, key: str, core: list[str], mentions: Sequence[Mention]) -> str | None:
    """The name as the text writes it where the NER cut it short: a mention of ``key`` the text continues with a
    capitalised word ("Cllr Jo| Bloggs, ..."), or a first name joined to a couple's shared family name ("Jo and
    Sam Bloggs")."""
    for m in mentions:
        if m.entity != key:
            continue
        more = _NEXT_NAME.match(text, m.end)
        if more:
            return " ".join([*core, more.group(1)])
        couple = re.match(r"\s+and\s+[A-Z][\w'\u2019-]+\s+([A-Z][\w'\u2019-]*\w)\b(?!\s+[A-Z])", text[m.end : m.end + 60])
        if couple and len(core) == 1:
            return f"{core[0]} {couple.group(1)}"
    return None


def full_name(key: str, mentions: Sequence[Mention], roles: frozenset[str] = frozenset(), text: str = "") -> str:
    """The article's longest name of the person ``key`` names, when ``key`` is a single word or opens with a
    title: the one person entity whose words hold ``key``'s name words in a row and are more, else the name as
    the text writes it on (:func:`_written_out`). ``key`` itself when there is no such name or more than one
    (two Delaneys). A ``key`` the model typed as no person widens only to such a person entity ("Paris" said,
    after "Ana Paris Soto" was named)."""
    words = key.split()
    core = _core(words, roles)
    if len(core) == len(words) and len(words) > 1:
        return key
    labels = {m.entity: m.label for m in mentions}
    typed_otherwise = labels.get(key) not in {None, "PERSON"}  # a surname that is also a place ("Paris")
    n = len(core)
    found = set()
    for entity, label in labels.items():
        if label != "PERSON" or entity == key:
            continue
        ew = _core(entity.split(), roles)
        if len(ew) > n and any(ew[i : i + n] == core for i in range(len(ew) - n + 1)):
            found.add(entity)
    if len(found) == 1:
        return next(iter(found))  # a speaker the model typed as a place or a firm is the one person so named
    if typed_otherwise:
        return key
    return (_written_out(text, key, core, mentions) if text and not found else None) or key
