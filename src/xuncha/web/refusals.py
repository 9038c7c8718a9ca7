"""Refused write attempts in the audit trail: whatever refused them (a service's permission
check shown as a message, a 403 page, the Django admin, a failed CSRF check, a hidden object's
404), one `request.denied` record with result "denied", written after the request's own
transaction was rolled back."""

from __future__ import annotations

from xuncha.ledger.actor import Actor
from xuncha.ledger.services import audit
from xuncha.web.context import actor as request_actor

ACTION = "request.denied"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
REFUSED = {403: "无权限", 404: "记录不存在或无权查看", 405: "不允许的请求方式"}
MARK = "_xuncha_refusal_recorded"


def record_refusal(request, reason: str, status: int | None = None) -> None:
    """Record one refusal of this request (a second call for the same request does nothing)."""
    if getattr(request, MARK, False):
        return
    setattr(request, MARK, True)
    who: Actor = request_actor(request)
    path = request.get_full_path()[:200]
    audit.record_now(who, ACTION, None, f"拒绝写入：{request.method} {path}（{reason}）",
                     after={"method": request.method, "path": path, "status": status,
                            "reason": reason[:200]},
                     result="denied")


class RefusalAuditMiddleware:
    """Records a refused write (POST, PUT, PATCH, DELETE answered 403/404/405)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code in REFUSED:
            record_refusal(request, REFUSED[response.status_code], response.status_code)
        return response
