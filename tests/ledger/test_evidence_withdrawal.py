"""A wrongly uploaded evidence file can be taken back: by its uploader before sign-off, by the
system administrator afterwards with a reason. The file leaves storage, the act is audited
and the finding's timeline shows it."""

import pytest
from django.urls import reverse

from xuncha.ledger.errors import InvalidInput, InvalidMove, PermissionDenied
from xuncha.ledger.models import AuditEvent, Evidence
from xuncha.ledger.services import closeouts, measures, storage
from xuncha.ledger.services import evidence as evidence_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(cast, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measures.report_progress(cast.actor("editor"), cast.measure, today, "完成",
                                 [("身份证复印件.pdf", [b"%PDF-1.4 wrong file"])], mark="done")
    return Evidence.objects.get()


def stored(evidence: Evidence) -> bool:
    return storage.backend(evidence_files.KIND).exists(evidence.stored_name)


def test_the_uploader_withdraws_it_and_the_file_is_deleted_after_commit(
        cast, upload, django_capture_on_commit_callbacks):
    assert stored(upload)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_files.withdraw(cast.actor("editor"), upload.pk)
    assert not Evidence.objects.exists() and not stored(upload)
    event = AuditEvent.objects.get(action="evidence.withdraw")
    assert event.finding_id == cast.finding.pk and event.before["sha256"] == upload.sha256
    assert "身份证复印件.pdf" in event.summary


def test_nobody_else_withdraws_it(cast, upload):
    for name in ("leader", "admin", "outsider"):
        with pytest.raises((PermissionDenied, InvalidInput)):
            evidence_files.withdraw(cast.actor(name), upload.pk)
    assert stored(upload) and Evidence.objects.exists()


def test_no_withdrawal_once_a_sign_off_is_requested(cast, upload):
    closeouts.request_closeout(cast.actor("editor"), cast.finding)
    with pytest.raises(InvalidMove, match="销号审核中"):
        evidence_files.withdraw(cast.actor("editor"), upload.pk)
    assert stored(upload)


def test_after_sign_off_the_system_administrator_removes_it_with_a_reason(
        cast, upload, django_capture_on_commit_callbacks):
    request = closeouts.request_closeout(cast.actor("editor"), cast.finding)
    closeouts.endorse_closeout(cast.actor("leader"), request)
    closeouts.approve_closeout(cast.actor("admin"), request)
    with pytest.raises(InvalidMove, match="已销号"):
        evidence_files.withdraw(cast.actor("editor"), upload.pk)
    with pytest.raises(PermissionDenied):
        evidence_files.remove(cast.actor("admin"), upload.pk, "含身份证号")
    with pytest.raises(InvalidInput, match="请填写删除原因"):
        evidence_files.remove(cast.actor("sysadmin"), upload.pk, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        evidence_files.remove(cast.actor("sysadmin"), upload.pk, "含身份证号")
    assert not stored(upload)
    event = AuditEvent.objects.get(action="evidence.remove")
    assert event.after == {"reason": "含身份证号"} and event.actor_id == cast.users["sysadmin"].pk


def test_a_rolled_back_removal_keeps_the_file(cast, upload, monkeypatch,
                                              django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(evidence_files.audit, "record", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        evidence_files.withdraw(cast.actor("editor"), upload.pk)
    assert stored(upload) and Evidence.objects.exists()


def test_the_page_offers_withdrawal_and_the_timeline_shows_it(login, cast, upload):
    assert reverse("evidence-withdraw", args=[upload.pk]) not in \
        login("leader").get(reverse("finding", args=[cast.finding.pk])).content.decode()
    client = login("editor")
    page = client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert reverse("evidence-withdraw", args=[upload.pk]) in page
    response = client.post(reverse("evidence-withdraw", args=[upload.pk]), follow=True)
    html = response.content.decode()
    assert "已撤回佐证材料" in html and "撤回佐证材料“身份证复印件.pdf”" in html


def test_the_system_administrator_removes_through_a_page_with_a_reason(login, cast, upload):
    client = login("sysadmin")
    assert reverse("evidence-remove", args=[upload.pk]) in \
        client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert client.get(reverse("evidence-remove", args=[upload.pk])).status_code == 200
    assert login("admin").get(reverse("evidence-remove", args=[upload.pk])).status_code == 403
    client = login("sysadmin")
    response = client.post(reverse("evidence-remove", args=[upload.pk]), {"reason": "误传"},
                           follow=True)
    assert "原因：误传" in response.content.decode()
