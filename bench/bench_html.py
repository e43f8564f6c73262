"""HTML ingest speed: ~200 generated ~50 KB news pages through storyline.ingest.html.

Run: ``.venv/bin/python -m bench.bench_html [--pages 200] [--workers 1] [--compare]``

The pages are generated here (fictional local news, seeded, no dataset needed): a body
of 8–14 paragraphs (as ``<article><p>``, as ``<div>`` paragraphs, or ``<br>``-separated, a
third each) wrapped in what real pages carry — cookie banner, a long navigation
menu, inline CSS/JS and JSON-LD, a photo with caption, a "read more" box, a related-stories
list, a long comment thread and a link-heavy footer. Each boilerplate block carries a
marker word, so the run also reports quality: the share of body paragraphs found
(recall) and the share of pages with no boilerplate marker in the text (clean).

``--compare`` also times trafilatura with its default settings (``fast=False``: the
readability/jusText fallbacks on) and with ``favor_precision``, on the same pages, to
show what ``fast=True`` costs and saves. Peak memory is the process's maximum RSS.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

MARKERS = ("NAVMARK", "COOKIEMARK", "RELATEDMARK", "COMMENTMARK", "CAPTIONMARK", "FOOTERMARK", "PROMOMARK")

PLACES = ["Calder", "Vesterhaven", "Brennmoor", "Quillmouth", "Ostvik", "Lintbrook", "Pellworth", "Morrow"]
PEOPLE = ["Tobiah Wrenfield", "Annelise Brook", "Ottilie Graam", "Cosima Thrale", "Rhea Castellane", "Ines Farrowby"]
ROLES = ["council chair", "harbor master", "head librarian", "school principal", "union steward", "fire chief"]
THINGS = ["ferry terminal", "rail bridge", "public library", "water mains", "cider press", "ring road", "weir gates"]
VERBS = ["approved", "delayed", "funded", "inspected", "reopened", "closed", "rebuilt"]
MONTHS = ["January", "March", "April", "June", "September", "October", "November"]


@dataclass(frozen=True)
class Page:
    html: str
    paragraphs: tuple[str, ...]


def _sentence(rng: random.Random) -> str:
    place, person, role = rng.choice(PLACES), rng.choice(PEOPLE), rng.choice(ROLES)
    thing, verb, month = rng.choice(THINGS), rng.choice(VERBS), rng.choice(MONTHS)
    n = rng.randint(2, 400)
    forms = [
        f"The {place} {thing} was {verb} on {rng.choice(['Monday', 'Tuesday', 'Thursday'])} after {n} residents "
        f"signed a petition asking the council to act before {month}.",
        f'"We have waited {n % 30 + 2} years for this," said {role} {person}, speaking outside the town hall.',
        f"Officials put the cost at {n / 10:.1f} million crowns, of which the regional fund will cover about a third.",
        f"{person}, the {role}, said the {thing} had been {verb} twice before without a clear plan for its upkeep.",
        f"Work is expected to begin in {month} and to last {n % 20 + 3} weeks if the weather allows, the office said.",
        f"Critics argued that the {thing} in {rng.choice(PLACES)} deserved the money more, citing {n} complaints.",
    ]
    return rng.choice(forms)


def make_page(index: int, rng: random.Random) -> Page:
    place = rng.choice(PLACES)
    outlet = f"The {place} {rng.choice(['Ledger', 'Courier', 'Post', 'Tribune', 'Gazette'])}"
    title = f"{place} {rng.choice(THINGS)} {rng.choice(VERBS)} after long debate"
    paragraphs = tuple(" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(8, 14)))
    nav = "".join(f'<li><a href="/s/{i}">NAVMARK Section {i}</a></li>' for i in range(rng.randint(40, 70)))
    menu = "".join(
        f'<li class="menu-item"><a href="/t/{i}">NAVMARK Topic {rng.choice(THINGS)} {i}</a></li>' for i in range(60)
    )
    related = "".join(
        f'<li><a href="/n/{i}">RELATEDMARK {rng.choice(PLACES)} {rng.choice(THINGS)} {rng.choice(VERBS)}</a></li>'
        for i in range(12)
    )
    comments = "".join(
        f'<div class="comment" id="c{i}"><p class="comment-author">reader{i}</p><p class="comment-body">'
        f"COMMENTMARK {_sentence(rng)} {_sentence(rng)}</p><a class=\"reply\" href=\"#c{i}\">Reply</a></div>"
        for i in range(rng.randint(25, 45))
    )
    footer = "".join(f'<li><a href="/f/{i}">FOOTERMARK Link {i}</a></li>' for i in range(50))
    rules = "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px;color:#{i:06x}}}" for i in range(300))
    style = f"<style>{rules}</style>"
    script = "<script>" + "".join(f"window.cfg{i}={{id:{i},tag:'x{i}'}};" for i in range(250)) + "</script>"
    # three layouts: clean <article><p>, <div> paragraphs (older CMS), <br>-separated text (legacy)
    layout = index % 3
    if layout == 0:
        wrap = "<p>{}</p>"
    elif layout == 1:
        wrap = '<div class="para">{}</div>'
    else:
        wrap = "{}<br><br>"
    body = "".join(wrap.format(p) for p in paragraphs[:4])
    body += '<aside class="promo">PROMOMARK Subscribe for unlimited access to local news</aside>'
    body += "".join(wrap.format(p) for p in paragraphs[4:])
    tag = "article" if layout == 0 else "div"
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}"><meta name="author" content="{rng.choice(PEOPLE)}">
<meta property="article:published_time" content="2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T08:00:00Z">
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{title}"}}</script>{style}{script}</head>
<body><div class="cookie-banner" id="cookie-consent"><p>COOKIEMARK We use cookies to improve your experience.</p>
<button>Accept</button></div><header><nav class="main-nav"><ul>{nav}</ul></nav><div class="mega-menu"><ul>{menu}</ul>
</div></header><main><{tag} class="story"><h1>{title}</h1><p class="byline">By {rng.choice(PEOPLE)}</p>
<figure><img src="/i/{index}.jpg"><figcaption>CAPTIONMARK The site seen from the north.</figcaption></figure>
<div class="article-body">{body}</div></{tag}><aside class="related"><h2>Related</h2><ul>{related}</ul></aside>
<section class="comments" id="comments"><h2>Comments</h2>{comments}</section></main>
<footer class="site-footer"><ul>{footer}</ul><p>FOOTERMARK © 2025 {outlet}</p></footer>{script}</body></html>"""
    return Page(html=html, paragraphs=paragraphs)


