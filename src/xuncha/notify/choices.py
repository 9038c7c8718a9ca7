"""The notify app's statuses, kinds and audiences, defined once (value, Chinese label, colour).

The 督办 moves are a table (from, to, roles, needs_reason) in the shape of the ledger's
transition tables, so they can be registered there as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from xuncha.core.statuses import Choice, ChoiceSet

SUPERVISION_STATE = ChoiceSet(
    Choice("open", "待报结", "orange"),
    Choice("answered", "已报结待审核", "blue"),
    Choice("returned", "报结被退回", "red"),
    Choice("closed", "已办结", "green"),
)
SUPERVISION_OPEN = frozenset({"open", "returned"})  # waiting for the unit's answer

INTERVIEW_STATE = ChoiceSet(
    Choice("planned", "待约谈", "orange"),
    Choice("held", "已约谈", "green"),
)

# Ladder steps of one measure: reminders are "remind-<days>", then the 督办, then the 约谈.
SUPERVISE, INTERVIEW = "supervise", "interview"
# A 督办 not answered (报结) by its reply date (marked on the Supervision row), and a public
# comment not replied to by its deadline (a CommentStep row).
ANSWER_OVERDUE, COMMENT_OVERDUE = "answer-overdue", "comment-overdue"


def remind_step(days: int) -> str:
    return f"remind-{days}"


def step_label(step: str) -> str:
    if step.startswith("remind-"):
        days = int(step.removeprefix("remind-"))
        return "到期当日提醒" if days == 0 else f"到期前{days}天提醒"
    return {SUPERVISE: "逾期督办", INTERVIEW: "约谈", ANSWER_OVERDUE: "督办逾期未报结",
            COMMENT_OVERDUE: "群众意见逾期未答复"}.get(step, step)


KIND = ChoiceSet(
    Choice("reminder", "到期提醒", "teal"),
    Choice("overdue", "逾期提醒", "orange"),
    Choice("supervision", "督办", "red"),
    Choice("interview", "约谈", "purple"),
    Choice("supervision_answered", "督办报结", "blue"),
    Choice("supervision_decided", "督办审核结果", "blue"),
    Choice("closeout_to_endorse", "销号待单位负责人审核", "orange"),
    Choice("closeout_to_decide", "销号待巡察办审核", "orange"),
    Choice("closeout_approved", "销号已同意", "green"),
    Choice("closeout_returned", "销号被退回", "red"),
    Choice("extension_decided", "延期审核结果", "blue"),
    Choice("finding_reopened", "问题重新打开", "red"),
    Choice("file_mismatch", "发布文件校验不符", "red"),
    Choice("comment_received", "收到群众意见", "teal"),
    Choice("comment_declined", "群众意见被单位不予公开或合并", "orange"),
    Choice("comment_overdue", "群众意见逾期未答复", "orange"),
    Choice("reply_overdue", "督办逾期未报结", "red"),
)

# Who can be told: the measure's owner (matched by name), the unit's editors and leaders,
# the office; "requester" is the person whose request an event concerns.
AUDIENCE = ChoiceSet(
    Choice("owner", "责任人（按姓名匹配）"),
    Choice("unit_editor", "单位联络员"),
    Choice("unit_leader", "单位负责人"),
    Choice("office_admin", "巡察办"),
    Choice("sys_admin", "系统管理员"),
    Choice("security_admin", "安全管理员"),
    Choice("requester", "申请人"),
)


@dataclass(frozen=True)
class Move:
    """A legal move of a 督办: who may make it is the permission `action` (ledger ACTIONS)."""

    name: str
    sources: tuple[str, ...]
    target: str
    action: str
    needs_reason: bool
    label: str

    @property
    def roles(self) -> tuple[str, ...]:
        from xuncha.ledger.permissions import ACTIONS

        return tuple(ACTIONS[self.action])


SUPERVISION_MOVES: dict[str, Move] = {m.name: m for m in (
    Move("answer", ("open", "returned"), "answered", "answer_supervision", True, "报结"),
    Move("accept", ("answered",), "closed", "decide_supervision", False, "同意办结"),
    Move("return", ("answered",), "returned", "decide_supervision", True, "退回报结"),
)}
