"""Bundles between the centre (this database) and a laptop played in-process (tests/exchange/conftest.py):
what an export holds, what an import applies, what it refuses, and the conflicts it leaves to people."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from tests.exchange.conftest import rewrite
from tests.exchange.remote import Remote
from xuncha.exchange import pack, services
from xuncha.exchange.models import Base, Conflict, Peer, Transfer
from xuncha.ledger.errors import PermissionDenied
from xuncha.ledger.models import AuditEvent, Evidence, Measure, ProgressReport
from xuncha.ledger.services import measures, storage

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 laptop evidence"


def _export(cast, peer: str = "笔记本") -> services.Exported:
    return services.export_bundle(cast.system, cast.inspection.pk, peer)


def _import(cast, data: bytes, who: str = "admin") -> services.Imported:
    return services.import_bundle(cast.actor(who), data, "bundle.zip")


def _synced(cast, remote: Remote) -> list[dict]:
    """The laptop took the whole inspection and acknowledged it: both sides hold the same base."""
    objects = remote.take(_export(cast))
    _import(cast, remote.bundle([], cast.inspection.uid))
    return objects


def _measure_item(objects: list[dict], cast, **changes) -> dict:
    item = next(o for o in objects if o["uid"] == str(cast.measure.uid))
    return {**item, "fields": {**item["fields"], **changes}}


def _state() -> tuple:
    return (list(Measure.objects.order_by("pk").values()), Base.objects.count(), Conflict.objects.count(),
            Transfer.objects.count(), Evidence.objects.count(), ProgressReport.objects.count())


def test_the_first_export_holds_the_inspection_with_its_units_and_is_recorded(cast, remote):
    exported = _export(cast)
    kinds = [o["kind"] for o in remote.take(exported)]
    assert kinds[:3] == ["unit"] * 3 and {"team", "round", "inspection", "finding", "measure"} <= set(kinds)
    record = AuditEvent.objects.get(action="bundle.export")
    assert record.inspection_id == cast.inspection.pk and str(cast.measure.uid) in record.after["uids"]
    assert Peer.objects.get().sent_seq == 1


def test_an_export_holds_only_what_changed_since_the_last_acknowledged_bundle(cast, remote, today):
    first = remote.take(_export(cast))
    assert len(remote.take(_export(cast))) == len(first)  # not acknowledged yet: sent again
    _import(cast, remote.bundle([], cast.inspection.uid))  # the small acknowledgement
    assert remote.take(_export(cast)) == []
    measures.update_measure(cast.system, cast.measure, cast.measure.version, lead="王书记")
    changed = remote.take(_export(cast))
    assert [(o["kind"], o["fields"]["lead"]) for o in changed] == [("measure", "王书记")]


def test_a_change_made_on_the_laptop_is_applied_and_the_import_names_it(cast, remote):
    objects = _synced(cast, remote)
    result = _import(cast, remote.bundle([_measure_item(objects, cast, lead="张书记")], cast.inspection.uid))
    assert Measure.objects.get(pk=cast.measure.pk).lead == "张书记"
    assert result.updated == {"measure": [cast.measure.pk]} and result.conflicts == 0
    record = AuditEvent.objects.filter(action="bundle.import").order_by("seq").last()
    assert record.after["updated"] == {"measure": [cast.measure.pk]} and record.inspection_id == cast.inspection.pk


def test_the_same_bundle_twice_changes_nothing(cast, remote):
    objects = _synced(cast, remote)
    data = remote.bundle([_measure_item(objects, cast, lead="张书记")], cast.inspection.uid)
    _import(cast, data)
    before = _state()
    again = _import(cast, data)
    assert again.replay and "此前已导入" in again.line()
    assert _state() == before


def test_a_field_changed_on_both_sides_is_a_conflict_kept_out_until_decided(cast, remote, today):
    objects = _synced(cast, remote)
    measures.update_measure(cast.system, cast.measure, cast.measure.version, lead="王书记")
    result = _import(cast, remote.bundle([_measure_item(objects, cast, lead="张书记", owner="社区居委会")],
                                         cast.inspection.uid))
    measure = Measure.objects.get(pk=cast.measure.pk)
    assert (measure.lead, measure.owner) == ("王书记", "社区居委会")  # one conflict; the other change applied
    conflict = Conflict.objects.get()
    assert (conflict.field, conflict.base, conflict.ours, conflict.theirs) == ("lead", "李书记", "王书记", "张书记")
    assert result.conflicts == 1
    pending = remote.take(_export(cast))
    assert all("lead" not in o["fields"] for o in pending)  # undecided: not sent either way
    services.decide(cast.actor("admin"), conflict.pk, "ours")
    back = remote.take(_export(cast))
    assert [o["fields"]["lead"] for o in back if o["kind"] == "measure"] == ["王书记"]
    record = AuditEvent.objects.get(action="bundle.conflict")
    assert record.object_id == cast.measure.pk and record.after["choice"] == "ours"


def test_taking_theirs_writes_their_value_and_sends_nothing_back(cast, remote, today):
    objects = _synced(cast, remote)
    measures.update_measure(cast.system, cast.measure, cast.measure.version, lead="王书记")
    _import(cast, remote.bundle([_measure_item(objects, cast, lead="张书记")], cast.inspection.uid))
    services.decide(cast.actor("admin"), Conflict.objects.get().pk, "theirs")
    assert Measure.objects.get(pk=cast.measure.pk).lead == "张书记"
    assert remote.take(_export(cast)) == []
    with pytest.raises(services.ServiceError, match="已经决定过"):
        services.decide(cast.actor("admin"), Conflict.objects.get().pk, "ours")


def _report_items(cast, content: bytes) -> tuple[list[dict], dict]:
    report = {"kind": "progressreport", "uid": "6b7c3f0e-57f4-4c9a-9d43-7b1f1f0a0001", "fields": {
        "measure": str(cast.measure.uid), "date": "2025-11-10", "text": "笔记本上填报的进展",
        "copied_share": None, "copied_from": "", "author": "team_member"}}
    sha = hashlib.sha256(content).hexdigest()
    evidence = {"kind": "evidence", "uid": "6b7c3f0e-57f4-4c9a-9d43-7b1f1f0a0002", "fields": {
        "report": report["uid"], "original_name": "会议记录.pdf", "sha256": sha, "size": len(content),
        "content_type": "application/pdf", "uploaded_by": "newcomer"}}
    return [report, evidence], {sha: content}


def test_evidence_files_travel_and_an_unknown_person_gets_a_disabled_account(cast, remote):
    _synced(cast, remote)
    items, files = _report_items(cast, PDF)
    result = _import(cast, remote.bundle(items, cast.inspection.uid, files))
    evidence = Evidence.objects.get()
    assert storage.read_bytes("evidence", evidence.stored_name) == PDF
    assert evidence.report.author.username == "team_member" and not evidence.uploaded_by.is_active
    assert result.created == {"progressreport": [evidence.report_id], "evidence": [evidence.pk]}
    record = AuditEvent.objects.filter(action="bundle.import").order_by("seq").last()
    assert record.after["accounts_created"] == ["newcomer"]


def test_a_failed_import_leaves_no_row_and_no_file_behind(cast, remote, tmp_path):
    _synced(cast, remote)
    items, files = _report_items(cast, PDF)
    broken = {"kind": "lookback", "uid": "6b7c3f0e-57f4-4c9a-9d43-7b1f1f0a0003", "fields": {
        "finding": "00000000-0000-4000-8000-000000000000", "date": "2025-11-11", "result": "sustained",
        "comment": "", "checked_by": "admin"}}
    before = _state()
    with pytest.raises(pack.BundleRefused, match="本机没有的反馈问题"):
        _import(cast, remote.bundle([*items, broken], cast.inspection.uid, files))
    assert _state() == before
    assert list(storage.walk("evidence")) == []


@pytest.mark.parametrize("case", ["member", "manifest", "wrong key", "unregistered", "not for us", "not a zip"])
def test_a_tampered_or_foreign_bundle_is_refused_in_chinese_and_changes_nothing(cast, remote, case):
    objects = _synced(cast, remote)
    item = [_measure_item(objects, cast, lead="张书记")]
    data = remote.bundle(item, cast.inspection.uid)
    stranger = Remote()
    bundles = {
        "member": (rewrite(data, pack.OBJECTS, lambda b: b.replace("张".encode(), "赵".encode())), "校验值不符"),
        "manifest": (rewrite(data, pack.MANIFEST, lambda b: b.replace(b'"seq":2', b'"seq":9')), "签名无效"),
        "wrong key": (remote.bundle(item, cast.inspection.uid, sign=stranger.sign), "签名无效"),
        "unregistered": (stranger.bundle(item, cast.inspection.uid), "未登记"),
        "not for us": (remote.bundle(item, cast.inspection.uid, recipient=stranger.fingerprint), "其他安装"),
        "not a zip": (b"PK\x03\x04 broken", "这不是 xuncha 数据包：文件不是 zip 压缩包"),
    }
    bad, message = bundles[case]
    before = _state()
    with pytest.raises(pack.BundleRefused, match=message):
        _import(cast, bad)
    assert _state() == before
    refusal = AuditEvent.objects.filter(action="bundle.refused").get()
    assert refusal.result == "refused" and message in refusal.summary


def test_a_member_added_to_a_signed_bundle_is_refused(cast, remote):
    data = remote.bundle([], cast.inspection.uid)
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("files/extra", b"x")
    with pytest.raises(pack.BundleRefused, match="与清单不符"):
        _import(cast, out.getvalue())


def test_only_the_office_exchanges(cast, remote):
    data = remote.bundle([], cast.inspection.uid)
    for name in ("editor", "sysadmin", "team_member"):
        with pytest.raises(PermissionDenied):
            services.export_bundle(cast.actor(name), cast.inspection.pk, "笔记本")
        with pytest.raises(PermissionDenied):
            _import(cast, data, name)


def test_a_team_of_the_same_name_made_on_both_sides_becomes_one_team(cast, remote):
    from xuncha.ledger.models import Team

    objects = _synced(cast, remote)
    team = next(o for o in objects if o["kind"] == "team")
    other = {"kind": "team", "uid": "6b7c3f0e-57f4-4c9a-9d43-7b1f1f0a0009", "fields": {"name": "区委第二巡察组"}}
    result = _import(cast, remote.bundle([other], cast.inspection.uid))
    assert str(Team.objects.get(name="区委第二巡察组").uid) == other["uid"]
    assert result.updated == {"team": [cast.team2.pk]} and team["fields"]["name"] == "区委第四巡察组"
