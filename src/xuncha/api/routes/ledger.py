"""Findings, measures, progress reports and evidence: the ledger's own acts."""

from __future__ import annotations

import uuid

from django.conf import settings
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from xuncha.api.auth import actor
from xuncha.api.errors import ERRORS, ApiError
from xuncha.api.respond import one, paged, require_match
from xuncha.api.schemas import (
    Day,
    FindingIn,
    FindingOut,
    FindingPatch,
    Id,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    MeasureStatus,
    MeasureStatusIn,
    PageNumber,
    PageSize,
    ReportOut,
    Text,
    page_of,
)
from xuncha.core.statuses import FINDING_STATUS
from xuncha.ledger import selectors, worklists
from xuncha.ledger.models import ProgressReport
from xuncha.ledger.services import audit, findings, measures
from xuncha.ledger.services.evidence import KIND as EVIDENCE
from xuncha.web import uploads
from xuncha.web.views.files import stored_download

router = Router(tags=["反馈问题与整改措施"])


# ---- findings -----------------------------------------------------------------------------

class FindingFilters(Schema):
    q: Text(100) = ""
    status: str = ""
    round: Id | None = None
    inspection: Id | None = None
    uid: uuid.UUID | None = None


@router.get("/findings", response={200: page_of(FindingOut), **ERRORS}, url_name="findings")
def finding_list(request, filters: Query[FindingFilters], page: int = PageNumber, page_size: int | None = PageSize):
    """问题清单: the findings the caller may see (the same search as the 问题清单 page)."""
    who = actor(request)
    round_ = selectors.get_round(who, filters.round) if filters.round else None
    inspection = selectors.get_inspection(who, filters.inspection) if filters.inspection else None
    status = filters.status if filters.status in FINDING_STATUS else ""
    rows = selectors.search_findings(who, round_, filters.q, status, inspection)
    if filters.uid:
        rows = rows.filter(uid=filters.uid)
    return paged(rows, FindingOut, page, page_size)


@router.get("/findings/{id}", response={200: FindingOut, **ERRORS}, url_name="finding")
def finding_detail(request, id: Id):
    return one(request, FindingOut, selectors.get_finding(actor(request), id))


@router.post("/inspections/{id}/findings", response={201: FindingOut, **ERRORS}, url_name="finding-create")
def finding_create(request, id: Id, data: FindingIn):
    who = actor(request)
    inspection = selectors.get_inspection(who, id)
    finding = findings.create_finding(who, inspection, **data.dict())
    return one(request, FindingOut, finding, status=201)


@router.patch("/findings/{id}", response={200: FindingOut, **ERRORS}, url_name="finding")
def finding_update(request, id: Id, data: FindingPatch):
    """Changes the given fields. Send If-Match with the ETag read: 412 if someone changed it since."""
    who = actor(request)
    finding = selectors.get_finding(who, id)
    require_match(request, FindingOut, finding)
    changes = data.dict(exclude_none=True)
    finding = findings.update_finding(who, finding, finding.version, **changes)
    return one(request, FindingOut, finding)


# ---- measures -----------------------------------------------------------------------------

class MeasureFilters(Schema):
    """The filters of the 整改措施 page (/measures/), by the same names."""

    round: Id | None = None
    unit: Id | None = None
    team: Id | None = None
    colour: str = ""
    owner: Text(100) = ""
    kind: str = ""
    status: str = ""
    evidence: str = ""
    uid: uuid.UUID | None = Field(None, description="按对象标识（UUID）查找")


def _filters(given: MeasureFilters) -> worklists.MeasureFilters:
    filters = worklists.MeasureFilters(**given.dict(exclude={"uid"}))
    if filters.status not in worklists.STATUS_FILTERS:
        filters.status = ""
    if given.uid and not filters.status:
        filters.status = "all"  # a look-up by uid finds the measure whatever its status
    return filters


