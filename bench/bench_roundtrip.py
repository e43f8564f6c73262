"""export -> import -> export on a real corpus, with analyst overrides, on SQLite and PostgreSQL.

    python -m bench.bench_roundtrip                         # newsdesk, SQLite (+ PostgreSQL when configured)
    python -m bench.bench_roundtrip --limit 40 --backend sqlite
    python -m bench.bench_roundtrip --source DB             # skip the ingest: start from a processed database

What it does, with the ``storyline`` command as a user would:

1. ``storyline ingest`` of the corpus (``../shared/datasets/newsdesk/articles.jsonl``, or its first ``--limit``
   reports) into a fresh SQLite database (or a copy of ``--source``);
2. three analyst decisions: ``storyline merge`` of the two largest stories, ``storyline entity-rename`` of the
   entity named most often, ``storyline edit --title`` of one article (re-read and re-placed);
3. ``storyline export --format jsonl``;
4. for each backend: ``storyline import`` into a fresh database, ``storyline export --format jsonl`` again;
5. compares the two exports section by section (articles with their external ids, stories with merge
   redirects, overrides, and the rest) and prints ``same`` or what differs. Exits non-zero when anything differs.

PostgreSQL: ``--pg URL`` or ``STORYLINE_TEST_PG_URL``; a throwaway database is created on that server and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .bench_faults import pg_database
from .datasets import shared_dir

PG_ENV = "STORYLINE_TEST_PG_URL"
#: Sections compared, in export order (``storyline.backup.SECTIONS``); the first three are the headline.
SECTIONS = ("articles", "stories", "overrides", "copies", "assignments", "readings", "entities", "story_docs")


def cli(*args: str, timeout: float = 3600) -> str:
    """Run ``storyline ARGS`` with this tree's code; returns stdout, raises with stderr when it fails."""
    done = subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ))  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"storyline {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def corpus_slice(limit: int | None, folder: Path) -> Path:
    source = shared_dir() / "datasets" / "newsdesk" / "articles.jsonl"
    if limit is None:
        return source
    lines = source.read_text(encoding="utf-8").splitlines()[:limit]
    out = folder / "input.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def apply_overrides(db: str) -> list[str]:
    """The three analyst decisions (see the module docstring); returns what was done, for the printout."""
    from storyline.store import open_store

    with open_store(db) as store:
        stories = sorted(store.stories(), key=lambda s: (-len(s.article_ids), s.id))
        entities = store.entities()
        articles = store.articles(limit=1)
    done = []
    if len(stories) >= 2:
        keep, other = stories[0].id, stories[1].id
        cli("merge", keep, other, "--db", db)
        done.append(f"merged story {other} into {keep}")
    if entities:
        target = max(entities, key=lambda e: (len(e.article_ids), e.id))
        cli("entity-rename", target.id, f"{target.name} (renamed)", "--db", db)
        done.append(f"renamed entity {target.id} ({target.name!r})")
    if articles:
        cli("edit", articles[0].id, "--title", "Edited: " + (articles[0].title or "untitled"), "--db", db)
        done.append(f"edited the title of {articles[0].id}")
    return done


def read_export(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The export's records by section, each sorted by its JSON text (the header and its time left out)."""
    sections: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            kind = row.pop("type", None)
            if kind in (None, "header", "export"):
                continue
            sections.setdefault(kind, []).append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    plural = {"copy": "copies", "story": "stories", "entity": "entities"}
    return {plural.get(k, k + "s"): [json.loads(t) for t in sorted(v)] for k, v in sections.items()}


def compare(first: dict[str, list[dict[str, Any]]], second: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Per section: ``same (N)`` or what differs."""
    verdict = {}
    for name in sorted(set(first) | set(second), key=lambda n: (SECTIONS.index(n) if n in SECTIONS else 99, n)):
        a, b = first.get(name, []), second.get(name, [])
        if a == b:
            verdict[name] = f"same ({len(a)})"
            continue
        texts_a = {json.dumps(r, sort_keys=True) for r in a}
        texts_b = {json.dumps(r, sort_keys=True) for r in b}
        only_a, only_b = texts_a - texts_b, texts_b - texts_a
        example = (sorted(only_a) or sorted(only_b))[0][:300] if (only_a or only_b) else "order or duplicates"
        verdict[name] = f"DIFFERENT ({len(a)} -> {len(b)}; {len(only_a)} only before, {len(only_b)} only after; e.g. {example})"
    return verdict


def external_ids(export: dict[str, list[dict[str, Any]]]) -> int:
    return sum(1 for a in export.get("articles", []) if a.get("external_id"))


def roundtrip(export1: Path, target: str, folder: Path, tag: str) -> dict[str, str]:
    cli("import", str(export1), "--db", target)
    export2 = folder / f"export-{tag}.jsonl"
    cli("export", "--format", "jsonl", "--output", str(export2), "--db", target)
    return compare(read_export(export1), read_export(export2))


def run(limit: int | None, backends: tuple[str, ...], pg: str | None, source: Path | None = None,
        keep: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """The round trip on each backend; figures for the gate: sections compared and sections that differ."""
    folder = Path(tempfile.mkdtemp(prefix="storyline-roundtrip-")) if keep is None else keep
    folder.mkdir(parents=True, exist_ok=True)
    db = str(folder / "source.db")
    began = time.monotonic()
    if source is not None:
        shutil.copyfile(source, db)
        print(f"source: a copy of {source}")
    else:
        corpus = corpus_slice(limit, folder)
        cli("ingest", str(corpus), "--db", db)
        print(f"source: ingested {corpus.name} ({limit or 'all'} reports) in {time.monotonic() - began:.0f} s")
    for line in apply_overrides(db):
        print("override: " + line)
    export1 = folder / "export-source.jsonl"
    cli("export", "--format", "jsonl", "--output", str(export1), "--db", db)
    first = read_export(export1)
    print(f"export: {len(first.get('articles', []))} articles ({external_ids(first)} with external ids), "
          f"{len(first.get('stories', []))} stories, {len(first.get('overrides', []))} overrides")  # fmt: skip
    compared = different = 0
    for backend in backends:
        if backend == "sqlite":
            verdict = roundtrip(export1, str(folder / "restored.db"), folder, "sqlite")
        else:
            if not pg:
                print(f"postgres: skipped ({PG_ENV} not set and no --pg)")
                continue
            url, drop = pg_database(pg)
            try:
                verdict = roundtrip(export1, url, folder, "postgres")
            finally:
                drop()
        print(f"{backend}: " + "; ".join(f"{name} {v}" for name, v in verdict.items()))
        compared += len(verdict)
        different += sum(not v.startswith("same") for v in verdict.values())
    ok = compared > 0 and different == 0
    print(f"round trip {'identical' if ok else 'NOT identical'} ({time.monotonic() - began:.0f} s; files in {folder})")
    if keep is None and ok:
        shutil.rmtree(folder, ignore_errors=True)
    return {"sections_compared": compared, "sections_different": different}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N reports of newsdesk")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg", default=os.environ.get(PG_ENV), help=f"PostgreSQL server URL (default ${PG_ENV})")
    parser.add_argument("--source", type=Path, default=None, help="a processed SQLite database to start from")
    parser.add_argument("--keep", type=Path, default=None, help="keep the databases and exports in this folder")
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    figures = run(args.limit, backends, args.pg, args.source, args.keep)
    return 0 if figures["sections_compared"] and not figures["sections_different"] else 1


if __name__ == "__main__":
    sys.exit(main())
