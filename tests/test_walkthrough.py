"""A new user's first run, end to end with the real models and no network: five plain-text reports without
front matter are ingested, ingest names each one as undated, the user dates a report with ``storyline edit``
and its relative days ("on Wednesday", "on Thursday") then resolve against that date; the story's brief says
who met whom.

The reports are the seed set of the shared datasets (``$STORYLINE_SHARED`` or ``../shared`` beside the
repository); the test is skipped, saying so, when they are absent. Report 002 (a Kremlin envoy "announced on
Thursday" that he met Trump administration officials "on Wednesday", as Russia was left off the tariff list
announced on 2 April 2025) was published on Thursday 3 April 2025.
"""

from datetime import date
from pathlib import Path

import json

import pytest
from typer.testing import CliRunner

from bench.datasets import shared_dir
from storyline.cli import app
from storyline.store import open_store

pytestmark = pytest.mark.models

SEEDS = shared_dir() / "datasets" / "seeds"
REPORT = "002"  # the report whose relative days the walk-through resolves
PUBLISHED = "2025-04-03"


def _seed_files() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed reports are not here ({SEEDS}); set STORYLINE_SHARED to the shared data folder")
    files = sorted(SEEDS.glob("*.txt"))
    if len(files) < 5:
        pytest.skip(f"expected five seed reports in {SEEDS}, found {len(files)}")
    return files


def _days(db: str, article_id: str) -> dict[str, set[date]]:
    """The calendar days each weekday expression of the article's reading resolved to."""
    with open_store(db) as store:
        reading = store.readings([article_id])[article_id]
    days: dict[str, set[date]] = {}
    for ref in reading.dates:
        words = ref.text.lower().split()
        if ref.granularity == "day" and words[-1] in {"wednesday", "thursday"}:
            days.setdefault(words[-1], set()).add(ref.value)
    return days


def test_new_user_dates_an_undated_report_and_its_weekdays_resolve(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for seed in _seed_files():
        text = seed.read_text(encoding="utf-8")
        assert not text.lstrip().startswith("---"), f"{seed.name} has front matter; the walk-through needs none"
        (folder / seed.name).write_text(text, encoding="utf-8")
    db = str(tmp_path / "news.db")
    runner = CliRunner()

    ingested = runner.invoke(app, ["ingest", str(folder), "--db", db])
    assert ingested.exit_code == 0, ingested.output
    said = " ".join(ingested.output.split())
    names = sorted(p.name for p in folder.iterdir())
    assert said.count("no publication date") == len(names), ingested.output
    for name in names:
        assert said.count(name) == 1, f"{name} is not named once in:\n{ingested.output}"
    assert said.count("articles added") == 1, ingested.output

    with open_store(db) as store:
        report = next(a for a in store.articles() if Path(a.source).name.startswith(REPORT))
    assert report.published is None
    before = _days(db, report.id)
    assert date(2025, 4, 2) not in before.get("wednesday", set())  # nothing to resolve it against yet

    edited = runner.invoke(app, ["edit", report.id, "--published", PUBLISHED, "--db", db])
    assert edited.exit_code == 0, edited.output
    assert "re-read 1 article" in " ".join(edited.output.split())
    after = _days(db, report.id)
    assert after.get("wednesday") == {date(2025, 4, 2)}, after
    assert after.get("thursday") == {date(2025, 4, 3)}, after

    with open_store(db) as store:
        story = next(st for st in store.stories() if report.id in st.article_ids)
    shown = runner.invoke(app, ["brief", story.id, "--format", "json", "--db", db])
    assert shown.exit_code == 0, shown.output
    account = " ".join(s["text"] for s in json.loads(shown.output)["account"])
    # the reports say the envoy met administration officials and was to meet the White House envoy
    assert "met with representatives of the Trump administration in Washington" in account, account
    assert "meet with" in account and "Witkoff" in account, account
