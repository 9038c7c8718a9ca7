"""Who may do what, on which inspections. Services and selectors call this; templates only ask.

Each action maps a role to a scope: "all" (every inspection), "unit" (inspections of the
actor's unit and its sub-units) or "team" (inspections held by the actor's team).
"""

from __future__ import annotations

from django.db.models import Q

from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import PermissionDenied
from xuncha.ledger.models import Inspection

ALL, UNIT, TEAM = "all", "unit", "team"

ACTIONS: dict[str, dict[str, str]] = {
    "view": {"office_admin": ALL, "supervisor": ALL, "system": ALL, "team_member": TEAM,
             "unit_editor": UNIT, "unit_leader": UNIT,
             "sys_admin": ALL},  # reads the ledger it sets up (and removes evidence from); approves nothing
    "edit_findings": {"office_admin": ALL, "system": ALL, "team_member": TEAM},
    "edit_measures": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT},
    "report_progress": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT},
    "request_closeout": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT},
    "decide_closeout": {"office_admin": ALL, "system": ALL},
    "lookback": {"office_admin": ALL, "system": ALL, "team_member": TEAM},
    "draft_notice": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT},
    "approve_notice": {"office_admin": ALL, "system": ALL, "unit_leader": UNIT},
    "publish_notice": {"office_admin": ALL, "system": ALL},
    "manage_inspections": {"office_admin": ALL, "system": ALL, "sys_admin": ALL},
    # 巡察安排: rounds, the unit tree, teams and inspections.
    "manage_setup": {"office_admin": ALL, "system": ALL, "sys_admin": ALL},
    # Batch 雷同 checks of uploaded documents (speeches, reports, plans) are the inspectors' tool.
    "check_reuse": {"office_admin": ALL, "system": ALL, "team_member": ALL, "supervisor": ALL},
    # The 后台任务 page (xuncha.jobs): the office watches it; the supervisor may look.
    "view_jobs": {"office_admin": ALL, "system": ALL, "supervisor": ALL},
    "retry_jobs": {"office_admin": ALL, "system": ALL},
    # Ending a login lockout early: the security administrator's, held by the office until then.
    "release_lockout": {"security_admin": ALL, "system": ALL},
    # 三员 (docs/security.md, "三员分立"): accounts are the system administrator's; roles, lockouts
    # and second factors the security administrator's; neither touches the ledger.
    "view_accounts": {"sys_admin": ALL, "security_admin": ALL, "system": ALL},
    "manage_accounts": {"sys_admin": ALL, "system": ALL},
    "manage_roles": {"security_admin": ALL, "system": ALL},
    "reset_second_factor": {"security_admin": ALL, "system": ALL},
    # Removing an evidence file after the finding's sign-off, with a reason (residual information).
    "remove_evidence": {"sys_admin": ALL, "system": ALL},
    # 审计日志: the audit administrator, the office, and the supervisor (纪委) within its unit when
    # it has one (xuncha.ledger.audit_selectors narrows it).
    "view_audit": {"office_admin": ALL, "audit_admin": ALL, "supervisor": ALL, "system": ALL},
    # 销号 policy (transitions.CLOSEOUT) and 延期 (transitions.EXTENSION).
    "endorse_closeout": {"system": ALL, "unit_leader": UNIT},
    "request_extension": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT},
    "decide_extension": {"office_admin": ALL, "system": ALL},
    # 督办 and 约谈 (xuncha.notify): the unit answers (报结), the office decides and keeps the ladder.
    "view_supervisions": {"office_admin": ALL, "supervisor": ALL, "system": ALL, "team_member": TEAM,
                          "unit_editor": UNIT, "unit_leader": UNIT},
    "answer_supervision": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT},
    "decide_supervision": {"office_admin": ALL, "system": ALL},
    "record_interview": {"office_admin": ALL, "system": ALL},
    "manage_ladder": {"office_admin": ALL, "system": ALL},
    # 群众监督 (xuncha.portal): comments are scoped by the unit they are assigned to.
    "view_comments": {"office_admin": ALL, "supervisor": ALL, "system": ALL, "team_member": TEAM,
                      "unit_editor": UNIT, "unit_leader": UNIT},
    "moderate_comments": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT, "unit_leader": UNIT},
    "reply_comments": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT, "unit_leader": UNIT},
    "view_commenter": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT, "unit_leader": UNIT},
    "manage_portal": {"office_admin": ALL, "system": ALL},
    # 统计分析 (xuncha.analytics): everyone sees the figures of what they may view.
    "view_analytics": {"office_admin": ALL, "supervisor": ALL, "system": ALL, "team_member": TEAM,
                       "unit_editor": UNIT, "unit_leader": UNIT},
    "view_common_issues": {"office_admin": ALL, "supervisor": ALL, "system": ALL},
    "push_common_issues": {"office_admin": ALL, "system": ALL},
    "confirm_repeats": {"office_admin": ALL, "system": ALL, "team_member": TEAM},
    # 接口令牌 (xuncha.api): people whose work is the ledger call the API as themselves.
    "use_api": {"office_admin": ALL, "supervisor": ALL, "system": ALL, "team_member": ALL,
                "unit_editor": ALL, "unit_leader": ALL},
    # Imports (ledger/services/imports.py): the team brings in the 反馈问题清单 it fed back; the unit
    # its measures and progress onto those findings; the office either, or both at once.
    "import_findings": {"office_admin": ALL, "system": ALL, "team_member": TEAM},
    "import_measures": {"office_admin": ALL, "system": ALL, "unit_editor": UNIT},
    # 整改成效评估 and 随机抽查 (xuncha.evaluation): the office runs them; the supervisor may look.
    "view_evaluation": {"office_admin": ALL, "supervisor": ALL, "system": ALL},
    "manage_evaluation": {"office_admin": ALL, "system": ALL},
    "view_random_checks": {"office_admin": ALL, "supervisor": ALL, "system": ALL},
    "random_checks": {"office_admin": ALL, "system": ALL},
    # 离线交换 (xuncha.exchange): the office moves bundles; peers' keys are registered by the
    # office or the system administrator (who sets the installation up).
    "exchange_bundles": {"office_admin": ALL, "system": ALL},
    "manage_peers": {"office_admin": ALL, "sys_admin": ALL, "system": ALL},
}

