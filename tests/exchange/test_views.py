"""The 离线交换 page: who sees what, export and import through the site, decisions, its query count."""

from __future__ import annotations

import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.exchange.conftest import rewrite
from tests.exchange.remote import Remote
from xuncha import clock
from xuncha.exchange import pack, services
from xuncha.exchange.models import Conflict, Peer, Transfer
from xuncha.ledger.models import AuditEvent, Measure

pytestmark = pytest.mark.django_db
QUERY_BASELINE = 9  # the page's queries, whatever the number of conflicts, bundles and peers


def _upload(data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = "bundle.zip"
    return upload


def test_the_office_sees_every_part_of_the_page(login, remote):
    page = login("admin").get(reverse("exchange")).content.decode()
    for part in ("导出数据包", "导入数据包", "待决定的冲突", "交换记录", "交换对象", "登记公钥", "笔记本"):
        assert part in page, part


def test_the_system_administrator_registers_keys_but_moves_no_bundle(login, centre_keys):
    client = login("sysadmin")
    page = client.get(reverse("exchange")).content.decode()
    assert "登记公钥" in page and "导出数据包" not in page and "导入数据包" not in page
    response = client.post(reverse("exchange-peer-create"), {"name": "第四组笔记本", "public_key": Remote().public})
    assert response.status_code == 302 and Peer.objects.filter(name="第四组笔记本").exists()


@pytest.mark.parametrize("name", ["editor", "auditadmin", "team_member"])
def test_others_are_refused_the_page(login, centre_keys, name):
    assert login(name).get(reverse("exchange")).status_code == 403


def test_an_export_downloads_a_signed_zip(login, cast, remote):
    response = login("admin").post(reverse("exchange-export"), {"inspection": cast.inspection.pk, "peer": "笔记本"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    assert pack.MANIFEST.encode() in data and AuditEvent.objects.filter(action="bundle.export").count() == 1


def test_an_upload_is_imported_and_a_tampered_one_refused_with_a_chinese_message(login, cast, remote):
    client = login("admin")
    good = remote.bundle([], cast.inspection.uid)
    page = client.post(reverse("exchange-import"), {"file": _upload(good)}, follow=True).content.decode()
    assert "已导入来自 笔记本 的数据包" in page
    bad = rewrite(remote.bundle([], cast.inspection.uid), pack.MANIFEST, lambda b: b.replace(b'"seq":2', b'"seq":3'))
    page = client.post(reverse("exchange-import"), {"file": _upload(bad)}, follow=True).content.decode()
    assert "签名无效" in page and Transfer.objects.filter(direction="in").count() == 1


def _conflict(cast, peer: Peer, field: str = "lead") -> Conflict:
    transfer = Transfer.objects.create(direction="in", peer=peer, seq=Transfer.objects.count() + 1,
                                       bundle_id=uuid.uuid4(), inspection=cast.inspection,
                                       inspection_uid=cast.inspection.uid, at=clock.now(), actor_name="系统",
                                       sha256="0" * 64)
    return Conflict.objects.create(transfer=transfer, peer=peer, kind="measure", uid=uuid.uuid4(),
                                   object_id=cast.measure.pk, inspection=cast.inspection, field=field,
                                   base="李书记", ours="李书记", theirs="张书记")


def test_a_decision_taken_on_the_page_writes_their_value(login, cast, remote):
    conflict = _conflict(cast, Peer.objects.get())
    page = login("admin").get(reverse("exchange")).content.decode()
    assert "张书记" in page and "责任领导" in page
    response = login("admin").post(reverse("exchange-decide", args=[conflict.pk]), {"choice": "theirs"})
    assert response.status_code == 302
    assert Measure.objects.get(pk=cast.measure.pk).lead == "张书记"
    assert Conflict.objects.get(pk=conflict.pk).state == "theirs"


def test_the_page_keeps_its_query_count_whatever_the_rows(login, cast, remote):
    client = login("admin")
    client.get(reverse("exchange"))  # the session's first request does its own bookkeeping
    counts = []
    for field in ("lead", "owner", "text"):
        _conflict(cast, Peer.objects.get(), field)
        services.export_bundle(cast.system, cast.inspection.pk, "笔记本")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("exchange")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[2] and counts[0] <= QUERY_BASELINE, counts
