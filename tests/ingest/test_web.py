"""Fetching: against a local HTTP server on 127.0.0.1, never the internet."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from storyline.config import Settings
from storyline.errors import FetchError
from storyline.ingest import read_url
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


class FlippingResolver:
    """A hostile DNS server: answers ``first`` to the first question, then ``later`` forever after."""

    def __init__(self, first: str, later: str) -> None:
        self.answers = [first, later]
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return [self.answers[0] if len(self.asked) == 1 else self.answers[1]]


class Recorder:
    """An httpx transport that records where each request was sent and answers from ``replies``."""

    def __init__(self, replies: dict[str, httpx.Response]) -> None:
        self.replies = replies
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return self.replies[request.url.host]


def test_dns_rebinding_cannot_reach_the_local_server(
    server: LocalServer, settings: Settings, article_html: bytes
) -> None:
    """The check sees a public address; a second lookup would say 127.0.0.1. There must be no second lookup:
    the request goes to exactly the checked address, with the original name in Host and TLS SNI."""
    server.routes["/p"] = html_reply(article_html)
    resolver = FlippingResolver("93.184.215.14", "127.0.0.1")
    recorder = Recorder({"93.184.215.14": httpx.Response(200, html=article_html.decode())})
    with httpx.Client(transport=httpx.MockTransport(recorder)) as client:
        url = f"https://news.test:{server.port}/p"
        page = fetch(url, settings, allow_private=False, client=client, resolve=resolver)
    assert page.final_url == f"https://news.test:{server.port}/p"
    assert resolver.asked == ["news.test"]  # resolved once
    (sent,) = recorder.sent
    assert (sent.url.host, sent.url.port) == ("93.184.215.14", server.port)
    assert sent.headers["host"] == f"news.test:{server.port}"
    assert sent.extensions["sni_hostname"] == "news.test"
    assert server.hits == []


def test_every_redirect_hop_is_resolved_once_and_checked(
    server: LocalServer, settings: Settings, article_html: bytes
) -> None:
    """A public page redirects to a name that resolves to loopback: refused before anything is sent there."""
    server.routes["/inside"] = html_reply(article_html)
    answers = {"public.test": "93.184.215.14", "evil.test": "127.0.0.1"}
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return [answers[host]]

    hop = httpx.Response(302, headers={"Location": f"http://evil.test:{server.port}/inside"})
    recorder = Recorder({"93.184.215.14": hop})
    with httpx.Client(transport=httpx.MockTransport(recorder)) as client, pytest.raises(FetchError, match="non-public"):
        fetch("http://public.test/start", settings, allow_private=False, client=client, resolve=resolve)
    assert asked == ["public.test", "evil.test"]
    assert [r.url.host for r in recorder.sent] == ["93.184.215.14"]
    assert server.hits == []


def test_fetch_connects_to_the_resolved_address_and_keeps_the_host_name(
    server: LocalServer, settings: Settings, article_html: bytes
) -> None:
    """Real sockets: ``news.test`` exists only in our resolver, yet the local server is reached, and sees the name."""
    server.routes["/p"] = html_reply(article_html)
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    url = f"http://news.test:{server.port}/p"
    assert fetch(url, settings, allow_private=True, resolve=resolve).body == article_html
    assert server.hits == ["/p"]
    assert server.hosts == [f"news.test:{server.port}"]
    assert asked == ["news.test"]
    with pytest.raises(FetchError, match="non-public address 127.0.0.1"):
        fetch(url, settings, allow_private=False, resolve=resolve)
    assert server.hits == ["/p"]


def test_a_name_with_any_non_public_address_is_refused(server: LocalServer, settings: Settings) -> None:
    with pytest.raises(FetchError, match="non-public address 10.0.0.7"):
        fetch(
            f"http://mixed.test:{server.port}/",
            settings,
            allow_private=False,
            resolve=lambda host, port: ["93.184.215.14", "10.0.0.7"],
        )
    assert server.hits == []


def test_next_checked_address_is_tried_when_one_cannot_connect(
    server: LocalServer, settings: Settings, article_html: bytes
) -> None:
    """Like ``socket.create_connection``: 127.0.0.2 refuses (the server binds 127.0.0.1 only), 127.0.0.1 answers."""
    server.routes["/p"] = html_reply(article_html)
    url = f"http://two.test:{server.port}/p"
    page = fetch(url, settings, allow_private=True, resolve=lambda host, port: ["127.0.0.2", "127.0.0.1"])
    assert page.body == article_html
    assert server.hits == ["/p"]


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0177.0.0.1/",  # octal
        "http://0x7f.0.0.1/",  # hex
        "http://0x7f000001/",
        "http://127.1/",  # short form
        "http://0/",  # 0.0.0.0
        "http://0.0.0.0:8000/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::]/",
        "http://017700000001/",
        "http://3232235777/",  # 192.168.1.1
    ],
)
def test_numeric_host_forms_are_refused_without_asking_dns(url: str, settings: Settings) -> None:
    def resolve(host: str, port: int) -> list[str]:
        raise AssertionError(f"numeric host {host!r} was sent to DNS")

    with pytest.raises(FetchError, match="non-public"):
        check_public_url(url, allow_private=False, resolve=resolve)
    with pytest.raises(FetchError, match="non-public"):
        fetch(url, settings, allow_private=False, resolve=resolve)


def test_numeric_host_forms_are_fetched_at_the_address_they_denote(
    server: LocalServer, settings: Settings, article_html: bytes
) -> None:
    server.routes["/n"] = html_reply(article_html)
    page = fetch(f"http://2130706433:{server.port}/n", settings, allow_private=True)
    assert page.body == article_html
    assert server.hosts == [f"127.0.0.1:{server.port}"]


# ------------------------------------------------------------------ TLS with a pinned address


@pytest.fixture
def tls_server(server: LocalServer, tmp_path: Path) -> tuple[LocalServer, ssl.SSLContext]:
    """The local server behind TLS with a certificate for ``news.test`` only, from a throwaway CA (openssl CLI)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=tmp_path, check=True, capture_output=True, timeout=60)

    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=storyline test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")  # fmt: skip
    run("req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=news.test")
    (tmp_path / "san.ext").write_text("subjectAltName=DNS:news.test\n")
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem",
        "-days", "2", "-extfile", "san.ext")  # fmt: skip
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    server.httpd.socket = server_side.wrap_socket(server.httpd.socket, server_side=True)
    trusting = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    return server, trusting


