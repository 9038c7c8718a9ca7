"""Cached public pages answered at the WSGI door (portal/fastpath.py), as the real server calls it."""

from __future__ import annotations

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler

from xuncha.portal.fastpath import PortalFastPath
from xuncha.portal.services import pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _connection_kept():
    """As Django's test client does: a request must not close the test's database connection
    (it holds the test's transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _generation_read_once(monkeypatch):
    # The door answers only while the generation was read within LOCAL_SECONDS; a slow first
    # render on a busy machine would otherwise send the second request down the stack.
    monkeypatch.setattr(pages, "LOCAL_SECONDS", 60.0)


class Counting:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.django, self.calls = WSGIHandler(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


def call(app, path: str, method: str = "GET", **headers) -> tuple[str, dict, bytes]:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(), "SCRIPT_NAME": "",
               **{f"HTTP_{k.upper()}": v for k, v in headers.items()}}
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update(status=status, headers=dict(response_headers))

    body = app(environ, start_response)
    content = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return seen["status"], seen["headers"], content


def test_a_repeated_notice_page_is_answered_without_django_with_the_same_headers(notice):
    inner = Counting()
    app = PortalFastPath(inner)
    path = f"/public/notices/{notice.pk}/"
    status, first, body = call(app, path)
    assert status.startswith("200") and "天宝社区" in body.decode()
    status, again, same = call(app, path)
    assert inner.calls == 1 and status.startswith("200") and same == body
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                 "ETag", "Cache-Control", "Content-Type"):
        assert again[name] == first[name], name
    assert again["X-Request-ID"] != first["X-Request-ID"]  # a new id for each answer


def test_the_etag_gets_a_304_and_a_head_no_body(notice):
    inner = Counting()
    app = PortalFastPath(inner)
    path = f"/public/notices/{notice.pk}/"
    _, headers, _ = call(app, path)
    status, answered, body = call(app, path, IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304") and body == b"" and "Content-Type" not in answered
    status, _, body = call(app, path, method="HEAD")
    assert status.startswith("200") and body == b"" and inner.calls == 1


def test_a_change_the_public_sees_goes_down_the_stack_again(notice):
    inner = Counting()
    app = PortalFastPath(inner)
    path = f"/public/notices/{notice.pk}/"
    call(app, path)
    pages.bump()  # a comment published, a reply, a new publication …
    call(app, path)
    assert inner.calls == 2


def test_forms_and_staff_pages_never_stop_at_the_door(notice, cast):
    inner = Counting()
    app = PortalFastPath(inner)
    for path in (f"/public/notices/{notice.pk}/comment", "/public/query/", "/login/"):
        call(app, path)
        call(app, path)
    assert inner.calls == 6
