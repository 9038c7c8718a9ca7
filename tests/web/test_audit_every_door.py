"""Every door of the site leaves its audit record, proved from the URL resolver's own list.

Each URL pattern (the Django admin's included) must have an entry in DOORS: a page that only
reads, or a write or download with the audit action it must leave. A new URL without an entry
fails `test_every_url_of_the_site_has_a_door_case`; each write is then driven for real and must
leave one record of its action (time, actor, client address behind the proxy, object, result),
and the same write tried by someone without the right must leave one refusal record.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PASSWORD
from xuncha.core.render.compose import FreeParts
from xuncha.jobs.models import Job
from xuncha.ledger.models import AuditEvent, Closeout, Evidence, Finding, Notice, ReuseCheck, Staff
from xuncha.ledger.services import closeouts, measures, notices, setup
from xuncha.web.refusals import ACTION as DENIED

pytestmark = pytest.mark.django_db

PROXY, CLIENT_ADDRESS = "10.9.9.9", "203.0.113.50"
NOTICE_FILE = sorted(Path("src/xuncha/demo/notices").glob("*.txt"))[0]


@dataclass
class Call:
    user: str
    method: str
    url: str
    data: dict = field(default_factory=dict)
    content_type: str = ""  # "application/json" for the API's JSON bodies


@dataclass(frozen=True)
class Door:
    kind: str  # read | write | download | auth | admin
    action: str = ""  # the audit action a write or download must leave
    prepare: Callable | None = None  # (world) -> Call
    refused_by: str = "outsider"  # someone the write must refuse (and the refusal be recorded)
    note: str = ""


# --- the world the doors are tried on ------------------------------------------------------------

class World:
    def __init__(self, cast, clients: Callable[[str], Client]) -> None:
        self.cast, self.client = cast, clients

    @property
    def finding(self) -> Finding:
        return Finding.objects.get(pk=self.cast.finding.pk)

    def measure(self):
        self.cast.measure.refresh_from_db()
        return self.cast.measure

    def done_finding(self) -> Finding:
        measures.report_progress(self.cast.actor("editor"), self.measure(), dt.date(2025, 11, 10), "完成",
                                 [("记录.pdf", [b"%PDF-1.4 x"])], mark="done")
        return self.finding

    def closeout(self) -> Closeout:
        return closeouts.request_closeout(self.cast.actor("editor"), self.done_finding())

    def endorsed(self) -> Closeout:
        """A request the unit leader endorsed: the office may now decide it."""
        return closeouts.endorse_closeout(self.cast.actor("leader"), self.closeout(), "同意")

    def closed_finding(self) -> Finding:
        closeouts.approve_closeout(self.cast.actor("admin"), self.endorsed(), "同意")
        return self.finding

    def extension(self):
        from xuncha.ledger.services import extensions

        return extensions.request_extension(self.cast.actor("editor"), self.measure(), dt.date(2025, 12, 31),
                                            "需要等待上级批复")

    def image_evidence(self) -> Evidence:
        from PIL import Image

        image = io.BytesIO()
        Image.new("RGB", (40, 30), "red").save(image, "PNG")
        measures.report_progress(self.cast.actor("editor"), self.measure(), dt.date(2025, 11, 10), "现场照片",
                                 [("现场.png", [image.getvalue()])])
        return Evidence.objects.get(original_name="现场.png")

    def export_job(self, django_capture) -> Job:
        from django.conf import settings

        settings.EXPORT_BACKGROUND_MEASURES = 1
        with django_capture(execute=True):
            self.client("admin").post(reverse("round-export", args=[self.cast.inspection.round_id]))
        return Job.objects.get(name="ledger.round_export", state="done")

    def staff(self, name: str) -> Staff:
        return Staff.objects.get(user=self.cast.users[name])

    def enrolled(self, name: str):
        """The person's confirmed authenticator (enrolled through the service)."""
        from xuncha.ledger.services import twofactor

        actor = self.cast.actor(name)
        device = twofactor.begin_enrolment(actor).device
        twofactor.confirm_enrolment(actor, device.pk, totp(device, self.otp_clock.value))
        device.refresh_from_db()
        self.otp_clock.value += 60  # the next code is a new one
        return device

    def notification(self, name: str = "editor"):
        from xuncha.notify.models import Notification

        return Notification.objects.create(recipient=self.cast.users[name], kind="reminder", title="到期提醒",
                                           link="/measures/", key=f"test:{name}", created_at=self.now())

    @staticmethod
    def now():
        from xuncha import clock

        return clock.now()

    def supervision(self, answered: bool = False):
        from xuncha.notify import ladder
        from xuncha.notify import services as notify
        from xuncha.notify.models import Supervision

        ladder.run(dt.date(2025, 11, 16))
        found = Supervision.objects.get()
        if answered:
            found = notify.move(self.cast.actor("editor"), found, "answer", "已整改到位")
        return found

    def interview(self):
        from xuncha.notify import ladder
        from xuncha.notify.models import Interview

        for day in (dt.date(2025, 11, 16), dt.date(2025, 12, 16)):
            ladder.run(day)
        return Interview.objects.get()

    def comment(self, text: str = "消防栓还没有水。"):
        """A public comment on the published notice, held for moderation."""
        from django.contrib.auth.models import AnonymousUser

        from xuncha.ledger.actor import actor_for
        from xuncha.portal.services import comments

        notice = Notice.objects.filter(state="published").first() or self.published()
        public = actor_for(AnonymousUser(), CLIENT_ADDRESS)
        return comments.post(public, notice, text, "张三", "13812345678").comment

    def published_comment(self, text: str = "楼道灯坏了。"):
        from xuncha.portal.services import comments

        return comments.moderate(self.cast.actor("admin"), self.comment(text), "publish")

    def earlier_finding(self) -> Finding:
        """The same unit's finding in an earlier round: a repeat to confirm or reject."""
        from xuncha.ledger.services import findings

        system = self.cast.system
        old_round = setup.create_round(system, "2023年区委第一轮巡察", start=dt.date(2023, 3, 1))
        old = setup.create_inspection(system, old_round, self.cast.team2, self.cast.tianbao,
                                      start=dt.date(2023, 3, 2), end=dt.date(2023, 4, 10),
                                      feedback_date=dt.date(2023, 5, 15))
        return findings.create_finding(system, old, "“第一议题”制度落实不到位")

    def scheme_item(self, rated: bool = False):
        from xuncha.evaluation import selectors

        return selectors.current_scheme().items.filter(rated=rated).first()

    def draw(self):
        """A 随机抽查 of a finding of its own, signed off (the cast's measure stays overdue)."""
        from xuncha.evaluation import checks
        from xuncha.ledger.services import findings

        found = findings.create_finding(self.cast.system, self.cast.inspection, "村务公开不及时")
        measure = measures.create_measure(self.cast.system, found, "每月公开村务", deadline=dt.date(2025, 12, 31))
        measures.report_progress(self.cast.actor("editor"), measure, dt.date(2025, 11, 10), "完成",
                                 [("公开.pdf", [b"%PDF-1.4 x"])], mark="done")
        closeout = closeouts.request_closeout(self.cast.actor("editor"), Finding.objects.get(pk=found.pk))
        closeout = closeouts.endorse_closeout(self.cast.actor("leader"), closeout, "同意")
        closeouts.approve_closeout(self.cast.actor("admin"), closeout, "同意")
        return checks.draw(self.cast.actor("admin"), self.cast.inspection.round, "count", "1", seed="7")

    def evidence(self) -> Evidence:
        self.done_finding()
        return Evidence.objects.get()

    def draft(self, overview: str = "") -> Notice:
        notice = notices.draft_from_ledger(self.cast.actor("editor"), self.cast.inspection)
        if overview:
            notice = notices.update_draft(self.cast.actor("editor"), notice,
                                          FreeParts(overview=[overview], plans=[]), notice.row_version)
        return notice

    def approved(self) -> Notice:
        return notices.approve(self.cast.actor("leader"), self.draft())

    def published(self) -> Notice:
        return notices.publish(self.cast.actor("admin"), self.approved(), override_reason="测试")

    def reuse_check(self, django_capture) -> ReuseCheck:
        batch = io.BytesIO("会议记录：每周通报进度，逐一建立台账。".encode())
        batch.name = "甲.txt"
        with django_capture(execute=True):
            self.client("admin").post(reverse("reuse-checks"), {"files": [batch], "title": "述职"})
        return ReuseCheck.objects.get()

    def empty_inspection(self):
        system = self.cast.system
        unit = setup.create_unit(system, "新华社区", parent=self.cast.street)
        return setup.create_inspection(system, self.cast.inspection.round, self.cast.team4, unit,
                                       start=dt.date(2025, 7, 2), end=dt.date(2025, 8, 10),
                                       feedback_date=dt.date(2025, 9, 15))

    def staged_import(self) -> tuple[object, str]:
        inspection = self.empty_inspection()
        client = self.client("admin")
        with NOTICE_FILE.open("rb") as upload:
            client.post(reverse("import", args=[inspection.pk]), {"file": upload})
        return inspection, client.session[f"import:{inspection.pk}"]["token"]

    def remote(self):
        """A laptop whose key the office registered (tests/exchange/remote.py)."""
        from tests.exchange.remote import Remote

        if not hasattr(self, "_remote"):
            self._remote = Remote()
        return self._remote

    def peer(self):
        from xuncha.exchange import services as exchange
        from xuncha.exchange.models import Peer

        return (Peer.objects.filter(name="笔记本").first()
                or exchange.register_key(self.cast.system, "笔记本", self.remote().public))

    def bundle_upload(self):
        self.peer()
        upload = io.BytesIO(self.remote().bundle([], self.cast.inspection.uid))
        upload.name = "bundle.zip"
        return upload

    def exchange_conflict(self):
        """An open conflict on the measure's lead, as an import leaves it."""
        import uuid

        from xuncha.exchange.models import Conflict, Transfer

        peer, measure = self.peer(), self.measure()
        transfer = Transfer.objects.create(direction="in", peer=peer, seq=1, bundle_id=uuid.uuid4(),
                                           inspection=self.cast.inspection, inspection_uid=self.cast.inspection.uid,
                                           at=self.now(), actor_name="系统", sha256="0" * 64)
        return Conflict.objects.create(transfer=transfer, peer=peer, kind="measure", uid=measure.uid,
                                       object_id=measure.pk, inspection=self.cast.inspection, field="lead",
                                       base=measure.lead, ours=measure.lead, theirs="张书记")

    def failed_job(self) -> Job:
        from xuncha.jobs.queue import enqueue

        job = enqueue("reuse.purge", {"day": "2025-11-20"}, dispatch=False)
        Job.objects.filter(pk=job.pk).update(state="failed", error="测试失败")
        return job


