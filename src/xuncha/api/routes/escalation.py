"""督办 (the notify app's Supervision rows): read where the caller may see them, their moves
(报结, 同意办结, 退回) and the 督办函, through the services the 督办 pages call."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from ninja import Query, Router, Schema

from xuncha.api.auth import actor
from xuncha.api.errors import ERRORS, ApiError
from xuncha.api.respond import one, paged, require_match
from xuncha.api.schemas import (
    Id,
    PageNumber,
    PageSize,
    SupervisionDetailOut,
    SupervisionMoveIn,
    SupervisionOut,
    page_of,
)
from xuncha.core.render import PdfUnavailable
from xuncha.ledger.actor import Actor
from xuncha.notify import letters, selectors, services
from xuncha.notify.models import Supervision

router = Router(tags=["督办"])


class SupervisionFilters(Schema):
    status: Literal["open", "overdue", "answered", "closed"] | None = None
    unit: Id | None = None
    inspection: Id | None = None


@router.get("/supervisions", response={200: page_of(SupervisionOut), **ERRORS}, url_name="supervisions")
def supervision_list(request, filters: Query[SupervisionFilters], page: int = PageNumber,
                     page_size: int | None = PageSize):
    """督办 of the inspections the caller may see: open (待报结), overdue (逾期未报结), answered
    (待审核), closed (已办结); all without `status`; `unit` takes its sub-units too."""
    rows = selectors.supervisions(actor(request), filters.status or "", filters.unit, filters.inspection)
    return paged(rows, SupervisionOut, page, page_size)


def _detail(who: Actor, id: int) -> Supervision:
    found = selectors.supervision(who, id)
    found.measures = [m.as_dict() for m in selectors.supervised_measures(found)]
    found.moves = services.possible_moves(who, found)
    return found


@router.get("/supervisions/{id}", response={200: SupervisionDetailOut, **ERRORS}, url_name="supervision")
def supervision_detail(request, id: Id):
    """The 督办 with its overdue measures and the moves the caller may make now."""
    return one(request, SupervisionDetailOut, _detail(actor(request), id))


@router.post("/supervisions/{id}/{move}", response={200: SupervisionDetailOut, **ERRORS},
             url_name="supervision-move")
def supervision_move(request, id: Id, move: Literal["answer", "accept", "return"], data: SupervisionMoveIn):
    """报结 (answer: the unit, with `text`), then the office's 同意办结 (accept) or 退回 (return, with
    `text`). If-Match with the ETag read: 412 if the 督办 changed since."""
    who = actor(request)
    found = _detail(who, id)
    require_match(request, SupervisionDetailOut, found)
    services.move(who, found, move, data.text)
    return one(request, SupervisionDetailOut, _detail(who, id))


@router.get("/supervisions/{id}/letter/{fmt}", response={200: bytes, **ERRORS}, url_name="supervision-letter",
            openapi_extra={"responses": {200: {"description": "督办函", "content": {"*/*": {}}}}})
def supervision_letter(request, id: Id, fmt: Literal["docx", "pdf"]):
    """下载督办函: the letter as issued (stored at its first download, checked by its sha256); audited."""
    who = actor(request)
    found = selectors.supervision(who, id)
    try:
        data, content_type, name = letters.download(who, found, fmt)
    except PdfUnavailable as exc:
        raise ApiError(409, "unavailable", exc.message) from None
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
