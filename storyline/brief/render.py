"""A brief as Markdown, self-contained HTML or JSON; everything from a source is escaped for its format.

Outlet names, titles, URLs and quotations are input, not markup. Markdown escapes the characters that would make
links, code, emphasis or raw HTML of them; HTML goes through the autoescaped Jinja2 template
``storyline/templates/brief.html.j2``; JSON is JSON. A citation reads as its outlet (the article id only when the
outlet is unknown, never twice) and links to the cited passage highlighted on the article page of the web UI
(``{link_base}/articles/{id}?cite={start}-{end}#cited``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ..codec import to_json
from ..errors import InputError
from ..records import Brief, BriefItem, BriefSentence, BriefSource, Citation
from .builder import build_brief
from .inputs import StoryAnalysis

FORMATS = ("md", "html", "json")


def render_brief(subject: StoryAnalysis | Brief, fmt: str = "md", *, link_base: str = "") -> str:
    """Markdown (``md``), self-contained HTML (``html``) or ``json`` for an analysis or a built brief.

    ``link_base``: where the web UI is served ("" = links relative to the site root, as the UI serves briefs).
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown brief format {fmt!r}", hint="use md, html or json")
    brief = subject if isinstance(subject, Brief) else build_brief(subject)
    if fmt == "json":
        return json.dumps(to_json(brief), ensure_ascii=False, indent=2) + "\n"
    view = brief_context(brief, link_base=link_base)
    if fmt == "md":
        return _markdown(view)
    return _html(view)


def cite_label(c: Citation) -> str:
    """The outlet of a citation, or the article id when the outlet is unknown (the id is printed once)."""
    outlet = " ".join((c.outlet or "").split())
    return outlet or f"article {c.article_id[:10]}"


def cite_href(c: Citation, link_base: str = "") -> str:
    """The article page with the cited passage highlighted and scrolled to."""
    base = link_base.rstrip("/") if safe_url(link_base) else ""
    return f"{base}/articles/{quote(c.article_id, safe='')}?cite={int(c.start)}-{int(c.end)}#cited"


def brief_context(brief: Brief, *, link_base: str = "") -> dict[str, Any]:
    """The template context for ``templates/brief.html.j2``: conflicts and quotes grouped, copy tree nested."""

    def grouped(items: Sequence[BriefItem]) -> list[dict[str, Any]]:
        groups: dict[str | None, list[BriefItem]] = {}
        for i in items:
            groups.setdefault(i.group, []).append(i)
        return [{"id": g, "kind": its[0].status, "subject": its[0].subject, "items": its} for g, its in groups.items()]

    by_id = {s.article_id: s for s in brief.sources}
    children: dict[str, list[BriefSource]] = {}
    roots = []
    for s in brief.sources:
        parent = s.copy_of if s.copy_of in by_id else None
        if parent:
            children.setdefault(parent, []).append(s)
        else:
            roots.append(s)

    def tree(s: BriefSource, depth: int) -> list[tuple[int, BriefSource]]:
        rows = [(depth, s)]
        for child in children.get(s.article_id, []):
            rows += tree(child, depth + 1)
        return rows

    quote_groups = []
    for g in grouped(brief.quotes):
        g["subject"] = g["subject"] or "quote, speaker not named"
        quote_groups.append(g)
    return {
        "brief": brief,
        "conflict_groups": grouped(brief.conflicts),
        "update_groups": grouped(brief.updates),
        "quote_groups": quote_groups,
        "source_rows": [row for r in roots for row in tree(r, 0)],
        "cite": cite_label,
        "href": lambda c: cite_href(c, link_base),
        "safe_url": safe_url,
        "link_base": link_base,
    }


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the page (an article's URL is input, not trusted markup)."""
    return url if url and re.match(r"^https?://[^\s<>\"'`]+$", url.strip(), re.I) else None


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # what makes links, code, emphasis, tables or strike-through


def md_text(text: str) -> str:
    """Source text in Markdown: one line, HTML characters as entities, Markdown punctuation backslash-escaped,
    so no outlet name, title or quotation becomes a link, code span, emphasis or raw HTML."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def md_url(url: str) -> str:
    """A link target: only characters that cannot close the link or open markup are left as they are."""
    return "".join(c if c.isalnum() or c in "-._~:/?#=&%+," else quote(c, safe="") for c in url)


def _md_cites(sentence: BriefSentence, link_base: str) -> str:
    return " " + " ".join(f"[{md_text(cite_label(c))}]({md_url(cite_href(c, link_base))})" for c in sentence.citations)


def _markdown(view: dict[str, Any]) -> str:
    b: Brief = view["brief"]
    base = view.get("link_base", "")
    cites = lambda s: _md_cites(s, base)  # noqa: E731
    origins = b.independent_origins
    out = [
        f"# {md_text(b.title)}", "",
        f"Story `{b.story_id}` · {len(b.sources)} articles · {origins} independent origin{'s' if origins != 1 else ''}", "",
        "## Account", "",
    ]  # fmt: skip
    if b.account:
        out.append(" ".join(f"{md_text(s.text)}{cites(s)}" for s in b.account))
    else:
        out.append("_No sentence of the story could be cited._")
    out += ["", "## Key facts", ""]
    out += [f"- **{md_text(i.status or '')}** — {md_text(i.sentence.text)}{cites(i.sentence)}" for i in b.key_facts]
    for heading, groups in (("Conflicts", view["conflict_groups"]), ("Updates", view["update_groups"])):
        out += ["", f"## {heading}", ""]
        if not groups:
            out.append("_None found._")
        for g in groups:
            label = md_text(g["subject"] or g["kind"] or "")
            kind = md_text((g["kind"] or "").replace("_", " "))  # "quote_wording" reads "quote wording"
            out.append(f"- **{label}** _({kind})_" if g["subject"] else f"- **{label}**")
            out += [f"  - {md_text(i.sentence.text)}{cites(i.sentence)}" for i in g["items"]]
    out += ["", "## Quote versions", ""]
    if not view["quote_groups"]:
        out.append("_None found._")
    for g in view["quote_groups"]:
        out.append(f"- **{md_text(g['subject'])}**")
        for i in g["items"]:
            flags = f" _({md_text(i.status)})_" if i.status else ""
            out.append(f"  - {md_text(i.sentence.text)}{flags}{cites(i.sentence)}")
    out += ["", "## Timeline", ""]
    out += [
        f"- {md_text(i.sentence.text)}{' _(earlier)_' if i.group == 'earlier' else ''}{cites(i.sentence)}" for i in b.timeline
    ] or ["_No dated events._"]
    out += ["", "## Sources", ""]
    for depth, s in view["source_rows"]:
        pad = "  " * depth
        kind = f" ({md_text(s.copy_kind)} copy)" if s.copy_kind else ""
        when = s.published.date().isoformat() if s.published else "undated"
        title = md_text(s.title or "(untitled)")
        url = safe_url(s.url)
        shown = f"[{title}]({md_url(url)})" if url else title
        out.append(f"{pad}- `{s.article_id[:10]}` {md_text(s.outlet or '—')}: {shown}, {when}{kind}")
    return "\n".join(out) + "\n"


def _html(view: dict[str, Any]) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("storyline", "templates"), autoescape=True, undefined=StrictUndefined, trim_blocks=True,
        lstrip_blocks=True,
    )  # fmt: skip
    return env.get_template("brief.html.j2").render(**view)
