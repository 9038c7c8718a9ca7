"""Cached public pages answered at the WSGI door, before Django builds a request.

`PortalMiddleware` keeps rendered public pages, but a request it answers from there has already
gone through Django's request object, its signals and the middleware above it (request id,
proxy, security, static files), which is most of what a cached page costs. This wrapper sits
around the WSGI application: when a page the middleware marked public comes back, it keeps the
response exactly as the whole stack finished it (security headers, CSP, ETag, Cache-Control),
and answers the same request (method, host, scheme, forwarded headers, path, query) from that
copy until the portal's generation moves. Only the request id is made anew for each answer.

It answers only while this process's copy of the generation is fresh (read within the last
second); otherwise the request goes down the stack, which re-reads it, so a change the public
will see shows here as quickly as through the middleware. The staff site never passes here:
only GET and HEAD under /public/, and only pages marked public (forms, 查询码 pages and files
are not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from xuncha.portal.middleware import KEEP_SECONDS, MARK, LocalPages
from xuncha.portal.services import pages
from xuncha.web.requestid import HEADER as REQUEST_ID
from xuncha.web.requestid import WELL_FORMED, new_id

PREFIX = "/public/"
ENTRIES = 2000
# Headers that differ per request or that a 304 must not carry.
PER_REQUEST = {REQUEST_ID.lower(), "date", "server"}
BODY_HEADERS = {"content-length", "content-type", "content-disposition", "last-modified"}
# Everything in a request that can change a public page's answer (the host decides the portal
# host's rules, the scheme and forwarded headers decide HSTS and redirects). A HEAD is answered
# from the GET's copy.
KEYED = ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO",
         "HTTP_X_FORWARDED_HOST", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")


class PortalFastPath:
    def __init__(self, application: Callable) -> None:
        self.application = application
        self.pages = LocalPages(ENTRIES)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") \
                or not environ.get("PATH_INFO", "").startswith(PREFIX):
            return self.application(environ, start_response)
        generation = pages.fresh_generation()
        if generation is not None:
            stored = self.pages.get(_key(environ, generation))
            if stored is not None:
                return _answer(environ, start_response, stored)
        return self._through(environ, start_response)

    def _through(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        seen: list = []

        def keep(status, headers, exc_info=None):
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.application(environ, keep)
        generation = environ.get(MARK)
        if generation is None or not seen or not seen[0].startswith("200 ") \
                or any(name.lower() == "set-cookie" for name, _ in seen[1]):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers = [(n, v) for n, v in seen[1] if n.lower() not in PER_REQUEST]
        etag = next((v for n, v in headers if n.lower() == "etag"), "")
        if etag and environ["REQUEST_METHOD"] == "GET":  # a HEAD's empty body answers nothing
            self.pages.put(_key(environ, generation), (seen[0], headers, content, etag), KEEP_SECONDS)
        return [content]


def _key(environ: dict, generation: int) -> str:
    return "\x1f".join([str(generation), *(str(environ.get(name, "")) for name in KEYED)])


def _answer(environ: dict, start_response: Callable, stored) -> Iterable[bytes]:
    status, headers, content, etag = stored
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    request_id = incoming if WELL_FORMED.fullmatch(incoming) else new_id()
    if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
        start_response("304 Not Modified", [(n, v) for n, v in headers if n.lower() not in BODY_HEADERS]
                       + [(REQUEST_ID, request_id)])
        return [b""]
    start_response(status, [*headers, (REQUEST_ID, request_id)])
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [content]
