"""The staff side of 群众监督: the comments page for the office and the units, and the calendar."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha import clock
from xuncha.core import privacy
from xuncha.ledger import permissions, transitions
from xuncha.ledger.actor import shown_actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import Round, Unit
from xuncha.portal import access, selectors
from xuncha.portal.models import Holiday, PublicComment, RoundPortal
from xuncha.portal.services import calendar, comments, rounds
from xuncha.portal.vocabulary import COMMENT_STATE, HOLIDAY_KIND, MOVE_LABELS, RATING
from xuncha.web.views.common import paginate, run_action, staff_view


@staff_view
def comment_list(request, actor):
    state = request.GET.get("state", "held")
    state = state if state in COMMENT_STATE or state in {"all", "unanswered"} else "held"
    if state == "unanswered":  # the 工作台's 待答复的群众意见
        rows = selectors.to_answer(actor)
    else:
        rows = selectors.staff_comments(actor, "" if state == "all" else state)
    return render(request, "portal/staff/comment_list.html", {
        "page": paginate(request, rows), "state": state, "states": COMMENT_STATE, "today": clock.today(),
        "ratings": RATING, "can_manage": permissions.allowed(actor, "manage_portal"),
        "can_reply": permissions.holds(actor, "reply_comments"),
        "drill_query": f"state={state}",  # the pager keeps the tab
        "overdue": selectors.overdue_replies(actor.unit, subunits=True).count() if actor.unit else None})


@staff_view
def comment_detail(request, actor, pk: int):
    found = selectors.staff_comment(actor, pk)
    return _detail(request, actor, found)


def _detail(request, actor, found: PublicComment, contact=None):
    others = (PublicComment.objects.filter(inspection_id=found.inspection_id, state="published")
              .exclude(pk=found.pk).order_by("-created_at")[:50])
    moves = {m.name: m for m in transitions.available_moves(actor, found)}
    if not others:  # nothing to merge into: no form to show
        moves.pop("merge", None)
    decision = selectors.moderation_decision(found)
    return render(request, "portal/staff/comment_detail.html", {
        "comment": found, "states": COMMENT_STATE, "ratings": RATING, "moves": moves,
        "decision": decision, "decider": shown_actor(decision.actor_name, "publiccomment") if decision else "",
        "flips": selectors.comment_history(found), "others": others, "contact": contact, "today": clock.today(),
        "can_moderate": access.can(actor, "moderate_comments", found),
        "can_reply": access.can(actor, "reply_comments", found),
        "can_reveal": access.can(actor, "view_commenter", found),
        "can_assign": access.can(actor, "manage_portal", found),
        "units": Unit.objects.order_by("path") if access.can(actor, "manage_portal", found) else []})


@require_POST
@staff_view
def comment_moderate(request, actor, pk: int, move: str):
    found = selectors.staff_comment(actor, pk)
    into = None
    if move == "merge":
        target = request.POST.get("into", "")
        into = PublicComment.objects.filter(pk=int(target)).first() if target.isdigit() else None
    reason = request.POST.get("reason", "")[:comments.REASON_MAX]
    return run_action(request, reverse("portal-staff:comment", args=[pk]),
                      lambda: comments.moderate(actor, found, move, reason, into), f"已{MOVE_LABELS[move]}。")


@require_POST
@staff_view
def comment_reply(request, actor, pk: int):
    found = selectors.staff_comment(actor, pk)
    text = request.POST.get("reply", "")[:comments.REPLY_MAX + 10]
    shown = ("答复已保存，已与意见一同在公开网站显示。" if found.state == "published"
             else "答复已保存，意见公开后与意见一同显示。")
    if privacy.find_personal_info(text.strip()):
        shown += "答复中的手机号码、身份证号等个人信息已隐去后公开；如需留联系方式，请写办公电话。"
    return run_action(request, reverse("portal-staff:comment", args=[pk]),
                      lambda: comments.reply(actor, found, text), shown)


@require_POST
@staff_view
def comment_assign(request, actor, pk: int):
    found = selectors.staff_comment(actor, pk)
    unit_id = request.POST.get("unit", "")
    unit = Unit.objects.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None

    def move():
        if unit is None:
            raise InvalidInput("请选择承办单位。")
        comments.assign(actor, found, unit)

    return run_action(request, reverse("portal-staff:comment", args=[pk]), move, "已改由该单位办理。")


@require_POST
@staff_view
def comment_reveal(request, actor, pk: int):
    """Shown on this response only (never stored in a page cache); the look is audited."""
    found = selectors.staff_comment(actor, pk)
    contact = comments.reveal(actor, found)
    return _detail(request, actor, found, contact)


@staff_view
def portal_settings(request, actor):
    permissions.require(actor, "manage_portal")
    live = set(RoundPortal.objects.filter(live_progress=True).values_list("round_id", flat=True))
    return render(request, "portal/staff/settings.html", {
        "holidays": Holiday.objects.filter(date__gte=clock.today() - dt.timedelta(days=365)),
        "kinds": HOLIDAY_KIND, "rounds": [(r, r.pk in live) for r in Round.objects.all()]})


@require_POST
@staff_view
def holiday_set(request, actor):
    def change():
        try:
            day = dt.date.fromisoformat(request.POST.get("date", "")[:10])
        except ValueError:
            raise InvalidInput("请填写正确的日期（如 2026-10-01）。") from None
        if request.POST.get("remove"):
            calendar.remove_day(actor, day)
        else:
            calendar.set_day(actor, day, request.POST.get("kind", ""), request.POST.get("name", ""))

    return run_action(request, reverse("portal-staff:settings"), change, "节假日表已更新。")


@require_POST
@staff_view
def live_progress(request, actor, pk: int):
    round_ = Round.objects.filter(pk=pk).first()

    def change():
        if round_ is None:
            raise InvalidInput("轮次不存在。")
        rounds.set_live_progress(actor, round_, request.POST.get("on") == "1")

    return run_action(request, reverse("portal-staff:settings"), change, "已更新。")
