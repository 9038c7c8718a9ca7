"""Flags raised at upload, and how each viewer reads them (a unit never learns another's files)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.provenance.photos import photo, retouched
from xuncha.ledger.models import AuditEvent, Evidence
from xuncha.ledger.services import evidence as evidence_files
from xuncha.ledger.services import measures
from xuncha.provenance import selectors
from xuncha.provenance.models import Fingerprint, Flag

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 11, 10)  # after both feedback dates


def report(cast, who: str, measure, files, day=DAY, text="已整改完毕"):
    measure.refresh_from_db()
    return measures.report_progress(cast.actor(who), measure, day, text,
                                    [(name, [data]) for name, data in files])


def kinds(finding) -> list[str]:
    return sorted(Flag.objects.filter(finding=finding).values_list("kind", flat=True))


def test_it_keeps_a_fingerprint_of_each_upload(cast, today):
    report(cast, "editor", cast.measure, [("会议.jpg", photo(1)), ("说明.txt", "整改说明".encode())])
    image, text = Fingerprint.objects.order_by("evidence_id")
    assert image.phash is not None and image.band0 is not None and image.sha256 == image.evidence.sha256
    assert text.phash is None and text.finding_id == cast.finding.pk
    assert not Flag.objects.exists()


def test_the_same_photo_on_two_units_findings_is_flagged_and_named_only_to_who_sees_both(cast, today):
    report(cast, "outsider", cast.other_measure, [("现场.jpg", photo(1))])
    report(cast, "editor", cast.measure, [("整改后.jpg", photo(1))])
    flag = Flag.objects.get()
    assert flag.kind == "same_file"
    assert (flag.finding_id, flag.other_finding_id) == (cast.finding.pk, cast.other_finding.pk)

    mine = selectors.finding_flags(cast.actor("editor"), cast.finding)
    theirs = selectors.finding_flags(cast.actor("outsider"), cast.other_finding)
    office = selectors.finding_flags(cast.actor("admin"), cast.finding)
    assert [v.text for v in mine] == ["佐证材料“整改后.jpg”与其他单位的佐证材料相同。"]
    assert "现场.jpg" not in mine[0].text and not mine[0].link
    assert theirs[0].text == "佐证材料“现场.jpg”与其他单位的佐证材料相同。"
    assert "建设社区" in office[0].text and "现场.jpg" in office[0].text and office[0].link


def test_one_photo_in_several_reports_is_one_line_with_its_count(cast, today):
    report(cast, "outsider", cast.other_measure, [("现场.jpg", photo(2))])
    report(cast, "editor", cast.measure, [("整改后.jpg", photo(2))])
    report(cast, "editor", cast.measure, [("整改后.jpg", photo(2))], text="再次报送整改情况")
    assert Flag.objects.count() == 2
    views = selectors.finding_flags(cast.actor("editor"), cast.finding)
    assert [(v.text, v.times) for v in views] == [("佐证材料“整改后.jpg”与其他单位的佐证材料相同。", 2)]


def test_a_retouched_copy_is_flagged_near_same_with_its_distance(cast, today):
    report(cast, "outsider", cast.other_measure, [("a.jpg", photo(4))])
    report(cast, "editor", cast.measure, [("b.jpg", retouched(4)), ("c.jpg", photo(5))])
    flag = Flag.objects.get()
    assert flag.kind == "near_image" and flag.distance <= 4
    assert flag.evidence.original_name == "b.jpg"


def test_files_on_the_same_finding_are_not_flagged(cast, today):
    report(cast, "editor", cast.measure, [("a.jpg", photo(6))])
    report(cast, "editor", cast.measure, [("a-again.jpg", photo(6))])
    assert not Flag.objects.exists()


def test_a_photo_taken_before_the_feedback_is_flagged(cast, today):
    report(cast, "editor", cast.measure, [("旧照片.jpg", photo(7, taken="2025:08:20 09:00:00"))])
    flag = Flag.objects.get()
    assert flag.kind == "made_before_feedback" and flag.on_date == dt.date(2025, 8, 20)
    text = selectors.finding_flags(cast.actor("editor"), cast.finding)[0].text
    assert "照片拍摄时间（EXIF）为2025年8月20日" in text and "早于反馈日期2025年9月15日" in text


def test_progress_dated_before_the_feedback_is_flagged(cast, today):
    report(cast, "editor", cast.measure, [], day=dt.date(2025, 8, 1))
    assert kinds(cast.finding) == ["progress_before_feedback"]


def test_the_flags_go_into_the_reports_audit_record(cast, today):
    report(cast, "outsider", cast.other_measure, [("x.jpg", photo(8))])
    report(cast, "editor", cast.measure, [("y.jpg", photo(8))], day=dt.date(2025, 8, 1))
    event = AuditEvent.objects.filter(action="progress.report").latest("id")
    assert event.after["flags"] == ["progress_before_feedback", "same_file"]


def test_a_burst_of_uploads_just_before_a_deadline_is_flagged(cast, today, settings, monkeypatch):
    settings.PROVENANCE_BURST_FILES = 3
    settings.PROVENANCE_BURST_MINUTES = 60
    late = timezone.make_aware(dt.datetime(2025, 11, 15, 23, 30))  # the measure's deadline day
    monkeypatch.setattr("xuncha.clock.now", lambda: late)
    report(cast, "editor", cast.measure, [("1.txt", b"one"), ("2.txt", b"two")])
    assert not Flag.objects.exists()
    report(cast, "editor", cast.measure, [("3.txt", b"three")])
    flag = Flag.objects.get()
    assert flag.kind == "deadline_burst" and flag.count == 3 and flag.on_date == dt.date(2025, 11, 15)
    report(cast, "editor", cast.measure, [("4.txt", b"four")])
    assert Flag.objects.get().count == 4


def test_uploads_late_on_a_day_without_a_deadline_are_no_burst(cast, today, settings, monkeypatch):
    settings.PROVENANCE_BURST_FILES = 2
    monkeypatch.setattr("xuncha.clock.now", lambda: timezone.make_aware(dt.datetime(2025, 11, 14, 23, 50)))
    report(cast, "editor", cast.measure, [("1.txt", b"one"), ("2.txt", b"two")])
    assert not Flag.objects.exists()


def test_withdrawing_a_file_takes_its_flags_with_it(cast, today):
    report(cast, "outsider", cast.other_measure, [("x.jpg", photo(9))])
    report(cast, "editor", cast.measure, [("y.jpg", photo(9))])
    evidence_files.withdraw(cast.actor("editor"), Evidence.objects.get(original_name="y.jpg").pk)
    assert not Flag.objects.exists() and Fingerprint.objects.count() == 1


def test_no_flag_blocks_the_sign_off(cast, today):
    from xuncha.ledger.services import closeouts

    report(cast, "outsider", cast.other_measure, [("x.jpg", photo(10))])
    measure = cast.measure
    measure.refresh_from_db()
    measures.report_progress(cast.actor("editor"), measure, DAY, "已完成全部整改，会议记录已归档。",
                             [("y.jpg", [photo(10)])], mark="done")
    assert Flag.objects.exists()
    closeout = closeouts.request_closeout(cast.actor("editor"), cast.finding)
    closeout = closeouts.endorse_closeout(cast.actor("leader"), closeout, "同意")
    closeouts.approve_closeout(cast.actor("admin"), closeout, "同意")
    cast.finding.refresh_from_db()
    assert cast.finding.status == "closed"


def test_a_viewer_who_may_not_see_the_finding_gets_no_flags(cast, today):
    report(cast, "editor", cast.measure, [], day=dt.date(2025, 8, 1))
    assert selectors.finding_flags(cast.actor("outsider"), cast.finding) == []


def test_a_photo_dated_after_its_upload_is_flagged_a_day_late_and_not_before(cast, today, monkeypatch):
    from xuncha.provenance import scan

    uploaded = timezone.make_aware(dt.datetime(2025, 11, 10, 9, 0))
    monkeypatch.setattr("xuncha.clock.now", lambda: uploaded)
    report(cast, "editor", cast.measure, [("未来.jpg", photo(9, taken="2027:05:01 10:00:00")),
                                          ("当天.jpg", photo(10, taken="2025:11:10 20:00:00"))])  # same day: no
    (flag,) = Flag.objects.filter(kind="made_after_upload")
    assert flag.evidence.original_name == "未来.jpg" and flag.on_date == dt.date(2027, 5, 1)
    (view,) = [f for f in selectors.finding_flags(cast.actor("editor"), cast.finding) if f.kind == "made_after_upload"]
    assert "2027年5月1日" in view.text and "晚于上传时间2025年11月10日" in view.text
    # The province pass finds the same, and only that.
    Flag.objects.all().delete()
    scan.run(cast.system)
    assert list(Flag.objects.filter(kind="made_after_upload").values_list("evidence__original_name", flat=True)) \
        == ["未来.jpg"]
