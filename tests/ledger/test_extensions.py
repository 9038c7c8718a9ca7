"""延期 requests, and the date rules of measures and progress."""

import datetime as dt

import pytest

from xuncha.ledger import worklists
from xuncha.ledger.errors import InvalidInput, InvalidMove, PermissionDenied
from xuncha.ledger.models import ExtensionRequest, Measure
from xuncha.ledger.services import extensions, measures

pytestmark = pytest.mark.django_db


def measure_of(cast):
    return Measure.objects.get(pk=cast.measure.pk)


def test_a_deadline_change_is_a_request_with_a_reason_decided_by_the_office(cast, today):
    with pytest.raises(InvalidMove, match="延期申请"):
        measures.update_measure(cast.actor("editor"), measure_of(cast), cast.measure.version,
                                deadline=dt.date(2025, 12, 31))
    with pytest.raises(InvalidInput, match="理由"):
        extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 12, 31), "")
    request = extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 12, 31),
                                           "需与街道统一部署")
    assert measure_of(cast).deadline == dt.date(2025, 11, 15)  # unchanged until decided
    with pytest.raises(PermissionDenied):
        extensions.approve_extension(cast.actor("leader"), request)
    extensions.approve_extension(cast.actor("admin"), request, "同意")
    measure = measure_of(cast)
    assert measure.deadline == dt.date(2025, 12, 31)
    assert measure.original_deadline == dt.date(2025, 11, 15)  # the original stays visible


def test_a_second_extension_keeps_the_first_deadline_as_the_original(cast, today):
    first = extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 12, 31), "理由一")
    extensions.approve_extension(cast.actor("admin"), first)
    second = extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2026, 1, 31), "理由二")
    extensions.approve_extension(cast.actor("admin"), second)
    assert measure_of(cast).original_deadline == dt.date(2025, 11, 15)


def test_a_refusal_needs_a_reason_and_keeps_the_deadline(cast, today):
    request = extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 12, 31), "人手不足")
    with pytest.raises(InvalidInput):
        extensions.refuse_extension(cast.actor("admin"), request, "")
    extensions.refuse_extension(cast.actor("admin"), request, "理由不充分")
    assert ExtensionRequest.objects.get(pk=request.pk).state == "refused"
    assert measure_of(cast).deadline == dt.date(2025, 11, 15)
    assert worklists.extension_counts(cast.actor("admin")) == {"requested": 0, "approved": 0, "refused": 1}


def test_one_open_request_per_measure_and_only_to_a_later_date(cast, today):
    with pytest.raises(InvalidInput, match="晚于"):
        extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 11, 1), "提前")
    extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 12, 31), "理由")
    with pytest.raises(InvalidMove, match="已有待审核"):
        extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2026, 1, 31), "再申请")


def test_the_requester_may_not_approve_their_own_extension(cast, today):
    request = extensions.request_extension(cast.actor("admin"), measure_of(cast), dt.date(2025, 12, 31), "理由")
    with pytest.raises(InvalidMove, match="另一人"):
        extensions.approve_extension(cast.actor("admin"), request)


# ---- dates -----------------------------------------------------------------------------------

def test_a_deadline_before_the_feedback_date_is_refused(cast, today):
    with pytest.raises(InvalidInput, match="不能早于反馈日期"):
        measures.create_measure(cast.actor("editor"), cast.finding, "补建制度", deadline=dt.date(2025, 9, 1))


def test_an_immediate_measure_may_date_from_the_inspections_start(cast, today):
    measure = measures.create_measure(cast.actor("editor"), cast.finding, "当场整改", kind="immediate",
                                      deadline=dt.date(2025, 7, 20))
    assert measure.deadline == dt.date(2025, 7, 20)
    with pytest.raises(InvalidInput, match="不能早于巡察进驻日期"):
        measures.create_measure(cast.actor("editor"), cast.finding, "当场整改", kind="immediate",
                                deadline=dt.date(2025, 6, 30))


