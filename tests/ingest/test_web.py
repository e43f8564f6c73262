"""Fetching: against a local HTTP server on 127.0.0.1, never the internet."""

from __future__ import annotations

import socket

import pytest

from storyline.config import Settings
from storyline.errors import FetchError
from storyline.ingest import read_url, web
from storyline.ingest.web import check_public_url, fetch
from storyline.records import Article

from .conftest import LocalServer, Reply, html_reply, redirect


def test_fetch_html_page(server: LocalServer, settings: Settings, article_html: bytes) -> None:
    server.routes["/news/ferry"] = html_reply(article_html)
    page = fetch(server.url("/news/ferry"), settings, allow_private=True)
    assert page.kind == "html"
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.body == article_html


def test_user_agent_is_sent(server: LocalServer, article_html: bytes) -> None:
    server.routes["/ua"] = html_reply(article_html)
    fetch(server.url("/ua"), Settings(user_agent="storyline-test/9"), allow_private=True)
    assert server.user_agents == ["storyline-test/9"]


def test_read_url_gives_an_article_with_the_final_url(
    server: LocalServer, settings: Settings, article_html: bytes
) -> None:
    server.routes["/old"] = redirect("/news/ferry", 301)
    server.routes["/news/ferry"] = html_reply(article_html)
    (article,) = read_url(server.url("/old"), settings, allow_private=True)
    assert isinstance(article, Article)
    assert article.source == server.url("/old")
    assert article.url == server.url("/news/ferry")
    assert article.title == "Harbor council approves ferry terminal rebuild"


def test_unreachable(settings: Settings) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="unreachable") as info:
        fetch(f"http://127.0.0.1:{port}/x", settings, allow_private=True)
    assert info.value.item == f"http://127.0.0.1:{port}/x"


def test_http_error_status(server: LocalServer, settings: Settings) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(server.url("/missing"), settings, allow_private=True)
    server.routes["/boom"] = Reply(503, b"down", {"Content-Type": "text/html"})
    with pytest.raises(FetchError, match="HTTP 503"):
        fetch(server.url("/boom"), settings, allow_private=True)


def test_non_html_content_type(server: LocalServer, settings: Settings) -> None:
    server.routes["/photo.png"] = Reply(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, {"Content-Type": "image/png"})
    with pytest.raises(FetchError, match="not HTML or a feed.*image/png"):
        fetch(server.url("/photo.png"), settings, allow_private=True)
    server.routes["/raw"] = Reply(200, b"%PDF-1.7 binary stuff")  # no content type, does not look like HTML
    with pytest.raises(FetchError, match="not HTML or a feed"):
        fetch(server.url("/raw"), settings, allow_private=True)


def test_missing_content_type_is_sniffed(server: LocalServer, settings: Settings, article_html: bytes) -> None:
    server.routes["/bare"] = Reply(200, article_html)
    assert fetch(server.url("/bare"), settings, allow_private=True).kind == "html"


def test_redirect_loop(server: LocalServer, settings: Settings) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect("/a")
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(server.url("/a"), settings, allow_private=True)


def test_too_many_redirects(server: LocalServer, article_html: bytes) -> None:
    for hop in range(6):
        server.routes[f"/hop{hop}"] = redirect(f"/hop{hop + 1}")
    server.routes["/hop6"] = html_reply(article_html)
    with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"):
        fetch(server.url("/hop0"), Settings(fetch_max_redirects=3), allow_private=True)
    assert fetch(server.url("/hop0"), Settings(fetch_max_redirects=6), allow_private=True).kind == "html"


def test_too_large_streamed_response(server: LocalServer, settings: Settings) -> None:
    body = b"<html><body>" + b"<p>filler paragraph</p>" * 30_000 + b"</body></html>"  # ~690 KB, limit 200 KB
    server.routes["/big"] = Reply(200, body, {"Content-Type": "text/html"}, chunks=50)
    with pytest.raises(FetchError, match="too large"):
        fetch(server.url("/big"), settings, allow_private=True)


def test_too_large_declared_length(server: LocalServer, settings: Settings) -> None:
    server.routes["/declared"] = Reply(200, b"", {"Content-Type": "text/html", "Content-Length": "999999999"})
    with pytest.raises(FetchError, match="too large"):
        fetch(server.url("/declared"), settings, allow_private=True)


def test_timeout(server: LocalServer, article_html: bytes) -> None:
    server.routes["/slow"] = Reply(200, article_html, {"Content-Type": "text/html"}, delay=1.5)
    with pytest.raises(FetchError, match="timed out"):
        fetch(server.url("/slow"), Settings(fetch_timeout=0.3), allow_private=True)


# ------------------------------------------------------------------ SSRF guard


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/admin",
        "http://10.1.2.3/",
        "http://172.16.0.5/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.251/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[ff02::1]/",
    ],
)
def test_guard_refuses_non_public_addresses(url: str) -> None:
    with pytest.raises(FetchError, match="non-public"):
        check_public_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["http://93.184.215.14/", "https://[2606:4700::1]/path", "http://8.8.8.8:8080/"])
def test_guard_accepts_public_literals(url: str) -> None:
    check_public_url(url, allow_private=False)  # IP literals: no DNS query is made


@pytest.mark.parametrize("url", ["ftp://files.example/a", "file:///etc/passwd", "http:///nohost"])
def test_guard_refuses_other_schemes_even_when_private_allowed(url: str) -> None:
    with pytest.raises(FetchError):
        check_public_url(url, allow_private=True)


def test_guard_allows_private_when_asked() -> None:
    check_public_url("http://127.0.0.1:9/", allow_private=True)


def test_fetch_refuses_private_address(server: LocalServer, settings: Settings, article_html: bytes) -> None:
    server.routes["/p"] = html_reply(article_html)
    with pytest.raises(FetchError, match="non-public"):
        fetch(server.url("/p"), settings, allow_private=False)
    assert server.hits == []  # refused before any request was sent


def test_every_redirect_hop_is_checked(
    server: LocalServer, settings: Settings, article_html: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pretend 127.0.0.1 is public; the redirect to ``localhost`` must still be refused."""
    real = web.check_public_url
    checked: list[str] = []

    def guard(url: str, allow_private: bool = False) -> None:
        checked.append(url)
        if not url.startswith(server.base):
            real(url, allow_private)

    monkeypatch.setattr(web, "check_public_url", guard)
    server.routes["/start"] = redirect(f"http://localhost:{server.port}/inside")
    server.routes["/inside"] = html_reply(article_html)
    with pytest.raises(FetchError, match="non-public"):
        fetch(server.url("/start"), settings, allow_private=False)
    assert checked == [server.url("/start"), f"http://localhost:{server.port}/inside"]
    assert server.hits == ["/start"]
