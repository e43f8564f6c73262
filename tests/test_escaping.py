"""Every output format escapes hostile outlet names, titles, URLs, authors, entity names and quotations.

One store is filled by hand with values built to break each format: HTML (``"><svg onload=...>``, ``<!--``),
Markdown (``](javascript:...)``, ``|`` table cells, backticks, newlines that would start a heading), CSV
(formulas ``=cmd|...``, ``+``, ``-``, ``@``), terminal markup (``[/]``, ``[link=...]``) and JSON (quotes,
newlines, ``</script>``). Each format is rendered from it and checked in its own language: HTML (and Markdown
rendered by a CommonMark renderer with raw HTML on) must carry no element, attribute, comment or link that came
from the input; CSV cells must not start a formula; JSON and JSON Lines must parse back to the very values;
terminal output must show the values as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from storyline.brief import render_brief
from storyline.brief.stored import stored_brief
from storyline.cli import app as cli_app
from storyline.config import Settings
from storyline.records import (
    Article,
    Assignment,
    Brief,
    BriefItem,
    BriefSentence,
    BriefSource,
    Citation,
    Entity,
    Quote,
    Reading,
    Story,
)
from storyline.store import open_store
from storyline.web.app import create_app
from storyline.workflow import export

#: Markup of every kind, on two lines, so that every field carries every attack.
REST = (
    ' "><svg onload=alert(1)> ](javascript:alert(2)) [x](javascript:alert(3)) a | b | c `tick` <!-- hidden '
    "</script><script>alert(4)</script> [/] [link=javascript:alert(5)]t[/link] **b** _i_\n# heading &amp;"
)
OUTLET = "=cmd|' /C calc'!A0" + REST
TITLE = "+1+cmd|' /C calc'!A0" + REST
AUTHOR = "@SUM(1+1)*cmd|' /C calc'!A0" + REST
SECOND_OUTLET = "-2+3+cmd|' /C calc'!A0" + REST
STORY_TITLE = "\t=HYPERLINK(\"http://evil.example\")" + REST
ENTITY = "=1+1" + REST
QUOTED = 'We never said "<img src=x onerror=alert(6)>" or `rm -rf` | drop ](javascript:alert(7))'
TEXT = f'The council met on Monday. The mayor said "{QUOTED}" to the room.\nA second paragraph follows.'
URLS = (
    "https://ok.example/a_(b)]c|d`e*f",  # valid http(s), with characters that would close a Markdown link
    'javascript:alert(8)//"><svg onload=alert(9)>',  # must never become a link
)
EXTERNAL_IDS = ("=ext|1", "ext\n<svg onload=alert(10)>")

#: What may be linked to: the product's own pages, and the one valid article URL.
ALLOWED_HREF = ("/", "#", "https://ok.example/")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
T = datetime(2026, 3, 18, 9, tzinfo=UTC)


def fill(db: str) -> dict[str, str]:
    """The hostile store; returns the ids the formats are rendered for."""
    arts = [
        Article(Article.make_id(TEXT + f" ({n})", url), TEXT + f" ({n})", title=TITLE, outlet=outlet, url=url,
                author=AUTHOR, published=T, external_id=ext, source=f"feed{n}.jsonl#1")
        for n, (outlet, url, ext) in enumerate(zip((OUTLET, SECOND_OUTLET), URLS, EXTERNAL_IDS, strict=True))
    ]  # fmt: skip
    story = Story("st-hostile-01", STORY_TITLE, tuple(a.id for a in arts), T, T, 2, reason="hand " + REST)
    start = TEXT.index(QUOTED)
    cites = tuple(Citation(a.id, start, start + len(QUOTED), a.outlet) for a in arts)
    with open_store(db) as store:
        store.add_articles(arts)
        store.put_readings([Reading(a.id, quotes=(Quote(QUOTED, start, start + len(QUOTED), ENTITY),))
                            for a in arts])  # fmt: skip
        store.save_stories([story])
        store.put_assignments([Assignment(a.id, story.id, 0.9, n == 0, "hand") for n, a in enumerate(arts)])
        store.put_entities([Entity("ent-hostile", ENTITY, "PERSON", (ENTITY[:20],), tuple(a.id for a in arts))])
        sentence = BriefSentence(f'{ENTITY} said "{QUOTED}"', cites)
        item = BriefItem(sentence, "contested " + REST, tuple(a.id for a in arts), "g1", "subject " + REST)
        brief = Brief(
            story.id, STORY_TITLE, (sentence,), key_facts=(item,), conflicts=(item,), quotes=(item,),
            timeline=(item,), updates=(item,), independent_origins=2,
            sources=tuple(BriefSource(a.id, a.outlet, a.title, a.url, a.published, copy_kind="rewrite " + REST)
                          for a in arts),
        )  # fmt: skip
        store.put_story_doc(story.id, "brief", brief)
        store.add_override("entity-rename", ("ent-hostile", ENTITY), created_at=T)
    return {"story": story.id, "article": arts[0].id, "second": arts[1].id, "entity": "ent-hostile"}


class _Markup(HTMLParser):
    """What a browser would act on: elements, event handlers, links, comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"svg", "script", "img", "iframe", "object", "embed"}:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and value is not None:
                target = value.strip()
                if not target.startswith(ALLOWED_HREF) or "javascript:" in target.lower():
                    self.problems.append(f"{name}={target[:60]!r} on <{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data[:30]}-->")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_problems(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    shown = "".join(parser.text)
    if "<svg onload=alert(1)>" not in shown:  # the markup is shown as text, not dropped or acted on
        parser.problems.append("the hostile text is not shown")
    return parser.problems


def markdown_problems(md: str) -> list[str]:
    """Markdown is checked as a renderer sees it: CommonMark with tables and raw HTML on."""
    html = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(md)
    problems = html_problems(html)
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = parser.parse(md)
    kinds = [t.type for t in tokens]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    if any(h.strip().startswith("heading") for h in headings):
        problems.append("a newline in a value started a heading")
    if "table_open" in kinds:
        problems.append("pipes in a value made a table")
    for t in tokens:
        for child in t.children or ():
            if child.type == "code_inline" and child.content not in {"st-hostile-01"} and len(child.content) != 10:
                problems.append(f"code span {child.content!r}")
            if child.type == "html_inline":
                problems.append(f"raw html {child.content!r}")
        if t.type == "html_block":
            problems.append(f"raw html block {t.content[:40]!r}")
    return problems


def csv_problems(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    problems = [f"formula cell {cell[:30]!r}" for row in rows[1:] for cell in row if cell.startswith(FORMULA_START)]
    if len(rows) != 3:
        problems.append(f"{len(rows)} rows for 2 articles and a header: a newline broke a row")
    shown = {cell.removeprefix("'") for row in rows[1:] for cell in row}
    problems += [f"{name} not kept" for name, v in (("outlet", OUTLET), ("title", TITLE)) if v not in shown]
    return problems


def json_problems(text: str) -> list[str]:
    doc = json.loads(text)
    found = json.dumps(doc, ensure_ascii=False)
    wanted = (OUTLET, TITLE, AUTHOR, STORY_TITLE, *URLS, *EXTERNAL_IDS)
    problems = [f"{v[:20]!r} not kept exactly" for v in wanted if json.dumps(v, ensure_ascii=False)[1:-1] not in found]
    return problems


def jsonl_problems(text: str) -> list[str]:
    rows = [json.loads(line) for line in text.splitlines()]
    return json_problems(json.dumps({"rows": rows}))


def brief_json_problems(text: str) -> list[str]:
    found = json.dumps(json.loads(text), ensure_ascii=False)
    return [f"{v[:20]!r} not kept" for v in (OUTLET, STORY_TITLE, QUOTED) if json.dumps(v, ensure_ascii=False)[1:-1] not in found]


def terminal_problems(text: str) -> list[str]:
    """Wherever a hostile value is printed (``alert(3)`` survives any markup), its terminal markup is shown too."""
    shown = text.count("alert(3)")
    if not shown:
        return ["no hostile value printed"]
    if text.count("[link=javascript:alert(5)]") < shown or text.count("[/]") < shown:
        return ["terminal markup in a value was interpreted, not shown"]
    return []


def _export(fmt: str) -> Callable[[str, dict[str, str]], str]:
    def render(db: str, ids: dict[str, str]) -> str:
        out = io.StringIO()
        with open_store(db) as store:
            export(store, fmt, out)
        return out.getvalue()

    return render


def _brief(fmt: str) -> Callable[[str, dict[str, str]], str]:
    def render(db: str, ids: dict[str, str]) -> str:
        with open_store(db) as store:
            brief = stored_brief(store, ids["story"])
            assert brief is not None
            return render_brief(brief, fmt)

    return render


def _page(path: str) -> Callable[[str, dict[str, str]], str]:
    def render(db: str, ids: dict[str, str]) -> str:
        with TestClient(create_app(Settings(db=db), process=None)) as client:
            answer = client.get(path.format(**ids), headers={"Accept": "text/html"})
            assert answer.status_code == 200, answer.text[:500]
            return answer.text

    return render


def _cli(*args: str) -> Callable[[str, dict[str, str]], str]:
    def render(db: str, ids: dict[str, str]) -> str:
        wide = {"COLUMNS": "20000"}  # no folding of table cells: each value stays on its line
        result = CliRunner().invoke(cli_app, [a.format(**ids) for a in args] + ["--db", db], env=wide)
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    return render


FORMATS = {
    "export-json": (_export("json"), json_problems),
    "export-jsonl": (_export("jsonl"), jsonl_problems),
    "export-csv": (_export("csv"), csv_problems),
    "brief-md": (_brief("md"), markdown_problems),
    "brief-html": (_brief("html"), html_problems),
    "brief-json": (_brief("json"), brief_json_problems),
    "page-stories": (_page("/"), html_problems),
    "page-story": (_page("/stories/{story}"), html_problems),
    "page-article": (_page("/articles/{article}"), html_problems),
    "page-second-article": (_page("/articles/{second}"), html_problems),
    "page-entities": (_page("/entities"), html_problems),
    "page-entity": (_page("/entities/{entity}"), html_problems),
    "page-search": (_page("/search?q=council"), html_problems),
    "api-story": (_page("/api/v1/stories/{story}"), brief_json_problems),
    "cli-stories": (_cli("stories"), terminal_problems),
    "cli-story": (_cli("story", "{story}"), terminal_problems),
    "cli-show": (_cli("show", "{article}"), terminal_problems),
    "cli-entities": (_cli("entities"), terminal_problems),
    "cli-brief-md": (_cli("brief", "{story}", "--format", "md"), markdown_problems),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_escapes_hostile_values(fmt: str, tmp_path: Path) -> None:
    db = str(tmp_path / "hostile.db")
    ids = fill(db)
    render, problems_of = FORMATS[fmt]
    output = render(db, ids)
    assert problems_of(output) == [], output[:3000]


def test_the_checks_catch_unescaped_output() -> None:
    """The checkers are not blind: raw values in each language are reported."""
    assert html_problems(f"<p>{OUTLET}</p>")
    assert markdown_problems(f"# t\n\n- {OUTLET}\n")
    assert csv_problems(f"h\n{OUTLET.splitlines()[0]}\nx\n")
    assert terminal_problems("alert(3) shown without its markup")
