"""通报: drafts from the ledger, approval, publication and download."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from ninja import Query, Router, Schema

from xuncha.api.auth import actor
from xuncha.api.errors import ERRORS, ApiError
from xuncha.api.respond import one, paged
from xuncha.api.schemas import Id, NoticeDocOut, NoticeOut, PageNumber, PageSize, PublishIn, one_of, page_of
from xuncha.core.document import NoticeDoc
from xuncha.core.render import RENDERERS, PdfUnavailable, render_bytes
from xuncha.core.statuses import NOTICE_STATE, Choice, ChoiceSet
from xuncha.ledger import permissions, selectors
from xuncha.ledger.models import Notice
from xuncha.ledger.services import audit, notices, published
from xuncha.web.views.files import download_name, quote_name, stored_download

router = Router(tags=["通报"])
Format = one_of(ChoiceSet(*(Choice(name, name) for name in RENDERERS)))


class NoticeFilters(Schema):
    inspection: Id | None = None
    state: one_of(NOTICE_STATE) | None = None
    uid: uuid.UUID | None = None


@router.get("/notices", response={200: page_of(NoticeOut), **ERRORS}, url_name="notices")
def notice_list(request, filters: Query[NoticeFilters], page: int = PageNumber, page_size: int | None = PageSize):
    rows = Notice.objects.filter(permissions.scope_filter(actor(request), via="inspection__"))
    if filters.inspection:
        rows = rows.filter(inspection_id=filters.inspection)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.uid:
        rows = rows.filter(uid=filters.uid)
    return paged(rows.order_by("-created_at", "-id"), NoticeOut, page, page_size)


@router.get("/notices/{id}", response={200: NoticeDocOut, **ERRORS}, url_name="notice")
def notice_detail(request, id: Id):
    return one(request, NoticeDocOut, selectors.get_notice(actor(request), id))


@router.post("/inspections/{id}/notices", response={201: NoticeDocOut, **ERRORS}, url_name="notice-create")
def notice_create(request, id: Id):
    """起草通报: a draft composed from the inspection's ledger."""
    who = actor(request)
    notice = notices.draft_from_ledger(who, selectors.get_inspection(who, id))
    return one(request, NoticeDocOut, notice, status=201)


@router.post("/notices/{id}/approve", response={200: NoticeDocOut, **ERRORS}, url_name="notice-approve")
def notice_approve(request, id: Id):
    who = actor(request)
    return one(request, NoticeDocOut, notices.approve(who, selectors.get_notice(who, id)))


@router.post("/notices/{id}/publish", response={200: NoticeDocOut, **ERRORS}, url_name="notice-publish")
def notice_publish(request, id: Id, data: PublishIn):
    who = actor(request)
    notice = notices.publish(who, selectors.get_notice(who, id), data.override_reason)
    return one(request, NoticeDocOut, notice)


@router.get("/notices/{id}/download/{fmt}", response={200: bytes, **ERRORS}, url_name="notice-download",
            openapi_extra={"responses": {200: {"description": "通报文件", "content": {"*/*": {}}}}})
def notice_download(request, id: Id, fmt: Format):
    """The published file as it was published (checked unchanged), or a draft rendered now."""
    who = actor(request)
    notice = selectors.get_notice(who, id)
    renderer = RENDERERS[fmt]
    name = download_name(notice.doc.get("title") or "通报", renderer.suffix)
    stored = next((f for f in notice.files if f.get("format") == fmt), None)
    if notice.state == "published" and stored:
        published.ensure_unchanged(who, notice, stored)
        audit.record_now(who, "notice.download", notice, f"下载已发布通报（第{notice.version}版，{fmt}）",
                         after={"format": fmt, "sha256": stored.get("sha256")})
        return stored_download(notices.FILES, notices.stored_name(notice, stored), name, renderer.content_type)
    try:
        data = render_bytes(NoticeDoc.from_dict(notice.doc), fmt)
    except PdfUnavailable as exc:
        raise ApiError(409, "unavailable", exc.message) from None
    audit.record_now(who, "notice.download", notice, f"下载通报草稿（第{notice.version}版，{fmt}）",
                     after={"format": fmt, "state": notice.state})
    response = HttpResponse(data, content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote_name(name)}"
    return response
