"""Old Office files (.doc, .wps, .xls, .et): converted by LibreOffice, or refused with a how-to."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xuncha.core.parse import LoadError, parse_file, parse_text
from xuncha.core.parse import convert as convert_module
from xuncha.core.parse.convert import ConvertRefused, convert
from xuncha.core.parse.loaders import load_bytes
from xuncha.core.render import render_docx

NOTICES = Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices"
SAMPLES = sorted(NOTICES.glob("*.txt"))
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # what a .doc or .xls starts with


@pytest.fixture
def no_soffice(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize(("suffix", "target"), [(".doc", ".docx"), (".wps", ".docx"),
                                                (".xls", ".xlsx"), (".et", ".xlsx")])
def test_without_libreoffice_an_old_file_is_refused_with_how_to_convert_it(no_soffice, suffix,
                                                                         target):
    with pytest.raises(LoadError) as refused:
        load_bytes(OLE, "通报" + suffix)
    assert "未安装 LibreOffice" in refused.value.message
    assert "另存为" in refused.value.message and f"保存为 {target} 格式" in refused.value.message


def test_the_refusal_reaches_parse_file(no_soffice, tmp_path):
    path = tmp_path / "通报.doc"
    path.write_bytes(OLE)
    with pytest.raises(LoadError, match="另存为"):
        parse_file(path)


def fake_soffice(folder: Path, body: str) -> None:
    """A stand-in `soffice` on PATH that runs `body` (Python) with the converter's arguments."""
    folder.mkdir(exist_ok=True)
    script = folder / "soffice"
    header = f"#!{sys.executable}\nimport shutil, sys, time\nargs = sys.argv[1:]\n"
    script.write_text(header + body + "\n", encoding="utf-8")
    script.chmod(0o755)


@pytest.fixture
def fake_bin(monkeypatch, tmp_path):
    folder = tmp_path / "bin"
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return folder


def test_a_doc_is_read_through_the_docx_libreoffice_writes(fake_bin, tmp_path):
    docx = tmp_path / "made.docx"
    docx.write_bytes(render_docx(parse_file(SAMPLES[0])))
    fake_soffice(fake_bin, f"""
assert "--headless" in args and args[args.index("--convert-to") + 1] == "docx"
assert any(a.startswith("-env:UserInstallation=file://") for a in args)
out = args[args.index("--outdir") + 1]
import os; os.makedirs(out, exist_ok=True)
shutil.copy({str(docx)!r}, os.path.join(out, "input.docx"))""")
    doc = parse_text(load_bytes(OLE, "通报.doc"))
    assert doc.team == "区委第四巡察组" and len(doc.findings) == 8


def test_a_converter_that_hangs_is_stopped_at_the_timeout(fake_bin):
    fake_soffice(fake_bin, "time.sleep(30)")
    started = time.monotonic()
    with pytest.raises(ConvertRefused, match="超过 1 秒"):
        convert(OLE, ".doc", timeout=1)
    assert time.monotonic() - started < 10


def test_a_file_libreoffice_cannot_convert_is_refused(fake_bin):
    fake_soffice(fake_bin, "sys.exit(1)")
    with pytest.raises(LoadError, match=r"无法转换.*另存为 \.xlsx"):
        load_bytes(OLE, "台账.xls")


def test_the_converter_sees_no_proxy_or_credentials_of_the_server(fake_bin, tmp_path, monkeypatch):
    monkeypatch.setenv("XUNCHA_SECRET_KEY", "not for soffice")
    seen = tmp_path / "env.txt"
    fake_soffice(fake_bin, f"import os; open({str(seen)!r}, 'w').write(repr(dict(os.environ)))")
    with pytest.raises(ConvertRefused):
        convert(OLE, ".wps")
    environment = seen.read_text(encoding="utf-8")
    assert "XUNCHA_SECRET_KEY" not in environment and "127.0.0.1:9" in environment


# ---- with the real LibreOffice -------------------------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice is not installed")


def libreoffice(data: bytes, suffix: str, target: str, folder: Path) -> bytes:
    source = folder / f"made{suffix}"
    source.write_bytes(data)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", target, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    return (folder / f"made.{target}").read_bytes()


@needs_soffice
def test_a_real_doc_reads_like_the_docx_it_was_saved_from(tmp_path):
    original = parse_file(SAMPLES[1])
    data = render_docx(original)
    doc_bytes = libreoffice(data, ".docx", "doc", tmp_path)
    again = parse_text(load_bytes(doc_bytes, "通报.doc"))
    assert [f.title for f in again.findings] == [f.title for f in original.findings]
    assert (again.team, again.notice_date) == (original.team, original.notice_date)


@needs_soffice
def test_a_real_xls_reads_its_first_sheet_a_row_a_line(tmp_path):
    from xuncha.core.ledger_xlsx import LedgerRow, write_xlsx

    rows = [LedgerRow(number="1", category="党建", finding="第一议题落实不到位", measure="建立学习制度",
                      lead="书记", owner="社区党委", deadline=None, ongoing=True, progress="",
                      status="done", completed_on=None, evidence="", remarks="")]
    try:
        xls = libreoffice(write_xlsx(rows), ".xlsx", "xls", tmp_path)
    except FileNotFoundError:  # soffice ran but wrote nothing: Writer without Calc
        pytest.skip("LibreOffice Calc is not installed")
    text = load_bytes(xls, "台账.xls")
    assert "第一议题落实不到位" in text and "建立学习制度" in text
    assert convert_module.convert(xls, ".xls")[:2] == b"PK"
