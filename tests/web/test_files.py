"""Stored-file downloads, evidence over the limit, and both on S3-compatible storage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xuncha.ledger.models import Evidence, Notice, ProgressReport
from xuncha.ledger.services import measures, notices, storage

pytestmark = pytest.mark.django_db


def report_with_evidence(client, cast, data: bytes, name: str = "记录.pdf"):
    return client.post(reverse("progress-create", args=[cast.measure.pk]), {
        "date": "2025-11-18", "text": "已召开支部会议5次", "mark": "", "version": cast.measure.version,
        "files": [SimpleUploadedFile(name, data)]})


def test_evidence_over_the_limit_gets_413_in_chinese_and_nothing_is_kept(login, cast, today,
                                                                         settings):
    settings.EVIDENCE_MAX_BYTES = 4096
    response = report_with_evidence(login("editor"), cast, b"%PDF-1.4 " + b"x" * 8192, "大文件.pdf")
    assert response.status_code == 413
    assert "文件“大文件.pdf”超过 4 KB 的大小限制，未保存。" in response.content.decode()
    assert not ProgressReport.objects.exists() and list(storage.walk("evidence")) == []


def with_evidence(cast, today) -> None:
    measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料",
                             [("a.pdf", [b"%PDF-1.4 a"])])


def test_a_missing_evidence_file_is_a_404(login, cast, today):
    with_evidence(cast, today)
    evidence = Evidence.objects.get()
    storage.delete("evidence", [evidence.stored_name])
    response = login("editor").get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_evidence_downloads_stay_within_the_inspection(login, cast, today):
    with_evidence(cast, today)
    url = reverse("evidence-download", args=[Evidence.objects.get().pk])
    assert login("outsider").get(url).status_code == 404
    for who in ("team_member", "supervisor", "admin"):
        assert b"".join(login(who).get(url).streaming_content) == b"%PDF-1.4 a", who


def test_evidence_goes_to_s3_and_streams_back_to_those_allowed(login, cast, today, s3_storage):
    client = login("editor")
    response = report_with_evidence(client, cast, b"%PDF-1.4 minutes on s3")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert s3_storage() == [f"evidence/{evidence.stored_name}"]
    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Length"] == str(len(b"%PDF-1.4 minutes on s3"))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes on s3"
    outsider = login("outsider").get(reverse("evidence-download", args=[evidence.pk]))
    assert outsider.status_code == 404


def test_a_notice_is_published_to_s3_and_downloaded_from_there(login, cast, today, s3_storage):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已召开5次支部会议", mark="done")
    draft = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    notice = notices.approve(cast.actor("leader"), draft)
    login("admin").post(reverse("notice-publish", args=[notice.pk]))
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.state == "published"
    assert s3_storage() == sorted(f"notices/{f['key']}" for f in notice.files)
    txt = next(f for f in notice.files if f["format"] == "txt")
    download = login("editor").get(reverse("notice-download", args=[notice.pk, "txt"]))
    body = b"".join(download.streaming_content)
    assert body == storage.read_bytes("notices", txt["key"]) and len(body) == txt["size"]
    outsider = login("outsider").get(reverse("notice-download", args=[notice.pk, "txt"]))
    assert outsider.status_code == 404