def totp(device, at: float) -> str:
    from django_otp.oath import TOTP

    code = TOTP(device.bin_key, device.step, device.t0, device.digits)
    code.time = at
    return f"{code.token():06d}"


def _dates(**extra) -> dict:
    return {"start": "2025-07-02", "end": "2025-08-10", "feedback_date": "2025-09-15", **extra}


def _enrolling(w: World, name: str) -> Call:
    """Open the enrolment page (an unconfirmed key in the session), then confirm it with a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    w.client(name).get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=w.cast.users[name], confirmed=False)
    return Call(name, "post", reverse("two-factor-setup"), {"token": totp(device, w.otp_clock.value)})


def _verifying(w: World, name: str) -> Call:
    device = w.enrolled(name)
    return Call(name, "post", reverse("two-factor-verify"), {"token": totp(device, w.otp_clock.value)})


def _renewing(w: World, name: str) -> Call:
    w.client(name).post(**_call_kwargs(_verifying(w, name)))  # renewing needs a verified session
    return Call(name, "post", reverse("two-factor-recovery"))


def _call_kwargs(call: Call) -> dict:
    return {"path": call.url, "data": call.data}


def _form_version(world: World, obj) -> dict:
    return {"version": obj.version}


def finding_form(world: World) -> dict:
    return {"title": "会议记录不规范", "description": "记录缺项。", "source": "feedback", "category": "",
            "number": ""}


def measure_form(world: World, deadline: str = "2025-12-31") -> dict:
    return {"text": "补全会议记录", "kind": "deadline", "deadline": deadline, "lead": "王书记", "owner": "社区党委"}


DOORS: dict[str, Door] = {
    # The staff site: pages that only read.
    **{name: Door("read") for name in ("workbench", "rounds", "round", "findings", "inspection", "finding",
                                       "notice", "reuse-check", "jobs", "audit-log")},
    "login": Door("auth", note="login, failed login and lockout: test_logins_and_failures_are_recorded"),
    "logout": Door("auth", note="test_logins_and_failures_are_recorded"),
    "password-change": Door("write", "account.password", lambda w: Call(
        "editor", "post", reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "Ganbu-2025-anquan!", "new_password2": "Ganbu-2025-anquan!"}),
        refused_by=""),
    "finding-create": Door("write", "finding.create", lambda w: Call(
        "team_member", "post", reverse("finding-create", args=[w.cast.inspection.pk]), finding_form(w))),
    "finding-update": Door("write", "finding.update", lambda w: Call(
        "team_member", "post", reverse("finding-update", args=[w.finding.pk]),
        {**finding_form(w), **_form_version(w, w.finding)})),
    "measure-create": Door("write", "measure.create", lambda w: Call(
        "editor", "post", reverse("measure-create", args=[w.finding.pk]), measure_form(w))),
    "measure-update": Door("write", "measure.update", lambda w: Call(
        "editor", "post", reverse("measure-update", args=[w.measure().pk]),
        {**measure_form(w, w.measure().deadline.isoformat()), **_form_version(w, w.measure())})),
    # Status moves are named by the transitions table: planned → in_progress is "start".
    "measure-status": Door("write", "measure.start", lambda w: Call(
        "editor", "post", reverse("measure-status", args=[w.measure().pk]),
        {"status": "in_progress", "version": w.measure().version})),
    "progress-create": Door("write", "progress.report", lambda w: Call(
        "editor", "post", reverse("progress-create", args=[w.measure().pk]),
        {"date": "2025-11-10", "text": "已召开会议", "mark": "", "version": w.measure().version})),
    "closeout-request": Door("write", "closeout.request", lambda w: Call(
        "editor", "post", reverse("closeout-request", args=[w.done_finding().pk]), {"comment": "已完成"})),
    # 单位负责人审核 first (XUNCHA_CLOSEOUT_ENDORSEMENT), then the office decides.
    "closeout-endorse": Door("write", "closeout.endorse", lambda w: Call(
        "leader", "post", reverse("closeout-endorse", args=[w.closeout().pk]), {"comment": "同意"})),
    "closeout-approve": Door("write", "closeout.approve", lambda w: Call(
        "admin", "post", reverse("closeout-approve", args=[w.endorsed().pk]), {"comment": "同意"})),
    "closeout-return": Door("write", "closeout.return", lambda w: Call(
        "admin", "post", reverse("closeout-return", args=[w.closeout().pk]), {"comment": "材料不全"})),
    "lookback-create": Door("write", "lookback.record", lambda w: Call(
        "admin", "post", reverse("lookback-create", args=[w.closed_finding().pk]),
        {"date": "2025-11-15", "result": "sustained", "comment": ""})),
    "import": Door("write", "import.stage", lambda w: Call(
        "admin", "post", reverse("import", args=[w.empty_inspection().pk]), {"file": NOTICE_FILE.open("rb")})),
    "import-confirm": Door("write", "notice.import", lambda w: (lambda staged: Call(
        "admin", "post", reverse("import-confirm", args=[staged[0].pk]),
        {"token": staged[1], "accept_mismatch": "1"}))(w.staged_import())),
    "import-cancel": Door("write", "import.cancel", lambda w: (lambda staged: Call(
        "admin", "post", reverse("import-cancel", args=[staged[0].pk]), {"token": staged[1]}))(w.staged_import())),
    "notice-create": Door("write", "notice.draft", lambda w: Call(
        "editor", "post", reverse("notice-create", args=[w.cast.inspection.pk]))),
    "notice-edit": Door("write", "notice.edit", lambda w: (lambda n: Call(
        "editor", "post", reverse("notice-edit", args=[n.pk]),
        {"overview": "总体情况。", "plans": "下一步。", "version": n.row_version}))(w.draft())),
    "notice-approve": Door("write", "notice.approve", lambda w: Call(
        "leader", "post", reverse("notice-approve", args=[w.draft().pk]))),
    "notice-publish": Door("write", "notice.publish", lambda w: Call(
        "admin", "post", reverse("notice-publish", args=[w.approved().pk]), {"override_reason": "测试"})),
    "notice-mask": Door("write", "notice.mask", lambda w: Call(
        "editor", "post", reverse("notice-mask", args=[w.draft("张建国同志主持召开会议。").pk]), {"name": "张建国"})),
    "notice-mask-number": Door("write", "notice.mask", lambda w: Call(
        "editor", "post", reverse("notice-mask-number", args=[w.draft("联系电话13912345678。").pk]),
        {"number": "13912345678"})),
    "job-retry": Door("write", "job.retry", lambda w: Call(
        "admin", "post", reverse("job-retry", args=[w.failed_job().pk])), refused_by="editor"),
    # Downloads and exports of files that hold personal data.
    "evidence-download": Door("download", "evidence.download", lambda w: Call(
        "editor", "get", reverse("evidence-download", args=[w.evidence().pk]))),
    "ledger-export": Door("download", "ledger.export", lambda w: Call(
        "editor", "get", reverse("ledger-export", args=[w.cast.inspection.pk]))),
    "notice-download": Door("download", "notice.download", lambda w: Call(
        "editor", "get", reverse("notice-download", args=[w.published().pk, "txt"]))),
    "audit-export": Door("download", "audit.export", lambda w: Call("admin", "get", reverse("audit-export"))),
    # These two need a finished 雷同 check: see test_reuse_doors.
    "reuse-checks": Door("write", "reuse.check", note="GET reads; POST: test_reuse_doors"),
    "reuse-export": Door("download", "reuse.export", note="test_reuse_doors"),

    # 工作台 lists, 延期 requests and their decisions.
    "measures": Door("read"),
    "todo": Door("read", prepare=lambda w: Call("admin", "get", reverse("todo", args=["closeouts-to-decide"]))),
    "extension-request": Door("write", "extension.request", lambda w: Call(
        "editor", "post", reverse("extension-request", args=[w.measure().pk]),
        {"new_deadline": "2025-12-31", "reason": "需要等待上级批复"})),
    "extension-approve": Door("write", "extension.approve", lambda w: Call(
        "admin", "post", reverse("extension-approve", args=[w.extension().pk]), {"comment": "同意"}),
        refused_by="editor"),
    "extension-refuse": Door("write", "extension.refuse", lambda w: Call(
        "admin", "post", reverse("extension-refuse", args=[w.extension().pk]), {"comment": "理由不充分"}),
        refused_by="editor"),

    # Evidence: a thumbnail is a preview on the finding page (a read); the file itself, shown in
    # the page or downloaded, is recorded; taking a file back is a write.
    "evidence-thumbnail": Door("read", prepare=lambda w: Call(
        "admin", "get", reverse("evidence-thumbnail", args=[w.image_evidence().pk]))),
    "evidence-inline": Door("download", "evidence.view", lambda w: Call(
        "editor", "get", reverse("evidence-inline", args=[w.evidence().pk]))),
    "evidence-withdraw": Door("write", "evidence.withdraw", lambda w: Call(
        "editor", "post", reverse("evidence-withdraw", args=[w.evidence().pk]))),
    "evidence-remove": Door("write", "evidence.remove", lambda w: (lambda f: Call(
        "sysadmin", "post", reverse("evidence-remove", args=[Evidence.objects.get().pk]),
        {"reason": "误传了无关文件"}))(w.closed_finding())),

    # 导出台账 of a round: at once, or built by a job and downloaded later.
    "round-export": Door("download", "round.export", lambda w: Call(
        "admin", "post", reverse("round-export", args=[w.cast.inspection.round_id]))),
    "round-export-page": Door("download", "round.export", lambda w: Call(
        "admin", "get", reverse("round-export-page", args=[w.cast.inspection.round_id]))),
    "round-export-download": Door("download", "round.export_download", note="test_round_export_doors"),

    # 双因素认证: the person's own key, codes and recovery codes (no one else's right to refuse).
    "two-factor": Door("read"),
    "two-factor-setup": Door("write", "2fa.enrolled", lambda w: _enrolling(w, "admin"), refused_by=""),
    "two-factor-verify": Door("write", "2fa.verified", lambda w: _verifying(w, "admin"), refused_by=""),
    "two-factor-recovery": Door("write", "2fa.recovery_renewed", lambda w: _renewing(w, "admin"),
                                refused_by=""),

    # 账号管理 by the 三员.
    "accounts": Door("read", prepare=lambda w: Call("sysadmin", "get", reverse("accounts"))),
    "account": Door("read", prepare=lambda w: Call(
        "sysadmin", "get", reverse("account", args=[w.staff("outsider").pk]))),
    "account-create": Door("write", "staff.create", lambda w: Call(
        "sysadmin", "post", reverse("account-create"),
        {"username": "newbie", "display_name": "新人", "role": "unit_editor", "unit": w.cast.tianbao.pk})),
    "account-active": Door("write", "staff.deactivate", lambda w: Call(
        "sysadmin", "post", reverse("account-active", args=[w.staff("outsider").pk]), {"active": "0"})),
    "account-password": Door("write", "staff.password", lambda w: Call(
        "sysadmin", "post", reverse("account-password", args=[w.staff("outsider").pk]))),
    "account-role": Door("write", "staff.role", lambda w: Call(
        "secadmin", "post", reverse("account-role", args=[w.staff("outsider").pk]),
        {"role": "unit_leader", "unit": w.cast.jianshe.pk})),
    "account-unlock": Door("write", "login.release", lambda w: Call(
        "secadmin", "post", reverse("account-unlock", args=[w.staff("outsider").pk]))),
    "account-2fa-reset": Door("write", "2fa.reset", lambda w: (lambda d: Call(
        "secadmin", "post", reverse("account-2fa-reset", args=[w.staff("admin").pk])))(w.enrolled("admin"))),

    # 巡察安排.
    **{name: Door("read") for name in ("setup", "setup-units", "setup-teams")},
    "setup-round": Door("read", prepare=lambda w: Call(
        "admin", "get", reverse("setup-round", args=[w.cast.inspection.round_id]))),
    "setup-inspection": Door("read", prepare=lambda w: Call(
        "admin", "get", reverse("setup-inspection", args=[w.cast.inspection.pk]))),
    "setup-unit": Door("read", prepare=lambda w: Call("admin", "get", reverse("setup-unit", args=[w.cast.tianbao.pk]))),
    "setup-team": Door("read", prepare=lambda w: Call("admin", "get", reverse("setup-team", args=[w.cast.team4.pk]))),
    "setup-round-create": Door("write", "round.create", lambda w: Call(
        "admin", "post", reverse("setup-round-create"),
        {"name": "2026年区委第一轮巡察", "level": "区委", "type": "regular", "start": "2026-03-01"})),
    "setup-round-update": Door("write", "round.update", lambda w: Call(
        "admin", "post", reverse("setup-round-update", args=[w.cast.inspection.round_id]),
        {"name": "2025年区委第三轮巡察（调整）", "level": "区委", "type": "regular", "start": "2025-07-01"})),
    "setup-inspections-bulk": Door("write", "inspection.create", lambda w: Call(
        "admin", "post", reverse("setup-inspections-bulk", args=[w.cast.inspection.round_id]),
        _dates(team=w.cast.team2.pk, units=[w.cast.street.pk]))),
    "setup-inspection-create": Door("write", "inspection.create", lambda w: Call(
        "admin", "post", reverse("setup-inspection-create"),
        _dates(round=w.cast.inspection.round_id, team=w.cast.team2.pk, unit=w.cast.street.pk))),
    "setup-inspection-update": Door("write", "inspection.update", lambda w: Call(
        "admin", "post", reverse("setup-inspection-update", args=[w.cast.inspection.pk]),
        _dates(team=w.cast.team4.pk, unit=w.cast.tianbao.pk, end="2025-08-12"))),
    "setup-unit-create": Door("write", "unit.create", lambda w: Call(
        "admin", "post", reverse("setup-unit-create"),
        {"name": "新华社区", "short_name": "", "kind": "community", "parent": w.cast.street.pk})),
    "setup-unit-update": Door("write", "unit.update", lambda w: Call(
        "admin", "post", reverse("setup-unit-update", args=[w.cast.jianshe.pk]),
        {"name": "建设社区", "short_name": "建设", "kind": "community", "parent": w.cast.district.pk})),
    "setup-team-create": Door("write", "team.create", lambda w: Call(
        "admin", "post", reverse("setup-team-create"), {"name": "区委第九巡察组"})),
    "setup-team-rename": Door("write", "team.update", lambda w: Call(
        "admin", "post", reverse("setup-team-rename", args=[w.cast.team2.pk]), {"name": "区委第二巡察组（调整）"})),
    "setup-member-add": Door("write", "staff.team", lambda w: Call(
        "admin", "post", reverse("setup-member-add", args=[w.cast.team4.pk]), {"staff": w.staff("other_team").pk})),
    "setup-member-remove": Door("write", "staff.team", lambda w: Call(
        "admin", "post", reverse("setup-member-remove", args=[w.cast.team4.pk, w.staff("team_member").pk]))),

    # 通知: the inbox is one's own (a read, but marking read changes it and is recorded).
    "inbox": Door("read"),
    "inbox-read": Door("write", "notification.read", lambda w: Call(
        "editor", "post", reverse("inbox-read", args=[w.notification("editor").pk]))),
    "inbox-read-all": Door("write", "notification.read_all", lambda w: (lambda n: Call(
        "editor", "post", reverse("inbox-read-all")))(w.notification("editor")), refused_by=""),
    "inbox-preferences": Door("write", "notify.preferences", lambda w: Call(
        "editor", "post", reverse("inbox-preferences"), {"email_kinds": ["reminder"], "digest": "on"}),
        refused_by="", note="GET reads: test_reading_pages_write_nothing drives it too"),

    # 督办 and 约谈.
    **{name: Door("read") for name in ("supervisions", "interviews")},
    "supervision": Door("read", prepare=lambda w: Call(
        "admin", "get", reverse("supervision", args=[w.supervision().pk]))),
    "ladder-settings": Door("write", "ladder.settings", lambda w: Call(
        "admin", "post", reverse("ladder-settings"),
        {"reminder_days": "20,10,0", "interview_days": "30", "reply_days": "10", "issuer": "区委巡察办"}),
        refused_by="editor"),
    "supervision-answer": Door("write", "supervision.answer", lambda w: Call(
        "editor", "post", reverse("supervision-answer", args=[w.supervision().pk]), {"text": "已整改到位"})),
    "supervision-accept": Door("write", "supervision.accept", lambda w: Call(
        "admin", "post", reverse("supervision-accept", args=[w.supervision(answered=True).pk]),
        {"text": "同意办结"}), refused_by="editor"),
    "supervision-return": Door("write", "supervision.return", lambda w: Call(
        "admin", "post", reverse("supervision-return", args=[w.supervision(answered=True).pk]),
        {"text": "佐证不充分"}), refused_by="editor"),
    "supervision-letter": Door("download", "supervision.letter", lambda w: Call(
        "editor", "get", reverse("supervision-letter", args=[w.supervision().pk, "docx"]))),
    "interview": Door("write", "interview.record", lambda w: Call(
        "admin", "post", reverse("interview", args=[w.interview().pk]),
        {"held_on": "2025-11-20", "people": "巡察办主任王某；社区党委书记李某", "notes": "已约谈"}),
        refused_by="editor", note="GET reads: test_reading_pages_write_nothing drives it too"),

    # 统计分析.
    **{name: Door("read") for name in ("analytics", "common-issues")},
    "analytics-export": Door("download", "analytics.export", lambda w: Call(
        "admin", "get", reverse("analytics-export"))),
    "cluster-start": Door("write", "job.enqueue", lambda w: Call(
        "admin", "post", reverse("cluster-start"), {"rounds": [w.cast.inspection.round_id]}),
        refused_by="editor", note="the clustering is a job: its record is the queue's job.enqueue"),
    "common-issue-push": Door("write", "common_issue.push", lambda w: Call(
        "admin", "post", reverse("common-issue-push"),
        {"name": "“第一议题”落实不到位", "findings": [w.finding.pk], "units": [w.cast.jianshe.pk],
         "round": w.cast.inspection.round_id}), refused_by="editor"),
    "repeat-decide": Door("write", "finding.repeat_confirm", lambda w: Call(
        "team_member", "post", reverse("repeat-decide", args=[w.finding.pk]),
        {"earlier": w.earlier_finding().pk, "decision": "confirm"})),

    # 整改成效评估 and 随机抽查.
    **{name: Door("read") for name in ("evaluation", "random-checks")},
    "evaluation-scheme": Door("write", "evaluation.scheme_update", lambda w: Call(
        "admin", "post", reverse("evaluation-scheme"),
        {"name": "评估方案", "grades": "好 90\n差 0", "groups": "巡察办\n群众代表"}), refused_by="editor",
        note="GET reads: test_reading_pages_write_nothing drives it too"),
    "evaluation-item": Door("write", "evaluation.item_save", lambda w: Call(
        "admin", "post", reverse("evaluation-item", args=[0]),
        {"kind": "deduction", "name": "未按期报送", "weight": "5", "formula": "督办次数 * 1"}), refused_by="editor"),
    "evaluation-item-delete": Door("write", "evaluation.item_delete", lambda w: Call(
        "admin", "post", reverse("evaluation-item-delete", args=[w.scheme_item().pk])), refused_by="editor"),
    "evaluation-round": Door("read", prepare=lambda w: Call(
        "admin", "get", reverse("evaluation-round", args=[w.cast.inspection.round_id]))),
    "evaluation-run": Door("write", "job.enqueue", lambda w: Call(
        "admin", "post", reverse("evaluation-run", args=[w.cast.inspection.round_id])), refused_by="editor",
        note="scoring a round is a job: its record is the queue's job.enqueue"),
    "evaluation-unit": Door("read", prepare=lambda w: Call(
        "supervisor", "get", reverse("evaluation-unit", args=[w.cast.inspection.round_id, w.cast.tianbao.pk]))),
    "evaluation-ratings": Door("write", "evaluation.rate", lambda w: Call(
        "admin", "post", reverse("evaluation-ratings", args=[w.cast.inspection.round_id, w.cast.tianbao.pk]),
        {f"score:{w.scheme_item(rated=True).pk}:巡察办": "80"}), refused_by="editor"),
    "evaluation-report": Door("download", "evaluation.report", lambda w: Call(
        "supervisor", "get", reverse("evaluation-report", args=[w.cast.inspection.round_id, w.cast.tianbao.pk,
                                                                  "docx"]))),
    "random-check-draw": Door("write", "random_check.draw", lambda w: Call(
        "admin", "post", reverse("random-check-draw"),
        {"round": w.closed_finding().inspection.round_id, "mode": "count", "size": "1", "seed": "7"}),
        refused_by="editor"),
    "random-check": Door("read", prepare=lambda w: Call(
        "supervisor", "get", reverse("random-check", args=[w.draw().pk]))),
    "random-check-record": Door("write", "random_check.record", lambda w: Call(
        "admin", "post", reverse("random-check-record", args=[w.draw().items.get().pk]),
        {"result": "failed", "note": "现场与报告不符", "text": ["整改措施已按方案落实到位"]}), refused_by="editor"),

    # 群众监督, the staff side.
    "portal-staff:comments": Door("read"),
    "portal-staff:settings": Door("read"),
    "portal-staff:comment": Door("read", prepare=lambda w: Call(
        "admin", "get", reverse("portal-staff:comment", args=[w.comment().pk]))),
    "portal-staff:publish": Door("write", "comment.publish", lambda w: Call(
        "editor", "post", reverse("portal-staff:publish", args=[w.comment().pk]))),
    "portal-staff:merge": Door("write", "comment.merge", lambda w: (lambda into: Call(
        "editor", "post", reverse("portal-staff:merge", args=[w.comment().pk]),
        {"into": into.pk, "reason": "同一问题"}))(w.published_comment())),
    "portal-staff:decline": Door("write", "comment.decline", lambda w: Call(
        "editor", "post", reverse("portal-staff:decline", args=[w.comment().pk]), {"reason": "与通报无关"})),
    "portal-staff:reply": Door("write", "comment.reply", lambda w: Call(
        "editor", "post", reverse("portal-staff:reply", args=[w.comment().pk]), {"reply": "已安排维修。"})),
    "portal-staff:assign": Door("write", "comment.assign", lambda w: Call(
        "admin", "post", reverse("portal-staff:assign", args=[w.comment().pk]), {"unit": w.cast.street.pk}),
        refused_by="editor"),
    "portal-staff:reveal": Door("download", "comment.reveal", lambda w: Call(
        "admin", "post", reverse("portal-staff:reveal", args=[w.comment().pk])),
        note="personal data of the public: each look is recorded; refusal in test_portal_doors"),
    "portal-staff:holiday": Door("write", "portal.holiday", lambda w: Call(
        "admin", "post", reverse("portal-staff:holiday"), {"date": "2025-10-01", "kind": "holiday", "name": "国庆节"}),
        refused_by="editor"),
    "portal-staff:live": Door("write", "portal.live_progress", lambda w: Call(
        "admin", "post", reverse("portal-staff:live", args=[w.cast.inspection.round_id]), {"on": "1"}),
        refused_by="editor"),
}

# The JSON API (xuncha.api): the same acts through the same services, so the same records. Driven
# here with the session (the site's own pages may call it); tokens are tried in tests/api.
JSON = "application/json"


def _api(user: str, method: str, name: str, args: list | None = None, data: dict | None = None) -> Call:
    return Call(user, method, reverse(f"api:{name}", args=args or []), data or {}, JSON if method != "get" else "")


def _other_extension(w: World):
    """A 延期 request on the other unit's measure (the cast's own finding may be waiting for sign-off)."""
    from xuncha.ledger.services import extensions

    return extensions.request_extension(w.cast.actor("outsider"), w.cast.other_measure, dt.date(2026, 1, 31),
                                        "需要等待上级批复")


def _reuse_upload():
    batch = io.BytesIO("会议记录：每周通报进度，逐一建立台账。".encode())
    batch.name = "甲.txt"
    return batch


def _token(w: World, name: str = "editor"):
    from xuncha.api import tokens

    return tokens.create_token(w.cast.system, w.cast.users[name]).token


DOORS |= {
    **{f"api:{name}": Door("read", prepare=lambda w, name=name: _api("admin", "get", name))
       for name in ("rounds", "units", "teams", "inspections", "findings", "measures", "notices", "comments",
                    "reuse-checks", "analytics-summary", "openapi-json", "openapi-view")},
    "api:round": Door("read", prepare=lambda w: _api("admin", "get", "round", [w.cast.inspection.round_id])),
    "api:unit": Door("read", prepare=lambda w: _api("admin", "get", "unit", [w.cast.tianbao.pk])),
    "api:team": Door("read", prepare=lambda w: _api("admin", "get", "team", [w.cast.team4.pk])),
    "api:inspection": Door("read", prepare=lambda w: _api("admin", "get", "inspection", [w.cast.inspection.pk])),
    "api:closeout": Door("read", prepare=lambda w: _api("admin", "get", "closeout", [w.closeout().pk])),
    "api:extension": Door("read", prepare=lambda w: _api("admin", "get", "extension", [_other_extension(w).pk])),
    "api:notice": Door("read", prepare=lambda w: _api("admin", "get", "notice", [w.draft().pk])),
    "api:comment": Door("read", prepare=lambda w: _api("admin", "get", "comment", [w.comment().pk])),
    # django-ninja's root only anchors the API's paths (it answers 404): the docs page is read instead.
    "api:api-root": Door("read", prepare=lambda w: _api("admin", "get", "openapi-view"), note="behind api-home"),
    "api:reuse-check": Door("read", note="GET reads the batch (test_reading_pages_write_nothing)"),
    "api:reuse-check-start": Door("write", "reuse.check", lambda w: Call(
        "admin", "post", reverse("api:reuse-check-start"), {"files": [_reuse_upload()], "title": "述职"})),
    "api:supervisions": Door("read", prepare=lambda w: _api("admin", "get", "supervisions")),
    "api:supervision": Door("read", prepare=lambda w: _api("admin", "get", "supervision", [w.supervision().pk])),
    "api:supervision-move": Door("write", "supervision.answer", lambda w: _api(
        "editor", "post", "supervision-move", [w.supervision().pk, "answer"], {"text": "已整改到位"})),
    "api:supervision-letter": Door("download", "supervision.letter", lambda w: _api(
        "editor", "get", "supervision-letter", [w.supervision().pk, "docx"])),
    "api:interviews": Door("read", prepare=lambda w: _api("admin", "get", "interviews")),
    "api:interview": Door("read", prepare=lambda w: _api("admin", "get", "interview", [w.interview().pk])),
    "api:interview-record": Door("write", "interview.record", lambda w: _api(
        "admin", "post", "interview-record", [w.interview().pk],
        {"held_on": "2025-11-20", "people": "巡察办主任王某；社区党委书记李某", "notes": "已约谈"}),
        refused_by="editor"),
    # 巡察安排 through the API: the same services as the setup-* pages above, so the same records.
    "api:team-members": Door("read", prepare=lambda w: _api("admin", "get", "team-members", [w.cast.team4.pk])),
    "api:round-create": Door("write", "round.create", lambda w: _api(
        "admin", "post", "round-create",
        data={"name": "2026年区委第一轮巡察", "level": "区委", "start": "2026-03-01"})),
    "api:round-update": Door("write", "round.update", lambda w: _api(
        "admin", "patch", "round-update", [w.cast.inspection.round_id], {"name": "2025年区委第三轮巡察（调整）"})),
    "api:unit-create": Door("write", "unit.create", lambda w: _api(
        "admin", "post", "unit-create", data={"name": "新华社区", "parent": w.cast.street.pk})),
    "api:unit-update": Door("write", "unit.update", lambda w: _api(
        "admin", "patch", "unit-update", [w.cast.jianshe.pk], {"short_name": "建设", "parent": w.cast.district.pk})),
    "api:team-create": Door("write", "team.create", lambda w: _api(
        "admin", "post", "team-create", data={"name": "区委第九巡察组"})),
    "api:team-update": Door("write", "team.update", lambda w: _api(
        "admin", "patch", "team-update", [w.cast.team2.pk], {"name": "区委第二巡察组（调整）"})),
    "api:team-member-add": Door("write", "staff.team", lambda w: _api(
        "admin", "post", "team-member-add", [w.cast.team4.pk], {"staff": w.staff("other_team").pk})),
    "api:team-member-remove": Door("write", "staff.team", lambda w: _api(
        "admin", "delete", "team-member-remove", [w.cast.team4.pk, w.staff("team_member").pk])),
    "api:inspection-create": Door("write", "inspection.create", lambda w: _api(
        "admin", "post", "inspection-create", data=_dates(
            round=w.cast.inspection.round_id, team=w.cast.team2.pk, unit=w.cast.street.pk))),
    "api:inspection-update": Door("write", "inspection.update", lambda w: _api(
        "admin", "patch", "inspection-update", [w.cast.inspection.pk], {"end": "2025-08-12"})),
    "api:round-inspections": Door("write", "inspection.create", lambda w: _api(
        "admin", "post", "round-inspections", [w.cast.inspection.round_id],
        _dates(team=w.cast.team2.pk, units=[w.cast.street.pk]))),
    # GET reads; PATCH changes (If-Match checked against the ETag the GET gave).
    "api:finding": Door("write", "finding.update", lambda w: _api(
        "team_member", "patch", "finding", [w.finding.pk], {"title": "会议记录不规范"})),
    "api:measure": Door("write", "measure.update", lambda w: _api(
        "editor", "patch", "measure", [w.measure().pk], {"owner": "社区党委办公室"})),
    "api:finding-create": Door("write", "finding.create", lambda w: _api(
        "team_member", "post", "finding-create", [w.cast.inspection.pk], {"title": "会议记录不规范"})),
    "api:measure-create": Door("write", "measure.create", lambda w: _api(
        "editor", "post", "measure-create", [w.finding.pk], measure_form(w))),
    "api:measure-status": Door("write", "measure.start", lambda w: _api(
        "editor", "post", "measure-status", [w.measure().pk], {"status": "in_progress"})),
    "api:measure-reports": Door("write", "progress.report", lambda w: Call(
        "editor", "post", reverse("api:measure-reports", args=[w.measure().pk]),
        {"date": "2025-11-10", "text": "已召开会议"}), note="GET lists the reports"),
    "api:finding-closeouts": Door("write", "closeout.request", lambda w: _api(
        "editor", "post", "finding-closeouts", [w.done_finding().pk], {"comment": "已完成"})),
    "api:closeout-decide": Door("write", "closeout.endorse", lambda w: _api(
        "leader", "post", "closeout-decide", [w.closeout().pk, "endorse"], {"comment": "同意"})),
    "api:finding-lookbacks": Door("write", "lookback.record", lambda w: _api(
        "admin", "post", "finding-lookbacks", [w.closed_finding().pk], {"date": "2025-11-15", "result": "sustained"})),
    "api:measure-extensions": Door("write", "extension.request", lambda w: _api(
        "editor", "post", "measure-extensions", [w.measure().pk],
        {"new_deadline": "2025-12-31", "reason": "需要等待上级批复"})),
    "api:extension-decide": Door("write", "extension.approve", lambda w: _api(
        "admin", "post", "extension-decide", [w.extension().pk, "approve"], {"comment": "同意"}), refused_by="editor"),
    "api:notice-create": Door("write", "notice.draft", lambda w: _api(
        "editor", "post", "notice-create", [w.cast.inspection.pk])),
    "api:notice-approve": Door("write", "notice.approve", lambda w: _api(
        "leader", "post", "notice-approve", [w.draft().pk])),
    "api:notice-publish": Door("write", "notice.publish", lambda w: _api(
        "admin", "post", "notice-publish", [w.approved().pk], {"override_reason": "测试"})),
    "api:comment-reply": Door("write", "comment.reply", lambda w: _api(
        "editor", "post", "comment-reply", [w.comment().pk], {"text": "已安排维修。"})),
    "api:comment-moderate": Door("write", "comment.publish", lambda w: _api(
        "editor", "post", "comment-moderate", [w.comment().pk, "publish"])),
    "api:evidence-download": Door("download", "evidence.download", lambda w: _api(
        "editor", "get", "evidence-download", [w.evidence().pk])),
    "api:notice-download": Door("download", "notice.download", lambda w: _api(
        "editor", "get", "notice-download", [w.published().pk, "txt"])),
    # /api/ and /api/v1/ only redirect to the documentation page (tests/api/test_api.py): its read.
    "api-home": Door("read", prepare=lambda w: _api("admin", "get", "openapi-view"), note="redirects to the docs"),
    "api-v1-home": Door("read", prepare=lambda w: _api("admin", "get", "openapi-view"), note="redirects to the docs"),
    # 接口令牌: one's own; the page's GET reads, its POST creates a token.
    "api-tokens": Door("write", "token.create", lambda w: Call(
        "editor", "post", reverse("api-tokens"), {"name": "OA", "scope": "read", "days": "30"}),
        refused_by="secadmin"),
    "api-token-revoke": Door("write", "token.revoke", lambda w: Call(
        "editor", "post", reverse("api-token-revoke", args=[_token(w).pk]))),
}

DOORS |= {
    # 离线交换 (xuncha.exchange): bundles out and in, conflicts decided, peers' keys registered.
    "exchange": Door("read"),
    "exchange-export": Door("download", "bundle.export", lambda w: Call(
        "admin", "post", reverse("exchange-export"), {"inspection": w.cast.inspection.pk, "peer": w.peer().name})),
    "exchange-import": Door("write", "bundle.import", lambda w: Call(
        "admin", "post", reverse("exchange-import"), {"file": w.bundle_upload()})),
    "exchange-decide": Door("write", "bundle.conflict", lambda w: Call(
        "admin", "post", reverse("exchange-decide", args=[w.exchange_conflict().pk]), {"choice": "ours"})),
    "exchange-peer-create": Door("write", "bundle.register_key", lambda w: Call(
        "sysadmin", "post", reverse("exchange-peer-create"), {"name": "笔记本", "public_key": w.remote().public})),
}

# The public portal: anyone reads it and nothing is recorded; what the public writes (a comment,
# a rating of the reply) is recorded. Driven by test_portal_doors.
PORTAL_READS = ("portal:index", "portal:notice", "portal:download", "portal:notice-qr", "portal:unit",
                "portal:unit-qr", "portal:lookup", "portal:challenge", "portal:feed", "portal:sitemap")
DOORS |= {name: Door("read", note="public: test_portal_doors") for name in PORTAL_READS}
DOORS |= {"portal:comment": Door("write", "comment.post", note="test_portal_doors"),
          "portal:rate": Door("write", "comment.rate", note="test_portal_doors")}

# The Django admin: read-only pages, and per model what a write there must leave.
ADMIN_READ = re.compile(r"^admin:(index|login|logout|password_change_done|jsi18n|autocomplete|view_on_site|"
                        r"app_list|.*_changelist|.*_history)$")
ADMIN_WRITE = re.compile(r"^admin:(?P<model>.+?)_(?P<view>add|change|delete|password_change)$")
ADMIN_OTHER = {"admin:password_change": "the admin's own password form (see test_admin_doors)"}
# Unnamed patterns: the admin's catch-all redirects (they only redirect, reading nothing).
UNNAMED = re.compile(r"^admin/(.+/<path:object_id>/|\(\?P<url>\.\*\)\$)$")


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(name or None, route) of every URL pattern, admin included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), prefix + str(entry.pattern)


def test_every_url_of_the_site_has_a_door_case():
    missing = []
    for name, route in url_patterns():
        if name is None:
            if not UNNAMED.match(route):
                missing.append(route)
        elif not (name in DOORS or name in ADMIN_OTHER or ADMIN_READ.match(name) or ADMIN_WRITE.match(name)):
            missing.append(name)
    assert not missing, f"URLs without an audit case in tests/web/test_audit_every_door.py: {missing}"


@pytest.fixture
def world(cast, today, settings, client, monkeypatch):
    from types import SimpleNamespace

    settings.TRUSTED_PROXIES = [__import__("ipaddress").ip_network(PROXY)]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    otp_clock = SimpleNamespace(value=1_800_000_000)  # the time django-otp's TOTP device reads
    monkeypatch.setattr("django_otp.plugins.otp_totp.models.time", SimpleNamespace(time=lambda: otp_clock.value))
    clients: dict[str, Client] = {}

    def client_for(name: str) -> Client:
        if name not in clients:
            clients[name] = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_ADDRESS)
            clients[name].force_login(cast.users[name])
        return clients[name]

    world = World(cast, client_for)
    world.otp_clock = otp_clock
    return world


def _new_records(since: int):
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _drive(world: World, call: Call):
    client = world.client(call.user)
    extra = {"content_type": call.content_type} if call.content_type else {}
    return getattr(client, call.method)(call.url, call.data, **extra)


WRITES = sorted(name for name, door in DOORS.items() if door.prepare and door.kind in {"write", "download"})


@pytest.mark.parametrize("name", WRITES)
def test_a_write_or_download_leaves_its_record(world, name):
    door = DOORS[name]
    call = door.prepare(world)
    world.client(call.user)  # logged in before counting (a login is a record of its own)
    since = _last_seq()
    response = _drive(world, call)
    assert response.status_code in {200, 201, 202, 302}, (name, response.status_code)
    records = _new_records(since)
    mine = [r for r in records if r.action == door.action]
    assert len(mine) == 1, (name, [(r.action, r.summary) for r in records])
    record = mine[0]
    user = world.cast.users[call.user]
    assert record.actor_id == user.pk and record.actor_name == call.user
    assert record.ip == CLIENT_ADDRESS  # the client behind the proxy, not the proxy
    assert record.result == "ok" and record.at is not None and record.summary
    assert record.object_type or record.after
    # Whatever else the act wrote is the same person's (e.g. the queue's job.enqueue).
    assert {r.actor_id for r in records} == {user.pk}


REFUSABLE = sorted(name for name in WRITES if DOORS[name].kind == "write" and DOORS[name].refused_by)


@pytest.mark.parametrize("name", REFUSABLE)
def test_the_same_write_by_someone_without_the_right_is_refused_and_recorded(world, name):
    door = DOORS[name]
    call = door.prepare(world)
    world.client(door.refused_by)
    since = _last_seq()
    response = _drive(world, Call(door.refused_by, call.method, call.url, call.data, call.content_type))
    assert response.status_code in {302, 403, 404}, (name, response.status_code)
    records = _new_records(since)
    assert [(r.action, r.result) for r in records] == [(DENIED, "denied")], (name, [r.summary for r in records])
    assert records[0].actor_id == world.cast.users[door.refused_by].pk and records[0].ip == CLIENT_ADDRESS


def test_reuse_doors(world, django_capture_on_commit_callbacks):
    since = _last_seq()
    check = world.reuse_check(django_capture_on_commit_callbacks)
    assert [r.action for r in _new_records(since) if r.action == "reuse.check"] == ["reuse.check"]
    for fmt in ("xlsx", "html"):
        since = _last_seq()
        response = world.client("admin").get(reverse("reuse-export", args=[check.pk, fmt]))
        assert response.status_code == 200
        assert [r.action for r in _new_records(since)] == ["reuse.export"]
    leader = world.client("leader")
    since = _last_seq()
    leader.post(reverse("reuse-checks"), {"title": "x"})
    assert [(r.action, r.result) for r in _new_records(since)] == [(DENIED, "denied")]


def test_reading_pages_write_nothing(world, django_capture_on_commit_callbacks):
    """A GET of every read-only page leaves no record (reads are not acts, downloads excepted)."""
    world.draft()
    interview = world.interview()  # before the reads below move the ledger on (the API's sign-off reads)
    ids = {"round": world.cast.inspection.round_id, "inspection": world.cast.inspection.pk,
           "finding": world.finding.pk, "notice": Notice.objects.get().pk,
           "reuse-check": world.reuse_check(django_capture_on_commit_callbacks).pk}
    ids["api:reuse-check"] = ids["reuse-check"]
    reads = [door.prepare(world) if door.prepare else
             Call("admin", "get", reverse(name, args=[ids[name]]) if name in ids else reverse(name))
             for name, door in DOORS.items() if door.kind == "read" and name not in PORTAL_READS]
    # Pages behind a form that also writes: their GET only reads.
    reads += [Call("editor", "get", reverse("api-tokens")), Call("editor", "get", reverse("api:measure-reports",
                                                                                         args=[world.measure().pk])),
              Call("editor", "get", reverse("api:measure", args=[world.measure().pk])),
              Call("editor", "get", reverse("inbox-preferences")),
              Call("admin", "get", reverse("interview", args=[interview.pk]))]
    for call in reads:
        world.client(call.user)
    since = _last_seq()
    for call in reads:
        assert _drive(world, call).status_code == 200, call.url
    assert [(r.action, r.summary) for r in _new_records(since)] == []


def test_round_export_doors(world, django_capture_on_commit_callbacks):
    """A large round's workbook is built by a job; downloading it is recorded, by its owner only."""
    job = world.export_job(django_capture_on_commit_callbacks)
    url = reverse("round-export-download", args=[job.pk])
    since = _last_seq()
    response = world.client("admin").get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    records = _new_records(since)
    assert [(r.action, r.actor_id, r.ip) for r in records] == [
        ("round.export_download", world.cast.users["admin"].pk, CLIENT_ADDRESS)]
    assert world.client("editor").get(url).status_code == 404


