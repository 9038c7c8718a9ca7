"""Fixtures of the exchange tests: this installation's key, and a laptop registered as its peer."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.exchange.remote import Remote
from xuncha.exchange import services

__all__ = ["Remote", "rewrite"]


@pytest.fixture
def centre_keys(settings, tmp_path):
    """This installation's own key in a data folder of the test's own."""
    settings.DATA_DIR = tmp_path / "centre"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def remote(cast, centre_keys) -> Remote:
    found = Remote()
    services.register_key(cast.system, "笔记本", found.public)
    return found


def rewrite(data: bytes, name: str, change) -> bytes:
    """The zip with one member's bytes changed (and nothing else)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()
