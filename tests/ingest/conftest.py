"""Shared fixtures for the ingest tests: settings, hand-written inputs and a local HTTP server.

The server binds 127.0.0.1 on a free port and serves canned responses; no test
touches the internet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storyline.config import Settings

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_timeout=2.0, fetch_max_bytes=200_000, fetch_max_redirects=3, max_file_bytes=100_000)


@pytest.fixture(scope="session")
def article_html() -> bytes:
    return (FIXTURES / "article.html").read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: int = 1  # >1: send the body in chunks without Content-Length
    delay: float = 0.0


Route = Reply | Callable[[], Reply]


class LocalServer:
    """A tiny threaded HTTP server; ``routes`` maps a path to a :class:`Reply`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.user_agents: list[str] = []
        self.hosts: list[str] = []  # Host headers received
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.hits.append(self.path)
                server.user_agents.append(self.headers.get("User-Agent", ""))
                server.hosts.append(self.headers.get("Host", ""))
                route = server.routes.get(self.path)
                reply = route() if callable(route) else route
                if reply is None:
                    reply = Reply(404, b"not found", {"Content-Type": "text/plain"})
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.chunks > 1:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    size = max(1, len(reply.body) // reply.chunks)
                    try:
                        for start in range(0, len(reply.body), size):
                            piece = reply.body[start : start + size]
                            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client gave up, as it should for oversize bodies
                    return
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hangs up early (size cap, timeout) is what those tests want

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.thread.start()
    try:
        yield local
    finally:
        local.httpd.shutdown()
        local.httpd.server_close()


def html_reply(body: bytes, content_type: str = "text/html; charset=utf-8") -> Reply:
    return Reply(200, body, {"Content-Type": content_type})


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, b"", {"Location": location})
