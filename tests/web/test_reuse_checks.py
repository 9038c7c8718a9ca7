"""雷同 in the staff site: batch checks (upload, queued job, report, Excel) and the ledger's own
checks.

The check's job runs in the test's own thread when the upload commits (tests/conftest.py)."""

import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from xuncha.jobs.models import Job
from xuncha.ledger.models import AuditEvent, ProgressReport, ReuseCheck
from xuncha.ledger.services import measures, reuse_checks, storage

SPEECH = ("同志们，今年以来，我们坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神，"
          "围绕中心、服务大局，推动全面从严治党向纵深发展，基层党组织的政治功能和组织功能不断增强，"
          "党员干部干事创业的精气神进一步提振，为完成全年目标任务提供了坚强保证。")
OTHER = ("社区居委会按照年度计划完成了老旧小区改造的前期摸底，共走访住户一百二十户，收集意见建议四十六条，"
         "对楼道照明、排水管网和停车位划线等问题逐一建立台账，明确责任人和完成时限，每周通报进度。")


def upload(client, files: dict[str, bytes], follow: bool = False, **fields):
    data = {"files": [io.BytesIO(body) for body in files.values()], **fields}
    for handle, name in zip(data["files"], files, strict=True):
        handle.name = name
    return client.post(reverse("reuse-checks"), data, follow=follow)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def test_a_batch_with_a_zip_runs_as_a_job_and_reports_the_copied_pair_and_the_unreadable_files(
        login, cast, django_capture_on_commit_callbacks):
    client = login("team_member")
    files = {"甲社区书记讲话.txt": (SPEECH + OTHER).encode("utf-8"),
             "材料.zip": zipped({"乙社区书记讲话.txt": ("开场白。" + SPEECH + "谢谢大家。").encode("gb18030"),
                                 "空白.txt": b"", "说明.jpg": b"\xff\xd8"}),
             "损坏.docx": b"not a docx"}
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, files, title="书记讲话", threshold="30")
    check = ReuseCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reuse-check", args=[check.pk])
    assert check.state == "done" and check.documents == 2 and check.files == 4 and check.pair_count == 1
    job = Job.objects.get()
    assert (job.name, job.args) == ("reuse.check", {"pk": check.pk})
    assert (job.state, job.attempts) == ("done", 1)
    assert job.created_by == cast.users["team_member"] and "书记讲话" in job.title
    assert AuditEvent.objects.filter(action="job.enqueue", object_id=job.pk).exists()
    pair = check.result["pairs"][0]
    assert {pair["a"], pair["b"]} == {"甲社区书记讲话.txt", "乙社区书记讲话.txt"}
    assert max(pair["share_a"], pair["share_b"]) > 0.8
    assert {s["name"] for s in check.skipped} == {"空白.txt", "损坏.docx"}
    page = client.get(reverse("reuse-check", args=[check.pk])).content.decode()
    assert "甲社区书记讲话.txt" in page and "乙社区书记讲话.txt" in page and "损坏.docx" in page
    workbook = load_workbook(io.BytesIO(client.get(reverse("reuse-export", args=[check.pk, "xlsx"])).content))
    cells = [c.value for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert "乙社区书记讲话.txt" in cells
    printable = client.get(reverse("reuse-export", args=[check.pk, "html"])).content.decode()
    assert 'id="pair-1"' in printable and "<mark" in printable


def test_a_check_that_keeps_failing_is_retried_then_shown_failed_with_a_chinese_reason(
        login, cast, monkeypatch, settings, django_capture_on_commit_callbacks):
    from xuncha.jobs import runner

    monkeypatch.setattr(reuse_checks, "_run", lambda check: 1 / 0)
    settings.JOB_RETRY_SECONDS = 1
    with django_capture_on_commit_callbacks(execute=True):
        upload(login("team_member"), {"讲话.txt": SPEECH.encode()})
    check, job = ReuseCheck.objects.get(), Job.objects.get()
    assert (check.state, check.stage) == ("queued", "出错，稍后自动重试")
    assert (job.state, job.attempts) == ("retrying", 1)
    for _ in range(2):
        Job.objects.filter(pk=job.pk).update(next_attempt_at=None)  # due now
        runner.run(job.pk)
    check.refresh_from_db()
    job.refresh_from_db()
    assert (job.state, job.attempts, check.state) == ("failed", 3, "failed")
    assert "比对文档" in job.error and "请重新提交" in check.error


def test_a_running_check_shows_its_progress_and_refreshes(login, cast):
    check = ReuseCheck.objects.create(title="述职报告", created_by=cast.users["team_member"], state="running",
                                      progress=0.42, stage="比对文档", files=3)
    page = login("team_member").get(reverse("reuse-check", args=[check.pk])).content.decode()
    assert "42%" in page and "比对文档" in page and 'http-equiv="refresh"' in page


def test_bad_batches_are_refused_in_chinese_and_leave_nothing(login, cast, settings):
    client = login("team_member")
    settings.REUSE_MAX_BYTES = 1000
    for files, message in [({"大文件.txt": "字".encode() * 2000}, "“大文件.txt”超过"),
                           ({"照片.jpg": b"\xff\xd8"}, "不是可检测的文件类型"),
                           ({"坏.zip": b"PK not really"}, "不是有效的 zip"),
                           ({"讲话.txt": SPEECH.encode()}, "最短雷同字数应为整数"),
                           ({}, "请选择要检测的文件")]:
        extra = {"min_run": "十三"} if message.startswith("最短") else {}
        page = upload(client, files, follow=True, **extra).content.decode() if files else client.post(
            reverse("reuse-checks"), {}, follow=True).content.decode()
        assert message in page
    assert not ReuseCheck.objects.exists() and not Job.objects.exists()
    assert list(storage.walk("reuse")) == []


def test_batches_over_their_bounds_are_refused_in_chinese_and_leave_nothing(login, cast, settings):
    client = login("team_member")
    settings.REUSE_BATCH_MAX_BYTES, settings.REUSE_BATCH_MAX_FILES = 3000, 2
    three = {f"{n}.txt": SPEECH.encode() for n in "甲乙丙"}
    for files, message in [({"甲.txt": SPEECH.encode() * 4, "乙.txt": SPEECH.encode() * 4}, "合计超过"),
                           ({"材料.zip": zipped(three)}, "一次最多检测 2 份文档"),
                           (three, "一次最多检测 2 份文档")]:
        assert message in upload(client, files, follow=True).content.decode()
    assert not ReuseCheck.objects.exists() and not Job.objects.exists()
    assert list(storage.walk("reuse")) == []


def test_a_person_over_the_daily_number_of_checks_is_refused(login, cast, settings):
    settings.REUSE_DAILY_CHECKS = 2
    for title in ["甲", "乙"]:
        ReuseCheck.objects.create(title=title, created_by=cast.users["team_member"])
    ReuseCheck.objects.create(title="丙", created_by=cast.users["admin"])
    page = upload(login("team_member"), {"讲话.txt": SPEECH.encode()}, follow=True).content.decode()
    assert "每人每天最多提交 2 次雷同检测" in page
    assert ReuseCheck.objects.count() == 3 and not Job.objects.exists()


def test_unit_staff_may_not_check_and_inspectors_see_only_their_own_batches(login, cast):
    check = ReuseCheck.objects.create(title="甲", created_by=cast.users["team_member"])
    assert login("editor").get(reverse("reuse-checks")).status_code == 403
    assert login("other_team").get(reverse("reuse-check", args=[check.pk])).status_code == 404
    assert login("admin").get(reverse("reuse-check", args=[check.pk])).status_code == 200


def test_a_progress_report_copied_from_another_unit_is_flagged_with_its_source(
        login, cast, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measures.report_progress(cast.actor("outsider"), cast.other_measure, today, OTHER)
    report = measures.report_progress(cast.actor("editor"), cast.measure, today, "  本月进展：" + OTHER + "\n")
    report = ProgressReport.objects.get(pk=report.pk)
    assert report.copied_share > 0.9 and "建设社区" in report.copied_from
    assert report.text == "本月进展：" + OTHER
    page = login("editor").get(reverse("inspection", args=[cast.inspection.pk])).content.decode()
    assert "boilerplate" in page or "雷同" in page
    assert "建设社区" in page


def test_a_unit_is_not_flagged_for_repeating_its_own_reports(cast, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measures.report_progress(cast.actor("editor"), cast.measure, today, OTHER)
    again = measures.report_progress(cast.actor("editor"), cast.measure, today, OTHER)
    assert ProgressReport.objects.get(pk=again.pk).copied_share is None


def test_a_batch_is_kept_in_object_storage_and_checked_from_there(
        login, cast, s3_storage, django_capture_on_commit_callbacks):
    client = login("team_member")
    copied = SPEECH[:80] + "此外另有内容。"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, {"讲话.txt": SPEECH.encode(), "抄写.txt": copied.encode()})
    check = ReuseCheck.objects.get()
    assert check.state == "done" and check.pair_count == 1
    assert s3_storage() == [f"reuse-checks/{check.pk}/files/抄写.txt",
                            f"reuse-checks/{check.pk}/files/讲话.txt",
                            f"reuse-checks/{check.pk}/texts.json"]
    assert set(reuse_checks.texts(check)) == {"讲话.txt", "抄写.txt"}


COMMON = ("社区党委高度重视巡察反馈问题整改工作，成立了以书记为组长的整改工作领导小组，制定了整改方案，"
          "明确了责任分工和完成时限，确保各项整改任务落到实处。")


def test_the_page_and_the_printable_report_give_one_figure_for_a_share(login, cast,
                                                                      django_capture_on_commit_callbacks):
    """A document with one source has that pair's share as its total (81.5%, not 81.6% beside it),
    and the page prints it as the report does, to one decimal."""
    files = {"甲社区述职报告.txt": f"甲社区2025年述职报告。{COMMON}今年重点推进老旧小区改造，完成12个小区的管网更新。",
             "乙社区述职报告.txt": f"乙社区2025年述职报告。{COMMON}今年重点推进垃圾分类，覆盖率达到95%。"}
    files = {name: text.encode() for name, text in files.items()}
    client = login("team_member")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, files, title="述职报告")
    check = ReuseCheck.objects.get()
    shares = {name: f"{value:.1%}" for p in check.result["pairs"]
              for name, value in ((p["a"], p["share_a"]), (p["b"], p["share_b"]))}
    assert shares == {"甲社区述职报告.txt": "81.5%", "乙社区述职报告.txt": "87.5%"}
    printable = client.get(reverse("reuse-export", args=[check.pk, "html"])).content.decode()
    page = client.get(reverse("reuse-check", args=[check.pk])).content.decode()
    for html in (printable, page):
        assert "81.5%" in html and "87.5%" in html and "81.6%" not in html and "82%" not in html
    assert "k-gram" not in printable


def test_the_printable_report_has_a_phone_layout_and_its_style_is_allowed(login, cast,
                                                                          django_capture_on_commit_callbacks):
    import hashlib
    from base64 import b64encode

    from xuncha.core.reuse.report import CSS

    files = {"甲社区述职报告.txt": f"甲社区述职报告。{COMMON}", "乙社区述职报告.txt": f"乙社区述职报告。{COMMON}"}
    client = login("team_member")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, {name: text.encode() for name, text in files.items()}, title="述职报告")
    response = client.get(reverse("reuse-export", args=[ReuseCheck.objects.get().pk, "html"]))
    html = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<td data-label="文档甲">' in html and '<td data-label="总复制比" class="num">' in html
    assert 'data-doc="甲社区述职报告.txt"' in html  # each passage box names its document when stacked
    assert "@media screen and (max-width: 700px)" in CSS and "@media print" in CSS
    digest = b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response["Content-Security-Policy"]
