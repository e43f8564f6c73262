"""Fetching URLs with httpx, safely: time limits, a size cap, a redirect limit and an SSRF guard.

Every failure is a :class:`FetchError` that names the URL and says why (unreachable,
HTTP status, not HTML or a feed, too large, too many redirects, redirect loop,
private address). Redirects are followed by hand, one hop at a time, so that each
hop's URL is checked by :func:`check_public_url` before anything is sent to it.

Known limit: the guard resolves the host, then httpx resolves it again to connect.
A hostile DNS server could answer differently the second time ("DNS rebinding").
Closing that gap means pinning the checked address in a custom transport; the web
API should also run behind an egress firewall if it accepts URLs from untrusted users.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from ..config import Settings
from ..errors import FetchError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)
_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml;q=0.9,application/xml;q=0.8"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Kind = Literal["html", "feed"]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document: HTML page or feed, body at most ``fetch_max_bytes``."""

    url: str  # as asked for
    final_url: str  # after redirects
    content_type: str  # media type in lower case, without parameters
    charset: str | None
    body: bytes
    kind: Kind


def is_url(text: str) -> bool:
    """True for an ``http://`` or ``https://`` URL with a host."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and not any(c.isspace() for c in text.strip())


def check_public_url(url: str, allow_private: bool = False) -> None:
    """Raise :class:`FetchError` unless ``url`` is http(s) and every address its host resolves to is public.

    Refuses loopback, private (RFC 1918, unique-local), link-local (including cloud
    metadata at 169.254.169.254), multicast, reserved, unspecified and shared (CGNAT)
    addresses, and IPv6 forms that embed one of those (IPv4-mapped). With
    ``allow_private`` only the scheme and host are checked: the CLI trusts its
    operator, the web API must not. Resolving a name needs DNS, hence may block up
    to the resolver's own timeout.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"malformed URL: {exc}", item=url) from exc
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"unsupported URL scheme {parts.scheme!r}", item=url, hint="only http and https are fetched")
    if not host:
        raise FetchError("URL has no host", item=url)
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"unreachable: cannot resolve host {host!r}", item=url) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if _forbidden(address):
            raise FetchError(
                f"refused: {host} resolves to non-public address {address}",
                item=url,
                hint="private, loopback and link-local addresses are not fetched here",
            )


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and _forbidden(embedded):
            return True
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def make_client(settings: Settings) -> httpx.Client:
    """An httpx client with the settings' timeout and user agent; redirects are ours to follow."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.fetch_timeout),
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent, "Accept": _ACCEPT},
    )


def fetch(
    url: str,
    settings: Settings,
    *,
    allow_private: bool,
    client: httpx.Client | None = None,
) -> Fetched:
    """GET ``url`` (an HTML page or a feed), checking every redirect hop; raises :class:`FetchError`.

    The body is streamed and abandoned once it passes ``settings.fetch_max_bytes``;
    ``settings.fetch_timeout`` bounds each network wait and the whole download.
    Pass a ``client`` to reuse connections across many fetches.
    """
    own = client is None
    http = make_client(settings) if own else client
    try:
        return _fetch(url, settings, allow_private, http)
    finally:
        if own:
            http.close()


def _fetch(url: str, settings: Settings, allow_private: bool, client: httpx.Client) -> Fetched:
    seen: list[str] = []
    current = url
    deadline = time.monotonic() + settings.fetch_timeout
    while True:
        check_public_url(current, allow_private)
        seen.append(current)
        try:
            response = client.send(client.build_request("GET", current), stream=True)
        except httpx.TimeoutException as exc:
            raise FetchError(f"unreachable: timed out after {settings.fetch_timeout:g}s", item=url) from exc
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            raise FetchError(f"unreachable: {type(exc).__name__}: {exc or 'connection failed'}", item=url) from exc
        try:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {response.status_code} redirect without a Location", item=url)
                target = urljoin(current, location)
                if target in seen:
                    raise FetchError(f"redirect loop: {current} -> {target}", item=url)
                if len(seen) > settings.fetch_max_redirects:
                    raise FetchError(
                        f"too many redirects (more than {settings.fetch_max_redirects})",
                        item=url,
                        hint="raise fetch_max_redirects, or use the final URL",
                    )
                current = target
                continue
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip(), item=url)
            if not 200 <= response.status_code < 300:
                raise FetchError(f"unexpected HTTP status {response.status_code}", item=url)
            return _read(url, current, response, settings, deadline)
        finally:
            response.close()


def _read(url: str, final: str, response: httpx.Response, settings: Settings, deadline: float) -> Fetched:
    header = response.headers.get("content-type", "")
    media = header.split(";", 1)[0].strip().lower()
    charset = response.charset_encoding
    if media and media not in HTML_TYPES | FEED_TYPES:
        raise FetchError(f"not HTML or a feed (content type {media})", item=url, hint="only web pages and feeds")
    declared = response.headers.get("content-length", "")
    limit = settings.fetch_max_bytes
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"response too large ({declared} bytes, limit {limit})", item=url)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(f"response too large (more than {limit} bytes)", item=url)
            if time.monotonic() > deadline:
                raise FetchError(f"unreachable: download took longer than {settings.fetch_timeout:g}s", item=url)
            chunks.append(chunk)
    except httpx.TimeoutException as exc:
        raise FetchError(f"unreachable: timed out after {settings.fetch_timeout:g}s", item=url) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"unreachable: {type(exc).__name__}: {exc}", item=url) from exc
    body = b"".join(chunks)
    kind = _kind(media, body)
    if kind is None:
        raise FetchError("not HTML or a feed (no content type, and the body looks like neither)", item=url)
    return Fetched(url=url, final_url=final, content_type=media, charset=charset, body=body, kind=kind)


def _kind(media: str, body: bytes) -> Kind | None:
    if media in HTML_TYPES:
        return "html"
    if media in FEED_TYPES:
        return "feed"
    head = body[:1024].lstrip().lower()  # no content type: sniff, as browsers do
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return None
