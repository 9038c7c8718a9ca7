"""A request id on every request, and log lines a person can read.

The middleware gives each request an id (a well-formed incoming X-Request-ID, as a proxy in
front may set, else a new one), returns it in the X-Request-ID header and keeps it in a
context variable while the request is served. `RequestIdFilter` puts it on every log record,
so the log format can show it; the 500 page shows it too, so a user can quote it.

`RefusalFilter` keeps an ordinary refusal (403, 404, 400…) to one line: Django logs those with
the exception's traceback, which buries the real errors.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
# Letters, digits and . _ : - only: the id goes into log lines and a page, so nothing that
# could forge a line or markup; 8–128 characters covers UUIDs and the ids proxies generate.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

current: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request.request_id = incoming if WELL_FORMED.fullmatch(incoming) else new_id()
        token = current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)  # a worker thread serves other requests next
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Sets `record.request_id`: the request's, or "-" outside a request (commands, startup)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a response after the middleware has returned: the record carries the request.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current.get() or "-"
        return True


class RefusalFilter(logging.Filter):
    """A 4xx response is logged as one line, without the exception's traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
