"""导出台账 of a round: one workbook (汇总 + a sheet per unit), at once or through the queue."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from xuncha.core.ledger_xlsx import sheet_name
from xuncha.jobs.models import Job
from xuncha.ledger.models import AuditEvent
from xuncha.ledger.services import measures

pytestmark = pytest.mark.django_db


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_small_round_downloads_at_once_with_a_summary_and_a_sheet_per_unit(login, cast, today):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), "已召开支部会议",
                             [("会议记录.pdf", [b"%PDF-1.4 x"])])
    response = login("admin").post(reverse("round-export", args=[cast.inspection.round_id]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    book = _book(response.content)
    assert book.sheetnames == ["汇总", "天宝社区", "建设社区"]
    summary = book["汇总"]
    assert summary["B3"].value == "天宝社区" and summary["C3"].value == "区委第四巡察组"
    assert summary["F3"].value == 1 and summary["K3"].value == 1  # one finding, one measure overdue
    assert summary["B5"].value == "合计" and summary["F5"].value == "=SUM(F3:F4)"
    sheet = book["天宝社区"]
    assert sheet["C3"].value == "“第一议题”落实不到位"
    assert sheet["H3"].value == "已召开支部会议" and sheet["K3"].value == "会议记录.pdf"
    assert book["建设社区"]["D3"].value == "补签合同"
    event = AuditEvent.objects.get(action="round.export")
    assert event.actor_name and event.after == {"units": 2, "measures": 2}


def test_a_unit_editor_exports_only_its_own_unit(login, cast, today):
    book = _book(login("editor").post(reverse("round-export", args=[cast.inspection.round_id])).content)
    assert book.sheetnames == ["汇总", "天宝社区"]


def test_a_large_round_is_built_by_a_job_and_downloaded_from_the_round_page(
        login, cast, today, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_BACKGROUND_MEASURES = 2
    client = login("admin")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("round-export", args=[cast.inspection.round_id]))
    response = client.get(reverse("round", args=[cast.inspection.round_id]))
    page = response.content.decode()
    assert "已提交后台任务" in page
    job = Job.objects.get(name="ledger.round_export")
    assert job.state == "done"  # tests run handed-off jobs at once
    link = reverse("round-export-download", args=[job.pk])
    assert link in page and link in client.get(reverse("jobs")).content.decode()
    download = client.get(link)
    book = _book(b"".join(download.streaming_content))
    assert book.sheetnames == ["汇总", "天宝社区", "建设社区"]
    assert AuditEvent.objects.filter(action="round.export_download").count() == 1
    # Someone else's export is not theirs to download, even knowing its number.
    assert login("editor").get(link).status_code == 404


def test_sheet_names_are_legal_and_unique():
    used: set[str] = set()
    names = [sheet_name(n, used) for n in ["汇总", "a/b*c", "某" * 40, "某" * 40, "天宝社区", "天宝社区"]]
    assert names[0] != "汇总" and names[1] == "a_b_c"
    assert all(len(n) <= 31 for n in names) and len(set(names)) == len(names)
    assert names[5] == "天宝社区(2)"


def test_built_workbooks_are_deleted_after_the_keep_days(login, cast, today, settings,
                                                        django_capture_on_commit_callbacks):
    from django.utils import timezone

    from xuncha.ledger.services import exports, storage

    settings.EXPORT_BACKGROUND_MEASURES = 1
    with django_capture_on_commit_callbacks(execute=True):
        login("admin").post(reverse("round-export", args=[cast.inspection.round_id]))
    name = Job.objects.get(name="ledger.round_export").args["name"]
    assert storage.exists("exports", name)
    assert exports.purge_exports(timezone.now() + dt.timedelta(days=6)) == 0
    assert exports.purge_exports(timezone.now() + dt.timedelta(days=8)) == 1
    assert not storage.exists("exports", name)


def test_the_round_pages_export_link_downloads_a_small_round_at_once(login, cast, today):
    client = login("admin")
    page = client.get(reverse("round", args=[cast.inspection.round_id])).content.decode()
    link = reverse("round-export-page", args=[cast.inspection.round_id])
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response["Content-Disposition"].startswith("attachment")
    assert _book(response.content).sheetnames == ["汇总", "天宝社区", "建设社区"]


def test_for_a_large_round_the_link_offers_a_job_and_a_visit_starts_nothing(
        login, cast, today, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_BACKGROUND_MEASURES = 2
    client = login("admin")
    link = reverse("round-export-page", args=[cast.inspection.round_id])
    page = client.get(link).content.decode()
    assert 'id="start-export"' in page and "尚未导出" in page
    assert not Job.objects.filter(name="ledger.round_export").exists()  # a GET (a prefetch) starts nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("round-export", args=[cast.inspection.round_id]))
    assert response.status_code == 302 and response["Location"] == link
    job = Job.objects.get(name="ledger.round_export")
    page = client.get(link).content.decode()
    assert reverse("round-export-download", args=[job.pk]) in page and "已提交后台任务" in page
