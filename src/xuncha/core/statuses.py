"""Every status, kind and role of the ledger, defined once: value, Chinese label, colour.

Models, templates, forms, the Excel export and lint all read these tables; nothing else
spells a label or a colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    colour: str = "grey"  # one of the CSS badge colours in web/static/xuncha/app.css


class ChoiceSet:
    """An ordered, immutable list of choices with lookups by value."""

    def __init__(self, *choices: Choice) -> None:
        self.choices = choices
        self._by_value = {c.value: c for c in choices}

    def __iter__(self):
        return iter(self.choices)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    def __getitem__(self, value: str) -> Choice:
        return self._by_value[value]

    def label(self, value: str) -> str:
        choice = self._by_value.get(value)
        return choice.label if choice else value

    def colour(self, value: str) -> str:
        choice = self._by_value.get(value)
        return choice.colour if choice else "grey"

    def django_choices(self) -> list[tuple[str, str]]:
        return [(str(c.value), c.label) for c in self.choices]

    def values(self) -> list[str]:
        return [c.value for c in self.choices]


MEASURE_STATUS = ChoiceSet(
    Choice("planned", "未开始", "grey"),
    Choice("in_progress", "正在整改", "blue"),
    Choice("done", "已完成", "green"),
    Choice("ongoing", "长期坚持", "teal"),
)

FINDING_STATUS = ChoiceSet(
    Choice("open", "待整改", "grey"),
    Choice("not_done", "未完成", "orange"),
    Choice("partly", "基本完成", "blue"),
    Choice("done", "已完成", "green"),
    Choice("ongoing", "长期坚持", "teal"),
    Choice("closed", "已销号", "purple"),
    Choice("reopened", "已重新打开", "red"),
    Choice("returned", "待补充", "orange"),
)

MEASURE_KIND = ChoiceSet(
    Choice("immediate", "立行立改", "blue"),
    Choice("deadline", "限期整改", "grey"),
    Choice("ongoing", "长期坚持", "teal"),
)

FINDING_SOURCE = ChoiceSet(
    Choice("feedback", "巡察反馈"),
    Choice("immediate", "立行立改"),
    Choice("public", "群众反映"),
    Choice("self_check", "自查"),  # a 共性问题 pushed to a unit for 自查自纠 (xuncha.analytics)
)

ROUND_TYPE = ChoiceSet(
    Choice("regular", "常规巡察"),
    Choice("special", "专项巡察"),
    Choice("mobile", "机动巡察"),
    Choice("elevated", "提级巡察"),
    Choice("linked", "联动巡察"),
)

UNIT_KIND = ChoiceSet(
    Choice("committee", "党委"),
    Choice("street", "街道党工委"),
    Choice("community", "社区党组织"),
    Choice("village", "村党组织"),
    Choice("department", "机关部门"),
    Choice("institution", "事业单位"),
    Choice("enterprise", "企业"),
    Choice("branch", "党支部"),
    Choice("other", "其他"),
)

CLOSEOUT_STATE = ChoiceSet(
    Choice("requested", "待审核", "orange"),
    Choice("approved", "已销号", "green"),
    Choice("returned", "已退回", "red"),
    Choice("endorsed", "单位负责人已审核", "blue"),
)
# A sign-off request not yet decided by the office.
CLOSEOUT_OPEN = frozenset({"requested", "endorsed"})

EXTENSION_STATE = ChoiceSet(
    Choice("requested", "待审核", "orange"),
    Choice("approved", "已同意延期", "green"),
    Choice("refused", "未同意延期", "red"),
)

LOOKBACK_RESULT = ChoiceSet(
    Choice("sustained", "整改成果巩固", "green"),
    Choice("rebounded", "问题反弹", "red"),
)

NOTICE_STATE = ChoiceSet(
    Choice("draft", "草稿", "grey"),
    Choice("approved", "已审定", "blue"),
    Choice("published", "已发布", "green"),
)

REUSE_CHECK_STATE = ChoiceSet(
    Choice("queued", "排队中", "grey"),
    Choice("running", "检测中", "blue"),
    Choice("done", "已完成", "green"),
    Choice("failed", "失败", "red"),
)

class JobState(StrEnum):
    """States of a background job (xuncha.jobs); labels and colours in JOB_STATE."""

    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


JOB_STATE = ChoiceSet(
    Choice(JobState.QUEUED, "排队中", "grey"),
    Choice(JobState.RUNNING, "运行中", "blue"),
    Choice(JobState.RETRYING, "等待重试", "orange"),
    Choice(JobState.DONE, "已完成", "green"),
    Choice(JobState.FAILED, "失败", "red"),
    Choice(JobState.CANCELLED, "已取消", "purple"),
)

ROLE = ChoiceSet(
    Choice("office_admin", "巡察办管理员"),
    Choice("team_member", "巡察组成员"),
    Choice("unit_editor", "被巡察单位联络员"),
    Choice("unit_leader", "被巡察单位负责人"),
    Choice("supervisor", "监督查看（纪委/组织部）"),
    # 三员: the three administrators of 等保 三级, each kept apart from the others and from the
    # business roles (ledger.services.accounts enforces it).
    Choice("sys_admin", "系统管理员"),
    Choice("security_admin", "安全管理员"),
    Choice("audit_admin", "审计管理员"),
)
# One person holds at most one of these (ledger.services.accounts.check_separation).
ADMIN_ROLES = frozenset({"sys_admin", "security_admin", "audit_admin"})

# Findings whose measures are all finished: ready for sign-off.
FINDING_READY_FOR_CLOSEOUT = frozenset({"done", "ongoing"})
# Measures that no longer count as overdue, and the rest.
MEASURE_FINISHED = frozenset({"done", "ongoing"})
MEASURE_UNFINISHED = frozenset(MEASURE_STATUS.values()) - MEASURE_FINISHED


def finished_late(status: str, deadline: date | None, completed_on: date | None) -> bool:
    """逾期完成: done, but after the deadline."""
    return status == "done" and deadline is not None and completed_on is not None and completed_on > deadline


LATE_LABEL = "逾期完成"


def measure_status_word(status: str, deadline: date | None, completed_on: date | None) -> str:
    """The status word of a measure as the ledger, the export and the notice write it."""
    return LATE_LABEL if finished_late(status, deadline, completed_on) else MEASURE_STATUS.label(status)


class WarningLevel(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "已逾期", "yellow": "临期", "green": "正常"}[self.value]


# How long unfinished measures are past their deadline: key, label, first and last day (None:
# no end). The 统计分析 ageing chart and the measure list's `age` filter share these.
OVERDUE_AGES: tuple[tuple[str, str, int, int | None], ...] = (
    ("age_1_7", "1–7天", 1, 7),
    ("age_8_30", "8–30天", 8, 30),
    ("age_31_90", "31–90天", 31, 90),
    ("age_over_90", "90天以上", 91, None),
)


@dataclass(frozen=True)
class WarningWindow:
    """The date thresholds of the overdue warning on one day.

    A deadline before `red_before` is red; up to `yellow_until` it is yellow. Python code
    calls `level`; querysets filter with the same two dates, so the rule lives here only.
    """

    red_before: date
    yellow_until: date

    @classmethod
    def on(cls, today: date, days: int) -> WarningWindow:
        return cls(red_before=today, yellow_until=today + timedelta(days=days))

    def level(self, deadline: date | None, finished: bool) -> WarningLevel:
        if finished or deadline is None:
            return WarningLevel.GREEN
        if deadline < self.red_before:
            return WarningLevel.RED
        if deadline <= self.yellow_until:
            return WarningLevel.YELLOW
        return WarningLevel.GREEN


def derive_finding_status(measure_statuses: list[str], closed: bool, reopened: bool,
                          returned: bool = False) -> str:
    """A finding's status follows from its measures and its sign-off, never from a form.

    closed wins; a finding reopened by a look-back stays reopened until signed off again; one
    whose sign-off was returned stays 待补充 until it is requested again.
    """
    if closed:
        return "closed"
    if reopened:
        return "reopened"
    if returned:
        return "returned"
    if not measure_statuses or all(s == "planned" for s in measure_statuses):
        return "open"
    if all(s == "done" for s in measure_statuses):
        return "done"
    if all(s in MEASURE_FINISHED for s in measure_statuses):
        return "ongoing"
    if any(s in MEASURE_FINISHED for s in measure_statuses):
        return "partly"
    return "not_done"
