"""Hostile-input fuzz bench for ingest: no input may crash, hang, lose good articles or duplicate them.

    python -m bench.bench_fuzz                 # 2,000 hostile inputs (a couple of minutes)
    python -m bench.bench_fuzz --n 50 --seed 3 # a quick run

Hand-built generators write hostile inputs into a temporary folder: random bytes, truncated and
mutated JSON/JSONL/RSS/Atom/HTML, huge attributes, deep nesting, lone surrogates, NULs, giant
integers, dates that overflow, empty and tiny files, binary files with text extensions, wrong
encodings and BOMs, over-long texts and lines, undecodable file names, and folders holding
symbolic links out of the tree, links to ``/dev/zero``, FIFOs and sockets. Known-good records are
mixed into hostile files and into files of their own.

Every input goes through the library API (:func:`storyline.workflow.ingest`) into a fresh SQLite
database, one input at a time, in a worker process watched by a per-input timeout. The inputs are
then ingested a second time. Printed: ``tried / crashes / hangs / lost / duplicated / escaped``,
where a crash is an exception escaping the ingest API (an "internal error" skip is counted apart as
``internal``), a hang an input still running after the timeout, lost a good article not stored,
duplicated an article stored again by the second pass, and escaped an article read from outside a
walked folder. Exits non-zero when any of them is non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Seconds one input may take before it counts as a hang (a normal input takes milliseconds; the
#: slowest legitimate one, an HTML page near the size cap, about a second on a loaded core).
INPUT_TIMEOUT = 30.0
#: A marker in files outside the walked folders: an article containing it escaped the tree.
OUTSIDE_MARKER = "Zorvathian"

_WORDS = ("council harbour ferry budget vote minister storm bridge court school river police report "
          "election hospital strike port train airport mayor festival museum").split()  # fmt: skip


@dataclass
class Corpus:
    root: Path
    inputs: list[str] = field(default_factory=list)  # hostile inputs, each ingested on its own
    good: list[tuple[str, str | None]] = field(default_factory=list)  # (body, url) of articles that must be stored
    sockets: list[socket.socket] = field(default_factory=list)


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + "."


def good_record(rng: random.Random, corpus: Corpus, tag: str) -> dict[str, Any]:
    body = f"Report {tag}: " + " ".join(sentence(rng) for _ in range(4))
    url = f"https://news.example/{tag}"
    corpus.good.append((body, url))
    return {"id": tag, "title": f"Report {tag}", "url": url, "published": "2025-03-04T05:06:07Z", "text": body}


# ---------------------------------------------------------------- generators: (rng, corpus, n) -> None


def _write(corpus: Corpus, name: str, data: bytes) -> None:
    path = corpus.root / name
    path.write_bytes(data)
    corpus.inputs.append(str(path))


def _seed_texts(rng: random.Random) -> dict[str, bytes]:
    para = "".join(f"<p>{sentence(rng, 20)}</p>" for _ in range(5))
    body = " ".join(sentence(rng) for _ in range(12))
    return {
        "html": f"<html><head><title>T</title><meta property='article:published_time' content='2025-01-02'>"
                f"</head><body><article><h1>Title</h1>{para}</article></body></html>".encode(),
        "rss": f"<?xml version='1.0'?><rss version='2.0'><channel><title>W</title><item><title>A</title>"
               f"<pubDate>Tue, 04 Mar 2025 05:06:07 GMT</pubDate><description>{body}</description></item>"
               f"</channel></rss>".encode(),
        "atom": f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>W</title><entry>"
                f"<title>A</title><updated>2025-03-04T05:06:07Z</updated><content type='html'>{body}</content>"
                f"</entry></feed>".encode(),
        "json": json.dumps([{"id": 1, "text": body}, {"id": 2, "text": body + " More."}]).encode(),
        "jsonl": (json.dumps({"id": 1, "text": body}) + "\n" + json.dumps({"id": 2, "html": para}) + "\n").encode(),
        "md": f"---\ntitle: A\npublished: 2025-01-02\n---\n{body}\n".encode(),
    }  # fmt: skip


_EXT = {"html": ".html", "rss": ".rss", "atom": ".atom", "json": ".json", "jsonl": ".jsonl", "md": ".md"}


def gen_random_bytes(rng: random.Random, corpus: Corpus, n: int) -> None:
    ext = rng.choice([".txt", ".md", ".html", ".json", ".jsonl", ".rss", ".xml", ".atom", ".urls"])
    _write(corpus, f"rand{n}{ext}", rng.randbytes(rng.choice([1, 7, 64, 1000, 20_000])))


def gen_truncated(rng: random.Random, corpus: Corpus, n: int) -> None:
    kind, data = rng.choice(list(_seed_texts(rng).items()))
    _write(corpus, f"trunc{n}{_EXT[kind]}", data[: rng.randrange(len(data))])


def gen_mutated(rng: random.Random, corpus: Corpus, n: int) -> None:
    kind, data = rng.choice(list(_seed_texts(rng).items()))
    buf = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        at = rng.randrange(len(buf))
        choice = rng.random()
        if choice < 0.4:
            buf[at] = rng.randrange(256)
        elif choice < 0.7:
            buf[at:at] = rng.choice([b"<", b">", b'"', b"\\", b"\x00", b"\xff\xfe", b"&#0;", b"\\ud800", b"]]>"])
        else:
            del buf[at : at + rng.randint(1, 50)]
    _write(corpus, f"mut{n}{_EXT[kind]}", bytes(buf))


def gen_huge_attributes(rng: random.Random, corpus: Corpus, n: int) -> None:
    count = rng.choice([1_000, 20_000, 100_000])
    attrs = " ".join(f'a{i}="{i}"' for i in range(count))
    para = "".join(f"<p>{sentence(rng, 20)}</p>" for _ in range(4))
    long_value = "x" * rng.choice([0, 200_000])
    page = f"<html><body><article><p {attrs} data-z='{long_value}'>Lead.</p>{para}</article></body></html>"
    _write(corpus, f"attrs{n}.html", page.encode())


def gen_deep_nesting(rng: random.Random, corpus: Corpus, n: int) -> None:
    depth = rng.choice([500, 5_000, 50_000])
    kind = rng.choice(["json", "jsonl", "html", "rss"])
    if kind in ("json", "jsonl"):
        data = ("[" * depth + "]" * depth).encode()
    elif kind == "html":
        data = ("<html><body>" + "<div>" * depth + sentence(rng, 30) + "</div>" * depth + "</body></html>").encode()
    else:
        data = ("<?xml version='1.0'?><rss version='2.0'><channel><item><description>" + "<b>" * depth
                + "</b>" * depth + "</description></item></channel></rss>").encode()  # fmt: skip
    _write(corpus, f"deep{n}{_EXT[kind]}", data)


def _bad_record(rng: random.Random) -> str:
    body = sentence(rng, 16)
    return rng.choice([
        '{"id": "s", "text": "' + body + ' \\ud800 \\udfff"}',
        '{"id": "a\\u0000b", "title": "x\\u0000", "outlet": "\\ud83d", "url": "https://x.example/\\u0000", '
        '"author": "\\udc80", "text": "' + body + '\\u0000"}',
        '{"id": ' + "9" * rng.choice([500, 4_400, 20_000]) + ', "text": "' + body + '"}',
        '{"id": 1, "text": "' + body + '", "published": "9999-12-31T23:59:59-01:00"}',
        '{"id": 1, "text": "' + body + '", "published": "0001-01-01T00:00:00+14:00"}',
        '{"id": 1, "text": "' + body + '", "published": 1e400}',
        '{"id": NaN, "text": "' + body + '"}',
        '{"id": 1, "text": "' + body + '", "published": "' + "9" * 90 + '-01-01"}',
        '{"id": [1], "text": {"a": 1}}',
        '{"text": "' + ("word " * 120_000) + '"}',
        '{"text": "x"}',
        '"just a string"',
        "null",
        '{"html": "<p ' + " ".join(f"a{i}=1" for i in range(5_000)) + '>' + body + '</p>"}',
        '{"id": "t", "title": "' + "T" * 50_000 + '", "text": "' + body + '"}',
    ])  # fmt: skip


def gen_bad_records_among_good(rng: random.Random, corpus: Corpus, n: int) -> None:
    if rng.random() < 0.5:
        lines: list[str] = []
        for k in range(rng.randint(1, 5)):
            lines.append(json.dumps(good_record(rng, corpus, f"jl{n}-{k}")))
            lines.append(_bad_record(rng))
        rng.shuffle(lines)
        _write(corpus, f"mixed{n}.jsonl", ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
    else:  # a JSON array: a record that is not JSON at all spoils the whole file, so only parsable bad records
        records = [json.dumps(good_record(rng, corpus, f"js{n}-{k}")) for k in range(rng.randint(1, 4))]
        bad = [r for r in (_bad_record(rng) for _ in range(3)) if _is_json(r)]
        items = records + bad
        rng.shuffle(items)
        _write(corpus, f"mixed{n}.json", ("[" + ",".join(items) + "]").encode("utf-8", "surrogatepass"))


def _is_json(text: str) -> bool:
    """Whether the product's JSON reader can parse ``text`` (giant numbers and NaN included: they cost one record)."""
    from storyline.errors import Skip
    from storyline.ingest.jsonl import loads

    try:
        loads(text)
        return True
    except Skip:
        return False


