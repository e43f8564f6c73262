"""End to end in real headless Chromium (Debian's ``chromium``, driven by Playwright's Python package).

The app runs under uvicorn on 127.0.0.1 (a free port) in a thread. Screenshots go to
``$STORYLINE_SCREENSHOTS`` when set, else to a pytest temporary folder.

Skipped only when /usr/bin/chromium is absent *and* ``STORYLINE_REQUIRE_BROWSER`` is not set
(CI sets it, and installs the browser with ``scripts/browser.sh``); Playwright never downloads
a browser here.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.store import open_store
from storyline.web.app import create_app

from .conftest import Corpus, _fill, make_settings

CHROMIUM = Path(os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

pytestmark = pytest.mark.browser


def _need_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("STORYLINE_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and STORYLINE_REQUIRE_BROWSER is set: run bash scripts/browser.sh")
    pytest.skip(f"{CHROMIUM} is not installed (bash scripts/browser.sh installs it); set STORYLINE_REQUIRE_BROWSER to fail instead")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Corpus]]:
    import uvicorn

    db = str(tmp_path_factory.mktemp("browser") / "web.db")
    store = open_store(db)
    corpus = _fill(store)
    store.close()
    port = _free_port()
    config = uvicorn.Config(create_app(make_settings(db), process=None), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
        assert thread.is_alive(), "uvicorn stopped while starting"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", corpus
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("STORYLINE_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.console = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console.append(m.text))  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.console.append(f"pageerror {e}"))  # type: ignore[attr-defined]
    yield pg
    context.close()


def test_story_list_story_matrix_conflict_and_search(page: Any, site: tuple[str, Corpus], shots: Path) -> None:
    base, corpus = site
    page.goto(base + "/")
    rows = page.locator('[data-testid="story-list"] tbody tr')
    assert rows.count() == 2
    assert "Ferry fire at Portmere" in rows.nth(1).inner_text()
    page.screenshot(path=str(shots / "stories.png"), full_page=True)

    page.locator('select[name="outlet"]').select_option("Riverside Daily")  # the filter form, empty dates and all
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/?*outlet=Riverside+Daily*")
    assert page.locator('[data-testid="story-list"] tbody tr').count() == 1
    assert "Lindmoor bridge budget" in page.locator('[data-testid="story-list"]').inner_text()
    page.goto(base + "/")

    page.get_by_role("link", name="Ferry fire at Portmere").click()
    page.wait_for_url(f"**/stories/{corpus.story.id}")
    assert page.locator('[data-testid="story-title"]').inner_text() == "Ferry fire at Portmere"

    matrix = page.locator('[data-testid="matrix"]')
    assert matrix.is_visible()
    headers = matrix.locator("thead th").all_inner_texts()
    assert {"Harbor Ledger", "Valley Courier", "Northgate Post", "Coastline Wire"} <= set(headers)
    conflict_rows = matrix.locator("tbody tr.conflict")
    assert conflict_rows.count() == 2
    toll = conflict_rows.filter(has_text="injuring 12 people")
    post_cell = toll.locator('td[data-outlet="Northgate Post"]')
    assert post_cell.inner_text().strip() == "Fifteen people"
    ledger_cell = toll.locator('td[data-outlet="Harbor Ledger"]')
    assert ledger_cell.inner_text().strip() == "12 people"
    # the conflict is highlighted: a coloured cell, unlike a silent one
    colour = post_cell.evaluate("e => getComputedStyle(e).backgroundColor")
    silent = matrix.locator("td.c-silent").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", silent)
    assert page.locator('[data-testid="conflicts"] li.conflict-item').count() == 2
    assert page.locator(".diff ins").first.inner_text() == "all passengers"
    assert page.locator('svg[data-testid="timeline"] circle').count() == 2
    tree = page.locator('[data-testid="copy-tree"]')
    assert "Coastline Wire" in tree.locator("li ul li").first.inner_text()
    page.screenshot(path=str(shots / "story.png"), full_page=True)

    page.get_by_role("searchbox", name="Search articles").fill("hospital")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url("**/search?q=hospital")
    results = page.locator('[data-testid="search-results"] li')
    assert results.count() == 1
    assert "Fifteen injured" in results.first.inner_text() or "15 injured" in results.first.inner_text()
    assert results.first.locator("mark").first.inner_text().lower() == "hospital"
    page.screenshot(path=str(shots / "search.png"), full_page=True)

    results.first.get_by_role("link").first.click()
    marks = page.locator('[data-testid="article-text"] mark')
    assert marks.count() >= 4
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_article_payloads_render_inert(page: Any, site: tuple[str, Corpus], shots: Path) -> None:
    base, corpus = site
    xss = corpus.articles["xss"]
    for path in (f"/articles/{xss.id}", f"/stories/{corpus.other.id}", "/", "/search?q=notice"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__pwned === undefined"), path
        assert page.locator("script").count() == 0, path  # the pages have no scripts of their own either
        assert page.locator("img").count() == 0, path
        assert page.locator('a[href^="javascript"]').count() == 0, path
    page.goto(base + f"/articles/{xss.id}")
    text = page.locator('[data-testid="article-text"]').inner_text()
    assert "<script>window.__pwned = 2; alert('x')</script>" in text  # shown as text
    assert '<img src=x onerror="alert(3)">' in text
    assert 'onerror="window.__pwned=1"' in page.locator('[data-testid="article-title"]').inner_text()
    page.screenshot(path=str(shots / "xss-article.png"), full_page=True)
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert not [m for m in page.console if "pwned" in m or "alert" in m], page.console  # type: ignore[attr-defined]


WIDTHS = (1280, 390)  # a laptop and a phone


def _pages(corpus: Corpus) -> dict[str, str]:
    return {
        "home": "/",
        "story": f"/stories/{corpus.story.id}",
        "article": f"/articles/{corpus.articles['ledger'].id}",
        "entities": "/entities",
        "entity": f"/entities/{corpus.entity.id}",
        "search": "/search?q=ferry",
        "docs": "/docs",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen(browser: Any, site: tuple[str, Corpus], shots: Path, width: int) -> None:
    """No page scrolls sideways at laptop or phone width: wide content (the outlets side by side) scrolls
    inside its own box, dates never break inside, citation chips wrap with the text."""
    base, corpus = site
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600,
                                  has_touch=width < 600)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        for name, path in _pages(corpus).items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if name == "docs":
                page.locator(".opblock").first.wait_for()
            # a phone widens its layout viewport to fit a page that is too wide: compare with the screen too
            sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            assert sizes[0] <= min(sizes[1], width), f"{name} at {width} px is {sizes} px wide"
        assert not failed, failed  # favicon, styles and the docs bundles all load

        page.goto(base + f"/stories/{corpus.story.id}")
        box = page.locator(".scroll").first  # the matrix scrolls inside its box when it is wider than the screen
        inner = box.evaluate("e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX]")
        if width < 600:
            assert inner[0] > inner[1] and inner[2] == "auto", inner
        dates = page.locator("time")
        assert dates.count() >= 4
        for n in range(dates.count()):  # a date is one line: its height is one line of text
            assert dates.nth(n).evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        chips = page.locator("a.cite")
        assert chips.count() >= 3
        assert all(chips.nth(n).bounding_box()["x"] + chips.nth(n).bounding_box()["width"] <= width  # type: ignore[index]
                   for n in range(chips.count()))  # fmt: skip
    finally:
        context.close()


def test_docs_show_the_api_operations(page: Any, site: tuple[str, Corpus], shots: Path) -> None:
    """Swagger UI 5 reads the OpenAPI 3.1 document (4.15 showed "Unable to render this definition")."""
    base, _ = site
    page.goto(base + "/docs")
    page.locator(".opblock").first.wait_for()
    text = page.locator("#swagger-ui").inner_text()
    assert "Unable to render" not in text
    for path in ("/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/search", "/api/v1/ingest/articles"):
        assert page.locator(f'.opblock-summary-path[data-path="{path}"]').count() >= 1, path
    page.screenshot(path=str(shots / "docs.png"), full_page=False)
    page.goto(base + "/redoc")
    page.locator("h2", has_text="Stories, latest activity first").first.wait_for()
    assert page.locator("[data-section-id]").count() >= 8  # one section per operation
    page.screenshot(path=str(shots / "redoc.png"), full_page=False)
    assert not [m for m in page.console if "error" in m.lower()], page.console  # type: ignore[attr-defined]
