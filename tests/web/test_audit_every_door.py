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

    def closed_finding(self) -> Finding:
        closeouts.approve_closeout(self.cast.actor("admin"), self.closeout(), "同意")
        return self.finding

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

    def failed_job(self) -> Job:
        from xuncha.jobs.queue import enqueue

        job = enqueue("reuse.purge", {"day": "2025-11-20"}, dispatch=False)
        Job.objects.filter(pk=job.pk).update(state="failed", error="测试失败")
        return job


def _form_version(world: World, obj) -> dict:
    return {"version": obj.version}


def finding_form(world: World) -> dict:
    return {"title": "会议记录不规范", "description": "记录缺项。", "source": "feedback", "category": "",
            "number": ""}


def measure_form(world: World) -> dict:
    return {"text": "补全会议记录", "kind": "deadline", "deadline": "2025-12-31", "lead": "王书记", "owner": "社区党委"}


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
        {**measure_form(w), **_form_version(w, w.measure())})),
    "measure-status": Door("write", "measure.status", lambda w: Call(
        "editor", "post", reverse("measure-status", args=[w.measure().pk]),
        {"status": "in_progress", "version": w.measure().version})),
    "progress-create": Door("write", "progress.report", lambda w: Call(
        "editor", "post", reverse("progress-create", args=[w.measure().pk]),
        {"date": "2025-11-10", "text": "已召开会议", "mark": "", "version": w.measure().version})),
    "closeout-request": Door("write", "closeout.request", lambda w: Call(
        "editor", "post", reverse("closeout-request", args=[w.done_finding().pk]), {"comment": "已完成"})),
    "closeout-approve": Door("write", "closeout.approve", lambda w: Call(
        "admin", "post", reverse("closeout-approve", args=[w.closeout().pk]), {"comment": "同意"})),
    "closeout-return": Door("write", "closeout.return", lambda w: Call(
        "admin", "post", reverse("closeout-return", args=[w.closeout().pk]), {"comment": "材料不全"})),
    "lookback-create": Door("write", "lookback.record", lambda w: Call(
        "admin", "post", reverse("lookback-create", args=[w.closed_finding().pk]),
        {"date": "2025-11-15", "result": "sustained", "comment": ""})),
    "import": Door("write", "import.stage", lambda w: Call(
        "admin", "post", reverse("import", args=[w.empty_inspection().pk]), {"file": NOTICE_FILE.open("rb")})),
    "import-confirm": Door("write", "notice.import", lambda w: (lambda staged: Call(
        "admin", "post", reverse("import-confirm", args=[staged[0].pk]), {"token": staged[1]}))(w.staged_import())),
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
}

# The Django admin: read-only pages, and per model what a write there must leave.
ADMIN_READ = re.compile(r"^admin:(index|login|logout|password_change_done|jsi18n|autocomplete|view_on_site|"
                        r"app_list|.*_changelist|.*_history)$")
ADMIN_WRITE = re.compile(r"^admin:(?P<model>.+)_(?P<view>add|change|delete|password_change)$")
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
def world(cast, today, settings, client):
    settings.TRUSTED_PROXIES = [__import__("ipaddress").ip_network(PROXY)]
    clients: dict[str, Client] = {}

    def client_for(name: str) -> Client:
        if name not in clients:
            clients[name] = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_ADDRESS)
            clients[name].force_login(cast.users[name])
        return clients[name]

    return World(cast, client_for)


def _new_records(since: int):
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _drive(world: World, call: Call):
    client = world.client(call.user)
    return getattr(client, call.method)(call.url, call.data)


WRITES = sorted(name for name, door in DOORS.items() if door.prepare and door.kind in {"write", "download"})


