"""The README's shell examples run as written, in order, in a fresh folder.

Every ```sh block is taken in order; a line whose comment starts with ``needs`` (network, a server, the
virtualenv the install makes) is skipped, as the README says. The ``storyline`` command is the one of
the interpreter running the tests, importing this source tree.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
NEEDS = re.compile(r"\s#\s*needs\b")


def readme_script(text: str) -> tuple[str, list[str]]:
    """The runnable lines of the README's ```sh blocks as one script, and the lines it leaves out."""
    kept: list[str] = []
    skipped: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            (skipped if NEEDS.search(line) else kept).append(line)
    return "\n".join(kept) + "\n", skipped


def test_the_script_keeps_heredocs_and_drops_marked_lines() -> None:
    script, skipped = readme_script(
        "```sh\ncat > a.txt <<'EOF'\n# a heading\nEOF\nstoryline serve  # needs a server\n```\n```json\n{}\n```\n"
    )
    assert script == "cat > a.txt <<'EOF'\n# a heading\nEOF\n" and skipped == ["storyline serve  # needs a server"]


@pytest.mark.models
def test_readme_examples_run_as_written(tmp_path: Path) -> None:
    script, skipped = readme_script((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "storyline demo" in script and "storyline ingest reports/" in script
    assert any("storyline serve" in line for line in skipped)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run(["bash", "-euo", "pipefail", "-x", "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=1200)  # fmt: skip
    assert run.returncode == 0, f"README example failed ({run.returncode}):\n{run.stderr[-4000:]}\n{run.stdout[-2000:]}"
    brief = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert brief.strip() and "[" in brief  # a cited brief
    exported = json.loads((tmp_path / "everything.json").read_text(encoding="utf-8"))
    assert exported["articles"]
    from storyline.store import open_store

    with open_store(str(tmp_path / "news.db")) as store:  # the front matter went in
        meta = {a.title: (a.outlet, a.published.isoformat() if a.published else None) for a in store.articles()}
    assert meta["Ferry fire at Portmere leaves 12 injured"] == ("Harbor Ledger", "2026-03-18T09:00:00+00:00")
    assert meta["Fifteen hurt as ferry burns in Portmere harbour"][0] == "Valley Courier"
    # --outlet/--published fill a plain file's metadata; front matter wins over them
    assert meta["Portmere east quay closed after ferry fire"] == ("Harbor Ledger", "2026-03-19T00:00:00+00:00")
    assert ("Coastline Wire", "2026-03-20T08:00:00+00:00") in meta.values()