def test_portal_doors(world, django_capture_on_commit_callbacks):
    """Public pages and downloads are not recorded; a public comment and a rating are, with the
    commenter's address; a staff look at the commenter's contact data is recorded, a refused one too."""
    import re as regex

    from django.core.cache import cache

    from xuncha.portal.models import PublicComment
    from xuncha.portal.services import comments, guard

    notice = world.published()
    anonymous = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_ADDRESS)
    urls = {"portal:index": [], "portal:notice": [notice.pk], "portal:download": [notice.pk, "txt"],
            "portal:notice-qr": [notice.pk], "portal:unit": [world.cast.tianbao.pk],
            "portal:unit-qr": [world.cast.tianbao.pk], "portal:lookup": [],
            "portal:challenge": [guard.new_challenge()], "portal:feed": [], "portal:sitemap": []}
    assert set(urls) == set(PORTAL_READS)
    since = _last_seq()
    for name, args in urls.items():
        response = anonymous.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert anonymous.post(reverse("portal:lookup"), {"code": "X" * 16}).status_code == 200
    assert _new_records(since) == []

    page = anonymous.get(reverse("portal:comment", args=[notice.pk])).content.decode()
    token = regex.search(r'name="challenge" value="([^"]+)"', page).group(1)
    answer = str(cache.get(f"portal:challenge:{token}")["answer"])
    since = _last_seq()
    response = anonymous.post(reverse("portal:comment", args=[notice.pk]),
                              {"text": "消防栓还没有水。", "phone": "13812345678", "challenge": token,
                               "answer": answer})
    assert response.status_code == 200
    records = _new_records(since)
    assert [(r.action, r.actor_id, r.ip, r.result) for r in records] == [
        ("comment.post", None, CLIENT_ADDRESS, "ok")]
    code = regex.search(r'id="query-code">([^<]+)<', response.content.decode()).group(1).strip()
    posted = PublicComment.objects.get()
    comments.reply(world.cast.actor("editor"), posted, "已安排维修。")
    since = _last_seq()
    assert anonymous.post(reverse("portal:rate"), {"code": code, "rating": "satisfied"}).status_code == 200
    assert [(r.action, r.actor_id, r.ip) for r in _new_records(since)] == [("comment.rate", None, CLIENT_ADDRESS)]

    # The commenter's contact data: shown to the office and recorded; refused to another unit, recorded.
    call = DOORS["portal-staff:reveal"].prepare(world)
    call = Call(call.user, call.method, reverse("portal-staff:reveal", args=[posted.pk]))
    world.client("outsider")
    since = _last_seq()
    assert _drive(world, Call("outsider", "post", call.url)).status_code in {403, 404}
    assert [(r.action, r.result) for r in _new_records(since)] == [(DENIED, "denied")]