@pytest.mark.parametrize("name", WRITES)
def test_a_write_or_download_leaves_its_record(world, name):
    door = DOORS[name]
    call = door.prepare(world)
    world.client(call.user)  # logged in before counting (a login is a record of its own)
    since = _last_seq()
    response = _drive(world, call)
    assert response.status_code in {200, 302}, (name, response.status_code)
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
    response = _drive(world, Call(door.refused_by, call.method, call.url, call.data))
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
    ids = {"round": world.cast.inspection.round_id, "inspection": world.cast.inspection.pk,
           "finding": world.finding.pk, "notice": Notice.objects.get().pk,
           "reuse-check": world.reuse_check(django_capture_on_commit_callbacks).pk}
    world.client("admin")
    since = _last_seq()
    for name, door in DOORS.items():
        if door.kind != "read":
            continue
        url = reverse(name, args=[ids[name]]) if name in ids else reverse(name)
        assert world.client("admin").get(url).status_code == 200, name
    assert _new_records(since) == []


def test_logins_and_failures_are_recorded(world, client):
    since = _last_seq()
    anonymous = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_ADDRESS)
    anonymous.post(reverse("login"), {"username": "leader", "password": "wrong"})
    anonymous.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    anonymous.post(reverse("logout"))
    actions = [(r.action, r.ip) for r in _new_records(since)]
    assert actions == [("login.failed", CLIENT_ADDRESS), ("login", CLIENT_ADDRESS), ("logout", CLIENT_ADDRESS)]


# --- the Django admin ---------------------------------------------------------------------------

# What a write through the admin must leave, per model. The admin's own auditing of deletions,
# accounts and groups is issue 10 item 4 (the 三员 roles restrict the admin and audit all of it):
# those cases are expected to fail until that work lands, and then must pass.
ADMIN_AUDITED_TODAY = {"ledger_unit_add", "ledger_unit_change", "ledger_team_add", "ledger_team_change",
                       "ledger_round_add", "ledger_round_change", "ledger_staff_change"}


def admin_write_cases():
    for name, _ in url_patterns():
        match = ADMIN_WRITE.match(name or "")
        if match and name not in ADMIN_OTHER:
            yield name.removeprefix("admin:")


@pytest.fixture
def superuser(cast, settings):
    settings.TRUSTED_PROXIES = [__import__("ipaddress").ip_network(PROXY)]
    user = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_ADDRESS)
    client.force_login(user)
    return client


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
        url, data = reverse(f"admin:{name}", args=[obj.pk]), {"password1": PASSWORD + "x", "password2": PASSWORD + "x"}
    else:
        pk = obj.pk if obj is not None else 1
        url = reverse(f"admin:{name}", args=[pk])
        data = {"post": "yes"} if view == "delete" else forms.get(model, {})
        if model == "auth_user" and view == "change":
            data = {"username": obj.username, "is_active": "on", "date_joined_0": "2025-01-01",
                    "date_joined_1": "00:00:00"}
    return url, data


@pytest.mark.parametrize("name", sorted(admin_write_cases()))
def test_a_write_through_the_admin_leaves_one_record(superuser, cast, name):
    url, data = _admin_request(name, cast)
    since = _last_seq()
    status = superuser.post(url, data).status_code
    records = _new_records(since)
    if status in {403, 404, 405}:  # refused by the admin itself: the refusal is the record
        assert [(r.action, r.result) for r in records] == [(DENIED, "denied")], name
        return
    if status == 200:  # the form came back with errors (or a confirmation page): nothing changed
        assert records == [], name
        return
    if name not in ADMIN_AUDITED_TODAY and len(records) != 1:
        pytest.xfail("auditing every act of the Django admin comes with issue 10 item 4 (三员)")
    assert len(records) == 1, (name, status, [(r.action, r.summary) for r in records])
    assert records[0].ip == CLIENT_ADDRESS and records[0].actor_name == "root"


def test_the_admins_own_password_form_is_audited_or_refused(superuser, cast):
    since = _last_seq()
    status = superuser.post(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": "Ganbu-2025-anquan!", "new_password2": "Ganbu-2025-anquan!"},
    ).status_code
    records = _new_records(since)
    if status == 302 and not records:
        pytest.xfail("the admin's password form is audited with issue 10 item 4 (三员)")
    assert len(records) == 1