def make_pages(count: int, seed: int = 7) -> list[Page]:
    rng = random.Random(seed)
    return [make_page(i, rng) for i in range(count)]


def _quality(texts: list[str | None], pages: list[Page]) -> tuple[float, float]:
    found = total = clean = 0
    for text, page in zip(texts, pages, strict=True):
        text = text or ""
        total += len(page.paragraphs)
        found += sum(1 for p in page.paragraphs if p in text)
        clean += not any(m in text for m in MARKERS)
    return found / total, clean / len(pages)


def _ours(markup: str) -> str | None:
    from storyline.errors import InputError
    from storyline.ingest.html import extract_html

    try:
        return extract_html(markup.encode("utf-8"), source="bench").text
    except InputError:
        return None


def _trafilatura(**options: object) -> Callable[[str], str | None]:
    def run(markup: str) -> str | None:
        import trafilatura

        doc = trafilatura.bare_extraction(markup, include_comments=False, with_metadata=True, **options)
        return doc.text if doc else None

    return run


def _time(label: str, extract: Callable[[str], str | None], pages: list[Page]) -> dict[str, float]:
    extract(pages[0].html)  # warm-up: imports, lazy tables
    gc.collect()
    began, cpu_began = time.perf_counter(), time.process_time()
    texts = [extract(p.html) for p in pages]
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    recall, clean = _quality(texts, pages)
    # wall-clock rate depends on what else runs on the machine; CPU time per page does not
    row = {"pages_per_s": len(pages) / seconds, "cpu_ms_per_page": 1000 * cpu / len(pages), "recall": recall,
           "clean": clean}  # fmt: skip
    print(
        f"{label:<36} {row['pages_per_s']:6.1f} pages/s wall  {row['cpu_ms_per_page']:6.2f} CPU ms/page "
        f"(= {1000 / row['cpu_ms_per_page']:5.1f} pages per CPU-second)  "
        f"body recall {recall:6.1%}  boilerplate-free {clean:6.1%}"
    )
    return row


def _chunk(htmls: list[str]) -> tuple[int, float]:
    """Extract in a worker; returns (pages with text, CPU seconds spent)."""
    began = time.process_time()
    done = sum(_ours(h) is not None for h in htmls)
    return done, time.process_time() - began


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="processes (the machine may be shared: keep it small)")
    parser.add_argument("--compare", action="store_true", help="also time trafilatura's default (slow) settings")
    args = parser.parse_args(argv)

    pages = make_pages(args.pages)
    sizes = [len(p.html.encode()) for p in pages]
    load = os.getloadavg()[0]
    print(f"{len(pages)} pages, mean {sum(sizes) / len(sizes) / 1024:.1f} KB, {os.cpu_count()} CPUs, load {load:.1f}")
    _ours(pages[0].html)  # imports and lazy tables, so the memory figure below is the extraction's own
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _time("storyline.ingest.html (fast=True)", _ours, pages)
    after_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS {after_kb / 1024:.0f} MB (+{(after_kb - before_kb) / 1024:.1f} MB over the warmed-up process)")
    if args.workers > 1:
        htmls = [p.html for p in pages]
        chunks = [htmls[i :: args.workers] for i in range(args.workers)]
        with ProcessPoolExecutor(args.workers) as pool:
            list(pool.map(_chunk, [[h] for h in htmls[: args.workers]]))  # warm each worker
            began = time.perf_counter()
            results = list(pool.map(_chunk, chunks))
            seconds = time.perf_counter() - began
        done = sum(r[0] for r in results)
        slowest_cpu = max(r[1] for r in results)
        # the CPU-bound rate: what the workers would reach with a core each to themselves
        print(
            f"{'  same, ' + str(args.workers) + ' processes':<36} {done / seconds:6.1f} pages/s wall  "
            f"{done / slowest_cpu:6.1f} pages/s by CPU time (one core per worker)"
        )
    if args.compare:
        _time("trafilatura default (fallbacks on)", _trafilatura(), pages)
        _time("trafilatura fast+precision+metadata", _trafilatura(fast=True, favor_precision=True), pages)


if __name__ == "__main__":
    main()