def test_progress_dated_before_the_inspection_is_refused(cast, today):
    with pytest.raises(InvalidInput, match="不能早于巡察进驻日期"):
        measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2024, 11, 1), "去年的进展")
    with pytest.raises(InvalidInput, match="完成日期不能早于"):
        measures.change_measure_status(cast.actor("editor"), measure_of(cast), "done", completed_on=dt.date(2024, 1, 1))


def test_finishing_after_the_deadline_is_late_in_the_ledger_the_export_and_the_notice(cast, today):
    from xuncha.core.ledger_xlsx import read_xlsx, write_xlsx
    from xuncha.ledger import selectors
    from xuncha.ledger.services import notices

    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 18),
                             "已召开5次支部会议，均落实第一议题。", mark="done")
    assert worklists.measure_list(cast.actor("admin"), worklists.MeasureFilters(status="late")).count() == 1
    rows = selectors.ledger_rows(cast.inspection)
    book = write_xlsx(rows)
    assert b"\xe9\x80\xbe\xe6\x9c\x9f\xe5\xae\x8c\xe6\x88\x90" in _shared_strings(book)  # 逾期完成
    assert read_xlsx(book).rows[0].status == "done"  # and it reads back as done
    doc = notices.notice_doc_for(cast.inspection)
    assert doc.findings[0].status == "done" and doc.findings[0].status_text == "逾期完成"


def test_an_extended_deadline_shows_the_original_in_the_export_and_the_notice(cast, today):
    from xuncha.ledger import selectors
    from xuncha.ledger.services import notices

    request = extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 12, 31), "理由")
    extensions.approve_extension(cast.actor("admin"), request)
    assert "原完成时限2025-11-15" in selectors.ledger_rows(cast.inspection)[0].remarks
    doc = notices.notice_doc_for(cast.inspection)
    assert "完成时限由2025年11月15日延期至2025年12月31日" in doc.findings[0].measures[0]


def _shared_strings(book: bytes) -> bytes:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(book)).read("xl/sharedStrings.xml")


def test_an_extension_to_a_day_already_past_is_refused(cast, today):
    past = today - dt.timedelta(days=1)
    measure = measure_of(cast)
    Measure.objects.filter(pk=measure.pk).update(deadline=past - dt.timedelta(days=30))
    with pytest.raises(InvalidInput, match="已经过去"):
        extensions.request_extension(cast.actor("editor"), measure_of(cast), past, "补办延期")


def test_a_request_moves_no_deadline_on_the_timeline(cast, today):
    from xuncha.ledger import selectors

    extensions.request_extension(cast.actor("editor"), measure_of(cast), dt.date(2025, 12, 31), "理由")
    lines = [line for entry in selectors.finding_timeline(cast.finding.pk) for line in entry.changes]
    assert not any(line.startswith("完成时限") for line in lines), lines
    assert "延期申请：待审核" in lines


def test_an_approved_extension_is_not_held_against_the_period():
    from xuncha.core.lint.ledger import LedgerItem, LedgerMeasure, LedgerSnapshot, lint_ledger

    def flagged(**dates):
        measure = LedgerMeasure(id=1, text="更换消防栓", owner="物业", **dates)
        item = LedgerItem(id=1, number="（一）", title="消防栓无水", measures=[measure])
        snapshot = LedgerSnapshot(rectification_end=dt.date(2025, 11, 15), findings=[item])
        return [d for d in lint_ledger(snapshot) if d.rule == "deadline-after-period"]

    assert flagged(deadline=dt.date(2026, 3, 1))
    assert not flagged(deadline=dt.date(2026, 3, 1), original_deadline=dt.date(2025, 11, 10))


def test_a_progress_report_on_the_timeline_names_its_measure(cast, today):
    from xuncha.ledger import selectors

    measures.report_progress(cast.actor("editor"), measure_of(cast), today, "已召开支部会议学习第一议题。")
    summaries = [entry.summary for entry in selectors.finding_timeline(cast.finding.pk)]
    assert any(s.startswith(f"报送进展（措施“{cast.measure.text[:20]}") for s in summaries), summaries
