"""Reading quality on the demo ground truth, and reading-stage throughput.

    .venv/bin/python -m bench.bench_reading             # quality on storyline/demo (quotes, dates, ...)
    .venv/bin/python -m bench.bench_reading --speed     # throughput + peak memory over ECB+ texts

Quality (storyline/demo/ground_truth.json, see docs/dev/ground_truth.md):

- quotes: a predicted quote matches a ground-truth quote of the same article when their texts,
  compared without quotation marks, case, punctuation or spacing, are equal or one contains the
  other (a quote split or joined at a paragraph still counts once). Precision = matched
  predicted / predicted; recall = matched truth / truth; speaker accuracy = matched truth whose
  predicted speaker resolves (store-wide entity resolution over the demo) to the true speaker's
  name or one of its aliases.
- dates: every ground-truth date expression, found in the same article by overlapping text
  (case-insensitive), must resolve to the stated day; accuracy = right / all truth rows (a miss
  is wrong). A period expression ("last week", "earlier this month") resolves to its period
  (first day + granularity) and is right when the stated day lies inside it. Date precision (predicted expressions that match a truth row) is reported too.
- amounts (value), event locations, roles (person + title) are reported without floors.

Throughput: ReadStage over ECB+ texts on this machine (2 cores), articles/s and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import time
from datetime import datetime
from pathlib import Path

from storyline.config import Settings
from storyline.pipeline import Batch
from storyline.read.entities import find_entity, fold
from storyline.read.stage import ReadStage
from storyline.records import Article

from .datasets import DatasetMissing, load_ecbplus, skip_if_missing

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo"


def _norm(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def _covers(ref, value: str) -> bool:  # type: ignore[no-untyped-def]
    """A day-level ref must give the day; a week/month/year ref ("last week") must contain it."""
    from datetime import date, timedelta

    day = date.fromisoformat(value)
    if ref.granularity == "day":
        return ref.value == day
    if ref.granularity == "week":
        return ref.value <= day < ref.value + timedelta(days=7)
    if ref.granularity == "month":
        return (ref.value.year, ref.value.month) == (day.year, day.month)
    return ref.value.year == day.year


def load_demo() -> tuple[list[Article], dict]:
    from storyline.ingest import read_inputs

    truth_path = DEMO / "ground_truth.json"
    if not truth_path.exists():
        raise DatasetMissing(f"{truth_path} not found")
    truth = json.loads(truth_path.read_text("utf-8"))
    articles = [a for a in read_inputs([str(DEMO / "corpus")], Settings()) if isinstance(a, Article)]
    # the ground truth states each article's publication time; use it when the input lacks one
    published = {u: datetime.fromisoformat(v["published"]) for u, v in truth["articles"].items() if v.get("published")}
    import dataclasses

    articles = [a if a.published or a.url not in published else dataclasses.replace(a, published=published[a.url]) for a in articles]
    return articles, truth


def quality(articles: list[Article], truth: dict, stage: ReadStage | None = None) -> dict[str, float]:
    stage = stage or ReadStage(Settings())
    began = time.perf_counter()
    readings = stage.run(Batch(articles=tuple(articles))).readings
    seconds = time.perf_counter() - began
    entities, refresh_seconds, namesake_calls = product_entities(articles, readings)
    by_url = {a.url: readings[a.id] for a in articles if a.url}
    names_of: dict[tuple[str, str], set[str]] = {}
    for a in articles:
        r = readings[a.id]
        for le in r.entities:
            ent = find_entity(entities, le.name)
            forms = {le.name, *le.aliases} | ({ent.name, *ent.aliases} if ent else set())
            names_of[(a.url or "", le.key)] = {fold(f) for f in forms}
    true_aliases: dict[str, set[str]] = {}
    for e in truth.get("entities", []):
        true_aliases[fold(e["name"])] = {fold(e["name"]), *(fold(x) for x in e.get("aliases", []))}

    out: dict[str, float] = {"articles": len(articles), "read_seconds": round(seconds, 2),
                             "entity_refresh_seconds": round(refresh_seconds, 3), "namesake_calls": namesake_calls}
    # -- quotes
    tq = [q for q in truth["quotes"] if q["url"] in by_url]
    pred = [(url, q) for url, r in by_url.items() for q in r.quotes]
    matched_pred: set[int] = set()
    right_speaker = matched_true = 0
    misses, wrong = [], []
    for t in tq:
        tn = _norm(t["text"])
        hit = None
        for i, (url, q) in enumerate(pred):
            if url != t["url"]:
                continue
            pn = _norm(q.text)
            if pn and (pn == tn or (len(pn) >= 12 and pn in tn) or tn in pn):
                hit = i
                break
        if hit is None:
            misses.append(t["text"][:60])
            continue
        matched_true += 1
        matched_pred.add(hit)
        url, q = pred[hit]
        forms = names_of.get((url, q.speaker or ""), {fold(q.speaker or "")})
        if fold(t["speaker"]) in forms or forms & {fold(t["speaker"])}:
            right_speaker += 1
        else:
            wrong.append((t["text"][:40], t["speaker"], q.speaker))
    for i, (url, q) in enumerate(pred):  # a predicted quote inside a matched truth quote is not a false positive
        if i in matched_pred:
            continue
        pn = _norm(q.text)
        if any(t["url"] == url and (pn in _norm(t["text"]) or _norm(t["text"]) in pn) for t in tq):
            matched_pred.add(i)
    out["quote_precision"] = round(len(matched_pred) / len(pred), 4) if pred else 0.0
    out["quote_recall"] = round(matched_true / len(tq), 4) if tq else 0.0
    out["quote_speaker_accuracy"] = round(right_speaker / matched_true, 4) if matched_true else 0.0
    out["quotes_true"], out["quotes_predicted"] = len(tq), len(pred)
    # -- dates
    td = [d for d in truth["dates"] if d["url"] in by_url]
    right = 0
    date_errors = []
    used: set[tuple[str, int]] = set()
    for d in td:
        refs = by_url[d["url"]].dates
        tn = _norm(d["text"])
        cands = [r for r in refs if _norm(r.text) == tn] or [r for r in refs if tn in _norm(r.text) or _norm(r.text) in tn]
        cands = [r for r in cands if (d["url"], r.start) not in used] or cands
        ok = next((r for r in cands if _covers(r, d["value"])), None)
        if ok:
            right += 1
            used.add((d["url"], ok.start))
        else:
            date_errors.append((d["text"], d["value"], [(r.text, r.value.isoformat()) for r in cands][:2]))
    n_pred_dates = sum(len(r.dates) for r in by_url.values())
    out["date_accuracy"] = round(right / len(td), 4) if td else 0.0
    out["date_precision"] = round(len(used) / n_pred_dates, 4) if n_pred_dates else 0.0
    out["dates_true"], out["dates_predicted"] = len(td), n_pred_dates
    # -- amounts, places, roles (reported, no floor)
    ta = [a for a in truth.get("amounts", []) if a["url"] in by_url]
    out["amount_value_recall"] = round(
        sum(any(abs(x.value - float(a["value"])) < 1e-6 * max(1.0, abs(float(a["value"]))) for x in by_url[a["url"]].amounts) for a in ta) / len(ta), 4
    ) if ta else 0.0
    tp = [p for p in truth.get("places", []) if p["url"] in by_url]
    out["event_location_accuracy"] = round(
        sum(fold(p["event_location"]) in {fold(x.name) for x in by_url[p["url"]].places if x.event_location} for p in tp) / len(tp), 4
    ) if tp else 0.0
    tr = [r for r in truth.get("roles", []) if r["url"] in by_url]
    role_hits = 0
    for r in tr:
        reading = by_url[r["url"]]
        for role in reading.roles:
            forms = names_of.get((r["url"], role.entity), set())
            if fold(r["person"]) in forms and (_norm(r["title"]) in _norm(role.title) or _norm(role.title) in _norm(r["title"])):
                role_hits += 1
                break
    out["role_recall"] = round(role_hits / len(tr), 4) if tr else 0.0
    out["_quote_misses"] = misses  # type: ignore[assignment]
    out["_speaker_errors"] = wrong  # type: ignore[assignment]
    out["_date_errors"] = date_errors  # type: ignore[assignment]
    return out


def product_entities(articles: list[Article], readings: dict) -> tuple[list, float, int]:  # type: ignore[type-arg]
    """Store-wide entities the way the product makes them: a SQLite store holding the articles and
    readings, then ``refresh_entities`` (what runs after every batch; timed here, warm store)."""
    import tempfile

    from storyline.read.catalog import StoreContexts, refresh_entities
    from storyline.read.coref import NamesakeLinker
    from storyline.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "demo.db"))
        try:
            store.add_articles(articles)
            store.put_readings(readings.values())
            linker = NamesakeLinker(StoreContexts(store))
            began = time.perf_counter()
            entities = refresh_entities(store, namesakes=linker)
            seconds = time.perf_counter() - began
        finally:
            store.close()
    return entities, seconds, linker.calls


def demo_quality() -> dict[str, float]:
    articles, truth = load_demo()
    return quality(articles, truth)


def throughput(limit: int = 300) -> dict[str, float]:
    """Articles/s of ReadStage (warm) over ECB+ texts, and the process's peak resident memory."""
    docs = load_ecbplus("all")[:limit]
    articles = tuple(Article(id=d.doc_id, text=d.text) for d in docs)
    stage = ReadStage(Settings())
    t0 = time.perf_counter()
    stage.warm_up()
    load = time.perf_counter() - t0
    stage.run(Batch(articles=articles[:16]))
    began = time.perf_counter()
    for i in range(0, len(articles), 64):
        stage.run(Batch(articles=articles[i : i + 64]))
    seconds = time.perf_counter() - began
    chars = sum(len(a.text) for a in articles)
    return {
        "articles": len(articles),
        "mean_chars": round(chars / len(articles)),
        "articles_per_s": round(len(articles) / seconds, 1),
        "chars_per_s": round(chars / seconds),
        "model_load_s": round(load, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


@skip_if_missing
def main() -> dict[str, float]:
    parser = argparse.ArgumentParser(description="reading quality on the demo ground truth, or --speed")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--errors", action="store_true", help="list missed quotes, wrong speakers and dates")
    args = parser.parse_args()
    result = throughput(args.limit) if args.speed else demo_quality()
    shown = {k: v for k, v in result.items() if args.errors or not k.startswith("_")}
    print(json.dumps(shown, indent=1, default=str))
    return result


if __name__ == "__main__":
    main()
