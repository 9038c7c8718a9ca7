"""The 督办函: rendered from a 督办's rows to .docx and PDF, read back by `xuncha parse`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from io import BytesIO

import pytest

from xuncha.core.render.letter import TITLE, LetterItem, SupervisionLetter, letter_docx, letter_outline, letter_pdf
from xuncha.notify import ladder, letters
from xuncha.notify.models import Supervision

LETTER = SupervisionLetter(
    number="巡督〔2025〕12号", addressee="天宝社区党委", issuer="中共示范区委巡察工作领导小组办公室",
    date=dt.date(2025, 11, 16), reply_due=dt.date(2025, 12, 1), round="2025年区委第三轮",
    items=[LetterItem("“第一议题”落实不到位", "每次支部会议第一项学习总书记重要讲话", dt.date(2025, 11, 15),
                      "社区党委")])


def _parse(path) -> dict:
    done = subprocess.run([sys.executable, "-m", "xuncha.cli", "parse", "--json", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_letter_has_the_parts_of_an_official_letter():
    plan = letter_outline(LETTER)
    assert plan.title == TITLE == "关于督促办理巡察整改逾期事项的函"
    assert plan.number == "巡督〔2025〕12号" and plan.addressee == "天宝社区党委"
    body = "".join(b.text for b in plan.blocks)
    assert "完成时限：2025年11月15日" in body and "于2025年12月1日前" in body and "报结" in body
    assert plan.issuer == LETTER.issuer and plan.date == dt.date(2025, 11, 16)


def test_a_round_named_with_its_kind_is_not_given_the_word_twice():
    named = dataclasses.replace(LETTER, round="2025年区委常规巡察")
    body = "".join(b.text for b in letter_outline(named).blocks)
    assert "在2025年区委常规巡察整改中" in body and "巡察巡察" not in body
    assert "在2025年区委第三轮巡察整改中" in "".join(b.text for b in letter_outline(LETTER).blocks)


def test_the_docx_sets_the_east_asian_font_on_every_run_and_parse_reads_it_back(tmp_path):
    data = letter_docx(LETTER)
    xml = zipfile.ZipFile(BytesIO(data)).read("word/document.xml").decode()
    # Each run names its East-Asian font (w:rFonts); w:lang's eastAsia is the language, not a font.
    assert xml.count("<w:r>") == len(re.findall(r'<w:rFonts [^>]*w:eastAsia="', xml))
    assert "天宝社区党委：" in xml and "方正小标宋简体" in xml
    path = tmp_path / "letter.docx"
    path.write_bytes(data)
    doc = _parse(path)
    assert doc["title"] == TITLE
    assert doc["issuer"] == LETTER.issuer
    assert doc["notice_date"] == "2025-11-16"


def test_the_pdf_is_one_a4_page_that_parse_reads_back(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    data = letter_pdf(LETTER)
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    image = pdf[0].render(scale=1).to_pil().convert("L")
    # Ink in the title's band (37 mm from the top) and none in the right margin (26 mm).
    top = int(37 / 297 * image.height)
    assert image.crop((0, top, image.width, top + 60)).getextrema()[0] < 100
    assert image.crop((image.width - int(20 / 210 * image.width), 0, image.width,
                       int(0.85 * image.height))).getextrema()[0] > 200
    doc = _parse(path)
    assert doc["title"] == TITLE and doc["issuer"] == LETTER.issuer and doc["notice_date"] == "2025-11-16"


def test_a_supervision_renders_its_own_letter(cast, clock):
    clock.set(dt.date(2025, 11, 16))
    ladder.run(clock.day)
    supervision = Supervision.objects.get()
    letter = letters.letter_for(supervision)
    assert letter.addressee == "天宝社区" and letter.number == f"巡督〔2025〕{supervision.pk}号"
    assert [i.measure for i in letter.items] == ["每次支部会议第一项学习总书记重要讲话"]
    data, content_type, name, _ = letters.render_letter(supervision, "docx")
    assert data[:2] == b"PK" and name.endswith(".docx") and "wordprocessingml" in content_type


def test_the_letter_is_rendered_once_then_served_as_stored_while_its_digest_matches(cast, clock, monkeypatch):
    import hashlib

    from xuncha.ledger.services import storage
    from xuncha.notify.models import LetterFile

    ladder.run(clock.set(dt.date(2025, 11, 16)))
    supervision = Supervision.objects.get()
    assert not LetterFile.objects.exists()  # the daily run renders nothing
    data, _, _, digest = letters.render_letter(supervision, "docx")
    kept = LetterFile.objects.get()
    assert kept.sha256 == digest == hashlib.sha256(data).hexdigest() and kept.size == len(data)
    rendered = []
    monkeypatch.setitem(letters.FORMATS, "docx", (lambda letter: rendered.append(letter) or b"PK new",
                                                  letters.FORMATS["docx"][1]))
    assert letters.render_letter(supervision, "docx")[0] == data and rendered == []
    # A stored copy changed behind the system's back is not served: rendered and kept again.
    with storage.backend(letters.LETTERS).open(kept.name, "wb") as handle:
        handle.write(b"tampered")
    again, _, _, new_digest = letters.render_letter(supervision, "docx")
    assert again == b"PK new" and len(rendered) == 1
    assert LetterFile.objects.get().sha256 == new_digest == hashlib.sha256(b"PK new").hexdigest()
