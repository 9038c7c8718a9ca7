"""Zip containers: bombs, lying sizes and DTDs are refused before any XML is parsed."""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
import time
import zipfile
import zlib

import docx
import pytest

from xuncha.core import safezip
from xuncha.core.ledger_xlsx import LedgerFileError, LedgerRow, read_xlsx, write_xlsx
from xuncha.core.parse.loaders import LoadError, load_bytes

MB = 1024 * 1024
GB = 1024 * MB
BLOCK = b"<w:p/>" * (MB // 6)  # about 1 MB of repeated bytes


def plain_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于巡察整改进展情况的通报")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _repeated_deflate(count: int) -> tuple[bytes, int]:
    """BLOCK `count` times as raw deflate, and its CRC: one block compressed, then repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    once = packer.compress(BLOCK) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(BLOCK, crc)
    return once * count + packer.flush(), crc


def bomb(base: bytes, member: str, expanded: int = GB, declared: int | None = None) -> bytes:
    """`base` (a valid .docx or .xlsx) with `member` replaced by `expanded` bytes of repeated XML.

    `declared` makes the central directory lie about the unpacked size. Written member by member
    with one deflate block repeated, so a 1 GB bomb takes well under a second to build.
    """
    payload, crc = _repeated_deflate(expanded // len(BLOCK))
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != member:
                archive.writestr(info.filename, source.read(info))
        info = zipfile.ZipInfo(member, (2025, 9, 15, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = declared if declared is not None else len(BLOCK) * (expanded // len(BLOCK))
        info.compress_size, info.CRC = len(payload), crc
        info.header_offset = archive.fp.tell()
        archive.fp.write(info.FileHeader())
        archive.fp.write(payload)
        archive.filelist.append(info)
        archive.NameToInfo[member] = info
        archive.start_dir = archive.fp.tell()
    return out.getvalue()


def docx_bomb(expanded: int = GB, declared: int | None = None) -> bytes:
    return bomb(plain_docx(), "word/document.xml", expanded, declared)


def sound_ledger() -> bytes:
    return write_xlsx([LedgerRow(number="1", finding="“第一议题”落实不到位", measure="每次会议第一项学习")])


def test_a_sound_docx_and_ledger_pass_the_checks():
    assert "word/document.xml" in safezip.read_members(plain_docx())
    assert read_xlsx(sound_ledger()).rows[0].measure == "每次会议第一项学习"


def test_a_gigabyte_bomb_is_refused_on_its_directory_in_a_moment():
    data = docx_bomb()
    assert len(data) < 2 * MB
    started = time.monotonic()
    with pytest.raises(LoadError, match="压缩炸弹"):
        load_bytes(data, "通报.docx")
    assert time.monotonic() - started < 1


def test_a_member_whose_declared_size_lies_is_refused_while_reading():
    data = docx_bomb(expanded=64 * MB, declared=100_000)  # says 100 KB, unpacks to 64 MB
    with pytest.raises(safezip.ZipRefused, match="已损坏"):
        safezip.check(data)
    with pytest.raises(LoadError):
        load_bytes(data, "通报.docx")


def test_the_stream_cap_stops_a_member_at_the_budget_left():
    limits = safezip.ZipLimits(max_total_bytes=4 * MB, max_ratio=10_000)
    data = docx_bomb(expanded=3 * MB)
    safezip.check(data, limits)  # 3 MB fits in 4
    with pytest.raises(safezip.ZipRefused, match="超过 2 MB"):
        safezip.check(data, safezip.ZipLimits(max_total_bytes=2 * MB, max_ratio=10_000))


def test_a_highly_compressed_large_member_is_refused_by_its_ratio():
    data = docx_bomb(expanded=20 * MB)  # about 650:1
    with pytest.raises(safezip.ZipRefused, match="压缩比异常"):
        safezip.check(data)


def test_too_many_members_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(30):
            archive.writestr(f"part{number}.xml", "<a/>")
    with pytest.raises(safezip.ZipRefused, match="30 个部件"):
        safezip.check(out.getvalue(), safezip.ZipLimits(max_members=20))


def test_the_limit_is_configurable():
    try:
        assert safezip.configure(max_total_mb=5).max_total_bytes == 5 * MB
        with pytest.raises(safezip.ZipRefused, match="超过 5 MB"):
            safezip.check(docx_bomb(expanded=8 * MB, declared=None), safezip.replace(
                safezip.LIMITS, max_ratio=10_000))
    finally:
        safezip.configure(max_total_mb=200)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<si><t>&lol3;</t></si></sst>"""


def _replaced(base: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            kept = content if info.filename == member else source.read(info)
            archive.writestr(info.filename, kept)
    return out.getvalue()


def test_xml_with_a_dtd_is_refused_in_a_ledger_and_a_document():
    with pytest.raises(LedgerFileError, match="DTD"):
        read_xlsx(_replaced(sound_ledger(), "xl/sharedStrings.xml", BILLION_LAUGHS))
    with pytest.raises(LoadError, match="DTD"):
        load_bytes(_replaced(plain_docx(), "word/document.xml", BILLION_LAUGHS), "a.docx")


def test_the_xml_parser_never_expands_entities():
    from lxml import etree

    root = etree.fromstring(BILLION_LAUGHS, parser=safezip.xml_parser())
    assert "lollol" not in "".join(root.itertext())  # the reference stays a reference


def test_an_encrypted_member_is_refused():
    data = bytearray(plain_docx())
    directory = data.rfind(b"PK\x01\x02")  # the last central directory entry
    data[directory + 8] |= 0x1  # general purpose flags, bit 0
    with pytest.raises(safezip.ZipRefused, match="加密"):
        safezip.check(bytes(data))


MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_measured(*argv: str) -> tuple[str, float, int]:
    """(stderr of the command, seconds, peak RSS in MB) of one run in a fresh process.

    The command runs under a small wrapper whose only child it is, so the peak is its own.
    """
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True,
                          timeout=60)
    seconds = time.monotonic() - started
    return done.stderr, seconds, int(done.stdout.split()[-1]) // 1024


def test_xuncha_parse_refuses_a_gigabyte_docx_bomb_quickly_and_in_little_memory(tmp_path):
    path = tmp_path / "通报.docx"
    path.write_bytes(docx_bomb())
    stderr, seconds, peak_mb = run_measured(sys.executable, "-m", "xuncha.cli", "parse", str(path))
    assert "压缩炸弹" in stderr and "Traceback" not in stderr
    assert seconds < 5 and peak_mb < 400
    print(f"docx bomb: {seconds:.2f} s, peak {peak_mb} MB")


def test_xuncha_parse_refuses_a_lying_ledger_bomb_too(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(bomb(sound_ledger(), "xl/worksheets/sheet1.xml", GB, declared=10 * MB))
    stderr, seconds, peak_mb = run_measured(sys.executable, "-m", "xuncha.cli", "parse", str(path))
    assert "无法打开 Excel 文件" in stderr and "Traceback" not in stderr
    assert seconds < 5 and peak_mb < 400
    print(f"xlsx bomb (lying size): {seconds:.2f} s, peak {peak_mb} MB")


def pdf_bomb(expanded: int = GB) -> bytes:
    """A PDF whose one FlateDecode stream inflates to `expanded` bytes."""
    count = expanded // len(BLOCK)
    payload, _ = _repeated_deflate(count)
    checksum = 1
    for _ in range(count):
        checksum = zlib.adler32(BLOCK, checksum)
    stream = b"\x78\xda" + payload + checksum.to_bytes(4, "big")  # zlib header, deflate, adler32
    return (b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
            b"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
            b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>\nendobj\n"
            + f"4 0 obj\n<</Length {len(stream)}/Filter/FlateDecode>>\nstream\n".encode()
            + stream + b"\nendstream\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n")


def test_a_pdf_whose_stream_inflates_to_a_gigabyte_is_refused(tmp_path):
    path = tmp_path / "通报.pdf"
    path.write_bytes(pdf_bomb())
    stderr, seconds, peak_mb = run_measured(sys.executable, "-m", "xuncha.cli", "parse", str(path))
    assert "压缩炸弹" in stderr and "Traceback" not in stderr
    assert seconds < 5 and peak_mb < 400
    print(f"pdf bomb: {seconds:.2f} s, peak {peak_mb} MB")


def test_an_ordinary_pdf_stream_passes_the_inflate_check():
    safezip.check_inflated(pdf_bomb(expanded=4 * MB), [0, 10])  # offsets that are not zlib: skipped
    data = pdf_bomb(expanded=4 * MB)
    start = data.index(b"stream\n") + len(b"stream\n")
    safezip.check_inflated(data, [start])
    with pytest.raises(safezip.ZipRefused, match="超过 2 MB"):
        safezip.check_inflated(data, [start], safezip.ZipLimits(max_total_bytes=2 * MB))


def test_many_small_streams_are_not_mistaken_for_overlapping_ones():
    noise = random.Random(1)
    streams = [zlib.compress(noise.randbytes(20_000)) for _ in range(200)]  # 4 MB, incompressible
    data = b"".join(b"stream\n" + s + b"\nendstream\n" for s in streams) + b"\xff\xd8 a jpeg" * 10
    starts = [m.end() for m in re.finditer(rb"(?<!end)stream\n", data)]
    safezip.check_inflated(data, starts)
    with pytest.raises(safezip.ZipRefused, match="结构异常"):
        safezip.check_inflated(data, starts * 3)  # the same bytes inflated three times over
