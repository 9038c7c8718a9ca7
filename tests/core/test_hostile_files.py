"""Mutated documents and workbooks: every loader either reads them or refuses in Chinese.

The seeds are real: the five sample notices as text, HTML, .docx (and PDF where WeasyPrint
runs), and a ledger exported by `write_xlsx`. Hypothesis flips bytes, truncates, and removes,
duplicates, replaces or damages zip members; only LoadError and LedgerFileError may come out.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha.core.ledger_xlsx import LedgerFileError, LedgerRow, read_xlsx, write_xlsx
from xuncha.core.parse import LOADERS, parse_text
from xuncha.core.parse.loaders import LoadError, load_bytes
from xuncha.core.render import PdfUnavailable, render_bytes
from xuncha.demo import sample_notices

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BOUNDED = settings(max_examples=60, deadline=5000, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@functools.cache
def seeds() -> dict[str, list[bytes]]:
    """Sound files by suffix, from the samples."""
    docs = [parse_text(text, source=name) for name, text in sample_notices()]
    found: dict[str, list[bytes]] = {
        ".txt": [text.encode("gb18030") for _, text in sample_notices()[:2]],
        ".html": [render_bytes(doc, "html") for doc in docs[:2]],
        ".docx": [render_bytes(doc, "docx") for doc in docs],
        ".xlsx": [ledger()],
    }
    try:
        found[".pdf"] = [render_bytes(docs[0], "pdf")]
    except PdfUnavailable:
        found[".pdf"] = []
    return found


def ledger() -> bytes:
    doc = parse_text(sample_notices()[0][1])
    rows = [LedgerRow(number=str(n), category="党建", finding=item.title, measure=measure,
                      owner="社区党委", deadline=dt.date(2025, 12, 31), status="done", row=n)
            for n, item in enumerate(doc.findings, start=1)
            for measure in item.measures or ["落实整改"]]
    return write_xlsx(rows)


def flip(data: bytes, draw) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(out) - 1))
        out[position] ^= draw(st.integers(1, 255))
    return bytes(out)


def truncate(data: bytes, draw) -> bytes:
    return data[:draw(st.integers(0, len(data) - 1))]


def rezip(data: bytes, draw) -> bytes:
    """Remove, duplicate, replace with junk, truncate or flip bytes inside one member."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    target = draw(st.sampled_from(names))
    action = draw(st.sampled_from(["remove", "duplicate", "junk", "cut", "flip"]))
    junk = draw(st.binary(min_size=0, max_size=64))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            content = source.read(name)
            if name == target:
                if action == "remove":
                    continue
                if action == "duplicate":
                    archive.writestr(name, content)  # the same name twice
                content = {"junk": junk, "cut": content[: len(content) // 2],
                           "flip": flip(content, draw) if content else content}.get(action, content)
            archive.writestr(name, content)
    return out.getvalue()


@st.composite
def mutated(draw, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
    available = [s for s in suffixes if seeds()[s]]
    suffix = draw(st.sampled_from(available))
    data = draw(st.sampled_from(seeds()[suffix]))
    zipped = suffix in (".docx", ".xlsx")
    how = draw(st.sampled_from(["flip", "truncate", "rezip"] if zipped else ["flip", "truncate"]))
    changed = {"flip": flip, "truncate": truncate, "rezip": rezip}[how](data, draw)
    # Mostly under its own loader, sometimes under another's (a workbook always under another).
    own = [suffix] * len(LOADERS) if suffix in LOADERS else []
    return draw(st.sampled_from([*own, *sorted(LOADERS)])), changed


def refused_in_chinese(exc: LoadError | LedgerFileError) -> bool:
    return bool(CHINESE.search(exc.message))


@BOUNDED
@given(mutated((".txt", ".html", ".docx", ".pdf", ".xlsx")))
def test_every_loader_reads_or_refuses_a_mutated_file_in_chinese(case):
    suffix, data = case
    # The registry's loader itself, then load_bytes with its checks and its last-resort net.
    for load in (LOADERS[suffix], lambda data: load_bytes(data, f"通报{suffix}")):
        try:
            text = load(data)
        except LoadError as exc:
            assert refused_in_chinese(exc), exc.message
        else:
            assert isinstance(text, str)


# A mutation may write a zip member twice: that is the hostile file, and zipfile warns as it makes it.
@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
@BOUNDED
@given(mutated((".xlsx", ".docx")))
def test_the_ledger_reader_reads_or_refuses_a_mutated_workbook_in_chinese(case):
    _, data = case
    try:
        book = read_xlsx(data)
    except LedgerFileError as exc:
        assert refused_in_chinese(exc), exc.message
    else:
        assert all(refused_in_chinese_row(str(error)) for error in book.errors)


def refused_in_chinese_row(text: str) -> bool:
    return bool(CHINESE.search(text))


def test_the_seeds_are_sound():
    assert all(load_bytes(data, "通报.docx") for data in seeds()[".docx"])
    assert read_xlsx(seeds()[".xlsx"][0]).rows
