"""The self-contained HTML brief in real headless Chromium: no horizontal overflow, chips wrap and link.

Skipped only when /usr/bin/chromium is absent *and* ``STORYLINE_REQUIRE_BROWSER`` is not set (as in
tests/web/test_browser.py); Playwright never downloads a browser here. Screenshots go to
``$STORYLINE_SCREENSHOTS`` when set, else to a pytest temporary folder.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storyline.brief import build_brief, render_brief
from storyline.compare import analyse_story
from storyline.embed import FakeEmbedder
from storyline.records import Story

from ..side_by_side import ReadingBuilder, article

CHROMIUM = Path(os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

pytestmark = pytest.mark.browser

SENTENCE = "The Kessel cannery in Portmere reopened on Friday after repairs that took eleven weeks."
# many outlets with long names, one of them a single unbroken word longer than a phone screen
OUTLETS = [f"Regional Public Broadcasting Corporation Evening News Desk {n}" for n in range(9)] + [
    "Averyveryveryveryveryveryveryveryveryveryverylongoutletnamewithoutanyspaces"
]


def _need_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("STORYLINE_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and STORYLINE_REQUIRE_BROWSER is set: run bash scripts/browser.sh")
    pytest.skip(f"{CHROMIUM} is not installed; set STORYLINE_REQUIRE_BROWSER to fail instead")


def _brief_html(tmp_path: Path) -> Path:
    articles, readings = {}, {}
    for n, outlet in enumerate(OUTLETS):
        aid = f"a{n:02d}"
        a = article(aid, outlet, SENTENCE, datetime(2026, 3, 21, tzinfo=timezone.utc))
        articles[aid] = replace(a, title=f"{outlet}: cannery reopens")
        readings[aid] = ReadingBuilder(a).entity("Kessel", "ORG").entity("Portmere", "GPE").place("Portmere").build()
    story = Story("s-wide", "Cannery reopens", tuple(articles))
    brief = build_brief(analyse_story(story, articles, readings, {}, FakeEmbedder()))
    assert brief.key_facts and len(brief.key_facts[0].sentence.citations) >= 5
    path = tmp_path / "brief.html"
    path.write_text(render_brief(brief, "html"), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [1280, 390])
def test_the_html_brief_fits_the_window_and_its_chips_link_to_the_passage(tmp_path: Path, width: int) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    path = _brief_html(tmp_path)
    shots = Path(os.environ.get("STORYLINE_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            page.goto(path.as_uri())
            page.screenshot(path=str(shots / f"brief-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            chips = page.locator("a.cite")
            assert chips.count() >= 10
            boxes = [chips.nth(i).bounding_box() for i in range(chips.count())]
            assert all(b is not None and b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5 for b in boxes)
            assert len({round(b["y"]) for b in boxes if b}) > 1  # the chips of one sentence wrap onto more lines
            href = chips.first.get_attribute("href") or ""
            assert href.startswith("/articles/a") and "?cite=" in href and href.endswith("#cited")
        finally:
            browser.close()
