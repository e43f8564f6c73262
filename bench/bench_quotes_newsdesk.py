"""Quotes, speakers and dates on newsdesk through the reading stage alone (no clustering, no database).

    python -m bench.bench_quotes_newsdesk [--corpus newsdesk] [--misses N] [--dates] [--cost]

Reads every report of ``../shared/datasets/<corpus>/articles.jsonl`` with the product's JSONL parser and
:class:`storyline.read.stage.ReadStage`, builds a synthetic export v1 document holding only articles and readings,
and scores it with the shared scorer's own ``score()`` (``../shared/eval/score.py``, imported, not copied), so the
quote recall and speaker accuracy printed here are the ones ``bench.bench_newsdesk`` prints for the same readings.

It then lists the misses -- truth quote, the nearest quote found in that article and the speaker found -- so the
kinds of failure can be studied. ``--dates`` also reports, for each truth timeline event, whether one of its
articles holds a date reading with that date (an upper bound for the timeline the comparison builds from them).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from storyline.codec import to_json
from storyline.config import Settings
from storyline.ingest.jsonl import parse_record
from storyline.pipeline import Batch
from storyline.read.stage import ReadStage
from storyline.records import Article, Reading

from .datasets import DatasetMissing, datasets_dir, shared_dir, skip_if_missing


def load_scorer() -> ModuleType:
    """The shared scorer as a module (it is a script, not a package)."""
    path = shared_dir() / "eval" / "score.py"
    if not path.exists():
        raise DatasetMissing(f"{path} not found")
    spec = importlib.util.spec_from_file_location("shared_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_corpus(name: str) -> tuple[list[Article], dict[str, Any]]:
    folder = datasets_dir() / name
    articles_path, truth_path = folder / "articles.jsonl", folder / "truth.json"
    if not articles_path.exists() or not truth_path.exists():
        raise DatasetMissing(f"{folder} lacks articles.jsonl or truth.json")
    articles = []
    for i, line in enumerate(articles_path.read_text(encoding="utf-8").splitlines()):
        if line.strip():
            articles.append(parse_record(json.loads(line), f"{articles_path.name}#{i + 1}"))
    return articles, json.loads(truth_path.read_text(encoding="utf-8"))


def read_all(articles: list[Article]) -> dict[str, Reading]:
    stage = ReadStage(Settings())
    batch = stage.run(Batch(articles=tuple(articles)))
    return dict(batch.readings)


def synthetic_export(articles: list[Article], readings: dict[str, Reading]) -> dict[str, Any]:
    return {
        "format": "storyline-export",
        "version": 1,
        "articles": [{"id": a.id, "external_id": a.external_id} for a in articles],
        "readings": [to_json(readings[a.id]) for a in articles if a.id in readings],
    }


def misses(scorer: ModuleType, doc: dict[str, Any], truth: dict[str, Any]) -> list[dict[str, str]]:
    """Each truth quote variant not found, or found with a wrong speaker, with what was found nearest."""
    ex = scorer.Export(doc)
    alt: dict[str, set[str]] = {}
    for c in truth.get("conflicts", []):
        if c["slot"] == "quote_attribution":
            for v in c["values"]:
                for a in v["articles"]:
                    alt.setdefault(a, set()).add(scorer.norm(v["value"]).split()[-1])
    out = []
    for tq in truth.get("quotes", []):
        for v in tq["variants"]:
            for a in v["articles"]:
                found = [q for q in ex.quotes if q["article"] == a]
                best = max(found, key=lambda q: scorer.token_f1(q["text"], v["text"]), default=None)
                f1 = scorer.token_f1(best["text"], v["text"]) if best else 0.0
                kind = "missing"
                if f1 >= 0.8:
                    names = {scorer.norm(tq["speaker"]).split()[-1]} | alt.get(a, set())
                    cands = [q for q in found if scorer.token_f1(q["text"], v["text"]) >= 0.8]
                    if any(n in scorer.norm(q["speaker"]).split() for q in cands for n in names):
                        continue
                    kind = "speaker"
                out.append({"kind": kind, "article": a, "truth": v["text"], "truth_speaker": tq["speaker"],
                            "found": best["text"] if best else "", "f1": f"{f1:.2f}",
                            "speaker": best["speaker"] if best else ""})
    return out


def timeline_dates(articles: list[Article], readings: dict[str, Reading], truth: dict[str, Any]) -> tuple[int, int, list]:
    """Truth timeline events whose date some article of theirs reads (any expression)."""
    by_ext = {a.external_id: readings.get(a.id) for a in articles}
    got, lost = 0, []
    for t in truth.get("timeline", []):
        ok = False
        for aid in t["articles"]:
            r = by_ext.get(aid)
            if r and any(d.value.isoformat()[: len(t["date"])] == t["date"] for d in r.dates):
                ok = True
        got += ok
        if not ok:
            lost.append(t)
    return got, len(truth.get("timeline", [])), lost


def parse_cost(articles: list[Article]) -> str:
    """CPU ms per article of the reader's model pass (NER + sentences) and of the dependency parse of the sentences
    around quotes that speakers are read from, and the share of the text that parse covers."""
    import time

    from storyline.read.nlp import load_nlp, parse
    from storyline.read.quote_marks import scan_quotes
    from storyline.read.stage import model_text
    from storyline.read.syntax import load_parser, parse_windows, windows

    model = Settings().spacy_model
    nlp, parser = load_nlp(model), load_parser(model)
    t = time.process_time()
    parsed = list(parse(nlp, [model_text(a.text) for a in articles]))
    base = time.process_time() - t
    t, covered = time.process_time(), 0
    for a, p in zip(articles, parsed, strict=True):
        ranges = windows(p.sentences, [(q.open_at, q.close_at) for q in scan_quotes(a.text)])
        covered += sum(e - s for s, e in ranges)
        parse_windows(parser, a.text, ranges)
    extra = time.process_time() - t
    n, chars = len(articles), sum(len(a.text) for a in articles) or 1
    return (f"model pass {1000 * base / n:.1f} CPU ms/article; parse around quotes {1000 * extra / n:.1f} CPU ms/article "
            f"({covered / chars:.0%} of the text)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="newsdesk")
    parser.add_argument("--misses", type=int, default=200, help="how many misses to list")
    parser.add_argument("--dates", action="store_true", help="also check the truth timeline's dates")
    parser.add_argument("--cost", action="store_true", help="also time the speaker parse against the model pass")
    parser.add_argument("--json", type=Path, help="write the misses here as JSON")
    args = parser.parse_args()
    scorer = load_scorer()
    articles, truth = load_corpus(args.corpus)
    readings = read_all(articles)
    doc = synthetic_export(articles, readings)
    q = scorer.score(doc, truth)["quotes"]
    listed = misses(scorer, doc, truth)
    for m in listed[: args.misses]:
        print(f"[{m['kind']}] {m['article']} truth<{m['truth_speaker']}>: {m['truth'][:110]!r}")
        print(f"      found<{m['speaker']}> f1={m['f1']}: {m['found'][:110]!r}")
    if args.json:
        args.json.write_text(json.dumps(listed, indent=1, ensure_ascii=False))
    print(f"quotes recall {q['recall']:.3f} ({q['found']}/{q['true']}), speaker accuracy {q['speaker_acc']:.3f}")
    if args.cost:
        print(parse_cost(articles))
    if args.dates:
        got, total, lost = timeline_dates(articles, readings, truth)
        for t in lost:
            print(f"  undated: {t['date']} {t['articles']} {t['event'][:90]!r}")
        print(f"timeline dates read in one of the event's articles: {got}/{total} ({got / total if total else 0:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(skip_if_missing(main)() or 0)
