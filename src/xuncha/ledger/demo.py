"""Demo data: the sample notices parsed into a ledger, and one account per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from xuncha.core import privacy
from xuncha.core.document import NoticeDoc
from xuncha.core.parse import parse_text
from xuncha.demo import sample_notices
from xuncha.ledger import passwords
from xuncha.ledger.actor import Actor, system_actor
from xuncha.ledger.models import Inspection, Staff, Team, Unit
from xuncha.ledger.services import accounts, imports, notices, setup


@dataclass
class DemoAccount:
    username: str
    password: str
    role_label: str
    scope: str


def _unit_name(doc: NoticeDoc, name: str) -> str:
    return doc.unit or doc.issuer or name


def _inspection_for(actor: Actor, root: Unit, doc: NoticeDoc, name: str) -> Inspection:
    year = doc.inspection_start.year if doc.inspection_start else None
    team_name = doc.team or "巡察组"
    round_name = doc.round or (f"{year}年{team_name[:2]}常规巡察" if year else f"{team_name}巡察")
    round_ = setup.create_round(actor, round_name, start=doc.inspection_start, end=doc.inspection_end,
                                level=team_name[:2] if team_name.startswith(("区委", "市委", "县委")) else "")
    unit = setup.create_unit(actor, _unit_name(doc, name), parent=root,
                             kind="street" if "街道" in _unit_name(doc, name) else "community")
    team = setup.get_or_create_team(actor, team_name)
    return setup.create_inspection(actor, round_, team, unit, start=doc.inspection_start,
                                   end=doc.inspection_end, feedback_date=doc.feedback_date)


@transaction.atomic
def load_notices(actor: Actor | None = None) -> list[Inspection]:
    """Parse every sample notice and import it as a unit with its inspection."""
    actor = actor or system_actor()
    root = setup.create_unit(actor, "示范区委", kind="committee")
    inspections = []
    for name, text in sample_notices():
        doc = parse_text(text, source=name)
        inspection = _inspection_for(actor, root, doc, name)
        imports.import_notice(actor, inspection, doc)
        inspections.append(inspection)
    return inspections


def _plan(first: Inspection) -> list[tuple[str, str, Unit | None, Team | None, str, str]]:
    """(username, role, unit, team, label, scope) of each demo account."""
    return [
        ("admin", "office_admin", None, None, "巡察办管理员", "全部"),
        ("team", "team_member", None, first.team, "巡察组成员", first.team.name),
        ("editor", "unit_editor", first.unit, None, "被巡察单位联络员", first.unit.name),
        ("leader", "unit_leader", first.unit, None, "被巡察单位负责人", first.unit.name),
        ("supervisor", "supervisor", None, None, "监督查看（纪委/组织部）", "全部（只读）"),
        ("sysadmin", "sys_admin", None, None, "系统管理员", "账号、单位、巡察组、轮次"),
        ("secadmin", "security_admin", None, None, "安全管理员", "角色、锁定、双因素认证"),
        ("auditor", "audit_admin", None, None, "审计管理员", "审计记录（只读）"),
    ]


USERNAMES = ("admin", "team", "editor", "leader", "supervisor")
# The people behind the demo accounts: pages name people, and their role is shown beside the name.
PEOPLE = {"admin": "赵明", "team": "钱进", "editor": "孙丽", "leader": "郑伟", "supervisor": "周正"}
# 三员: three more people, one role each (a demo loaded before they existed gets them on its next run).
ADMIN_USERNAMES = ("sysadmin", "secadmin", "auditor")
PEOPLE.update({"sysadmin": "王芳", "secadmin": "冯涛", "auditor": "陈静"})


@transaction.atomic
def create_accounts(inspections: list[Inspection]) -> list[DemoAccount]:
    """One account per role, scoped to the first sample's unit and team; passwords are random."""
    actor = system_actor()
    created = []
    for username, role, unit, team, label, scope in _plan(inspections[0]):
        password = passwords.generate(12, get_user_model()(username=username, first_name=PEOPLE[username]))
        accounts.create_staff(actor, username, password, role, unit=unit, team=team,
                              display_name=PEOPLE[username])
        created.append(DemoAccount(username, password, label, scope))
    return created


def is_loaded() -> bool:
    """The demo was loaded into this data folder before (its accounts exist)."""
    return Staff.objects.filter(user__username__in=USERNAMES).count() == len(USERNAMES)


@transaction.atomic
def renew_passwords() -> list[DemoAccount]:
    """A later `make demo` keeps the data and gives every demo account a fresh random password."""
    actor = system_actor()
    first = Inspection.objects.select_related("team", "unit").order_by("pk").first()
    renewed = []
    for username, role, unit, team, label, scope in _plan(first):
        password = passwords.generate(12, get_user_model()(username=username, first_name=PEOPLE[username]))
        staff = Staff.objects.filter(user__username=username).first()
        if staff is None:  # an account added to the demo since this folder was loaded
            accounts.create_staff(actor, username, password, role, unit=unit, team=team,
                                  display_name=PEOPLE[username])
        else:
            accounts.set_password(actor, staff, password)
        renewed.append(DemoAccount(username, password, label, scope))
    return renewed


# -- the public end: each sample published, personal information masked (the portal shows them) --
DEMO_PUBLISH_REASON = "演示数据：示例通报按原文发布"


def publish_notices(inspections: list[Inspection]) -> int:
    """Publish each sample as the unit wrote it (its own statuses, 取得成效, contacts and date: the
    ledger imported from it knows only what each item states), personal information masked."""
    actor = system_actor()
    # load_notices made one inspection per sample, in the samples' order (strict: a mismatch raises).
    for inspection, (name, text) in zip(inspections, sample_notices(), strict=True):
        notice = notices.create_draft(actor, inspection, parse_text(text, source=name).to_dict())
        found = [d for d in notices.lint_checks(notice) if d.rule == "personal-info" and d.span]
        text = notice.doc.get("text") or ""
        for piece in dict.fromkeys(text[d.span[0]:d.span[1]] for d in found):
            if piece in (notice.doc.get("text") or ""):
                masker = notices.mask_number if privacy.number_kind(piece) else notices.mask_name
                notice = masker(actor, notice, piece)
        notice = notices.approve(actor, notice)
        notices.publish(actor, notice, override_reason=DEMO_PUBLISH_REASON)
    return len(inspections)