# The actions that only look (or, like a 雷同 check of the caller's own uploads and use_api itself,
# change nothing anyone else reads): a role holding none but these is read-only, and its people get
# no write-scoped API token (xuncha.api.tokens). Every other action writes: a new action that only
# looks belongs here (tests/api/test_tokens.py checks that 监督查看 stays read-only).
READS = frozenset({
    "view", "check_reuse", "view_jobs", "view_accounts", "view_audit", "view_supervisions",
    "view_comments", "view_commenter", "view_analytics", "view_common_issues", "use_api",
    "view_evaluation", "view_random_checks",
})
WRITES = frozenset(ACTIONS) - READS

DENIED_MESSAGES = {
    "view": "您无权查看该巡察的整改情况。",
    "edit_findings": "只有本巡察组成员或巡察办可以修改反馈问题。",
    "edit_measures": "只有本单位联络员或巡察办可以修改整改措施。",
    "report_progress": "只有本单位联络员或巡察办可以报送整改进展。",
    "request_closeout": "只有本单位联络员或巡察办可以申请销号。",
    "decide_closeout": "只有巡察办可以审核销号。",
    "lookback": "只有巡察办或本巡察组可以开展回头看。",
    "draft_notice": "只有本单位联络员或巡察办可以起草通报。",
    "approve_notice": "只有本单位负责人或巡察办可以审定通报。",
    "publish_notice": "只有巡察办可以发布通报。",
    "manage_inspections": "只有巡察办可以管理巡察轮次和巡察安排。",
    "manage_setup": "只有巡察办或系统管理员可以进行巡察安排。",
    "check_reuse": "只有巡察办、巡察组和监督部门可以使用雷同检测。",
    "view_jobs": "只有巡察办和监督部门可以查看后台任务。",
    "retry_jobs": "只有巡察办可以重试后台任务。",
    "release_lockout": "只有安全管理员可以解除账号锁定。",
    "view_accounts": "只有系统管理员和安全管理员可以查看账号。",
    "manage_accounts": "只有系统管理员可以新建、停用账号或重设密码。",
    "manage_roles": "只有安全管理员可以更改账号的角色。",
    "reset_second_factor": "只有安全管理员可以重置双因素认证。",
    "remove_evidence": "只有系统管理员可以在销号后删除佐证材料。",
    "view_audit": "只有审计管理员、巡察办和纪委监督人员可以查看审计日志。",
    "endorse_closeout": "只有本单位负责人可以审核销号申请。",
    "request_extension": "只有本单位联络员或巡察办可以申请延期。",
    "decide_extension": "只有巡察办可以审核延期申请。",
    "view_supervisions": "您无权查看该督办事项。",
    "answer_supervision": "只有本单位联络员或巡察办可以报结督办事项。",
    "decide_supervision": "只有巡察办可以审核督办报结。",
    "record_interview": "只有巡察办可以登记约谈情况。",
    "manage_ladder": "只有巡察办可以修改督办设置。",
    "view_comments": "您无权查看这条群众意见。",
    "moderate_comments": "只有承办单位或巡察办可以审核群众意见。",
    "reply_comments": "只有承办单位或巡察办可以答复群众意见。",
    "view_commenter": "只有承办单位或巡察办可以查看留言人的联系方式。",
    "manage_portal": "只有巡察办可以管理公开网站的设置。",
    "view_analytics": "您无权查看这些统计。",
    "view_common_issues": "只有巡察办和监督部门可以查看共性问题。",
    "push_common_issues": "只有巡察办可以推送共性问题。",
    "confirm_repeats": "只有本巡察组成员或巡察办可以认定屡查屡犯。",
    "use_api": "您的角色不使用数据接口。",
    "import_findings": "只有本巡察组成员或巡察办可以导入反馈问题清单。",
    "import_measures": "只有本单位联络员或巡察办可以导入整改措施和进展。",
    "view_evaluation": "只有巡察办和监督部门可以查看整改成效评估。",
    "manage_evaluation": "只有巡察办可以修改评估方案、录入评分和重新评分。",
    "view_random_checks": "只有巡察办和监督部门可以查看随机抽查。",
    "random_checks": "只有巡察办可以开展随机抽查。",
    "exchange_bundles": "只有巡察办可以导出、导入数据包和决定交换冲突。",
    "manage_peers": "只有巡察办或系统管理员可以登记交换对象的公钥。",
}


