"""Every request made with an API token leaves a use-log row (token, time, method, path, status, address)."""

from __future__ import annotations

import logging

from xuncha.api import tokens
from xuncha.web.proxy import client_ip

log = logging.getLogger(__name__)


class TokenUseMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None:
            try:
                tokens.record_use(token, request.method, request.get_full_path(), response.status_code,
                                  client_ip(request))
            except Exception:  # the answer stands; a lost log row is logged, not shown
                log.exception("Could not record the use of API token %s", token.prefix)
        return response
