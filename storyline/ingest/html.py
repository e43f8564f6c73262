"""Main text and metadata from HTML pages, with trafilatura (and htmldate for dates).

Used for ``.html`` files, fetched URLs, feed entries whose body is HTML and JSON
records that carry ``html``. Options, and why:

* ``fast=True`` — trafilatura's own extractor only, without the readability/jusText
  fallbacks. On news pages with an ``<article>`` body it finds the same text; the
  fallbacks help on odd layouts (a body split over many ``<div>`` with no article
  markup), at several times the cost. ``docs/benchmarks.md`` has the figures.
* ``include_comments=False``, ``include_images=False`` — reader comments and photo
  captions are not the report.
* ``prune_xpath`` for ``<figure>``/``<figcaption>`` and caption/credit classes: trafilatura
  2.3 already drops the captions we have seen, but a caption that slips into the body
  would be quoted as news; the rule is one cheap pass and guards against upgrades.
* ``include_tables=True`` — tables in news (results, budgets) are content.
* ``with_metadata=False`` plus our own :func:`_metadata` from trafilatura's metadata
  helpers: the same title/site/author rules without the category, tag and licence
  scans we do not use (they were 40% of the time per page).
* Hostile markup: before any search, attributes past :data:`MAX_ATTRIBUTES` on one element
  and attribute values over :data:`MAX_ATTRIBUTE_CHARS` are removed (htmldate's candidate
  scan is quadratic in the attributes of an element: a ``<p>`` with 200,000 attributes
  took over five minutes), and the work is bounded by ``HTML_TIME_BUDGET`` seconds
  (:mod:`storyline.config`): the steps run in order (parse, metadata, precise date,
  extensive date, main text) and once the budget is spent the optional extensive date
  search is left out, and a page whose main text cannot start in time is skipped with
  the reason. The budget is checked between steps, so each step's input is bounded too
  (tree size, attributes, text length).
* Dates: htmldate with ``extensive_search=False`` (meta tags, ``<time>``, JSON-LD, the
  URL), which is precise; only when that finds nothing, htmldate's extensive search
  over the page. That fallback pads a lone year to January 1st ("since 2019" →
  2019-01-01), so a fallback date on January 1st is dropped: no date is better than a
  wrong one (the read stage infers a window).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import htmldate
import lxml.etree
import lxml.html
import trafilatura
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_sitename, extract_title

from ..config import HTML_TIME_BUDGET, Settings
from ..errors import Skip
from ..records import Article
from .files import decode_bytes, read_limited
from .meta import Meta, clean, host_outlet, make_article, parse_date

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

# One XPath (each prune expression is a full pass over the tree). Cookie banners need no rule:
# trafilatura's own boilerplate rules drop them. Caption classes are matched on text-level
# elements only, so a <body class="has-captions"> can never prune the whole page. A "credit" that
# credits the *source* ("Read the full article at …", "Originally published by …") is provenance,
# not a photo credit: copy detection needs it, so it stays in the text.
_ATTRIBUTION = ("full article", "riginally published", "first appeared", "first published")
_PRUNE = (
    "//figure | //figcaption | //*[self::p or self::div or self::span or self::small or self::cite]"
    "[contains(@class, 'caption') or contains(@class, 'credit')]"
    "[not(" + " or ".join(f"contains(., '{phrase}')" for phrase in _ATTRIBUTION) + ")]"
)
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_MAX_TREE = 100_000  # elements; a page bigger than this is not a news article
#: Attributes kept per element; real markup carries a handful (class, id, href, a few data-*).
MAX_ATTRIBUTES = 64
#: Longest attribute value kept, in characters; longer ones are inline images and payloads, never metadata.
MAX_ATTRIBUTE_CHARS = 10_000
# Fewer words than this is a menu or an error page, not a report (even a brief has a sentence or two).
MIN_WORDS = 15


@dataclass(frozen=True, slots=True)
class HtmlContent:
    """What :func:`extract_html` finds in a page."""

    text: str
    meta: Meta


def extract_html(
    markup: str | bytes, *, url: str | None = None, source: str = "<html>", charset: str | None = None
) -> HtmlContent:
    """The main text and metadata of an HTML page; raises :class:`Skip` when there is no article text.

    ``url`` (where the page came from) helps date extraction and becomes ``meta.url``
    (else the page's canonical link); ``source`` names the input in skip reasons;
    ``charset`` is the encoding an HTTP header declared for ``markup`` bytes.
    ``meta.outlet`` is the page's site name, or ``None`` (callers may fall back to the host).
    """
    deadline = time.monotonic() + HTML_TIME_BUDGET
    if isinstance(markup, bytes):
        markup = decode_bytes(markup, source, declared=charset)
    if not markup.strip():
        raise Skip("empty HTML page", item=source)
    try:
        # we decoded already, so tell lxml the bytes are UTF-8 whatever <meta charset> claims
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        tree = lxml.html.document_fromstring(_cap_tags(markup).encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise Skip(f"unparsable HTML: {exc}", item=source) from exc
    size = int(tree.xpath("count(//*)"))  # counted in C: iterating would build a Python proxy per element
    if size > _MAX_TREE:
        raise Skip(f"HTML page too complex ({size} elements, limit {_MAX_TREE})", item=source)
    _cap_attributes(tree)
    try:
        meta = _metadata(tree, url, deadline)  # first: trafilatura prunes the tree it is given
        if time.monotonic() > deadline:
            raise Skip(f"HTML page took too long (over the {HTML_TIME_BUDGET:g} s budget per page)", item=source)
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=True,
            include_comments=False,
            include_images=False,
            include_tables=True,
            with_metadata=False,
            prune_xpath=_PRUNE,
        )
    except (ValueError, TypeError, AttributeError, lxml.etree.LxmlError, RecursionError) as exc:
        # trafilatura/lxml give up on some malformed trees; that is this page's problem, not the batch's
        logging.getLogger(__name__).debug("trafilatura failed on %s", source, exc_info=True)
        raise Skip(f"HTML extraction failed: {type(exc).__name__}: {exc}", item=source) from exc
    if doc is None or not (doc.text or "").strip():
        raise Skip("no article text found in the HTML page", item=source, hint="is this an article page?")
    text = _drop_title_line(doc.text, meta.title)
    words = len(text.split())
    if words < MIN_WORDS:
        raise Skip(
            f"no article text found in the HTML page (only {words} words)", item=source, hint="is this an article page?"
        )
    return HtmlContent(text=text, meta=meta)


#: A start tag whose attribute text is longer than this is cut down before parsing: libxml2 checks
#: each new attribute against the earlier ones of the element (quadratic), so 200,000 attributes
#: on one ``<p>`` kept the parser busy for minutes. Real tags are under a few hundred characters.
MAX_TAG_CHARS = 20_000
_LONG_TAG = re.compile("<([A-Za-z][^\\s/<>]*)([^<>]{%d,})>" % MAX_TAG_CHARS)
_ATTRIBUTE = re.compile(r"""[^\s=/<>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>"']+))?""")


def _cap_tags(markup: str) -> str:
    """``markup`` with every over-long start tag cut to its first :data:`MAX_ATTRIBUTES` short attributes."""

    def cut(match: re.Match[str]) -> str:
        kept = []
        for attribute in _ATTRIBUTE.finditer(match.group(2)):
            if len(kept) >= MAX_ATTRIBUTES:
                break
            if len(attribute.group(0)) <= MAX_ATTRIBUTE_CHARS:
                kept.append(attribute.group(0))
        return "<" + match.group(1) + "".join(" " + a for a in kept) + ">"

    return _LONG_TAG.sub(cut, markup) if len(markup) > MAX_TAG_CHARS else markup


def _cap_attributes(tree: lxml.html.HtmlElement) -> None:
    """Remove attributes past :data:`MAX_ATTRIBUTES` per element and values over :data:`MAX_ATTRIBUTE_CHARS`.

    Both selections are XPath (run in C), so a normal page costs one pass and no Python loop.
    """
    for element in tree.xpath(f"//*[count(@*) > {MAX_ATTRIBUTES}]"):
        names = list(element.attrib.keys())
        for name in names[MAX_ATTRIBUTES:]:
            del element.attrib[name]
    for element in tree.xpath(f"//*[@*[string-length(.) > {MAX_ATTRIBUTE_CHARS}]]"):
        for name, value in list(element.attrib.items()):
            if len(value) > MAX_ATTRIBUTE_CHARS:
                del element.attrib[name]


def _metadata(tree: lxml.html.HtmlElement, url: str | None, deadline: float | None = None) -> Meta:
    """Title, site name, author, date, URL and language, from trafilatura's metadata helpers.

    ``trafilatura.extract_metadata`` does the same and also hunts for categories, tags
    and a licence by scanning every link, which took 6 of 14 ms per page in
    ``bench/bench_html.py``; we need none of those, so we call the parts we use.
    """
    found = examine_meta(tree)  # <meta> tags: OpenGraph, Dublin Core, Twitter, name=author...
    if found.author and " " not in found.author:  # a bare handle ("@desk"), as trafilatura drops it
        found.author = None
    try:
        found = extract_meta_json(tree, found)  # JSON-LD overrides
    except Exception:  # trafilatura shields its JSON-LD parser the same way: odd JSON must not cost the page
        logging.getLogger(__name__).debug("JSON-LD metadata failed", exc_info=True)
    title = clean(found.title) or clean(extract_title(tree))
    author = clean(found.author) or clean(extract_author(tree))
    sitename = clean(found.sitename) or clean(extract_sitename(tree))
    if sitename:
        sitename = sitename.lstrip("@") or None
    page_url = clean(url) or _canonical(found.url) or _canonical(_link_canonical(tree))
    return Meta(
        title=title,
        outlet=sitename,
        url=page_url,
        author=author,
        published=_date(tree, page_url, deadline),
        language=clean(tree.get("lang")),
    )


def _link_canonical(tree: lxml.html.HtmlElement) -> str | None:
    links = tree.xpath("//link[@rel='canonical']/@href")
    return str(links[0]) if links else None


def _date(tree: lxml.html.HtmlElement, url: str | None, deadline: float | None = None) -> datetime | None:
    """Precise markup (meta tags, ``<time>``, JSON-LD, the URL) first; htmldate's page search second.

    The extensive search pads a lone year to January 1st ("since 2019" → 2019-01-01), so a
    fallback date on January 1st is dropped: no date is better than a wrong one. It is also
    left out once ``deadline`` (a ``time.monotonic()`` value) has passed.
    """
    for extensive in (False, True):
        if extensive and deadline is not None and time.monotonic() > deadline:
            return None
        try:
            found = htmldate.find_date(
                tree, url=url, extensive_search=extensive, original_date=True, outputformat=_DATE_FORMAT
            )
        except (ValueError, TypeError, AttributeError, OverflowError, lxml.etree.LxmlError):
            found = None
        parsed = parse_date(found)
        if parsed is not None and not (extensive and parsed.month == 1 and parsed.day == 1):
            return parsed
    return None


def _drop_title_line(text: str, title: str | None) -> str:
    """trafilatura repeats the headline as the first line; the title lives in ``Article.title``."""
    first, sep, rest = text.partition("\n")
    if title and sep and " ".join(first.split()) == title:
        return rest
    return text


def _canonical(value: str | None) -> str | None:
    value = clean(value)
    return value if value and value.startswith(("http://", "https://")) else None


def article_from_html(
    markup: str | bytes,
    *,
    source: str,
    url: str | None = None,
    given: Meta | None = None,
    charset: str | None = None,
) -> Article:
    """An article from a page; fields in ``given`` (from a feed entry or JSON record) win.

    A page that names no site gets its URL's host (without ``www.``) as the outlet.
    """
    content = extract_html(markup, url=url, source=source, charset=charset)
    meta = (given or Meta()).over(content.meta)
    if meta.outlet is None:
        meta = meta.over(Meta(outlet=host_outlet(meta.url)))
    return make_article(content.text, meta, source=source)


_BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section"})


def html_to_text(fragment: str) -> str:
    """Plain text of a short HTML fragment (a feed summary), one line per block element.

    Too short for trafilatura's boilerplate model, which may drop it entirely.
    """
    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return " ".join(fragment.split())
    lxml.etree.strip_elements(root, "script", "style", "figcaption", with_tail=False)
    lines: list[str] = []
    current: list[str] = []
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                lines.append(" ".join("".join(current).split()))
                current = []
            if element.text and tag:
                current.append(element.text)
        else:
            if tag in _BLOCKS:
                lines.append(" ".join("".join(current).split()))
                current = []
            if element.tail:
                current.append(element.tail)
    lines.append(" ".join("".join(current).split()))
    return "\n".join(line for line in lines if line)


def read_html_file(path: Path, settings: Settings) -> Article:
    """One article from a saved ``.html`` page; raises :class:`Skip` with the reason."""
    return article_from_html(read_limited(path, settings), source=str(path))
