"""Batch metadata (``storyline ingest --outlet --published``): it fills what a file leaves empty, never what
the file states, and ingest names every article left without a publication date."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import InputError
from storyline.ingest.defaults import BatchDefaults
from storyline.records import Article
from storyline.store import open_store

runner = CliRunner()


def test_defaults_fill_only_empty_fields() -> None:
    defaults = BatchDefaults.parse(outlet="  Harbor Ledger ", published="2025-04-03")
    assert defaults.published == datetime(2025, 4, 3, tzinfo=UTC)  # a bare date is midnight UTC
    bare = Article(id="a1", text="The ferry resumed.")
    filled = defaults.apply(bare)
    assert (filled.outlet, filled.published) == ("Harbor Ledger", datetime(2025, 4, 3, tzinfo=UTC))
    own = Article(id="a2", text="x", outlet="Carrow Wire", published=datetime(2024, 1, 2, 8, tzinfo=UTC))
    assert defaults.apply(own) == own
    assert not BatchDefaults.parse() and BatchDefaults.parse().apply(bare) is bare


@pytest.mark.parametrize("value", ["whenever", "1850-01-01"])
def test_a_bad_batch_date_is_refused_with_the_flag_named(value: str) -> None:
    with pytest.raises(InputError) as caught:
        BatchDefaults.parse(published=value)
    assert caught.value.item == "--published" and value in caught.value.message


def _files(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plain.txt").write_text("Ferry resumes\n\nThe ferry resumed on Wednesday, the operator said.\n")
    (folder / "dated.md").write_text(
        "---\ntitle: Council votes\noutlet: Carrow Wire\npublished: 2024-11-05T10:00:00Z\n---\n"
        "The council voted yesterday to rebuild the terminal.\n"
    )
    (folder / "undated.txt").write_text("Bridge closes\n\nThe bridge closed on Monday for repairs, the city said.\n")
    return folder


def test_ingest_flags_fill_plain_files_and_front_matter_wins(tmp_path: Path) -> None:
    folder, db = _files(tmp_path), str(tmp_path / "f.db")
    result = runner.invoke(app, ["ingest", str(folder / "plain.txt"), str(folder / "dated.md"), "--db", db,
                                 "--no-process", "--outlet", "Harbor Ledger", "--published", "2025-04-03"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        by_file = {Path(a.source).name: a for a in store.articles()}
    assert (by_file["plain.txt"].outlet, by_file["plain.txt"].published) == ("Harbor Ledger", datetime(2025, 4, 3, tzinfo=UTC))
    assert (by_file["dated.md"].outlet, by_file["dated.md"].published) == ("Carrow Wire", datetime(2024, 11, 5, 10, tzinfo=UTC))
    assert "no date" not in result.output  # every article has a date


def test_ingest_warns_once_per_undated_article_naming_its_file(tmp_path: Path) -> None:
    folder, db = _files(tmp_path), str(tmp_path / "w.db")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-process"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the console wraps long lines
    assert text.count("no publication date") == 2, result.output  # plain.txt and undated.txt, not dated.md
    assert text.count("plain.txt") == 1 and text.count("undated.txt") == 1 and "dated.md" not in text.replace("undated", "")
    assert "unresolved" in text and "storyline edit" in text and "--published" in text
    assert text.count("articles added") == 1  # the summary once, after the warnings
    assert text.index("no publication date") < text.index("articles added")

    again = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-process"])  # nothing new: no warnings
    assert again.exit_code == 0 and "no publication date" not in again.output


def test_ingest_refuses_a_bad_published_flag(tmp_path: Path) -> None:
    folder = _files(tmp_path)
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "b.db"), "--published", "someday"])
    assert result.exit_code != 0 and "--published" in result.output
