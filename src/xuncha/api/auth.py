"""Who is calling: a Bearer token, or the site's own session (CSRF then applies)."""

from __future__ import annotations

from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import HttpBearer

from xuncha.api import tokens
from xuncha.api.errors import ApiError
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor, actor_for
from xuncha.web.context import actor as request_actor
from xuncha.web.proxy import client_ip

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    openapi_description = "Authorization: Bearer xc_…（在“接口令牌”页面或以 xuncha token create 创建）"

    def authenticate(self, request, token: str):
        found = tokens.find(token)
        if found is None:
            raise ApiError(401, "unauthenticated", "接口令牌无效。")
        request.api_token = found  # every use is logged (xuncha.api.middleware), refused ones too
        why = tokens.refusal(found)
        if why:
            raise ApiError(401, "unauthenticated", why)
        request.user = found.user
        # The actor every service call and refusal record of this request uses.
        request._xuncha_actor = actor_for(found.user, client_ip(request))
        # A role that does not use the API (the 三员) is refused even with a token made for it
        # before its role changed, or by the command line.
        if not permissions.holds(request._xuncha_actor, "use_api"):
            raise ApiError(403, "forbidden", permissions.DENIED_MESSAGES["use_api"])
        if request.method not in SAFE_METHODS and found.scope != "write":
            raise ApiError(403, "forbidden", "只读令牌不能进行写操作，请使用读写（write）令牌。")
        # A write token of a role that writes nothing (made before that rule, or before the role
        # changed) reads only.
        if request.method not in SAFE_METHODS and not permissions.may_write(request._xuncha_actor):
            raise ApiError(403, "forbidden", "该账号的角色只能查看，接口令牌只能用于查询。")
        return found


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class SessionAuth:
    """The staff site's own pages call the API with their session: CSRF is checked on writes."""

    openapi_type = "apiKey"

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS:
            check = _CsrfCheck(lambda r: None)
            check.process_request(request)
            if check.process_view(request, None, (), {}) is not None:
                raise ApiError(403, "csrf_failed", "CSRF 校验失败，请刷新页面后重试。")
        return user


def actor(request) -> Actor:
    return request_actor(request)
