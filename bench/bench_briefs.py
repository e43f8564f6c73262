"""How the briefs' accounts read, story by story, on a corpus the code was not written against.

    python -m bench.bench_briefs                        # newsdesk, fresh database (ingest + process first)
    python -m bench.bench_briefs --db DIR/newsdesk.db   # a kept database (bench.bench_newsdesk --keep DIR)
    python -m bench.bench_briefs --corpus seeds|demo    # the five seed reports, or the built-in demo corpus
    python -m bench.bench_briefs --show                 # and print every account with its citations

Every live story is analysed again with the current code and its brief built (the database is only read: a kept
database is copied first). The figures, each counted by code that can fail:

- ``sentences``: sentences in the accounts; ``failing``: account sentences the citation checker rejects (and briefs
  that could not be built because a sentence failed); ``uncited``: account sentences without a citation;
- ``undercited``: account sentences that a sentence of an uncited origin supports word for word (the checker passes
  it, and it shares most of the content words): an origin left out of the citations;
- ``repeats``: sentences of an account that repeat an earlier one of the same account (most of their content words,
  or every figure, already told), disagreement lines ("One other outlet gives ...") apart;
- ``lead_no_date`` / ``lead_no_place``: accounts whose lead sentence gives no day (no place) although a lead sentence
  of one of the story's reports gives one;
- ``superseded``: accounts that give a figure a later report updated without giving the latest one;
- ``untitled``: briefs titled by an identifier; ``clipped_subjects``: conflict or update names that read as a clipped
  sentence (over 80 characters, or cut after a function word);
- ``empty``: stories without an account.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .datasets import skip_if_missing

# Two account sentences state one fact when this share of the shorter one's content words is in the other (the
# account's own REPEAT_SHARE is the same rule at 0.6; the bench counts only clear repeats; fitted on the demo).
REPEAT_SHARE = 0.7
# How many words after a figure may name what it counts ("38 people", "seven suspected cases").
COUNT_REACH = 3
# A conflict's name longer than this is a sentence, not a name (the comparison's "location: <sentence>").
SUBJECT_CHARS = 80
# ... or share a figure (not a year) and this share of their content words ("a two-day walkout ... on Monday" told
# twice in other words shares a third of them; fitted on the newsdesk accounts before the account's retelling rule).
FIGURE_REPEAT_SHARE = 0.25
_YEAR = re.compile(r"(?:19|20)\d\d")
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
# A sentence of another report that carries every name, number and date of an account sentence and this share of
# its content words says the same thing: its origin should be cited too.
SUPPORT_SHARE = 0.6
# Lines of an account that tell another outlet's side of a disagreement, not a fact of their own.
_SIDE = re.compile(r"^(?:One other outlet gives|Other outlets \(\w+\) give)\b")
_FIGURE = re.compile(r"\d[\d,.]*\d|\d")
# An identifier standing as a title: a story or article id, or nothing.
_ID_TITLE = re.compile(r"^(?:[a-z]?[0-9a-f]{8,}|\s*)$")


# ---------------------------------------------------------------- analyses


def _store_analyses(db: Path) -> list[Any]:
    """Analyse every live story of the SQLite database ``db`` with the current code."""
    from storyline.brief.inputs import analyse_story
    from storyline.compare import CachingEmbedder, analysis_tools
    from storyline.embed import MiniLMEmbedder, sentence_embedder
    from storyline.store.base import open_store

    store = open_store(f"sqlite:///{db}")
    embedder = CachingEmbedder(sentence_embedder(MiniLMEmbedder()))
    tools = analysis_tools()
    copies = list(store.copies())
    out = []
    for story in store.stories():
        articles = {a.id: a for a in store.articles(ids=list(story.article_ids))}
        readings = store.readings(list(story.article_ids))
        links = {c.article_id: c for c in copies if c.article_id in articles}
        out.append(analyse_story(story, articles, readings, links, embedder, vector_store=store, **tools))
    return out


def _ingest(paths: Sequence[Path], db: Path) -> None:
    from .bench_newsdesk import _cli

    done = _cli("ingest", *map(str, paths), "--db", str(db))
    if done.returncode not in (0, 1):  # 1 = some inputs skipped
        raise RuntimeError(f"ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")


def corpus_inputs(corpus: str) -> list[Path]:
    """The files a fresh run ingests for ``corpus`` (newsdesk, seeds, or demo)."""
    from .datasets import DatasetMissing, datasets_dir

    if corpus == "demo":
        from storyline.demo import corpus_dir

        return [corpus_dir()]
    folder = datasets_dir() / corpus
    if not folder.exists():
        raise DatasetMissing(f"{folder} not found")
    jsonl = folder / "articles.jsonl"
    return [jsonl] if jsonl.exists() else sorted(p for p in folder.iterdir() if p.is_file())


def analyses(corpus: str = "newsdesk", db: Path | None = None, cache: Path | None = None) -> list[Any]:
    """The analyses of every story: from a kept database (copied, never written), or a fresh ingest of ``corpus``.

    ``cache``: a pickle of the analyses, written when absent and read when present (to iterate on the brief alone).
    """
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "bench.db"
        if db is not None:
            shutil.copyfile(db, work)
        else:
            _ingest(corpus_inputs(corpus), work)
        out = _store_analyses(work)
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(out, fh)
    return out


# ---------------------------------------------------------------- figures


def _content(text: str) -> set[str]:
    from storyline.brief.account import content

    return content(text)


def _figures(text: str) -> set[str]:
    """The figures written in digits, times of day ("02:52") left out."""
    return {m.group().replace(",", "") for m in _FIGURE.finditer(_CLOCK.sub(" ", text))}


def repeats(sentences: Sequence[str]) -> list[tuple[str, str]]:
    """(earlier, later) pairs of an account where the later sentence tells the earlier one's fact again: most of
    its content words (:data:`REPEAT_SHARE`), or a figure of it (not a year) and :data:`FIGURE_REPEAT_SHARE` of them."""
    out = []
    told: list[str] = []
    for text in sentences:
        if _SIDE.match(text):
            continue
        words, figures = _content(text), {f for f in _figures(text) if not _YEAR.fullmatch(f)}
        for earlier in told:
            had = _content(earlier)
            share = len(words & had) / max(1, min(len(words), len(had)))
            if share >= REPEAT_SHARE or (figures & _figures(earlier) and share >= FIGURE_REPEAT_SHARE):
                out.append((earlier, text))
                break
        told.append(text)
    return out


def _spans_have(analysis: Any, cites: Iterable[Any], kind: str) -> bool:
    """Whether a cited span gives a day (``kind`` "day") or a place, as the article's reading found them."""
    for c in cites:
        reading = analysis.readings.get(c.article_id)
        if reading is None:
            continue
        if kind == "day":
            found = any(c.start <= d.start and d.end <= c.end and d.granularity == "day" for d in reading.dates)
        else:
            found = any(c.start <= p.start and p.end <= c.end for p in reading.places)
        if found:
            return True
    return False


