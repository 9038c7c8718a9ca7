"""群众监督 (public comments and the units' replies), 雷同 checks and the analytics summary."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db.models import Count, Sum
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from xuncha import clock
from xuncha.api.auth import actor
from xuncha.api.errors import ERRORS, ApiError
from xuncha.api.respond import one, paged
from xuncha.api.schemas import (
    Body,
    Id,
    PageNumber,
    PageSize,
    PlainText,
    PublicCommentOut,
    ReplyIn,
    ReuseCheckDetailOut,
    ReuseCheckOut,
    StatusCount,
    SummaryOut,
    Text,
    one_of,
    page_of,
)
from xuncha.core.statuses import MEASURE_STATUS, MEASURE_UNFINISHED
from xuncha.ledger import permissions, selectors, worklists
from xuncha.ledger.errors import PermissionDenied
from xuncha.ledger.services import reuse_checks
from xuncha.portal import selectors as portal
from xuncha.portal.services import comments
from xuncha.portal.vocabulary import COMMENT_STATE
from xuncha.web import uploads

router = Router(tags=["群众监督、雷同检测与统计"])


class CommentFilters(Schema):
    state: one_of(COMMENT_STATE) | None = None


@router.get("/comments", response={200: page_of(PublicCommentOut), **ERRORS}, url_name="comments")
def comment_list(request, filters: Query[CommentFilters], page: int = PageNumber,
                 page_size: int | None = PageSize):
    """群众意见 assigned to the caller's units (the office sees all)."""
    rows = portal.staff_comments(actor(request), filters.state or "").order_by("-created_at", "-id")
    return paged(rows, PublicCommentOut, page, page_size)


@router.get("/comments/{id}", response={200: PublicCommentOut, **ERRORS}, url_name="comment")
def comment_detail(request, id: Id):
    return one(request, PublicCommentOut, portal.staff_comment(actor(request), id))


@router.post("/comments/{id}/reply", response={200: PublicCommentOut, **ERRORS}, url_name="comment-reply")
def comment_reply(request, id: Id, data: ReplyIn):
    who = actor(request)
    return one(request, PublicCommentOut, comments.reply(who, portal.staff_comment(who, id), data.text))


class ModerationIn(Body):
    reason: Text(500) = ""


@router.post("/comments/{id}/{move}", response={200: PublicCommentOut, **ERRORS}, url_name="comment-moderate")
def comment_moderate(request, id: Id, move: Literal["publish", "decline"], data: ModerationIn):
    """公开 (publish) or 不予公开 (decline, with a reason) a held comment."""
    who = actor(request)
    comment = comments.moderate(who, portal.staff_comment(who, id), move, data.reason)
    return one(request, PublicCommentOut, comment)


@router.get("/reuse-checks", response={200: page_of(ReuseCheckOut), **ERRORS}, url_name="reuse-checks")
def reuse_check_list(request, page: int = PageNumber, page_size: int | None = PageSize):
    """雷同检测 batches; the office and the supervisor see all, others their own."""
    rows = reuse_checks.visible_checks(actor(request)).order_by("-created_at", "-id")
    return paged(rows, ReuseCheckOut, page, page_size)


# The form's fields with their defaults and bounds (as PageNumber and PageSize are declared).
CheckTitle = Form("", max_length=200, description="检测名称")
MinRun = Form(13, ge=8, le=200, description="最短雷同字数")
Threshold = Form(0.3, gt=0, le=1, description="复制比阈值（0–1，如 0.3 即 30%）")


@router.post("/reuse-checks", response={202: ReuseCheckOut, **ERRORS}, url_name="reuse-check-start")
def reuse_check_start(request, title: PlainText = CheckTitle, min_run: int = MinRun, threshold: float = Threshold,
                      files: File[list[UploadedFile]] = None):
    """提交雷同检测 (multipart/form-data: files, several or a zip of txt/docx/html/pdf): the batch is
    checked in the background. 202 with the check's URL (Location, `url`): read its state there."""
    who = actor(request)
    too_large = uploads.too_large_message(request)
    if too_large:
        raise ApiError(413, "too_large", too_large)
    if len(files or []) > settings.DATA_UPLOAD_MAX_NUMBER_FILES:
        raise ApiError(400, "bad_request", "一次上传的文件过多。")
    sent = [(f.name or "未命名", f.chunks()) for f in files or []]
    check = reuse_checks.start_check(who, sent, title=title, min_run=min_run, threshold=threshold)
    response = one(request, ReuseCheckOut, check, status=202)
    response["Location"] = request.build_absolute_uri(ReuseCheckOut.resolve_url(check))
    return response


@router.get("/reuse-checks/{id}", response={200: ReuseCheckDetailOut, **ERRORS}, url_name="reuse-check")
def reuse_check_detail(request, id: Id):
    return one(request, ReuseCheckDetailOut, reuse_checks.get_check(actor(request), id))


class SummaryFilters(Schema):
    round: Id | None = None


@router.get("/analytics/summary", response={200: SummaryOut, **ERRORS}, url_name="analytics-summary")
def analytics_summary(request, filters: Query[SummaryFilters]):
    """整改进度 of what the caller may see: the inspections' kept totals and measures by status."""
    who = actor(request)
    if not permissions.holds(who, "view_analytics"):
        raise PermissionDenied(permissions.DENIED_MESSAGES["view_analytics"])
    inspections = permissions.visible_inspections(who)
    measures = selectors.measures_in_scope(who)
    if filters.round:
        selectors.get_round(who, filters.round)
        inspections = inspections.filter(round_id=filters.round)
        measures = measures.filter(finding__inspection__round_id=filters.round)
    totals = inspections.aggregate(
        inspections=Count("id"), findings_total=Sum("findings_total"), findings_finished=Sum("findings_finished"),
        findings_closed=Sum("findings_closed"), measures_total=Sum("measures_total"),
        measures_finished=Sum("measures_finished"))
    by_status = dict(measures.order_by().values_list("status").annotate(n=Count("id")))
    overdue = worklists.capped_count(measures.filter(status__in=sorted(MEASURE_UNFINISHED),
                                                     deadline__lt=clock.today()))
    return {**{k: v or 0 for k, v in totals.items()}, "round_id": filters.round, "measures_overdue": overdue,
            "measure_statuses": [StatusCount(status=c.value, label=c.label, count=by_status.get(c.value, 0))
                                 for c in MEASURE_STATUS]}
