"""The CLI is a thin adapter: exit codes from the exception table, messages naming the bad item,
each skip printed once, plurals, --db on every command, and read commands that refuse a database
that does not exist instead of creating an empty one."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import errors
from storyline.cli import app, ingest_exit_code, plural

runner = CliRunner()


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Gull Island ferry resumes\n\nThe ferry resumed on Wednesday, the operator said.\n")
    (folder / "b.html").write_bytes(b"\x00\x01\x02binary junk")
    return folder


def test_ingest_articles_show_export(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    db = str(tmp_path / "c.db")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-process"])
    assert result.exit_code == errors.EXIT_PARTIAL == 1, result.output  # one of two inputs skipped
    assert "1 article added" in result.output and "1 skipped" in result.output
    assert result.output.count("b.html") == 1, result.output  # the bad file is named once, with its reason
    assert "NUL" in result.output or "binary" in result.output

    again = runner.invoke(app, ["ingest", str(folder / "a.txt"), "--db", db, "--no-process"])
    assert again.exit_code == 0, again.output  # everything went in (already present counts)
    assert "0 articles added, 1 already present" in again.output

    listing = runner.invoke(app, ["articles", "--db", db])
    assert listing.exit_code == 0 and "Gull Island ferry resumes" in listing.output

    exported = runner.invoke(app, ["export", "--format", "json", "--db", db])
    doc = json.loads(exported.stdout)
    article_id = doc["articles"][0]["id"]
    shown = runner.invoke(app, ["show", article_id[:8], "--db", db])
    assert shown.exit_code == 0 and "The ferry resumed on Wednesday" in shown.output
    out = tmp_path / "e.json"
    wrote = runner.invoke(app, ["export", "-o", str(out), "--db", db])
    assert wrote.exit_code == 0 and "wrote 1 article to" in wrote.output


def test_ingest_of_nothing_usable_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01\x02binary junk")
    db = tmp_path / "c.db"
    result = runner.invoke(app, ["ingest", str(bad), str(tmp_path / "missing.txt"), "--db", str(db), "--no-process"])
    assert result.exit_code == errors.EXIT_NOTHING_USABLE == 2, result.output
    assert "bad.html" in result.output and "missing.txt" in result.output
    assert "nothing usable" in result.output


def test_exit_code_rule() -> None:
    assert ingest_exit_code(added=3, present=0, skipped=0) == 0
    assert ingest_exit_code(added=0, present=3, skipped=0) == 0
    assert ingest_exit_code(added=2, present=0, skipped=1) == 1
    assert ingest_exit_code(added=0, present=0, skipped=4) == 2
    assert ingest_exit_code(added=0, present=0, skipped=0) == 2  # an empty folder gives nothing usable
    assert plural(1, "article") == "1 article" and plural(2, "story", "stories") == "2 stories"
    assert plural(0, "copy", "copies") == "0 copies"


READ_COMMANDS = [
    ["articles"], ["show", "a1"], ["export"], ["stories"], ["story", "s1"], ["entities"], ["entity", "Ann"],
    ["brief", "s1"], ["process"], ["merge", "s1", "s2"], ["split", "s1", "a1"], ["entity-merge", "a", "b"],
    ["entity-rename", "a", "b"], ["serve", "--port", "1"],
]  # fmt: skip


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_read_commands_refuse_a_database_that_does_not_exist(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "typo.db"
    result = runner.invoke(app, [*command, "--db", str(db)])
    assert result.exit_code == errors.MissingDatabase.exit_code == 3, result.output
    assert "no such database" in result.output and str(db) in result.output
    assert "storyline ingest" in result.output  # the hint says how to make one
    assert not db.exists(), "a read command created a database"


def test_missing_article_exits_3_with_a_clear_message(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    db = str(tmp_path / "c.db")
    runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-process"])
    result = runner.invoke(app, ["show", "nope-123", "--db", db])
    assert result.exit_code == errors.NotFound.exit_code == 3
    assert "no such article" in result.output


def test_bad_db_folder_is_a_store_error(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    result = runner.invoke(app, ["ingest", str(folder), "--no-process", "--db", str(tmp_path / "missing" / "x.db")])
    assert result.exit_code == errors.StoreError.exit_code == 4 and "folder does not exist" in result.output


def test_exit_codes_are_documented_in_help_and_readme() -> None:
    text = " ".join(runner.invoke(app, ["--help"], terminal_width=400).output.split())
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for code, meaning in errors.EXIT_CODES.items():
        assert f"{code} {meaning}" in text
        assert f"| {code} |" in readme, f"exit code {code} is not in the README's table"


@pytest.mark.models
def test_one_minilm_load_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest + process of the demo corpus embeds articles and builds briefs: the story embedder and the
    brief sentence embedder use one loaded MiniLM (it was loaded twice, printing "Loading weights" twice),
    and the namesake linker's span encoder borrows it too."""
    import storyline.embed
    from storyline.demo import corpus_dir

    real = storyline.embed.load_minilm
    loads: list[int] = []

    def counting_load() -> object:
        loads.append(1)
        return real()

    monkeypatch.setattr(storyline.embed, "load_minilm", counting_load)
    db = str(tmp_path / "demo.db")
    result = runner.invoke(app, ["ingest", str(corpus_dir()), "--db", db])
    assert result.exit_code == 0, result.output
    assert "briefs" in result.output and "Loading weights" not in result.output
    assert len(loads) == 1, f"MiniLM was loaded {len(loads)} times in one process"
    # the linker the entity refresh used is built on the same model: using it loads nothing more
    from storyline.config import load_settings
    from storyline.runners.local import LocalRunner
    from storyline.store import open_store

    with open_store(db) as store:
        local = LocalRunner(store, load_settings(db=db))
        embedder = local.stories().embedder
        embedder.encode(["The ferry resumed."])
        linker = local.namesake_linker()
        vectors = linker._encoder.encode(["Mr. Adewunmi said the fee would fall."], [(4, 12)])
    assert vectors.shape == (1, 384)
    assert len(loads) == 2  # one more for this second runner's embedder, none for its linker