def _story_has(analysis: Any, kind: str) -> bool:
    """Whether the lead (first few body sentences) of one of the story's reports gives a day or a place."""
    from storyline.brief.account import LEAD_WINDOW, _body_sentence_ends

    from storyline.brief.inputs import sentence_bounds
    from storyline.records import Citation

    for aid, article in analysis.articles.items():
        reading = analysis.readings.get(aid)
        ends = _body_sentence_ends(article.text, sentence_bounds(article, reading))[:LEAD_WINDOW]
        if not ends:
            continue
        starts = [s for s, e in sentence_bounds(article, reading) if e <= ends[-1]]
        lead = Citation(aid, min(starts, default=0), ends[-1], article.outlet)
        if _spans_have(analysis, [lead], kind):
            return True
    return False


def _counts(text: str, value: str, noun: str) -> bool:
    """Whether ``text`` gives ``value`` (digits or a number word) as a count of ``noun`` (within
    :data:`COUNT_REACH` words after it; any figure when ``noun`` is empty)."""
    from storyline.lang.numbers import SMALL_NUMBERS

    words = re.findall(r"[\w.,]+", text.lower())
    stem = noun.lower()[:4]
    for n, w in enumerate(words):
        w = w.strip(".,")
        figure = w.replace(",", "") if w[:1].isdigit() else str(SMALL_NUMBERS.get(w, ""))
        counted = not stem or any(x.startswith(stem) for x in words[n + 1 : n + 1 + COUNT_REACH])
        if figure and figure == value.replace(",", "") and counted:
            return True
    return False


