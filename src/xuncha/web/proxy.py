"""The client's real address and scheme behind a trusted reverse proxy; one place decides both.

`X-Forwarded-For` and `X-Forwarded-Proto` are believed only when the TCP peer (REMOTE_ADDR) is
one of settings.TRUSTED_PROXIES. Then the client is the right-most address of X-Forwarded-For
that is not itself a trusted proxy: everything left of it was written by the client and can be
forged. From any other peer both headers are dropped, so nothing after this middleware (Django's
SECURE_PROXY_SSL_HEADER, a login throttle, a log line) can be fooled by them.

After the middleware, REMOTE_ADDR holds the client's address; X-Forwarded-For is gone, and so
are X-Real-IP and the like, which are never believed. The proxy's own address stays in
META[PEER_KEY]. `client_ip(request)` is what audit records use.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core import checks

PEER_KEY = "xuncha.peer_addr"
FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
FORWARDED_PROTO = "HTTP_X_FORWARDED_PROTO"
# Other headers some proxies (and libraries such as ipware) take a client address from: never
# believed here, so dropped from every request before anything can read them.
OTHER_ADDRESS_HEADERS = ("HTTP_X_REAL_IP", "HTTP_CLIENT_IP", "HTTP_FORWARDED", "HTTP_FORWARDED_FOR",
                         "HTTP_X_CLUSTER_CLIENT_IP", "HTTP_TRUE_CLIENT_IP", "HTTP_X_CLIENT_IP",
                         "HTTP_CF_CONNECTING_IP", "HTTP_X_FORWARDED", "HTTP_X_ORIGINAL_FORWARDED_FOR")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(raw: str) -> Address | None:
    """An address as proxies write it ("203.0.113.7", "203.0.113.7:5123", "[2001:db8::1]:443")."""
    text = raw.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(address: Address | None, trusted: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)


def forwarded_client(peer: str, forwarded_for: str, trusted: Iterable[Network]) -> str:
    """The client's address: the right-most X-Forwarded-For entry that is not a trusted proxy.

    Called only for a trusted peer. An entry that is not an address stops the walk: the last
    trusted hop before it is the best answer anyone can give.
    """
    trusted = list(trusted)
    client = peer
    for entry in reversed(forwarded_for.split(",")):
        address = parse_address(entry)
        if address is None:
            break
        client = str(address)
        if not is_trusted(address, trusted):
            break
    return client


class TrustedProxyMiddleware:
    """Rewrites REMOTE_ADDR (and the scheme header) from a trusted proxy; strips them otherwise."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta[PEER_KEY] = peer
        trusted = settings.TRUSTED_PROXIES
        forwarded_for = meta.pop(FORWARDED_FOR, "")
        for name in OTHER_ADDRESS_HEADERS:
            meta.pop(name, None)
        if trusted and is_trusted(parse_address(peer), trusted):
            meta["REMOTE_ADDR"] = forwarded_client(peer, forwarded_for, trusted)
            proto = meta.get(FORWARDED_PROTO, "").split(",")[-1].strip().lower()
            if proto in {"http", "https"}:
                meta[FORWARDED_PROTO] = proto  # the nearest proxy's word, one value
            else:
                meta.pop(FORWARDED_PROTO, None)
        else:
            meta.pop(FORWARDED_PROTO, None)
        return self.get_response(request)


def client_ip(request) -> str | None:
    """The client's address as TrustedProxyMiddleware left it (the peer's without a proxy)."""
    return request.META.get("REMOTE_ADDR") or None


@checks.register(checks.Tags.security, deploy=True)
def https_needs_a_proxy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`xuncha serve` speaks plain HTTP: with XUNCHA_HTTPS, TLS ends at a proxy that must be
    trusted, or every request looks like plain HTTP and is redirected to HTTPS forever."""
    if settings.SECURE_SSL_REDIRECT and not settings.TRUSTED_PROXIES:
        return [checks.Warning(
            "XUNCHA_HTTPS is on but XUNCHA_TRUSTED_PROXIES is empty: behind a reverse proxy "
            "that ends TLS, every request would be redirected to HTTPS again and again.",
            hint="Set XUNCHA_TRUSTED_PROXIES to the proxy's address (docs/configuration.md).",
            id="xuncha.W001")]
    return []