@router.get("/measures", response={200: page_of(MeasureOut), **ERRORS}, url_name="measures")
def measure_list(request, filters: Query[MeasureFilters], page: int = PageNumber, page_size: int | None = PageSize):
    """整改措施, most urgent first; colour=red lists the overdue ones."""
    rows = worklists.measure_list(actor(request), _filters(filters))
    if filters.uid:
        rows = rows.filter(uid=filters.uid)
    return paged(rows, MeasureOut, page, page_size, decorate=worklists.decorate)


def _measure(request, id: int):
    measure = selectors.get_measure(actor(request), id)
    worklists.decorate([measure])
    return measure


@router.get("/measures/{id}", response={200: MeasureOut, **ERRORS}, url_name="measure")
def measure_detail(request, id: Id):
    return one(request, MeasureOut, _measure(request, id))


@router.post("/findings/{id}/measures", response={201: MeasureOut, **ERRORS}, url_name="measure-create")
def measure_create(request, id: Id, data: MeasureIn):
    who = actor(request)
    measure = measures.create_measure(who, selectors.get_finding(who, id), **data.dict())
    return one(request, MeasureOut, _measure(request, measure.pk), status=201)


@router.patch("/measures/{id}", response={200: MeasureOut, **ERRORS}, url_name="measure")
def measure_update(request, id: Id, data: MeasurePatch):
    """Changes the given fields (a set deadline moves only by a 延期 request). If-Match as above."""
    who = actor(request)
    measure = _measure(request, id)
    require_match(request, MeasureOut, measure)
    measures.update_measure(who, measure, measure.version, **data.dict(exclude_none=True))
    return one(request, MeasureOut, _measure(request, id))


@router.post("/measures/{id}/status", response={200: MeasureOut, **ERRORS}, url_name="measure-status")
def measure_status(request, id: Id, data: MeasureStatusIn):
    who = actor(request)
    measure = _measure(request, id)
    require_match(request, MeasureOut, measure)
    measures.change_measure_status(who, measure, data.status, measure.version, data.completed_on)
    return one(request, MeasureOut, _measure(request, id))


# ---- progress reports and evidence --------------------------------------------------------

def _reports(measure_id: int):
    return (ProgressReport.objects.filter(measure_id=measure_id).prefetch_related("evidence")
            .order_by("-date", "-id"))


@router.get("/measures/{id}/reports", response={200: page_of(ReportOut), **ERRORS}, url_name="measure-reports")
def report_list(request, id: Id, page: int = PageNumber, page_size: int | None = PageSize):
    measure = selectors.get_measure(actor(request), id)
    return paged(_reports(measure.pk), ReportOut, page, page_size)


@router.post("/measures/{id}/reports", response={201: ReportOut, **ERRORS}, url_name="measure-reports")
def report_create(request, id: Id, date: Form[Day], text: Form[Text(5000)],
                  mark: Form[MeasureStatus | None] = None, files: File[list[UploadedFile]] = None):
    """报送整改进展 with 佐证材料 (multipart/form-data; files are optional, several allowed)."""
    who = actor(request)
    measure = selectors.get_measure(who, id)
    too_large = uploads.too_large_message(request)
    if too_large:
        raise ApiError(413, "too_large", too_large)
    if len(files or []) > settings.DATA_UPLOAD_MAX_NUMBER_FILES:
        raise ApiError(400, "bad_request", "一次上传的文件过多。")
    sent = [(f.name or "未命名", f.chunks()) for f in files or []]
    report = measures.report_progress(who, measure, date, text, sent, mark, measure.version)
    return one(request, ReportOut, _reports(measure.pk).get(pk=report.pk), status=201)


@router.get("/evidence/{id}/download", response={200: bytes, **ERRORS}, url_name="evidence-download",
            openapi_extra={"responses": {200: {"description": "文件内容",
                                               "content": {"application/octet-stream": {}}}}})
def evidence_download(request, id: Id):
    """下载佐证材料 (recorded in the audit trail, as on the staff site)."""
    who = actor(request)
    evidence = selectors.evidence_for_download(who, id)
    response = stored_download(EVIDENCE, evidence.stored_name, evidence.original_name, evidence.content_type)
    audit.record_now(who, "evidence.download", evidence, f"下载佐证材料：{evidence.original_name}"[:300],
                     after={"file": evidence.original_name})
    return response
