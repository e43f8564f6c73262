"""Fetching URLs with httpx, safely: time limits, a size cap, a redirect limit and an SSRF guard.

Every failure is a :class:`FetchError` that names the URL and says why (unreachable,
HTTP status, not HTML or a feed, too large, too many redirects, redirect loop,
private address). Redirects are followed by hand, one hop at a time.

DNS rebinding: each hop's host is resolved exactly once (:func:`resolve_target`), every
address is checked, and the request is sent to one of exactly those addresses. The URL
given to httpx carries the checked IP; the ``Host`` header and the TLS server name
(httpx's documented ``sni_hostname`` request extension, which httpcore also uses for
certificate verification) carry the original host name. httpx therefore never looks the
name up itself, so a DNS server that answers "public" to the check and "127.0.0.1" a
moment later is never asked twice.

Known limits: httpx pools connections per (scheme, IP, port), so an HTTPS connection
verified for one host name may carry a later request for another name that resolved to
the same checked IP within the same client. Cookies are kept per IP for the same reason.
Through a proxy from the environment (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``) the
proxy resolves and connects, so nothing can be pinned here: the URL is still checked
against this machine's resolver (unless private addresses are allowed), then sent as
before. A server that accepts URLs from untrusted users should not use such a proxy (or
the proxy must refuse private addresses itself), and should sit behind an egress firewall.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

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
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> IP address strings``; :func:`system_resolve` unless a test or an embedding app passes its own."""


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


def system_resolve(host: str, port: int) -> list[str]:
    """The operating system's answer for ``host`` (``getaddrinfo``), duplicates removed, order kept."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class Target:
    """One hop's destination after a single resolution: connect only to ``addresses``."""

    url: str
    scheme: str
    host: str  # as in the URL (lower case); an IP literal in canonical form when it was numeric
    port: int
    addresses: tuple[IPAddress, ...]
    literal: bool  # the host was an IP address, so no name was resolved


def resolve_target(url: str, allow_private: bool, resolve: Resolver = system_resolve) -> Target:
    """Check the scheme and host of ``url``, resolve the host once and check every address.

    Raises :class:`FetchError` unless ``url`` is http(s) with a host and, without
    ``allow_private``, every address is public. Refused: loopback, private (RFC 1918,
    unique-local), link-local (including cloud metadata at 169.254.169.254), multicast,
    reserved, unspecified (``0.0.0.0``) and shared (CGNAT) addresses, and IPv6 forms that
    embed one of those (IPv4-mapped ``::ffff:127.0.0.1``, 6to4, Teredo). Numeric hosts in
    the forms C's ``inet_aton`` accepts (``2130706433``, ``0177.0.0.1``, ``0x7f.1``,
    ``127.1``) are read here as the address they denote, never sent to DNS. Resolving a
    name may block up to the resolver's own timeout.
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
    literal = _ip_literal(host)
    if literal is not None:
        addresses: tuple[IPAddress, ...] = (literal,)
        host = str(literal)
    else:
        try:
            answer = resolve(host, port)
            addresses = tuple(ipaddress.ip_address(str(a).split("%", 1)[0]) for a in answer)
        except (socket.gaierror, UnicodeError, OSError, ValueError) as exc:
            raise FetchError(f"unreachable: cannot resolve host {host!r}", item=url) from exc
        if not addresses:
            raise FetchError(f"unreachable: host {host!r} has no address", item=url)
    if not allow_private:
        for address in addresses:
            if _forbidden(address):
                raise FetchError(
                    f"refused: {host} resolves to non-public address {address}",
                    item=url,
                    hint="private, loopback and link-local addresses are not fetched here",
                )
    return Target(url, parts.scheme, host, port, addresses, literal is not None)


def check_public_url(url: str, allow_private: bool = False, resolve: Resolver = system_resolve) -> None:
    """Raise :class:`FetchError` unless ``url`` is http(s) and every address its host resolves to is public.

    An early, friendly check (the web API uses it to refuse a URL before queueing work);
    :func:`fetch` does not rely on it: it resolves each hop once itself and connects to
    the address it checked. With ``allow_private`` only the scheme and host are checked:
    the CLI trusts its operator, the web API must not.
    """
    if allow_private:
        try:
            parts = urlsplit(url)
            ok_scheme, host = parts.scheme in {"http", "https"}, parts.hostname
        except ValueError as exc:
            raise FetchError(f"malformed URL: {exc}", item=url) from exc
        if not ok_scheme:
            hint = "only http and https are fetched"
            raise FetchError(f"unsupported URL scheme {parts.scheme!r}", item=url, hint=hint)
        if not host:
            raise FetchError("URL has no host", item=url)
        return
    resolve_target(url, allow_private, resolve)


def _ip_literal(host: str) -> IPAddress | None:
    """The address a numeric host denotes, or None for a name that DNS must answer."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if ":" in host:
        return None
    try:  # the legacy forms (decimal, octal, hex, short) that libc's resolver would also accept
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def _forbidden(address: IPAddress) -> bool:
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
    resolve: Resolver = system_resolve,
) -> Fetched:
    """GET ``url`` (an HTML page or a feed), checking every redirect hop; raises :class:`FetchError`.

    Each hop is resolved once with ``resolve``, every address is checked (unless
    ``allow_private``) and the request goes to a checked address only (see the module
    docstring). The body is streamed and abandoned once it passes
    ``settings.fetch_max_bytes``; ``settings.fetch_timeout`` bounds each network wait and
    the whole download. Pass a ``client`` to reuse connections across many fetches.
    """
    own = client is None
    http = make_client(settings) if own else client
    try:
        return _fetch(url, settings, allow_private, http, resolve)
    finally:
        if own:
            http.close()


