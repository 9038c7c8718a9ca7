"""The installation's key pair and the registration of peers' keys."""

from __future__ import annotations

import stat

import pytest

from xuncha.exchange import keys, services
from xuncha.exchange.models import Peer
from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_makes_the_key_once_readable_by_the_owner_only(centre_keys):
    first = keys.public_text()
    path = centre_keys / keys.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.public_text() == first and first.startswith("ed25519:")
    assert len(keys.own_fingerprint()) == 16


def test_it_signs_and_verifies(centre_keys):
    signature = keys.sign(b"manifest")
    assert keys.verify(keys.public_text(), b"manifest", signature)
    assert not keys.verify(keys.public_text(), b"manifest!", signature)


def test_registering_a_key_is_recorded(cast, remote):
    peer = Peer.objects.get(name="笔记本")
    assert peer.fingerprint == remote.fingerprint
    record = AuditEvent.objects.filter(action="bundle.register_key").get()
    assert record.object_type == "peer" and record.after["fingerprint"] == remote.fingerprint


def test_it_refuses_a_bad_key_its_own_key_and_a_second_registration(cast, remote):
    with pytest.raises(InvalidInput, match="公钥格式不正确"):
        services.register_key(cast.system, "坏", "ed25519:abc")
    with pytest.raises(InvalidInput, match="本机自己的公钥"):
        services.register_key(cast.system, "自己", keys.public_text())
    with pytest.raises(InvalidInput, match="已经登记过"):
        services.register_key(cast.system, "又一个", remote.public)


def test_only_the_office_and_the_system_administrator_register_keys(cast, centre_keys):
    from tests.exchange.remote import Remote

    with pytest.raises(PermissionDenied):
        services.register_key(cast.actor("editor"), "笔记本", Remote().public)
    assert services.register_key(cast.actor("sysadmin"), "笔记本", Remote().public).pk


def test_backup_with_keys_carries_the_signing_key(centre_keys):
    from xuncha.ops import backup

    keys.public_text()
    carried = dict(backup.key_files())
    assert carried["bundle_key"] == (centre_keys / keys.KEY_FILE).read_bytes()
