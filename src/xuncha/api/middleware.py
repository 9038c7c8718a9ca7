"""Every request made with an API token leaves a use-log row (token, time, method, path, status, address);
every answer under /api/ that is a refusal keeps the API's one error shape, even where no operation
answered (an unknown path, a method the path does not take)."""

from __future__ import annotations

import json
import logging

from xuncha.api import tokens
from xuncha.api.errors import HTTP_CODES, HTTP_MESSAGES
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


PREFIX = "/api/"
UNKNOWN_PATH = "没有这个接口，请核对路径（接口说明见 /api/docs）。"


class ErrorShapeMiddleware:
    """A 404 or 405 under /api/ that is not already JSON (Django's page for a path no URL matches,
    django-ninja's plain "Method not allowed") answers {"code", "message", "errors"} instead; its
    other headers (Allow, the request id, caching) stay."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if (status not in (404, 405) or response.streaming or not request.path_info.startswith(PREFIX)
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        message = UNKNOWN_PATH if status == 404 else HTTP_MESSAGES[405]
        allowed = "、".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip()))
        if status == 405 and allowed:
            message = f"该接口不接受 {request.method} 请求（可用：{allowed}）。"
        response.content = json.dumps({"code": HTTP_CODES[status], "message": message, "errors": {}},
                                      ensure_ascii=False).encode()
        response["Content-Type"] = "application/json; charset=utf-8"
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
