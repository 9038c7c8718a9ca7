"""Evidence files: stored under generated names, gone again when their report is not saved."""

import pytest

from tests.ledger.test_notices import failing_audit
from xuncha.ledger.models import Evidence, ProgressReport
from xuncha.ledger.services import measures, storage
from xuncha.ledger.services.evidence import KIND
from xuncha.ledger.services.storage import TooLarge

pytestmark = pytest.mark.django_db


def test_a_report_whose_transaction_fails_leaves_no_evidence_and_can_be_retried(cast, today,
                                                                                monkeypatch):
    files = [("会议记录.pdf", [b"%PDF-1.4 minutes"]), ("照片.png", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 20])]
    failing_audit(monkeypatch, "progress.report")
    with pytest.raises(RuntimeError):
        measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料", files)
    assert list(storage.walk(KIND)) == []
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    monkeypatch.undo()

    measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料",
                             [("会议记录.pdf", [b"%PDF-1.4 minutes"])])
    assert list(storage.walk(KIND)) == [Evidence.objects.get().stored_name]


def test_evidence_over_the_limit_is_refused_while_streaming(cast, today, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    read: list[int] = []

    def stream():
        for _ in range(50):
            read.append(1)
            yield b"a" * 512

    with pytest.raises(TooLarge, match="超过 1 KB 的大小限制"):
        measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料",
                                 [("big.txt", stream())])
    assert len(read) == 3 and list(storage.walk(KIND)) == []


def test_another_units_editor_stores_nothing(cast, today):
    from xuncha.ledger.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        measures.report_progress(cast.actor("outsider"), cast.measure, today, "附材料",
                                 [("a.pdf", [b"%PDF-1.4 x"])])
    assert list(storage.walk(KIND)) == []
