"""The public's side of 群众监督: post a comment, look it up with the 查询码, rate the reply.

These pages carry a CSRF token, a challenge or a personal status, so they are never cached
(NoStoreMiddleware). Limits count per address and per 查询码 in the shared cache.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xuncha.core.vocabulary import item_heading
from xuncha.ledger.errors import ServiceError
from xuncha.portal import selectors
from xuncha.portal.services import comments, guard
from xuncha.portal.views.public import _int, portal_view
from xuncha.portal.vocabulary import COMMENT_STATE, RATING
from xuncha.web.context import actor

HONEYPOT = "website"
FAILED = "提交未成功：验证题答案不正确或已过期，请重新作答。"


def limited(request, message: str) -> HttpResponse:
    return render(request, "portal/limited.html", {"message": message}, status=429)


def _form(request, notice, values: dict, error: str = "", status: int = 200) -> HttpResponse:
    doc = notice.doc or {}
    items = [item_heading(f.get("path") or [], f.get("title") or "") for f in doc.get("findings") or []]
    return render(request, "portal/comment_form.html", {
        "notice": notice, "title": doc.get("title") or "", "items": items, "values": values, "error": error,
        "challenge": guard.new_challenge(), "limits": {"text": comments.TEXT_MAX, "name": comments.NAME_MAX},
    }, status=status)


@portal_view
def comment(request, pk: int):
    notice = selectors.published_notice(pk)
    if request.method != "POST":
        return _form(request, notice, {"item": _int(request.GET.get("item"))})
    values = {key: request.POST.get(key, "")[:limit] for key, limit in
              (("text", 2 * comments.TEXT_MAX), ("name", 60), ("phone", 40))}
    values["item"] = _int(request.POST.get("item"))
    try:
        guard.hit("comment", actor(request).ip or "-", settings.PORTAL_COMMENT_LIMIT)
    except guard.Limited:
        return limited(request, "您提交意见过于频繁，请一小时后再试。")
    if request.POST.get(HONEYPOT) or not guard.solve(request.POST.get("challenge", ""),
                                                     request.POST.get("answer", "")[:10]):
        return _form(request, notice, values, FAILED, status=400)
    try:
        posted = comments.post(actor(request), notice, values["text"], values["name"], values["phone"],
                               values["item"])
    except ServiceError as exc:
        return _form(request, notice, values, exc.message, status=400)
    return render(request, "portal/comment_done.html", {"notice": notice, "code": posted.code,
                                                        "comment": posted.comment})


def challenge_image(request, token: str):
    question = guard.question(token[:64])
    svg = guard.challenge_svg(question or "已过期")
    return HttpResponse(svg, content_type="image/svg+xml")


def _lookup(request, code: str) -> HttpResponse | None:
    """The comment page of a code, or None while within limits; a refusal page past them."""
    ip = actor(request).ip or "-"
    try:
        guard.hit("lookup", ip, settings.PORTAL_LOOKUP_LIMIT)
        guard.hit("code", comments.code_digest(code), max(3, settings.PORTAL_LOOKUP_LIMIT // 3))
    except guard.Limited:
        return limited(request, "查询过于频繁，请一小时后再试。")
    return None


def _status(request, code: str, error: str = "") -> HttpResponse:
    found = comments.find_by_code(code)
    return render(request, "portal/lookup.html", {
        "code": code if found else "", "comment": found, "searched": True, "error": error,
        "states": COMMENT_STATE, "ratings": RATING})


def lookup(request):
    if request.method != "POST":
        return render(request, "portal/lookup.html", {"searched": False})
    code = request.POST.get("code", "")[:40].strip()
    return _lookup(request, code) or _status(request, code)


@require_POST
def rate(request):
    code = request.POST.get("code", "")[:40].strip()
    refused = _lookup(request, code)
    if refused:
        return refused
    found = comments.find_by_code(code)
    if found is None:
        return _status(request, code)
    try:
        comments.rate(actor(request), found, request.POST.get("rating", ""))
    except ServiceError as exc:
        return _status(request, code, exc.message)
    return _status(request, code)