def test_https_to_a_pinned_address_verifies_the_certificate_for_the_host_name(
    tls_server: tuple[LocalServer, ssl.SSLContext], settings: Settings, article_html: bytes
) -> None:
    """The connection goes to 127.0.0.1, yet SNI and certificate checking use ``news.test`` (the certificate
    names no IP address, so checking it against the address would fail)."""
    server, trusting = tls_server
    server.routes["/p"] = html_reply(article_html)
    with httpx.Client(verify=trusting) as client:
        page = fetch(f"https://news.test:{server.port}/p", settings, allow_private=True, client=client,
                     resolve=lambda host, port: ["127.0.0.1"])  # fmt: skip
    assert page.body == article_html
    assert server.hosts == [f"news.test:{server.port}"]


def test_https_certificate_for_another_name_is_refused(
    tls_server: tuple[LocalServer, ssl.SSLContext], settings: Settings, article_html: bytes
) -> None:
    server, trusting = tls_server
    server.routes["/p"] = html_reply(article_html)
    with httpx.Client(verify=trusting) as client, pytest.raises(FetchError, match="unreachable.*CERTIFICATE_VERIFY"):
        fetch(f"https://other.test:{server.port}/p", settings, allow_private=True, client=client,
              resolve=lambda host, port: ["127.0.0.1"])  # fmt: skip
    assert server.hits == []


def test_through_an_environment_proxy_the_url_is_sent_as_written(
    server: LocalServer, settings: Settings, article_html: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy resolves names itself (intranet names may resolve only there), so nothing is pinned or resolved
    here when private addresses are allowed; the local server plays the proxy."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.base)
    monkeypatch.setenv("http_proxy", server.base)
    server.routes["http://intranet.test/p"] = html_reply(article_html)

    def resolve(host: str, port: int) -> list[str]:
        raise AssertionError("a proxied URL was resolved here")

    assert fetch("http://intranet.test/p", settings, allow_private=True, resolve=resolve).body == article_html
    assert server.hits == ["http://intranet.test/p"] and server.hosts == ["intranet.test"]
    with pytest.raises(FetchError, match="non-public address 10.0.0.9"):  # the web API's setting still checks
        fetch("http://intranet.test/p", settings, allow_private=False, resolve=lambda host, port: ["10.0.0.9"])
    assert len(server.hits) == 1
