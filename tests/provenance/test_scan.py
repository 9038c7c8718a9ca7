"""The whole province's pass: the same flags as at upload, old files fingerprinted, stale flags
dropped, one audit record; also as the queued job and the `xuncha provenance` command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.provenance.photos import photo, retouched
from tests.provenance.test_flags import report
from xuncha.jobs import runner, schedule
from xuncha.ledger.actor import system_actor
from xuncha.ledger.models import AuditEvent, Inspection
from xuncha.provenance import scan
from xuncha.provenance.models import Fingerprint, Flag

pytestmark = pytest.mark.django_db


def keys() -> set[str]:
    return set(Flag.objects.values_list("key", flat=True))


@pytest.fixture
def flagged(cast, today):
    report(cast, "outsider", cast.other_measure, [("a.jpg", photo(1)), ("b.jpg", photo(2))])
    report(cast, "editor", cast.measure, [("a2.jpg", photo(1)), ("b2.jpg", retouched(2)),
                                          ("old.jpg", photo(3, taken="2025:08:01 08:00:00"))],
           day=dt.date(2025, 8, 2))
    return keys()


def test_the_pass_finds_what_the_uploads_found(flagged):
    assert {k.split(":")[0] for k in flagged} == {"same_file", "near_image", "made_before_feedback",
                                                  "progress_before_feedback"}
    Flag.objects.all().delete()
    result = scan.run(system_actor())
    assert keys() == flagged
    assert result.added == len(flagged) and result.removed == 0


def test_a_second_pass_changes_nothing_and_drops_the_flags_that_no_longer_hold(flagged, cast):
    assert scan.run(system_actor()).added == 0
    Inspection.objects.filter(pk=cast.inspection.pk).update(feedback_date=dt.date(2025, 7, 20))  # corrected
    result = scan.run(system_actor())
    assert result.removed == 2 and {k.split(":")[0] for k in keys()} == {"same_file", "near_image"}


def test_files_stored_before_fingerprints_are_read_back_from_storage(flagged):
    Fingerprint.objects.all().delete()  # takes nothing else with it
    Flag.objects.all().delete()
    result = scan.run(system_actor())
    assert result.fingerprinted == 5 and Fingerprint.objects.filter(phash__isnull=False).count() == 5
    # the date made is read back too; the upload time is the row's own
    assert {k.split(":")[0] for k in keys()} >= {"same_file", "near_image", "made_before_feedback"}


def test_the_pass_leaves_one_audit_record(flagged):
    scan.run(system_actor())
    event = AuditEvent.objects.filter(action="provenance.scan").get()
    assert event.after["files"] == 5 and event.after["flags"]["same_file"] == 1


def test_the_pass_runs_as_a_job_and_as_a_command(flagged):
    Flag.objects.all().delete()
    job = schedule.run_daily("provenance", "2025-11-20", dispatch=False)  # the daily entry's job
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and keys() == flagged
    out = io.StringIO()
    call_command("provenance", stdout=out)
    assert "佐证材料核验：5 个文件" in out.getvalue()
