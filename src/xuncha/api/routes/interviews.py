"""约谈 (the notify app's Interview rows, opened by the daily run when a unit's measures stay
overdue): read where the caller may see them, and the office's record of the talk (登记约谈情况),
through the selectors and the service the 约谈 pages call."""

from __future__ import annotations

from typing import Literal

from ninja import Query, Router, Schema

from xuncha.api.auth import actor
from xuncha.api.errors import ERRORS
from xuncha.api.respond import one, paged, require_match
from xuncha.api.schemas import (
    Id,
    InterviewDetailOut,
    InterviewOut,
    InterviewRecordIn,
    PageNumber,
    PageSize,
    page_of,
)
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.notify import selectors, services
from xuncha.notify.models import Interview

router = Router(tags=["约谈"])


class InterviewFilters(Schema):
    status: Literal["planned", "held"] | None = None
    unit: Id | None = None
    inspection: Id | None = None


@router.get("/interviews", response={200: page_of(InterviewOut), **ERRORS}, url_name="interviews")
def interview_list(request, filters: Query[InterviewFilters], page: int = PageNumber,
                   page_size: int | None = PageSize):
    """约谈 of the inspections the caller may see: planned (待约谈) or held (已约谈), all without
    `status`; `unit` takes its sub-units too."""
    rows = selectors.interviews(actor(request), filters.status or "", filters.unit, filters.inspection)
    return paged(rows, InterviewOut, page, page_size)


def _detail(who: Actor, id: int) -> Interview:
    found = selectors.interview(who, id)
    found.measures = [m.as_dict() for m in selectors.interviewed_measures(found)]
    found.measure_count = len(found.measures)
    # The page shows its form to whoever may record (a held 约谈 may be corrected), so the same here.
    found.moves = ["record"] if permissions.allowed(who, "record_interview") else []
    return found


@router.get("/interviews/{id}", response={200: InterviewDetailOut, **ERRORS}, url_name="interview")
def interview_detail(request, id: Id):
    """The 约谈 with its overdue measures and the moves the caller may make now."""
    return one(request, InterviewDetailOut, _detail(actor(request), id))


@router.post("/interviews/{id}/record", response={200: InterviewDetailOut, **ERRORS}, url_name="interview-record")
def interview_record(request, id: Id, data: InterviewRecordIn):
    """登记约谈情况 (the office): `held_on` (not after today), `people`, `notes`; sent again it
    corrects the record. If-Match with the ETag read: 412 if the 约谈 changed since."""
    who = actor(request)
    found = _detail(who, id)
    require_match(request, InterviewDetailOut, found)
    services.record_interview(who, found, data.held_on, data.people, data.notes)
    return one(request, InterviewDetailOut, _detail(who, id))