def gen_tiny(rng: random.Random, corpus: Corpus, n: int) -> None:
    ext = rng.choice([".txt", ".md", ".html", ".json", ".jsonl", ".rss", ".urls"])
    _write(corpus, f"tiny{n}{ext}", rng.choice([b"", b" ", b"\n", b"x", b"{}", b"[]", b"\xef\xbb\xbf", b"\x00",
                                                 b"<p>", b"null", b"\xff\xfe", b"ok ok"]))  # fmt: skip


def gen_binary(rng: random.Random, corpus: Corpus, n: int) -> None:
    ext = rng.choice([".txt", ".md", ".html", ".json", ".jsonl", ".xml"])
    head = rng.choice([b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n", b"PK\x03\x04", b"\x7fELF", b"\x1f\x8b\x08"])
    _write(corpus, f"bin{n}{ext}", head + rng.randbytes(3000))


def gen_encodings(rng: random.Random, corpus: Corpus, n: int) -> None:
    text = "Café Ørsted — " + " ".join(sentence(rng) for _ in range(5))
    kind = rng.choice(["txt", "jsonl", "json", "html"])
    if kind == "txt":
        doc = text
    elif kind == "jsonl":
        doc = json.dumps({"text": text}, ensure_ascii=False) + "\n"
    elif kind == "json":
        doc = json.dumps([{"text": text}], ensure_ascii=False)
    else:
        doc = f"<html><body><article><p>{text}</p></article></body></html>"
    encoding = rng.choice(["utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis", "utf-7", "cp037"])
    bom = rng.choice([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf"])
    _write(corpus, f"enc{n}.{kind}", bom + doc.encode(encoding, errors="replace"))


def gen_long(rng: random.Random, corpus: Corpus, n: int) -> None:
    kind = rng.choice(["txt", "html", "jsonl"])
    body = ("word " * rng.choice([110_000, 300_000])).strip()
    if kind == "txt":
        data = body.encode()
    elif kind == "html":
        data = f"<html><body><article><p>{body}</p></article></body></html>".encode()
    else:
        data = (json.dumps({"text": body}) + "\n" + json.dumps(good_record(rng, corpus, f"long{n}")) + "\n").encode()
    _write(corpus, f"long{n}.{kind}", data)


def gen_bad_name(rng: random.Random, corpus: Corpus, n: int) -> None:
    name = os.fsdecode(b"bad\xff\xfe" + str(n).encode() + b".jsonl")
    path = corpus.root / name
    path.write_text(json.dumps(good_record(rng, corpus, f"name{n}")) + "\n", encoding="utf-8")
    corpus.inputs.append(str(path))


def gen_special_folder(rng: random.Random, corpus: Corpus, n: int) -> None:
    """A folder with one good file and one thing a walk must not read."""
    folder = corpus.root / f"dir{n}"
    folder.mkdir()
    record = good_record(rng, corpus, f"dir{n}")
    (folder / "good.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    what = rng.choice(["outside", "outside_dir", "zero", "fifo", "socket", "loop", "broken"])
    if what == "outside":
        target = corpus.root.parent / f"outside{n}.txt"
        target.write_text(f"{OUTSIDE_MARKER} " + " ".join(sentence(rng) for _ in range(4)), encoding="utf-8")
        (folder / "secret.txt").symlink_to(target)
    elif what == "outside_dir":
        target = corpus.root.parent / f"outside_dir{n}"
        target.mkdir()
        (target / "x.md").write_text(f"{OUTSIDE_MARKER} " + " ".join(sentence(rng) for _ in range(4)), "utf-8")
        (folder / "etc").symlink_to(target)
    elif what == "zero":
        (folder / "zero.txt").symlink_to("/dev/zero")
    elif what == "fifo":
        os.mkfifo(folder / "pipe.jsonl")
    elif what == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(folder / "sock.html"))
        corpus.sockets.append(sock)
    elif what == "loop":
        (folder / "loop").symlink_to(folder)
    else:
        (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    corpus.inputs.append(str(folder))


def gen_named_special(rng: random.Random, corpus: Corpus, n: int) -> None:
    """A FIFO or a device named directly (not through a walk)."""
    if rng.random() < 0.5:
        path = corpus.root / f"fifo{n}.txt"
        os.mkfifo(path)
    else:
        path = corpus.root / f"zero{n}.html"
        path.symlink_to(rng.choice(["/dev/zero", "/dev/null", "/dev/urandom"]))
    corpus.inputs.append(str(path))


def gen_url_list(rng: random.Random, corpus: Corpus, n: int) -> None:
    lines = rng.choice(["ftp://x.example/a\nnot a url\n", "http://\n", "https://[::1\n", "\x00\n", "#only\n"])
    _write(corpus, f"list{n}.urls", lines.encode())


def gen_odd_inputs(rng: random.Random, corpus: Corpus, n: int) -> None:
    """Input names, not files: empty, NUL, schemes, missing paths, globs without matches."""
    corpus.inputs.append(rng.choice(["", " ", "a\x00b.txt", "file:///etc/passwd", "gopher://x", "https://",
                                     str(corpus.root / "missing.txt"), str(corpus.root / "*.nothing"),
                                     "x" * 5000 + ".txt"]))  # fmt: skip


GENERATORS: list[tuple[Callable[[random.Random, Corpus, int], None], int]] = [
    (gen_random_bytes, 12), (gen_truncated, 14), (gen_mutated, 16), (gen_huge_attributes, 2), (gen_deep_nesting, 4),
    (gen_bad_records_among_good, 14), (gen_tiny, 8), (gen_binary, 6), (gen_encodings, 8), (gen_long, 2),
    (gen_bad_name, 2), (gen_special_folder, 6), (gen_named_special, 2), (gen_url_list, 2), (gen_odd_inputs, 2),
]  # fmt: skip


def generate(root: Path, n: int, seed: int) -> Corpus:
    """``n`` hostile inputs under ``root`` (plus good articles inside and beside them)."""
    rng = random.Random(seed)
    corpus = Corpus(root)
    makers = [g for g, _ in GENERATORS]
    weights = [w for _, w in GENERATORS]
    for k in range(n):
        rng.choices(makers, weights)[0](rng, corpus, k)
    good_file = root / "good.jsonl"
    good_file.write_text("\n".join(json.dumps(good_record(rng, corpus, f"good{k}")) for k in range(20)) + "\n",
                         encoding="utf-8")  # fmt: skip
    corpus.inputs.append(str(good_file))
    return corpus


# ---------------------------------------------------------------- running


def _worker(db: str, listing: str, start: int) -> None:
    """Ingest the inputs of ``listing`` from ``start`` on, one at a time, reporting each on stdout."""
    from storyline import workflow
    from storyline.config import Settings
    from storyline.store import open_store

    inputs = json.loads(Path(listing).read_text("utf-8"))
    settings = Settings(db=db)
    store = open_store(db)
    try:
        for index in range(start, len(inputs)):
            print(json.dumps({"begin": index}), flush=True)
            try:
                summary = workflow.ingest(store, [inputs[index]], settings, allow_private=False)
            except BaseException as exc:  # noqa: BLE001 - what the bench counts
                print(json.dumps({"crash": index, "error": f"{type(exc).__name__}: {exc}"[:300]}), flush=True)
                continue
            internal = [s.source for s in summary.skipped if "internal error" in s.reason]
            print(json.dumps({"done": index, "internal": internal}), flush=True)
    finally:
        store.close()


@dataclass
class Outcome:
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)


def run_pass(db: str, inputs: list[str], workdir: Path, timeout: float = INPUT_TIMEOUT) -> Outcome:
    """Every input through a watched worker; a worker silent for ``timeout`` s is killed and resumed past it."""
    listing = workdir / "inputs.json"
    listing.write_text(json.dumps(inputs, ensure_ascii=True), encoding="utf-8")
    outcome = Outcome()
    start = 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                                       os.environ.get("PYTHONPATH", "")]))  # fmt: skip
    while start < len(inputs):
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_fuzz", "--worker", db, str(listing), str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
            cwd=str(Path(__file__).resolve().parents[1]),
        )  # fmt: skip
        lines: queue.Queue[str | None] = queue.Queue()

        def pump(stream: Any = proc.stdout, sink: queue.Queue[str | None] = lines) -> None:
            for line in stream:
                sink.put(line)
            sink.put(None)

        threading.Thread(target=pump, daemon=True).start()
        current = start
        limit = timeout * 4  # the first input also pays for imports
        while True:
            try:
                line = lines.get(timeout=limit)
            except queue.Empty:
                outcome.hangs.append(inputs[current])
                proc.kill()
                proc.wait()
                start = current + 1
                break
            if line is None:
                proc.wait()
                if current < len(inputs) and proc.returncode != 0:  # the worker died (a crash in C, a kill)
                    outcome.crashes.append(f"{inputs[current]}: worker exited {proc.returncode}")
                    start = current + 1
                else:
                    start = len(inputs)
                break
            limit = timeout
            event = json.loads(line)
            if "begin" in event:
                current = event["begin"]
            elif "crash" in event:
                outcome.crashes.append(f"{inputs[event['crash']]}: {event['error']}")
            elif "done" in event:
                outcome.internal.extend(event["internal"])
                current = event["done"] + 1
    return outcome