def test_logins_and_failures_are_recorded(world, client):
    since = _last_seq()
    anonymous = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_ADDRESS)
    anonymous.post(reverse("login"), {"username": "leader", "password": "wrong"})
    anonymous.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    anonymous.post(reverse("logout"))
    actions = [(r.action, r.ip) for r in _new_records(since)]
    assert actions == [("login.failed", CLIENT_ADDRESS), ("login", CLIENT_ADDRESS), ("logout", CLIENT_ADDRESS)]


# --- the Django admin ---------------------------------------------------------------------------

# The Django admin is the system administrator's alone (三员, ledger.adminsite): every write there
# leaves one record; anyone else, a Django superuser without that role included, is refused, and
# a refused write is recorded.


def admin_write_cases():
    for name, _ in url_patterns():
        match = ADMIN_WRITE.match(name or "")
        if match and name not in ADMIN_OTHER:
            yield name.removeprefix("admin:")


def _admin_client(settings, user) -> Client:
    settings.TRUSTED_PROXIES = [__import__("ipaddress").ip_network(PROXY)]
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_ADDRESS)
    client.force_login(user)
    return client


@pytest.fixture
def sysadmin(cast, settings):
    return _admin_client(settings, cast.users["sysadmin"])


@pytest.fixture
def superuser(cast, settings):
    """A Django superuser without the system administrator's role: the admin is not theirs."""
    return _admin_client(settings, get_user_model().objects.create_superuser("root", password=PASSWORD))


