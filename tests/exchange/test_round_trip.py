"""Laptop → centre → laptop between two databases: the laptop is a real installation in its own
process (its own SQLite file, file store and key, driven through `xuncha bundle …`); the centre
is this test's database (SQLite or PostgreSQL, as the suite runs)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xuncha.exchange import keys, services
from xuncha.exchange.models import Conflict
from xuncha.ledger.models import AuditEvent, Evidence, Finding, Measure
from xuncha.ledger.services import measures, storage

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PDF = b"%PDF-1.4 photo of the minutes"


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("XUNCHA_")}
    return {**env, "XUNCHA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "xuncha.settings",
            "XUNCHA_2FA": "off"}


@pytest.fixture(scope="session")
def migrated_laptop(tmp_path_factory) -> Path:
    """One migrated laptop data folder, copied for each test (migrating is the slow part)."""
    folder = tmp_path_factory.mktemp("laptop-template")
    subprocess.run([BIN / "xuncha", "migrate", "--noinput"], env=_env(folder), cwd=ROOT, check=True,
                   capture_output=True)
    return folder


class Laptop:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, *args: str) -> str:
        done = subprocess.run([BIN / "xuncha", "bundle", *args], env=_env(self.folder), cwd=ROOT,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def measure(self, uid, *action: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "tests.exchange.laptop", action[0] if action else "show",
                               str(uid), *action[1:]], env=_env(self.folder), cwd=ROOT, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def laptop(migrated_laptop, tmp_path, cast, centre_keys) -> Laptop:
    folder = tmp_path / "laptop"
    shutil.copytree(migrated_laptop, folder)
    found = Laptop(folder)
    services.register_key(cast.system, "笔记本", found.run("key").strip().splitlines()[-1])
    (tmp_path / "centre.pub").write_text(keys.public_text() + "\n")
    found.run("register-key", "区委巡察办", str(tmp_path / "centre.pub"))
    return found


def _send(cast, tmp_path: Path, laptop: Laptop, name: str) -> str:
    exported = services.export_bundle(cast.system, cast.inspection.pk, "笔记本")
    path = tmp_path / name
    path.write_bytes(exported.file.read())
    return laptop.run("import", str(path))


def _receive(cast, laptop: Laptop, tmp_path: Path, name: str) -> tuple[Path, services.Imported]:
    path = tmp_path / name
    laptop.run("export", "--inspection", str(cast.inspection.uid), "--to", "区委巡察办", str(path))
    return path, services.import_bundle(cast.actor("admin"), path.read_bytes(), name)


def test_work_done_on_the_laptop_reaches_the_centre_and_the_reply_comes_back(cast, laptop, tmp_path, today):
    assert "新增" in _send(cast, tmp_path, laptop, "to-laptop-1.zip")
    (tmp_path / "会议记录.pdf").write_bytes(PDF)
    laptop.measure(cast.measure.uid, "change", "lead", "张书记")
    on_laptop = laptop.measure(cast.measure.uid, "report", "已按要求整改", str(tmp_path / "会议记录.pdf"))
    assert on_laptop["status"] == "done" and on_laptop["evidence"] == 1

    path, result = _receive(cast, laptop, tmp_path, "to-centre-1.zip")
    measure = Measure.objects.get(pk=cast.measure.pk)
    assert (measure.lead, measure.status) == ("张书记", "done")
    assert Finding.objects.get(pk=cast.finding.pk).status != "open"  # derived here from the measure
    evidence = Evidence.objects.get()
    assert storage.read_bytes("evidence", evidence.stored_name) == PDF
    assert evidence.report.text == "已按要求整改" and result.conflicts == 0
    record = AuditEvent.objects.filter(action="bundle.import").order_by("seq").last()
    assert record.after["created"]["evidence"] == [evidence.pk]

    replay = services.import_bundle(cast.actor("admin"), path.read_bytes(), path.name)
    assert replay.replay and Evidence.objects.count() == 1

    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.update_measure(cast.system, measure, measure.version, owner="社区居委会")
    assert "更新 1 个对象" in _send(cast, tmp_path, laptop, "to-laptop-2.zip")
    assert laptop.measure(cast.measure.uid)["owner"] == "社区居委会"
    # The centre acknowledged the laptop's bundle inside its own: nothing is left to send.
    assert "0 个对象" in laptop.run("export", "--inspection", str(cast.inspection.uid), "--to", "区委巡察办",
                                    str(tmp_path / "to-centre-2.zip"))


def test_conflicts_on_either_side_are_listed_and_decided(cast, laptop, tmp_path, today):
    _send(cast, tmp_path, laptop, "to-laptop-1.zip")
    # On the laptop: the centre and the laptop both change the owner; the centre's bundle arrives.
    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.update_measure(cast.system, measure, measure.version, owner="社区居委会")
    laptop.measure(cast.measure.uid, "change", "owner", "第一网格党支部")
    assert "1 处冲突" in _send(cast, tmp_path, laptop, "to-laptop-2.zip")
    listed = laptop.run("conflicts")
    assert "责任部门/责任人" in listed and "第一网格党支部" in listed and "社区居委会" in listed
    number = re.match(r"(\d+)\t", listed).group(1)
    laptop.run("decide", number, "theirs")
    assert laptop.measure(cast.measure.uid)["owner"] == "社区居委会"

    # On the centre: both change the lead; the laptop's bundle arrives; the centre keeps its own.
    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.update_measure(cast.system, measure, measure.version, lead="王书记")
    laptop.measure(cast.measure.uid, "change", "lead", "张书记")
    _, result = _receive(cast, laptop, tmp_path, "to-centre-1.zip")
    assert result.conflicts == 1
    conflict = Conflict.objects.get(state="open")
    assert (conflict.field, conflict.ours, conflict.theirs) == ("lead", "王书记", "张书记")
    services.decide(cast.actor("admin"), conflict.pk, "ours")
    _send(cast, tmp_path, laptop, "to-laptop-3.zip")
    on_laptop = laptop.measure(cast.measure.uid)
    assert (on_laptop["lead"], on_laptop["owner"]) == ("王书记", "社区居委会")
    assert Measure.objects.get(pk=cast.measure.pk).owner == "社区居委会"