def stored(db: str) -> tuple[int, set[str], list[str]]:
    from storyline.store import open_store

    store = open_store(db)
    try:
        articles = store.articles()
        return len(articles), {a.id for a in articles}, [a.text for a in articles if OUTSIDE_MARKER in a.text]
    finally:
        store.close()


def run(n: int = 2000, seed: int = 7, timeout: float = INPUT_TIMEOUT, verbose: bool = True) -> dict[str, Any]:
    """Generate ``n`` hostile inputs, ingest them twice, and count what went wrong."""
    from storyline.ingest.meta import normalize_body
    from storyline.records import Article

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="storyline-fuzz-") as tmp:
        work = Path(tmp)
        root = work / "inputs"
        root.mkdir()
        corpus = generate(root, n, seed)
        db = str(work / "fuzz.db")
        try:
            first = run_pass(db, corpus.inputs, work, timeout)
            count1, ids, escaped = stored(db)
            second = run_pass(db, corpus.inputs, work, timeout)
            count2, _, _ = stored(db)
        finally:
            for sock in corpus.sockets:
                sock.close()
    expected = {Article.make_id(normalize_body(body), url): url for body, url in corpus.good}
    lost = sorted(str(url) for key, url in expected.items() if key not in ids)
    result = {
        "tried": n,
        "inputs": len(corpus.inputs),
        "good": len(expected),
        "crashes": len(first.crashes) + len(second.crashes),
        "hangs": len(first.hangs) + len(second.hangs),
        "lost": len(lost),
        "duplicated": max(0, count2 - count1),
        "escaped": len(escaped),
        "internal": len(first.internal) + len(second.internal),
        "stored": count1,
        "seconds": round(time.monotonic() - began, 1),
        "examples": (first.crashes + first.hangs + second.crashes + second.hangs + first.internal + lost)[:10],
    }
    if verbose:
        print(f"tried {result['tried']} / crashes {result['crashes']} / hangs {result['hangs']} / "
              f"lost {result['lost']} / duplicated {result['duplicated']} / escaped {result['escaped']}")  # fmt: skip
        print(f"({result['inputs']} inputs with {result['good']} good articles among them, {result['stored']} stored; "
              f"{result['internal']} internal-error skips; {result['seconds']} s)")  # fmt: skip
        for example in result["examples"]:
            print("  ", example[:300])
    return result


def failures(result: dict[str, Any]) -> int:
    """What the gate pins to zero."""
    return int(result["crashes"] + result["hangs"] + result["lost"] + result["duplicated"] + result["escaped"])


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        _worker(argv[1], argv[2], int(argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="hostile inputs to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=INPUT_TIMEOUT, help="seconds per input before a hang")
    args = parser.parse_args(argv)
    return 1 if failures(run(args.n, args.seed, args.timeout)) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