def superseded(analysis: Any, account: Sequence[Any]) -> list[str]:
    """Updated counts the account gives in an earlier value without the latest one (values ordered by the latest
    publication of the reports that give them; an earlier value counts when a figure is followed by the word the
    update counts, the latest one wherever its figure is written)."""
    from storyline.brief.lead import published_at

    text = " ".join(s.text for s in account)
    out = []
    for c in analysis.conflicts:
        noun = c.subject.split(": ", 1)[-1].split()[-1:] if c.subject.startswith("number: ") else []
        if not c.update or len(c.values) < 2 or not noun:
            continue
        when = [max((published_at(analysis.articles.get(a)) or 0.0 for a in v.article_ids), default=0.0) for v in c.values]
        ordered = [v.value for _, v in sorted(zip(when, c.values), key=lambda x: x[0])]
        if any(_counts(text, v, noun[0]) for v in ordered[:-1]) and not _counts(text, ordered[-1], ""):
            out.append(c.subject)
    return out


def uncited_support(analysis: Any, checker: Any, sentence: Any) -> list[str]:
    """Articles of other origins than the cited ones with a sentence that supports ``sentence`` word for word (the
    checker passes it) and shares :data:`SUPPORT_SHARE` of its content words: origins the citation leaves out."""
    from dataclasses import replace

    from storyline.brief.inputs import sentence_bounds
    from storyline.records import Citation

    cited = {analysis.origins.get(c.article_id, c.article_id) for c in sentence.citations}
    words = _content(sentence.text)
    out = []
    for aid, article in analysis.articles.items():
        if analysis.origins.get(aid, aid) in cited:
            continue
        for start, end in sentence_bounds(article, analysis.readings.get(aid)):
            span = article.text[start:end]
            if len(words & _content(span)) < SUPPORT_SHARE * max(1, len(words)):
                continue
            if not checker.problems(replace(sentence, citations=(Citation(aid, start, end, article.outlet),))):
                out.append(aid)
                break
    return out


def measure(analysis: Any) -> dict[str, Any]:
    """The brief of one analysed story and what is wrong with its account."""
    from storyline.brief import BriefBuilder, CitationChecker
    from storyline.errors import StorylineError

    row: dict[str, Any] = {"story": analysis.story.id, "articles": len(analysis.story.article_ids),
                           "origins": analysis.independent_origins}  # fmt: skip
    try:
        brief = BriefBuilder().build(analysis)
    except StorylineError as exc:
        row.update(error=str(exc), title=analysis.story.title or "", account=[])
        return row
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    account = list(brief.account)
    row["title"] = brief.title
    row["account"] = [(s.text, [c.outlet or c.article_id for c in s.citations]) for s in account]
    row["failing"] = [s.text for s in account if s.citations and checker.problems(s)]
    row["uncited"] = [s.text for s in account if not s.citations]
    row["undercited"] = [s.text for s in account if not _SIDE.match(s.text) and uncited_support(analysis, checker, s)]
    row["repeats"] = repeats([s.text for s in account])
    lead = account[0] if account else None
    row["lead_no_date"] = bool(lead) and not _spans_have(analysis, lead.citations, "day") and _story_has(analysis, "day")
    row["lead_no_place"] = bool(lead) and not _spans_have(analysis, lead.citations, "place") and _story_has(analysis, "place")
    row["superseded"] = superseded(analysis, account)
    row["untitled"] = bool(_ID_TITLE.match(brief.title or "")) or brief.title in analysis.story.article_ids
    row["clipped_subjects"] = [i.subject for i in (*brief.conflicts, *brief.updates) if i.subject and clipped(i.subject)]
    return row


