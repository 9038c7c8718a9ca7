"""The portal's host and its cache in front of rendering.

With XUNCHA_PORTAL_HOST set, a request for that host sees only /public/ (and static files);
the staff site stays on the intranet's own name. Public pages a view marks cacheable are kept,
whole, per process and in the shared cache under (generation, path, query): a repeated request
is answered before sessions, CSRF or templates run, with an ETag and Cache-Control.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from threading import Lock

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.utils.connection import ConnectionProxy

from xuncha.portal.services import pages

PREFIX = "/public/"
cache = ConnectionProxy(caches, "portal")  # per thread, like django.core.cache.cache
LOCAL_ENTRIES = 2000
# Published parts change only with the generation; a round's live progress (ledger statuses)
# does not raise it, so no page is kept longer than this.
KEEP_SECONDS = 300
# Set in the WSGI environ (request.META) when the answer is a public page: the generation it
# belongs to, for the copy kept at the WSGI door (portal/fastpath.py).
MARK = "xuncha.portal.generation"
KEPT_HEADERS = ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                "Referrer-Policy", "Cross-Origin-Opener-Policy", "Content-Language", "Last-Modified",
                "Content-Disposition")
NOT_FOUND = ("<!doctype html><meta charset=utf-8><title>页面不存在</title>"
             "<p>页面不存在。请访问 <a href=/public/>公开网站首页</a>。")


class LocalPages:
    """A small LRU of rendered pages in this process (the shared cache is one round trip)."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), Lock()

    def get(self, key: str):
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return found[1]

    def put(self, key: str, value, seconds: float) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + seconds, value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


LOCAL = LocalPages(LOCAL_ENTRIES)


def _key(request, generation: int) -> str:
    raw = f"{request.get_host()}|{request.path}|{request.META.get('QUERY_STRING', '')}"
    return f"portal:page:{generation}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def cache_control() -> str:
    return f"public, max-age={settings.PORTAL_CACHE_SECONDS}"


def _answer(request, stored) -> HttpResponse:
    status, body, headers, etag = stored
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, status=status)
        for name, value in headers:
            response[name] = value
    response["ETag"] = etag
    response["Cache-Control"] = cache_control()
    return response


def _store(key: str, response) -> None:
    body = response.content
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    stored = (response.status_code, body, headers, etag)
    LOCAL.put(key, stored, KEEP_SECONDS)
    cache.set(key, stored, KEEP_SECONDS)
    response["ETag"] = etag


class PortalMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if settings.PORTAL_HOST and request.get_host().split(":")[0].lower() == settings.PORTAL_HOST:
            if path == "/":
                return HttpResponseRedirect(PREFIX)
            if not path.startswith((PREFIX, settings.STATIC_URL)):
                return HttpResponseNotFound(NOT_FOUND)
        if not path.startswith(PREFIX) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        generation = pages.generation()
        key = _key(request, generation)
        stored = LOCAL.get(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:  # kept by another server: here for a shorter while
                LOCAL.put(key, stored, KEEP_SECONDS / 5)
        if stored is not None:
            request.META[MARK] = generation
            return _answer(request, stored)
        response = self.get_response(request)
        if getattr(response, "portal_cache_control", None):  # a file that never changes
            response["Cache-Control"] = response.portal_cache_control
            if response.has_header("Pragma"):
                del response["Pragma"]
        elif getattr(response, "portal_public", False) and response.status_code == 200 \
                and not response.streaming and not response.cookies:
            _store(key, response)
            request.META[MARK] = generation
            response["Cache-Control"] = cache_control()
            for header in ("Pragma", "Vary", "Expires"):
                if response.has_header(header):
                    del response[header]
        return response


def public(response):
    """Mark a response as a public page: the same for everyone, cached until the generation moves."""
    response.portal_public = True
    return response
