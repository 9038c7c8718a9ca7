"""GB/T 9704-2012 measured on the output: the PDF's geometry from its characters' positions,
the .docx's from its XML (grid, justification, signature, properties, fonts, language)."""

import datetime as dt
import io
import itertools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from xuncha.core.document import DocFinding, NoticeDoc
from xuncha.core.parse import parse_file
from xuncha.core.render import render_docx, render_pdf
from xuncha.core.render.outline import signature_indents
from xuncha.core.render.title import break_title

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices").glob("*.txt"))
MM = 72 / 25.4
CJK = re.compile(r"[\u4e00-\u9fff，。、；：“”（）《》！？]")


def _rows(pdf: bytes):
    """Per page: (width, height, rows), a row being [(left, right, top, bottom, char, tight box)]."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    pages = []
    for number in range(len(document)):
        page = document[number]
        width, height = page.get_size()
        text = page.get_textpage()
        rows: dict[int, list] = {}
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if not char or char.isspace():
                continue
            left, bottom, right, top = text.get_charbox(index, loose=True)
            rows.setdefault(round(bottom), []).append((left, right, height - top, height - bottom, char,
                                                        text.get_charbox(index)))
        pages.append((width, height, [sorted(rows[key]) for key in sorted(rows, reverse=True)]))
    return pages


@pytest.fixture(scope="module")
def sample_pages():
    return _rows(render_pdf(parse_file(SAMPLES[4])))


def _body_rows(height, rows):
    return [row for row in rows if (row[0][2]) / MM < 262 + 0.5]


def test_pdf_full_lines_hold_28_characters_inside_the_margins(sample_pages):
    full = 0
    for number, (width, height, rows) in enumerate(sample_pages):
        left_margin, right_margin = (28, 26) if number % 2 == 0 else (26, 28)
        body = _body_rows(height, rows)
        assert len([r for r in body if len(r) > 1]) <= 22 + 2  # 22 lines; the title's two are larger
        for row in body:
            text = "".join(c[4] for c in row)
            left, right = row[0][0] / MM, (width - row[-1][1]) / MM
            assert left >= left_margin - 1, text
            assert right >= right_margin - 1, text
            if len(text) == 28 and CJK.fullmatch(text[0]) and all(CJK.match(c) for c in text):
                full += 1
                assert abs(left - left_margin) <= 1 and abs(right - right_margin) <= 1, text
    assert full > 50


def test_pdf_text_block_starts_37_mm_down(sample_pages):
    _, _, rows = sample_pages[1]
    top = rows[0][0][2] / MM  # the glyph's box: the line's half-leading below the block's top
    assert 37 - 0.5 <= top <= 37 + 28.95 / MM / 2


def test_pdf_page_number_dash_is_7_mm_under_the_block_one_character_in(sample_pages):
    for number, (width, height, rows) in enumerate(sample_pages):
        footer = [row for row in rows if row[0][2] / MM > 262]
        assert len(footer) == 1
        dashes = [c for c in footer[0] if c[4] == "—"]
        assert len(dashes) == 2
        for dash in dashes:
            _, bottom, _, top = dash[5]  # the dash's own ink
            middle = height - (top + bottom) / 2
            assert abs(middle / MM - (297 - 35) - 7) <= 1
        if number % 2 == 0:  # odd page: right, one 4号 character in from the block's edge
            assert abs((width - 26 * MM - footer[0][-1][1]) / MM - 4.94) <= 1
        else:
            assert abs((footer[0][0][0] - 26 * MM) / MM - 4.94) <= 1


def test_pdf_title_lines_break_between_words(sample_pages):
    _, _, rows = sample_pages[0]
    title = ["".join(c[4] for c in row) for row in rows[:2]]
    assert title == ["中共深圳市福田区福田街道福华社区委员会", "关于巡察整改进展情况的通报"]


@pytest.mark.parametrize("title", [
    "中共XX街道党工委关于十四届区委第二批巡察整改进展情况的通报",
    "新港街道工委所属社区关于四届区委第一轮第二批巡察集中整改进展情况的通报",
    "中共池北区十八坊社区委员会关于长白山党工委2022-2027年第二轮常规巡察整改进展情况的通报",
    "关于区委第三轮巡察反馈意见整改落实情况的通报",
])
def test_titles_are_broken_between_words(title):
    lines = break_title(title)
    assert "".join(lines) == title and all(len(line) <= 20 for line in lines)
    for line, after in itertools.pairwise(lines):
        joint = line[-2:] + after[:2]
        for word in ("关于", "党工委", "第二批", "巡察", "整改", "委员会", "第二轮"):
            position = joint.find(word)
            assert position < 0 or position + len(word) <= 2 or position >= 2, (line, after)


# ---- the .docx --------------------------------------------------------------------------------

def _parts(doc: NoticeDoc) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(render_docx(doc))) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


@pytest.fixture(scope="module")
def parts():
    return _parts(parse_file(SAMPLES[4]))


def test_docx_has_22_lines_of_28_characters(parts):
    body = parts["word/document.xml"]
    grid = re.search(r'<w:docGrid w:type="lines" w:linePitch="(\d+)"/>', body)
    assert grid
    pitch_twips = int(grid[1])
    assert 225 / 25.4 * 1440 / 23 < pitch_twips <= 225 / 25.4 * 1440 / 22  # 22 lines, not 23
    assert set(re.findall(r'w:line="(\d+)" w:lineRule="exact"', body)) <= {str(pitch_twips), "660"}  # 660: title
    # Every 3号 run condensed so that 28 characters fit in 156 mm and 29 do not.
    runs = re.findall(r"<w:rPr>(.*?)</w:rPr>", body)
    body_runs = [r for r in runs if '<w:sz w:val="32"/>' in r]
    spacings = {int(s) for r in body_runs for s in re.findall(r'<w:spacing w:val="(-?\d+)"/>', r)}
    assert len(spacings) == 1 and len(body_runs) == sum('<w:spacing w:val="' in r for r in body_runs)
    advance = 16 + spacings.pop() / 20
    block = 156 / 25.4 * 72
    assert 28 * advance <= block < 29 * advance


def test_docx_body_is_justified_and_headings_keep_with_next(parts):
    body = parts["word/document.xml"]
    paragraphs = re.findall(r"<w:p>.*?</w:p>", body, flags=re.S)
    texts = {"".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)): p for p in paragraphs}
    prose = [p for t, p in texts.items() if len(t) > 40]
    assert prose and all('<w:jc w:val="both"/>' in p for p in prose)
    heading = next(p for t, p in texts.items() if t.startswith("一、"))
    assert "<w:keepNext/>" in heading


def test_kai_only_on_the_heading_itself(parts):
    # Sample 004: "（一）强化理论武装，筑牢政治根基。坚持把党的创新理论……" is one paragraph.
    paragraph = next(p for p in re.findall(r"<w:p>.*?</w:p>", parts["word/document.xml"], flags=re.S)
                     if "筑牢政治根基" in p)
    runs = re.findall(r'w:eastAsia="([^"]+)".*?<w:t[^>]*>([^<]*)</w:t>', paragraph, flags=re.S)
    assert runs[0] == ("楷体_GB2312", "（一）强化理论武装，筑牢政治根基。")
    assert len(runs) == 2 and runs[1][0] == "仿宋_GB2312" and runs[1][1].startswith("坚持把党的创新理论")


def test_language_fonts_and_properties_are_true(parts):
    assert 'w:eastAsia="zh-CN"' in parts["word/styles.xml"] and "ja-JP" not in parts["word/styles.xml"]
    assert "ja-JP" not in parts["word/settings.xml"]
    fonts = re.findall(r'<w:font w:name="([^"]+)"', parts["word/fontTable.xml"])
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"} <= set(fonts)
    core = parts["docProps/core.xml"]
    assert "2025-12-31T" in core and "2013" not in core and "python-docx" not in core
    assert "<dc:creator>中共深圳市福田区福田街道福华社区委员会</dc:creator>" in core
    assert "Microsoft" not in parts["docProps/app.xml"]
    assert "docProps/thumbnail.jpeg" not in parts and "thumbnail" not in parts["_rels/.rels"]


def _signature_paragraphs(doc):
    xml = _parts(doc)["word/document.xml"]
    found = {}
    for paragraph in re.findall(r"<w:p>.*?</w:p>", xml, flags=re.S):
        text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", paragraph))
        indent = re.search(r'w:rightChars="(\d+)"', paragraph)
        if indent:
            found[text] = int(indent[1]) / 100
    return found


def test_signature_of_a_short_issuer_centres_the_date_under_it():
    doc = NoticeDoc(issuer="中共某社区委员会", notice_date=dt.date(2025, 12, 31), title="关于巡察整改进展情况的通报",
                    findings=[DocFinding(path=["一"], title="问题", status="done")])
    indents = _signature_paragraphs(doc)
    # 8 characters of issuer, the date 7 wide (3 Chinese + 8 half-width digits): both centred.
    assert signature_indents("中共某社区委员会", "2025年12月31日") == (2.0, 2.5)
    assert indents == {"中共某社区委员会": 2.0, "2025年12月31日": 2.5}
    doc.issuer = "某局"  # shorter than its date: the date goes two in, the issuer centred over it
    assert _signature_paragraphs(doc) == {"某局": 4.5, "2025年12月31日": 2.0}


def test_signature_of_a_long_issuer():
    issuer = "中共深圳市福田区福田街道福华社区委员会"
    indents = signature_indents(issuer, "2025年1月5日")
    assert indents == (2.0, 2.0 + (19 - 6) / 2)  # the date: 3 Chinese + 6 half-width digits


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_docx_laid_out_by_libreoffice_has_the_official_geometry(tmp_path):
    """What an office suite makes of the .docx: 28 characters a line inside the margins, the
    page number's 一字线 7 mm under the text block, one character in from its edge."""
    source = tmp_path / "notice.docx"
    source.write_bytes(render_docx(parse_file(SAMPLES[4])))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pages = _rows((tmp_path / "notice.pdf").read_bytes())
    full = 0
    for width, height, rows in pages:
        for row in _body_rows(height, rows):
            text = "".join(c[4] for c in row)
            if len(text) == 28 and all(CJK.match(c) for c in text):
                full += 1
                assert abs(row[0][0] / MM - 28) <= 1 and abs((width - row[-1][1]) / MM - 26) <= 1, text
        dashes = [c for row in rows if row[0][2] / MM > 262 for c in row if c[4] == "—"]
        assert len(dashes) == 2
        _, bottom, _, top = dashes[0][5]
        assert abs((height - (top + bottom) / 2) / MM - (297 - 35) - 7) <= 1
    assert full > 30  # (rows with a fallback font's glyphs sit apart in this measure and are not counted)


def test_a_published_docx_carries_its_qr_code_under_the_signature():
    import docx as python_docx

    url = "https://gk.example.gov.cn/public/notices/7/"
    data = render_docx(parse_file(SAMPLES[4]), qr=url)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read("word/media/qr.png").startswith(b"\x89PNG")
        assert b'Target="media/qr.png"' in package.read("word/_rels/document.xml.rels")
        assert b'Extension="png"' in package.read("[Content_Types].xml")
        body = package.read("word/document.xml").decode()
    caption = "扫码查看整改进展、提出意见"
    assert body.index("2025年12月31日") < body.index('r:embed="rIdXunchaQr"') < body.rindex(caption)
    document = python_docx.Document(io.BytesIO(data))  # Word's reader accepts it
    assert document.paragraphs[-1].text == "扫码查看整改进展、提出意见"
    with zipfile.ZipFile(io.BytesIO(render_docx(parse_file(SAMPLES[4])))) as package:
        assert "word/media/qr.png" not in package.namelist()
