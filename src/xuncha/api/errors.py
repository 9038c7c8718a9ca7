"""One error shape for every refusal: {"code", "message" (Chinese), "errors" (per field)}."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xuncha.ledger.errors import Conflict, InvalidInput, InvalidMove, NotFound, PermissionDenied, ServiceError

log = logging.getLogger(__name__)


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] = {}


# Every refusal an operation may answer with, documented on each operation (in the one shape).
ERROR_CODES = frozenset({400, 401, 403, 404, 405, 409, 412, 413, 415, 422})
ERRORS = {ERROR_CODES: ErrorOut}


class ApiError(Exception):
    """A refusal decided by the API layer itself (authentication, scope, preconditions)."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or {}


STATUS = {PermissionDenied: 403, NotFound: 404, Conflict: 409, InvalidMove: 409, InvalidInput: 400}
HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 412: "precondition_failed",
              413: "too_large", 415: "unsupported_media_type", 422: "invalid_input"}
HTTP_MESSAGES = {400: "请求有误。", 401: "请先登录或提供有效的接口令牌。", 403: "您没有权限进行此操作。",
                 404: "记录不存在，或您无权查看。", 405: "不允许的请求方式。", 409: "与当前状态冲突。",
                 412: "已被他人修改，请重新读取后再试。", 413: "上传的内容过大。", 415: "不支持的内容类型。",
                 422: "提交的数据有误。"}


def error(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
          errors: dict | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "errors": errors or {}},
                               status=status)


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Pydantic's errors by field name, in Chinese words a person can act on."""
    found: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", ())]
        # ("body", "data", "text"): the body's parameter name says nothing to the caller (and
        # ("body", "data") is the body as a whole).
        location = location[2:] if location[:1] == ["body"] else location[1:]
        name = ".".join(location) or "__all__"
        found.setdefault(name, []).append(_chinese(item))
    return found


def _chinese(item: dict) -> str:
    kind = item.get("type", "")
    if kind == "missing":
        return "必填。"
    if kind.startswith(("int", "float")):
        return "应为数字。"
    if kind.startswith(("date", "datetime")):
        return "应为日期（YYYY-MM-DD）。"
    if kind in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        return "超出允许的范围。"
    if kind in {"string_too_long"}:
        return "内容过长。"
    if kind in {"string_too_short"}:
        return "内容过短。"
    if kind in {"literal_error", "enum"}:
        return "不是允许的取值。"
    if kind == "value_error":
        return str(item.get("msg", "")).removeprefix("Value error, ") or "取值有误。"
    return "格式有误。"


def install(api: NinjaAPI) -> None:
    """Every exception an operation can raise answers in the one shape."""

    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return error(api, request, exc.status, exc.code, exc.message, exc.errors)

    @api.exception_handler(ServiceError)
    def _service_error(request, exc: ServiceError):
        status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 400)
        errors = {exc.field: [exc.message]} if isinstance(exc, InvalidInput) and exc.field else {}
        return error(api, request, status, exc.code, exc.message, errors)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        return error(api, request, 422, "invalid_input", HTTP_MESSAGES[422], _field_errors(exc))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error(api, request, 401, "unauthenticated", HTTP_MESSAGES[401])

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        status = exc.status_code
        return error(api, request, status, HTTP_CODES.get(status, "error"), HTTP_MESSAGES.get(status, "请求有误。"))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error(api, request, 404, "not_found", HTTP_MESSAGES[404])

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        log.exception("API request failed: %s %s", request.method, request.path)
        return error(api, request, 500, "server_error", "服务器内部错误，请稍后再试或联系管理员。")
