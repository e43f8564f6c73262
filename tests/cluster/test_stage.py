"""Story titles (storyline/cluster/stage.py)."""

from __future__ import annotations

from storyline.cluster.index import _Story
from storyline.cluster.stage import LEDE_TITLE_CHARS, _title, lede_title
from storyline.records import Article


def test_a_title_from_the_first_sentence_ends_on_a_whole_word() -> None:
    assert lede_title("Fog closed the port of Dunmarra on Monday. Ferries waited offshore.") == (
        "Fog closed the port of Dunmarra on Monday."
    )
    long = "Harbour pilots at Dunmarra " + "refused night shifts after a collision " * 5 + "on Monday. More."
    title = lede_title(long)
    assert len(title) <= LEDE_TITLE_CHARS + 1 and title.endswith("…")
    assert title[:-1] == long[: len(title) - 1] and long[len(title) - 1] == " "  # cut before a space
    assert lede_title("\n\n  A line without a full stop\nsecond line") == "A line without a full stop"


def test_a_story_whose_reports_have_no_headline_is_titled_by_its_first_report_not_an_id() -> None:
    a = Article(id="a1", text="Fog closed the port of Dunmarra on Monday. Ferries waited offshore.", outlet="Tide Post")
    b = Article(id="b1", text="Ferries waited offshore as fog closed Dunmarra's port.", outlet="Quay Daily")
    story = _Story(id="s1", founder="a1", members=["a1", "b1"])
    assert _title(None, story, {"a1": a, "b1": b}) == "Fog closed the port of Dunmarra on Monday."  # type: ignore[arg-type]
    titled = Article(id="b1", text=b.text, outlet="Quay Daily", title="Fog shuts Dunmarra port")
    assert _title(None, story, {"a1": a, "b1": titled}) == "Fog shuts Dunmarra port"  # type: ignore[arg-type]
