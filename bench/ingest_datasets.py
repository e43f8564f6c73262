"""Ingest the shared datasets through the product's own ingest, twice, and check the second adds nothing.

    python -m bench.ingest_datasets

- the five seeds as ``.txt`` files, read by ``storyline.workflow.ingest`` from ../shared/datasets/seeds;
- ECB+ (982 documents) through the bench loader, stored as articles.
Prints counts and rates; exits non-zero if anything is lost or duplicated.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from storyline import workflow
from storyline.config import load_settings
from storyline.records import Article
from storyline.store import open_store

from .datasets import datasets_dir, load_ecbplus, skip_if_missing


def main() -> int:
    seeds = datasets_dir() / "seeds"
    docs = load_ecbplus("all")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(db=str(Path(tmp) / "d.db"), env={})
        with open_store(settings.db) as store:
            first = workflow.ingest(store, [str(seeds)], settings)
            again = workflow.ingest(store, [str(seeds)], settings)
            print(f"seeds: {len(first.added)} added, {len(first.skipped)} skipped; "
                  f"again: {len(again.added)} added, {len(again.present)} present")
            titles = [store.get_article(i).title for i in first.added]
            print("  titles:", "; ".join(t or "(none)" for t in titles))
            now = datetime.now(UTC)
            articles = [
                Article(id=Article.make_id(d.text, d.url or f"ecbplus:{d.doc_id}"), text=d.text, url=d.url,
                        external_id=d.doc_id, source=f"ecbplus.jsonl.gz#{d.doc_id}", ingested_at=now)
                for d in docs
            ]  # fmt: skip
            began = time.perf_counter()
            added, present = store.add_articles(articles)
            rate = len(articles) / (time.perf_counter() - began)
            added2, present2 = store.add_articles(articles)
            total = store.count_articles()
            print(f"ecb+: {len(docs)} documents, {len(added)} added ({rate:.0f}/s), {len(present)} present; "
                  f"again: {len(added2)} added, {len(present2)} present; store holds {total}")
    ok = (
        len(first.added) == 5 and not first.skipped and not again.added and len(again.present) == 5
        and len(added) + len(present) == len(docs) and not added2 and total == 5 + len(added)
    )  # fmt: skip
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(skip_if_missing(main)() or 0)
