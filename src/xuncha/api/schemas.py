"""What the API reads and writes: typed shapes, one per resource, field names as the models'."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Field, Query, Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, create_model, model_validator

from xuncha.core.statuses import (
    FINDING_SOURCE,
    LOOKBACK_RESULT,
    MEASURE_KIND,
    MEASURE_STATUS,
    ROUND_TYPE,
    UNIT_KIND,
    ChoiceSet,
)
from xuncha.notify.choices import INTERVIEW_STATE

# Ids as path and filter values: a bounded integer, so no value overflows a database column.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _plain_text(value: str) -> str:
    # NUL and lone surrogates cannot be stored (PostgreSQL refuses NUL; neither engine encodes a
    # lone surrogate): refused as bad input, never a server error.
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("含有不能保存的字符。")
    return value


# Text without a length of its own, for a form field whose Form(default, max_length=…) gives it.
PlainText = Annotated[str, AfterValidator(_plain_text)]


def Text(max_length: int) -> Any:
    return Annotated[str, Field(max_length=max_length), AfterValidator(_plain_text)]


def one_of(choices: ChoiceSet) -> Any:
    """The values of a status table as the schema's enum (statuses are defined once)."""
    return Literal[tuple(choices.values())]


Source = one_of(FINDING_SOURCE)
Kind = one_of(MEASURE_KIND)
MeasureStatus = one_of(MEASURE_STATUS)
LookbackResult = one_of(LOOKBACK_RESULT)

# A date a ledger can hold (the services check the ledger's own rules on top).
Day = Annotated[dt.date, Field(ge=dt.date(1949, 10, 1), le=dt.date(2200, 12, 31))]


UID = "跨系统不变的标识（UUID），离线交换与对接系统以此对应同一对象"

class Body(Schema):
    """A request body: a JSON object. (A Schema reads its fields as attributes, so without this
    check `null`, `[]` or `"x"` would pass as an object with every field left out.)"""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        # ninja's own validator has wrapped what was sent in a DjangoGetter by now.
        sent = value._obj if isinstance(value, DjangoGetter) else value
        if not isinstance(sent, dict):
            raise ValueError("请求体应为 JSON 对象。")
        return value


# Page number and size of every list (a size above the cap is refused, not silently cut).
PageNumber = Query(1, ge=1, le=100_000, description="页码，从 1 开始")
PageSize = Query(None, ge=1, le=100, description="每页条数，默认为站点设置（XUNCHA_PAGE_SIZE）")


class PageBase(Schema):
    count: int = Field(description="符合条件的条数（超过 10000 时记为 10001）")
    page: int
    pages: int
    page_size: int
    next: int | None = Field(None, description="下一页的页码；没有下一页时为空")


def page_of(item: type[Schema]) -> type[PageBase]:
    return create_model(f"{item.__name__.removesuffix('Out')}Page", __base__=PageBase, items=(list[item], ...))


# ---- set-up -------------------------------------------------------------------------------

class RoundOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    name: str
    level: str
    type: str
    start: dt.date | None
    end: dt.date | None
    rectification_months: int | None
    warning_days: int | None


class UnitOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    path: str


class TeamOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    name: str


class InspectionOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    round_id: int
    team_id: int
    unit_id: int
    start: dt.date | None
    end: dt.date | None
    feedback_date: dt.date | None
    rectification_end: dt.date | None
    findings_total: int
    findings_finished: int
    findings_closed: int
    measures_total: int
    measures_finished: int


class StaffOut(Schema):
    """A team member's account (工作人员), as the 巡察组 page lists it."""

    id: int
    uid: uuid.UUID = Field(description=UID)
    username: str
    display_name: str
    role: str
    team_id: int | None

    @staticmethod
    def resolve_username(staff) -> str:
        return staff.user.get_username()


RoundType = one_of(ROUND_TYPE)
UnitKind = one_of(UNIT_KIND)
Months = Annotated[int, Field(ge=1, le=24)]


class RoundIn(Body):
    name: Text(200) = Field(..., min_length=1)
    level: Text(100) = Field("", description="巡察主体，如：区委、党工委")
    type: RoundType = "regular"
    start: Day | None = None
    end: Day | None = None
    rectification_months: Months | None = Field(None, description="集中整改期（月）；为空则用系统默认值")


class RoundPatch(Body):
    name: Text(200) | None = Field(None, min_length=1)
    level: Text(100) | None = None
    type: RoundType | None = None
    start: Day | None = None
    end: Day | None = None
    rectification_months: Months | None = None