def _fetch(url: str, settings: Settings, allow_private: bool, client: httpx.Client, resolve: Resolver) -> Fetched:
    seen: list[str] = []
    current = url
    deadline = time.monotonic() + settings.fetch_timeout
    while True:
        proxied = _proxied(client, current)
        if proxied and allow_private:
            check_public_url(current, allow_private=True)  # scheme and host; the proxy resolves the name
        else:
            target = resolve_target(current, allow_private, resolve)
        seen.append(current)
        try:
            if time.monotonic() > deadline:  # redirect hops share the one time limit
                raise FetchError(f"unreachable: took longer than {settings.fetch_timeout:g}s", item=url)
            timeout = httpx.Timeout(settings.fetch_timeout)  # per request: a caller may pass a shorter limit
            if proxied:  # the proxy connects, so no address can be pinned here (see the module docstring)
                response = client.send(client.build_request("GET", current, timeout=timeout), stream=True)
            else:
                response = _send_pinned(client, target, timeout)
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


def _send_pinned(client: httpx.Client, target: Target, timeout: httpx.Timeout | None = None) -> httpx.Response:
    """GET ``target`` at one of its checked addresses, trying the next one only if connecting fails.

    The request URL names the IP, so httpx does no lookup of its own; the ``Host``
    header and, for HTTPS, the TLS server name (SNI and certificate check) keep the
    name from the URL.
    """
    parts = urlsplit(target.url)
    userinfo = parts.netloc.rpartition("@")[0] + "@" if "@" in parts.netloc else ""
    default_port = 443 if target.scheme == "https" else 80
    netloc = userinfo + _netloc(target, default_port)  # numeric hosts in canonical form, which httpx accepts
    original = httpx.URL(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")))
    host_header = original.netloc.decode("ascii")  # IDNA-encoded name, with the port if not the default
    sni = original.raw_host.decode("ascii")
    extensions = {"sni_hostname": sni} if target.scheme == "https" and not target.literal else {}
    failure: httpx.ConnectError | None = None
    for address in target.addresses:
        pinned = original.copy_with(host=str(address))
        request = client.build_request("GET", pinned, headers={"Host": host_header}, extensions=extensions,
                                       timeout=timeout if timeout is not None else client.timeout)  # fmt: skip
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError as exc:  # like socket.create_connection: the next address, if any
            failure = exc
    assert failure is not None  # resolve_target never returns an empty address list
    raise failure


def _proxied(client: httpx.Client, url: str) -> bool:
    """Whether ``client`` sends ``url`` through a proxy from the environment (``HTTP_PROXY``, ``HTTPS_PROXY``,
    ``ALL_PROXY``, minus ``NO_PROXY``), as httpx does when ``trust_env`` is on."""
    if not client.trust_env:
        return False
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(url)
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass_environment(parts.hostname or "", proxies)


def _netloc(target: Target, default_port: int) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default_port else f"{host}:{target.port}"


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