def _admin_request(name: str, cast) -> tuple[str, dict]:
    """The admin view's URL and a valid form where one is needed (made before counting)."""
    from django.contrib.auth.models import Group

    model, view = ADMIN_WRITE.match("admin:" + name).group("model", "view")
    if view == "delete":  # rows nothing else refers to, so a deletion can go through
        objects = {"ledger_unit": setup.create_unit(cast.system, "待删社区", parent=cast.street),
                   "ledger_team": setup.get_or_create_team(cast.system, "待删巡察组"),
                   "ledger_round": setup.create_round(cast.system, "待删轮次"),
                   "auth_group": Group.objects.create(name="待删组")}
    else:
        objects = {"ledger_unit": cast.jianshe, "ledger_team": cast.team2, "ledger_round": cast.inspection.round}
    objects |= {"ledger_staff": Staff.objects.get(user=cast.users["outsider"]),
                "auth_user": cast.users["outsider"]}
    forms = {
        "ledger_unit": {"name": "测试社区", "short_name": "", "kind": "community", "parent": cast.street.pk},
        "ledger_team": {"name": "区委第七巡察组"},
        "ledger_round": {"name": "测试轮次", "level": "区委", "type": "regular", "start": "2025-01-01"},
        "ledger_staff": {"user": cast.users["outsider"].pk, "role": "unit_editor", "unit": cast.tianbao.pk,
                         "display_name": "改名"},
        "auth_group": {"name": "测试组"},
        "auth_user": {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD,
                      "usable_password": "true"},
    }
    obj = objects.get(model)
    if view == "add":
        url, data = reverse(f"admin:{name}"), forms.get(model, {})
    elif view == "password_change":
        url, data = reverse(f"admin:{name}", args=[obj.pk]), {
            "password1": "Admin-set-Pass-77", "password2": "Admin-set-Pass-77", "usable_password": "true"}
    else:
        pk = obj.pk if obj is not None else 1
        url = reverse(f"admin:{name}", args=[pk])
        data = {"post": "yes"} if view == "delete" else forms.get(model, {})
        if model == "auth_user" and view == "change":
            data = {"username": obj.username, "is_active": "on", "date_joined_0": "2025-01-01",
                    "date_joined_1": "00:00:00"}
    return url, data


