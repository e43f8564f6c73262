"""The CLI is a thin adapter: exit codes, messages naming the bad item, --db on every command."""

import json

from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


def _corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Gull Island ferry resumes\n\nThe ferry resumed on Wednesday, the operator said.\n")
    (folder / "b.html").write_bytes(b"\x00\x01\x02binary junk")
    return folder


def test_ingest_articles_show_export(tmp_path):
    folder = _corpus(tmp_path)
    db = str(tmp_path / "c.db")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-process"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "1 skipped" in result.output
    assert "b.html" in result.output  # the bad file is named with its reason

    again = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-process"])
    assert "0 added, 1 already present" in again.output

    listing = runner.invoke(app, ["articles", "--db", db])
    assert listing.exit_code == 0 and "Gull Island ferry resumes" in listing.output

    exported = runner.invoke(app, ["export", "--format", "json", "--db", db])
    doc = json.loads(exported.stdout)
    article_id = doc["articles"][0]["id"]
    shown = runner.invoke(app, ["show", article_id[:8], "--db", db])
    assert shown.exit_code == 0 and "The ferry resumed on Wednesday" in shown.output


def test_missing_article_exits_3_with_a_clear_message(tmp_path):
    db = str(tmp_path / "c.db")
    result = runner.invoke(app, ["show", "nope-123", "--db", db])
    assert result.exit_code == 3
    assert "no such article" in result.output


def test_bad_db_folder_is_a_store_error(tmp_path):
    result = runner.invoke(app, ["articles", "--db", str(tmp_path / "missing" / "x.db")])
    assert result.exit_code == 1 and "folder does not exist" in result.output