class UnitIn(Body):
    name: Text(200) = Field(..., min_length=1)
    short_name: Text(100) = ""
    kind: UnitKind = "community"
    parent: Id | None = Field(None, description="上级单位的 id；为空则为顶层单位")


class UnitPatch(Body):
    """Rename, re-kind or move (parent) a unit: its sub-tree moves with it."""

    name: Text(200) | None = Field(None, min_length=1)
    short_name: Text(100) | None = None
    kind: UnitKind | None = None
    parent: Id | None = Field(None, description="上级单位的 id；传 null 则移为顶层单位")


class TeamIn(Body):
    name: Text(100) = Field(..., min_length=1)


class MemberIn(Body):
    staff: Id = Field(description="巡察组成员账号（工作人员）的 id")


class InspectionIn(Body):
    """Field names are the model's; rectification_end left empty is counted from feedback_date."""

    round: Id
    team: Id
    unit: Id
    start: Day | None = None
    end: Day | None = None
    feedback_date: Day | None = None
    rectification_end: Day | None = None


class InspectionPatch(Body):
    """An inspection stays in its round; send rectification_end: null to count it again."""

    team: Id | None = None
    unit: Id | None = None
    start: Day | None = None
    end: Day | None = None
    feedback_date: Day | None = None
    rectification_end: Day | None = None


class InspectionBatchIn(Body):
    """Several units of one round at once: ids and/or names (one a line); all or none."""

    team: Id
    units: list[Id] = Field([], max_length=2000)
    names: Text(20000) = Field("", description="单位全称或简称，每行一个")
    start: Day | None = None
    end: Day | None = None
    feedback_date: Day | None = None
    rectification_end: Day | None = None


class InspectionBatchOut(Schema):
    count: int
    items: list[InspectionOut]


# ---- the ledger ---------------------------------------------------------------------------

class FindingOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    inspection_id: int
    category: str
    number: str
    position: int
    title: str
    description: str
    source: str
    previous_id: int | None
    status: str
    reopened: bool
    returned: bool
    next_deadline: dt.date | None
    effects: str
    version: int


class FindingIn(Body):
    title: Text(500) = Field(..., min_length=1)
    description: Text(20000) = ""
    category: Text(300) = ""
    number: Text(60) = ""
    source: Source = "feedback"


class FindingPatch(Body):
    title: Text(500) | None = Field(None, min_length=1)
    description: Text(20000) | None = None
    category: Text(300) | None = None
    number: Text(60) | None = None
    source: Source | None = None


class MeasureOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    finding_id: int
    position: int
    text: str
    lead: str
    owner: str
    kind: str
    deadline: dt.date | None
    original_deadline: dt.date | None
    status: str
    completed_on: dt.date | None
    evidence_note: str
    remarks: str
    version: int
    warning: str = Field("", description="红黄绿预警：red / yellow / green，已完成的为空")


class MeasureIn(Body):
    text: Text(5000) = Field(..., min_length=1)
    lead: Text(100) = ""
    owner: Text(200) = ""
    kind: Kind = "deadline"
    deadline: Day | None = None


class MeasurePatch(Body):
    text: Text(5000) | None = Field(None, min_length=1)
    lead: Text(100) | None = None
    owner: Text(200) | None = None
    kind: Kind | None = None
    deadline: Day | None = None


class MeasureStatusIn(Body):
    status: MeasureStatus
    completed_on: Day | None = None


class EvidenceOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    report_id: int
    original_name: str
    sha256: str
    size: int
    content_type: str
    created_at: dt.datetime


class ReportOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    measure_id: int
    date: dt.date
    text: str
    created_at: dt.datetime
    copied_share: float | None
    copied_from: str
    evidence: list[EvidenceOut]


# ---- sign-off, look-back, 延期 ---------------------------------------------------------------

class CloseoutOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    finding_id: int
    state: str
    requested_at: dt.datetime
    request_comment: str
    root_cause: str
    lessons: str
    endorsed_at: dt.datetime | None
    endorse_comment: str
    decided_at: dt.datetime | None
    decision_comment: str
    version: int


class CloseoutIn(Body):
    comment: Text(2000) = ""
    root_cause: Text(2000) = ""
    lessons: Text(2000) = ""


class CommentIn(Body):
    comment: Text(2000) = ""


class LookbackOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    finding_id: int
    date: dt.date
    result: str
    comment: str
    created_at: dt.datetime


class LookbackIn(Body):
    date: Day
    result: LookbackResult
    comment: Text(2000) = ""


class ExtensionOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    measure_id: int
    state: str
    old_deadline: dt.date
    new_deadline: dt.date
    reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_comment: str
    version: int


class ExtensionIn(Body):
    new_deadline: Day
    reason: Text(2000) = Field(..., min_length=1)


# ---- notices, comments, 雷同, analytics -------------------------------------------------------

class NoticeFileOut(Schema):
    format: str
    name: str = ""
    sha256: str = ""
    size: int = 0


class NoticeOut(Schema):
    id: int
    uid: uuid.UUID = Field(description=UID)
    inspection_id: int
    version: int
    state: str
    title: str
    created_at: dt.datetime
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    files: list[NoticeFileOut]
    row_version: int

    @staticmethod
    def resolve_title(notice) -> str:
        return (notice.doc or {}).get("title") or ""


class NoticeDocOut(NoticeOut):
    doc: dict[str, Any] = Field(description="通报内容（NoticeDoc JSON，见 docs/notice-json.md）")


class PublishIn(Body):
    override_reason: Text(500) = Field("", description="体检有错误时仍然发布的理由")


class PublicCommentOut(Schema):
    id: int
    notice_id: int
    inspection_id: int
    unit_id: int
    item: int | None
    item_label: str
    text: str
    state: str
    reply_due: dt.date
    reply: str
    replied_at: dt.datetime | None
    rating: str
    created_at: dt.datetime
    version: int


class ReplyIn(Body):
    text: Text(2000) = Field(..., min_length=1)


class ReuseCheckOut(Schema):
    id: int
    title: str
    state: str
    progress: float
    stage: str
    created_at: dt.datetime
    files: int
    documents: int
    pair_count: int
    error: str
    url: str = Field(description="该检测的接口地址（读取状态与结果）")

    @staticmethod
    def resolve_url(check) -> str:
        return reverse("api:reuse-check", args=[check.pk])


class ReuseCheckDetailOut(ReuseCheckOut):
    min_run: int
    threshold: float
    skipped: list[dict[str, Any]] = Field(description="未能读取的文件及原因")
    result: dict[str, Any] | None


class StatusCount(Schema):
    status: str
    label: str
    count: int


class SummaryOut(Schema):
    """整改进度: the same figures as the 统计分析 page's headline, for what the caller may see."""

    round_id: int | None
    inspections: int
    findings_total: int
    findings_finished: int
    findings_closed: int
    measures_total: int
    measures_finished: int
    measures_overdue: int
    measure_statuses: list[StatusCount]


# ---- 督办 -------------------------------------------------------------------------------------

class SupervisionOut(Schema):
    id: int
    number: str = Field(description="督办编号，如：巡督〔2025〕12号")
    inspection_id: int
    unit_name: str
    issuer: str
    opened_on: dt.date
    reply_due: dt.date
    state: str
    reply_overdue: bool = Field(description="报结期限已过而未报结")
    answer: str
    answered_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_comment: str
    version: int


class SupervisedMeasureOut(Schema):
    measure_id: int
    finding_id: int
    text: str
    owner: str
    deadline: dt.date


class SupervisionDetailOut(SupervisionOut):
    measures: list[SupervisedMeasureOut] = Field(description="督办的逾期整改措施")
    moves: list[str] = Field(description="调用者现在可以进行的操作（answer 报结、accept 同意办结、return 退回）")


class SupervisionMoveIn(Body):
    text: Text(5000) = Field("", description="报结情况（answer）或审核意见（accept、return）；报结和退回必填")


# ---- 约谈 -------------------------------------------------------------------------------------

class InterviewOut(Schema):
    id: int
    inspection_id: int
    unit_name: str = Field(description="约谈对象")
    opened_on: dt.date = Field(description="生成日期（逾期超过约谈天数的那一天）")
    state: one_of(INTERVIEW_STATE) = Field(description="planned 待约谈、held 已约谈")
    held_on: dt.date | None = Field(description="约谈日期")
    people: str = Field(description="约谈人员")
    notes: str = Field(description="约谈情况")
    measure_count: int = Field(description="转为约谈的逾期整改措施条数")
    version: int


class InterviewDetailOut(InterviewOut):
    measures: list[SupervisedMeasureOut] = Field(description="转为约谈的逾期整改措施")
    moves: list[str] = Field(description="调用者现在可以进行的操作（record 登记或修改约谈情况）")


class InterviewRecordIn(Body):
    held_on: Day = Field(description="约谈日期，不晚于今天")
    people: Text(300) = Field(..., min_length=1, description="约谈人和被约谈人")
    notes: Text(5000) = Field("", description="约谈情况")