def clipped(subject: str) -> bool:
    """A conflict's name that reads as a clipped sentence: longer than :data:`SUBJECT_CHARS`, or cut after a
    function word or inside a word."""
    from storyline.lang.words import FUNCTION_WORDS

    if len(subject) > SUBJECT_CHARS:
        return True
    if not subject.rstrip("”\"").endswith("…"):
        return False
    last = subject.rstrip("”\"…").split()[-1:] or [""]
    return last[0].lower() in FUNCTION_WORDS


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    built = [r for r in rows if "error" not in r]
    return {
        "stories": len(rows),
        "briefs_failed": len(rows) - len(built),
        "empty": sum(1 for r in built if not r["account"]),
        "sentences": sum(len(r["account"]) for r in built),
        "failing": sum(len(r["failing"]) for r in built) + (len(rows) - len(built)),
        "uncited": sum(len(r["uncited"]) for r in built),
        "undercited": sum(len(r["undercited"]) for r in built),
        "repeats": sum(len(r["repeats"]) for r in built),
        "lead_no_date": sum(1 for r in built if r["lead_no_date"]),
        "lead_no_place": sum(1 for r in built if r["lead_no_place"]),
        "superseded": sum(1 for r in built if r["superseded"]),
        "untitled": sum(1 for r in built if r["untitled"]),
        "clipped_subjects": len({s for r in built for s in r["clipped_subjects"]}),
    }


def evaluate(corpus: str = "newsdesk", db: Path | None = None, cache: Path | None = None) -> dict[str, Any]:
    """Per-story rows and the summary figures (what bench.gate reads)."""
    began = time.perf_counter()
    rows = [measure(a) for a in analyses(corpus, db, cache)]
    figures = summarise(rows)
    figures["seconds"] = round(time.perf_counter() - began, 1)
    return {"figures": figures, "rows": rows}


def show(rows: Sequence[dict[str, Any]]) -> None:
    for r in rows:
        print(f"\n## {r['title']}  ({r['story']}, {r['articles']} articles, {r['origins']} origins)")
        if "error" in r:
            print(f"   BRIEF FAILED: {r['error']}")
            continue
        for text, cites in r["account"]:
            print(f"   - {text}  [{'; '.join(dict.fromkeys(cites))}]")
        flags = [f"repeat: {b!r}" for _, b in r["repeats"]] + [f"undercited: {t!r}" for t in r["undercited"]] + [f"failing: {t!r}" for t in r["failing"]]
        flags += ["lead has no date"] * r["lead_no_date"] + ["lead has no place"] * r["lead_no_place"]
        flags += [f"superseded: {s}" for s in r["superseded"]] + ["titled by an id"] * r["untitled"]
        flags += [f"clipped subject: {s}" for s in r["clipped_subjects"]]
        for f in flags:
            print(f"   ! {f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="newsdesk", help="newsdesk (default), seeds, demo, or a folder of ../shared/datasets")
    parser.add_argument("--db", type=Path, help="a kept SQLite database of the corpus (read from a copy)")
    parser.add_argument("--cache", type=Path, help="pickle of the analyses: written when absent, read when present")
    parser.add_argument("--show", action="store_true", help="print every account with its citations and flags")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = evaluate(args.corpus, args.db, args.cache)
    if args.show:
        show(result["rows"])
        print()
    figures = result["figures"]
    print(json.dumps(figures) if args.json else " · ".join(f"{k} {v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(skip_if_missing(main)() or 0)