def _in_scope(actor: Actor, scope: str | None, inspection: Inspection) -> bool:
    if scope == ALL:
        return True
    if scope == TEAM:
        return actor.team is not None and inspection.team_id == actor.team.pk
    if scope == UNIT:
        return actor.unit is not None and inspection.unit.path.startswith(actor.unit.path)
    return False


def allowed(actor: Actor, action: str, inspection: Inspection | None = None) -> bool:
    """May the actor do this action (on this inspection, when the scope needs one)?"""
    scope = ACTIONS[action].get(actor.role)
    if scope is None:
        return False
    if inspection is None:
        return scope == ALL
    return _in_scope(actor, scope, inspection)


def holds(actor: Actor, action: str) -> bool:
    """Does the actor's role hold the action in any scope (for showing a menu item)?"""
    return actor.role in ACTIONS[action]


def may_write(actor: Actor) -> bool:
    """Does the actor's role hold any action that writes (somewhere)? The read-only 监督查看 does not."""
    return any(actor.role in ACTIONS[action] for action in WRITES)


def require(actor: Actor, action: str, inspection: Inspection | None = None) -> None:
    if not allowed(actor, action, inspection):
        raise PermissionDenied(DENIED_MESSAGES[action])


def scope_filter(actor: Actor, action: str = "view", via: str = "") -> Q:
    """A Q limiting inspections (or rows reached through `via`, e.g. "inspection__") to the scope."""
    scope = ACTIONS[action].get(actor.role)
    if scope == ALL:
        return Q()
    if scope == TEAM and actor.team is not None:
        inspections = Q(team_id=actor.team.pk)
    elif scope == UNIT and actor.unit is not None:
        inspections = Q(unit__path__startswith=actor.unit.path)
    else:
        return Q(pk__in=[])
    if not via:
        return inspections
    # An IN (subquery) over the few visible inspections lets the database start from them and
    # follow the foreign-key indexes, instead of scanning every measure of the province.
    return Q(**{f"{via.removesuffix('__')}__in": Inspection.objects.filter(inspections).values("pk")})


def visible_inspections(actor: Actor):
    return Inspection.objects.filter(scope_filter(actor))


def actions_for(actor: Actor, inspection: Inspection) -> set[str]:
    """Every action the actor may take on this inspection (for showing buttons)."""
    return {action for action in ACTIONS if allowed(actor, action, inspection)}
