"""Publishing a notice: its files live and die with the publishing transaction."""

import pytest

from xuncha.ledger.models import AuditEvent, Notice
from xuncha.ledger.services import audit, measures, notices, storage

pytestmark = pytest.mark.django_db


def approved_notice(cast, today) -> Notice:
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已召开5次支部会议", mark="done")
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    return notices.approve(cast.actor("leader"), notice)


def failing_audit(monkeypatch, action: str) -> None:
    """The audit record of `action` fails, as a full disk or a lost connection would."""
    original = audit.record

    def record(actor, name, *args, **kwargs):
        if name == action:
            raise RuntimeError("audit write failed")
        return original(actor, name, *args, **kwargs)

    monkeypatch.setattr(audit, "record", record)


def test_a_publish_whose_transaction_fails_leaves_no_files_and_can_be_retried(cast, today,
                                                                              monkeypatch):
    notice = approved_notice(cast, today)
    failing_audit(monkeypatch, "notice.publish")
    with pytest.raises(RuntimeError):
        notices.publish(cast.actor("admin"), notice)
    assert list(storage.walk(notices.FILES)) == []
    assert Notice.objects.get(pk=notice.pk).state == "approved"
    monkeypatch.undo()

    published = notices.publish(cast.actor("admin"), Notice.objects.get(pk=notice.pk))
    assert published.state == "published"
    assert sorted(storage.walk(notices.FILES)) == sorted(f["key"] for f in published.files)
    assert AuditEvent.objects.filter(action="notice.publish").count() == 1


def test_published_files_sit_under_a_new_folder_of_the_version_with_their_hashes(cast, today):
    published = notices.publish(cast.actor("admin"), approved_notice(cast, today))
    folders = {f["key"].rsplit("/", 1)[0] for f in published.files}
    assert len(folders) == 1 and folders.pop().startswith(f"{cast.inspection.pk}/v1/")
    import hashlib

    for entry in published.files:
        data = storage.read_bytes(notices.FILES, notices.stored_name(published, entry))
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["size"])


def test_a_notice_published_before_keys_were_recorded_is_found_in_its_old_folder(cast, today):
    notice = approved_notice(cast, today)
    old = notices.stored_name(notice, {"name": "notice-v1.pdf"})
    assert old == f"{cast.inspection.pk}/v1/notice-v1.pdf"


def test_a_second_publish_of_the_same_version_is_refused_and_leaves_no_files(cast, today):
    notice = approved_notice(cast, today)
    stale = Notice.objects.get(pk=notice.pk)
    published = notices.publish(cast.actor("admin"), notice)
    from xuncha.ledger.errors import InvalidMove

    with pytest.raises(InvalidMove):
        notices.publish(cast.actor("admin"), Notice.objects.get(pk=stale.pk))
    assert sorted(storage.walk(notices.FILES)) == sorted(f["key"] for f in published.files)


def test_a_category_typed_with_its_marker_is_numbered_once_in_the_notice(cast):
    from xuncha.ledger.services.notices import notice_doc_for

    doc = notice_doc_for(cast.inspection)
    assert doc.findings[0].category == "集中整改期内已完成的整改事项"


def _published_pdf_text(published) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    entry = next(f for f in published.files if f["format"] == "pdf")
    document = pdfium.PdfDocument(storage.read_bytes(notices.FILES, notices.stored_name(published, entry)))
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_a_published_pdf_prints_a_qr_code_to_its_portal_page_when_the_portal_has_a_host(cast, today, settings):
    from xuncha.core.render import pdf_grid

    if not pdf_grid.available():
        pytest.skip("the grid PDF writer cannot run here")
    settings.PORTAL_HOST, settings.SITE_URL = "gk.example.gov.cn", "https://xc.example.gov.cn"
    notice = approved_notice(cast, today)
    assert notices.public_address(notice) == f"https://gk.example.gov.cn/public/notices/{notice.pk}/"
    published = notices.publish(cast.actor("admin"), notice)
    assert "扫码查看" in _published_pdf_text(published)
    import io
    import zipfile

    entry = next(f for f in published.files if f["format"] == "docx")
    data = storage.read_bytes(notices.FILES, notices.stored_name(published, entry))
    assert "word/media/qr.png" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_without_a_portal_host_the_published_pdf_has_no_qr_code(cast, today, settings):
    settings.PORTAL_HOST = ""
    notice = approved_notice(cast, today)
    assert notices.public_address(notice) is None
    assert "扫码查看" not in _published_pdf_text(notices.publish(cast.actor("admin"), notice))


def test_a_new_version_keeps_the_earlier_masks_and_an_older_version_is_not_published_after_a_newer(cast, today):
    from xuncha.ledger.errors import InvalidMove
    from xuncha.ledger.models import Notice
    from xuncha.ledger.services import findings as finding_services

    finding_services.update_finding(cast.system, cast.finding, cast.finding.version,
                                    description="社区负责安全工作人员李建新受到政务警告处分。")
    first = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    first = notices.mask_name(cast.actor("editor"), first, "李建新")
    second = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    assert "李建新" not in second.doc["text"] and second.masks == ["李建新"]
    older = notices.approve(cast.actor("leader"), first)
    newer = notices.approve(cast.actor("leader"), second)
    notices.publish(cast.actor("admin"), newer, override_reason="测试")
    with pytest.raises(InvalidMove, match="已发布更新的第2版"):
        notices.publish(cast.actor("admin"), older, override_reason="测试")
    assert Notice.objects.get(pk=older.pk).state == "approved"


def test_a_draft_without_its_date_is_not_told_it_lacks_one(cast, today):
    draft = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    assert not draft.doc.get("notice_date")
    assert not [d for d in notices.lint_checks(draft) if "落款日期" in d.message]
    approved = notices.approve(cast.actor("leader"), draft)
    assert approved.doc["notice_date"] and not [d for d in notices.lint_checks(approved) if "落款日期" in d.message]