# What a write through the admin must leave, per view (the models' own actions).
ADMIN_ACTIONS = {"add": "create", "change": "update", "delete": "delete", "password_change": "password"}


@pytest.mark.parametrize("name", sorted(admin_write_cases()))
def test_a_write_through_the_admin_leaves_one_record(sysadmin, cast, name):
    url, data = _admin_request(name, cast)
    since = _last_seq()
    status = sysadmin.post(url, data).status_code
    records = _new_records(since)
    if status in {403, 404, 405}:  # refused by the admin itself (no adding or deleting accounts)
        assert [(r.action, r.result) for r in records] == [(DENIED, "denied")], name
        return
    assert status == 302, (name, status)  # saved: a form sent back (200) would hide a broken case
    model, view = ADMIN_WRITE.match("admin:" + name).group("model", "view")
    action = f"{model.split('_', 1)[1]}.{ADMIN_ACTIONS[view]}"
    assert [r.action for r in records] == [action], (name, [(r.action, r.summary) for r in records])
    record = records[0]
    assert record.ip == CLIENT_ADDRESS and record.actor_id == cast.users["sysadmin"].pk
    assert record.result == "ok" and record.object_id is not None


@pytest.mark.parametrize("name", sorted(admin_write_cases()))
def test_a_write_through_the_admin_by_a_superuser_without_the_role_is_refused_and_recorded(superuser, cast, name):
    url, data = _admin_request(name, cast)
    since = _last_seq()
    assert superuser.post(url, data).status_code == 403, name
    records = _new_records(since)
    assert [(r.action, r.result, r.ip) for r in records] == [(DENIED, "denied", CLIENT_ADDRESS)], name


def test_the_admins_own_password_form_is_the_audited_one(sysadmin, cast):
    """The admin's password form is the staff site's (/account/password/), recorded like it."""
    since = _last_seq()
    status = sysadmin.post(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": "Ganbu-2025-anquan!", "new_password2": "Ganbu-2025-anquan!"},
    ).status_code
    records = _new_records(since)
    assert status == 302  # the staff site's password form answers it, with its record
    assert [(r.action, r.actor_id, r.ip) for r in records] == [
        ("account.password", cast.users["sysadmin"].pk, CLIENT_ADDRESS)]
