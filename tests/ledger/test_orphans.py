"""The janitor: stored files no row references, older than an hour, are deleted."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.ledger.test_notices import approved_notice
from xuncha.ledger.models import Evidence
from xuncha.ledger.services import measures, notices, orphans, storage

pytestmark = pytest.mark.django_db


def test_it_deletes_old_unreferenced_files_and_keeps_every_referenced_one(cast, today):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料",
                             [("a.pdf", [b"%PDF-1.4 a"])])
    published = notices.publish(cast.actor("admin"), approved_notice(cast, today))
    storage.save_bytes("evidence", "0" * 32, b"left by a crash")
    storage.save_bytes("notices", f"{cast.inspection.pk}/v9/crashed/notice-v9.txt", b"crash")

    assert orphans.purge_orphans(timezone.now()) == {"evidence": 0, "notices": 0}  # too young
    removed = orphans.purge_orphans(timezone.now() + dt.timedelta(hours=2))
    assert removed == {"evidence": 1, "notices": 1}
    kept = set(Evidence.objects.values_list("stored_name", flat=True))
    assert set(storage.walk("evidence")) == kept
    assert sorted(storage.walk("notices")) == sorted(f["key"] for f in published.files)


def test_the_command_reports_what_it_deleted(cast, capsys):
    call_command("purge-orphans")
    assert "佐证材料 0 个，通报文件 0 个" in capsys.readouterr().out
