"""Request ids and readable logs: an id on every response, log line and 500 page.

Ordinary refusals are one log line each."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

import xuncha.urls
from xuncha.web.requestid import RefusalFilter, RequestIdFilter

pytestmark = pytest.mark.django_db


def boom(request):
    logging.getLogger("xuncha.web.test").warning("about to fail")
    raise RuntimeError("the disk is full")


def refuse(request):
    raise PermissionDenied("无权操作。")


# This module is the URLconf of the tests that need the two views above.
handler500 = xuncha.urls.handler500
urlpatterns = [path("test/boom/", boom), path("test/refuse/", refuse), *xuncha.urls.urlpatterns]


def console_line(record: logging.LogRecord) -> str:
    """The record as the configured console handler writes it."""
    handler = next(h for h in logging.getLogger("django.request").handlers
                   if any(isinstance(f, RequestIdFilter) for f in h.filters))
    return handler.format(record)


def test_it_gives_every_response_its_own_id(client):
    first, second = client.get("/login/"), client.get("/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_it_keeps_a_well_formed_incoming_id_and_replaces_anything_else(client):
    kept = client.get("/login/", headers={"X-Request-ID": "proxy-7f3a9c2e.1"})
    assert kept["X-Request-ID"] == "proxy-7f3a9c2e.1"
    for bad in ("short", "<script>alert(1)</script>", "a" * 200, "id with spaces 12345"):
        assert client.get("/login/", headers={"X-Request-ID": bad})["X-Request-ID"] != bad


@pytest.mark.urls(__name__)
def test_a_failing_view_shows_the_id_on_the_500_page_and_in_every_log_line(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        response = client.get("/test/boom/")
    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    assert f"请求编号：<code id=\"request-id\">{request_id}</code>" in response.content.decode()
    inside = next(r for r in caplog.records if r.name == "xuncha.web.test")
    error = next(r for r in caplog.records if r.name == "django.request")
    assert inside.request_id == error.request_id == request_id
    line = console_line(error)
    assert f"[{request_id}] django.request Internal Server Error: /test/boom/" in line
    assert "RuntimeError: the disk is full" in line  # a real error keeps its traceback


@pytest.mark.urls(__name__)
def test_a_permission_refusal_is_one_log_line_with_the_id(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/test/refuse/")
    assert response.status_code == 403
    record = next(r for r in caplog.records if r.name == "django.request")
    line = console_line(record)
    assert "\n" not in line and "Traceback" not in line
    request_id = response["X-Request-ID"]
    assert f"[{request_id}] django.request Forbidden (Permission denied): /test/refuse/" in line


def test_a_hidden_object_is_a_404_logged_in_one_line(login, cast, caplog):
    with caplog.at_level(logging.WARNING):
        response = login("outsider").get(reverse("inspection", args=[cast.inspection.pk]))
    assert response.status_code == 404
    line = console_line(next(r for r in caplog.records if r.name == "django.request"))
    assert line.count("\n") == 0 and "Not Found" in line and response["X-Request-ID"] in line


def test_a_line_outside_any_request_shows_a_dash():
    record = logging.LogRecord("xuncha", logging.INFO, __file__, 1, "started", None, None)
    assert RequestIdFilter().filter(record) and record.request_id == "-"


def test_the_refusal_filter_leaves_server_errors_alone():
    try:
        raise RuntimeError("x")
    except RuntimeError:
        import sys

        info = sys.exc_info()
    refused = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "m", None, info)
    refused.status_code = 404
    failed = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "m", None, info)
    failed.status_code = 500
    RefusalFilter().filter(refused), RefusalFilter().filter(failed)
    assert refused.exc_info is None and failed.exc_info is info
