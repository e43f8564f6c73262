"""Attribution lines and URLs: what a report says about where it comes from.

"Read the full article at <url>", "originally published by <outlet>", "This article first appeared on <outlet>",
"Distributed by <outlet>", a wire credit in the dateline ("WASHINGTON (Reuters) -"). :func:`find_credit` returns the
strongest one; :func:`strip_credits` removes the lines so boilerplate does not count as shared text;
:func:`normalize_url` is the one URL rule (a credited URL and a stored article's URL compare through it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

_URL = r"(?P<url>https?://[^\s<>()\"']+)"
_NAME = r"(?P<name>[A-Z][\w&.'-]*(?:\s+(?:[A-Z][\w&.'-]*|of|the|and|&))*)"
_CREDITS = [
    re.compile(rf"\bread\s+(?:the\s+)?(?:full|original|complete|whole|entire)\s+(?:article|story|report|piece)\s+(?:at|on|in|from)\s+(?:{_URL}|{_NAME})", re.I),
    re.compile(rf"\b(?:this\s+(?:article|story|report|piece)\s+)?(?:was\s+)?(?:originally|first)\s+(?:published|appeared|ran)\s+(?:by|at|on|in)\s+(?:{_URL}|{_NAME})", re.I),
    re.compile(rf"\b(?:source|via|originally\s+from|reprinted\s+from|republished\s+from)\s*:?\s+{_URL}", re.I),
    re.compile(rf"\b(?:distributed|supplied|provided|syndicated)\s+by\s+(?:the\s+)?{_NAME}"),
    re.compile(rf"\bthrough\s+the\s+{_NAME}\s+(?:wire|news)\s+service"),
    re.compile(rf"(?:\bCopyright|\(c\)|\u00a9)\s+(?:\d{{4}}\s+)?(?:the\s+)?{_NAME}"),
]
# A dateline credit: "HALDEN FALLS, March 11 (Merriton Press) -" or "WASHINGTON (Reuters) -".
_DATELINE_CREDIT = re.compile(
    r"^[A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*\((?P<name>[A-Z][\w .&'\-]{1,40})\)\s*[-\u2013\u2014:]",
    re.M,
)
_CONNECTORS = re.compile(r"(?:\s+(?:of|the|and|&))+$")
_WIRES = "Reuters|AP|Associated Press|AFP|Agence France-Presse|Bloomberg|UPI|dpa|Xinhua|PA|ANSA|EFE|Kyodo|Interfax|TASS"
_WIRE = re.compile(rf"^[^\n]{{0,80}}?\((?P<name>{_WIRES})\)\s*[-\u2013\u2014:]", re.M)
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class Credit:
    """An attribution line: the URL or outlet an article says it comes from."""

    text: str
    url: str | None = None
    outlet: str | None = None
    wire: bool = False


def find_credit(text: str) -> Credit | None:
    """The attribution line of ``text``, if any (an explicit URL beats an outlet name, which beats a wire credit)."""
    found: list[Credit] = []
    for pattern in _CREDITS:
        for m in pattern.finditer(text):
            url = m.groupdict().get("url")
            name = m.groupdict().get("name")
            if url:
                found.append(Credit(m.group(0).strip(), url=url.rstrip(_TRAILING)))
            elif name:
                name = _CONNECTORS.sub("", name.strip().rstrip(_TRAILING))
                found.append(Credit(_CONNECTORS.sub("", m.group(0).strip()), outlet=name))
    for pattern in (_WIRE, _DATELINE_CREDIT):
        m = pattern.search(text[:400])
        if m:
            found.append(Credit(m.group(0).strip(), outlet=m.group("name").strip(), wire=True))
    if not found:
        return None
    return sorted(found, key=lambda c: (c.url is None, c.wire))[0]


def strip_credits(text: str) -> str:
    """The text without attribution lines, so boilerplate does not count as shared content."""
    lines = [ln for ln in text.splitlines() if not any(p.search(ln) for p in _CREDITS)]
    return "\n".join(lines)


def normalize_url(url: str) -> str:
    """A comparable URL: lower-case scheme and host, no ``www.``, fragment, query or trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().lower()
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", host, path, "", ""))
