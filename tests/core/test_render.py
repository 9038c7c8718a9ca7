"""Renderers: layout, the official .docx format, and the round trip parse(render(doc))."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha.core.document import Claim, Contacts, DocFinding, NoticeDoc
from xuncha.core.parse import parse_file, parse_text
from xuncha.core.parse.loaders import load_docx, load_html, load_pdf
from xuncha.core.parse.structure import LIST_MARKER
from xuncha.core.render import render_docx, render_html, render_pdf, render_text
from xuncha.core.render.outline import cn_number

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices").glob("*.txt"))
CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 400) if chr(c) not in "一二三四五六七八九十是")


def essentials(doc: NoticeDoc) -> dict:
    return {
        "dates": (doc.inspection_start, doc.inspection_end, doc.feedback_date, doc.notice_date),
        "who": (doc.team, doc.issuer),
        "claims": [(c.subject, c.total, c.done, c.partly, c.not_done, c.rate) for c in doc.claims],
        "findings": [(f.path, f.category, f.title, f.status, f.measures, f.effects) for f in doc.findings],
        "contacts": (doc.contacts.phones, doc.contacts.emails),
    }


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_a_sample_survives_text_and_docx_round_trips(path):
    doc = parse_file(path)
    assert essentials(parse_text(render_text(doc))) == essentials(doc)
    assert essentials(parse_text(load_docx(render_docx(doc)))) == essentials(doc)


@pytest.mark.parametrize("path", SAMPLES[:2], ids=lambda p: p.name[:3])
def test_a_sample_survives_html_and_pdf_round_trips(path):
    doc = parse_file(path)
    assert essentials(parse_text(load_html(render_html(doc).encode()))) == essentials(doc)
    pdf = render_pdf(doc)
    assert pdf.startswith(b"%PDF")
    again = parse_text(load_pdf(pdf))
    assert [f.title for f in again.findings] == [f.title for f in doc.findings]
    assert (again.team, again.feedback_date, again.notice_date) == (doc.team, doc.feedback_date, doc.notice_date)


def test_the_pdf_has_the_official_page_numbers():
    from pdfminer.high_level import extract_text

    text = extract_text(io.BytesIO(render_pdf(parse_file(SAMPLES[2]))))
    assert "— 1 —" in text and "— 2 —" in text
    assert "— 1 —" not in load_pdf(render_pdf(parse_file(SAMPLES[2])))  # dropped when read back


# ---- the official .docx layout ----------------------------------------------------------

@pytest.fixture(scope="module")
def document_xml():
    data = render_docx(parse_file(SAMPLES[0]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def test_every_run_has_its_east_asian_font(document_xml):
    import re

    body = document_xml["word/document.xml"]
    runs = re.findall(r"<w:r>.*?</w:r>|<w:r .*?</w:r>", body, flags=re.S)
    assert runs
    assert all('w:eastAsia="' in run for run in runs if "<w:t" in run)


def test_the_page_is_a4_with_the_official_margins(document_xml):
    import docx

    document = docx.Document(io.BytesIO(render_docx(parse_file(SAMPLES[0]))))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (37, 35)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (28, 26)
    title = document.paragraphs[0]
    assert title.runs[0].font.size.pt == 22 and title.runs[0].font.name == "方正小标宋简体"
    assert title.alignment == 1  # centred
    fonts = {p.text[:2]: p.runs[0].font.name for p in document.paragraphs if p.runs}
    assert fonts["一、"] == "黑体" and fonts["（一"] == "楷体_GB2312"


def test_page_numbers_are_fields_on_odd_and_even_pages(document_xml):
    footers = [xml for name, xml in document_xml.items() if "footer" in name]
    assert len(footers) >= 2
    assert all("PAGE" in xml and "— " in xml for xml in footers)
    assert "w:evenAndOddHeaders" in document_xml["word/settings.xml"]


def test_the_date_is_written_in_arabic_numerals_under_the_issuer():
    doc = parse_file(SAMPLES[4])
    text = render_text(doc)
    assert text.rstrip().endswith("中共深圳市福田区福田街道福华社区委员会\n2025年12月31日")


def test_html_is_semantic_and_escaped():
    doc = parse_file(SAMPLES[1])
    doc.findings[0].title = "<script>alert(1)</script>"
    html = render_html(doc)
    assert '<html lang="zh-CN">' in html and "<h1>" in html and "<h2>一、整改工作总体情况</h2>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'name="viewport"' in html


@pytest.mark.parametrize(("layout", "doc_kwargs", "label"), [
    ("result", {"status": "done", "measures": ["召开支部会议5次。"]}, "整改情况："),
    ("effects", {"effects": ["队伍恢复完整。"]}, "取得成效："),
    ("measures", {"measures": ["建立学习制度。"]}, "整改措施："),
])
def test_the_three_layouts_of_the_samples(layout, doc_kwargs, label):
    doc = NoticeDoc(team="区委第四巡察组", unit="天宝社区", findings=[
        DocFinding(path=["二", "（一）"], title="第一议题落实不到位", **doc_kwargs)])
    text = render_text(doc)
    assert label in text
    assert ("整改结果：已完成" in text) == (layout == "result")


# ---- the round trip on generated notices --------------------------------------------------

def cjk_text(min_size=2, max_size=16):
    return st.text(alphabet=CJK, min_size=min_size, max_size=max_size)


@st.composite
def sentences(draw):
    body = draw(cjk_text(4, 30))
    return body + "。"


@st.composite
def notice_docs(draw):
    start = draw(st.dates(dt.date(2018, 1, 1), dt.date(2026, 1, 1)))
    end = start + dt.timedelta(days=draw(st.integers(1, 120)))
    feedback = end + dt.timedelta(days=draw(st.integers(1, 120)))
    notice = draw(st.none() | st.just(feedback + dt.timedelta(days=draw(st.integers(20, 300)))))
    categorised = draw(st.booleans())
    findings = []
    statuses = st.none() | st.sampled_from(["done", "partly", "not_done", "ongoing"])
    for c in range(1, (draw(st.integers(1, 3)) if categorised else 1) + 1):
        category = draw(cjk_text(4, 20)) if categorised else None
        # A category holding one unnumbered finding, as in 001 （三）: only readable as such beside
        # categories with numbered findings, so the first category is always numbered.
        unnumbered = categorised and c > 1 and draw(st.booleans())
        for n in range(1, (1 if unnumbered else draw(st.integers(1, 4))) + 1):
            path = (["二", f"（{cn_number(c)}）"] if unnumbered else
                    ["二", f"（{cn_number(c)}）", str(n)] if categorised else ["二", f"（{cn_number(n)}）"])
            findings.append(DocFinding(
                path=path, category=category, title=draw(cjk_text(3, 20)), status=draw(statuses),
                measures=draw(st.lists(sentences(), max_size=3)), effects=draw(st.lists(sentences(), max_size=2)),
                description=draw(st.none() | sentences())))
    claims = draw(st.lists(st.builds(
        Claim, subject=st.sampled_from(["findings", "measures"]), total=st.integers(1, 900),
        done=st.integers(0, 900), partly=st.none() | st.integers(0, 50), not_done=st.none() | st.integers(0, 50),
        rate=st.none() | st.integers(0, 10000).map(lambda r: r / 100)), max_size=2, unique_by=lambda c: c.subject))
    return NoticeDoc(
        team=draw(st.sampled_from(["区委第四巡察组", "党工委第三巡察组", "区委巡察五组", "市委第二巡察组"])),
        unit=draw(st.sampled_from(["天宝社区", "建设社区", "福华社区党委"])),
        issuer=draw(st.none() | st.sampled_from(["中共天宝社区委员会", "新港街道工委"])),
        inspection_start=start, inspection_end=end, feedback_date=feedback, notice_date=notice,
        claims=claims, findings=findings,
        contacts=Contacts(phones=draw(st.sampled_from([[], ["0433-5750316"]])),
                          emails=draw(st.sampled_from([[], ["xcb@example.gov.cn"]]))))


def comparable(doc: NoticeDoc) -> dict:
    data = essentials(doc)
    data["findings"] = [(p, c, t, s, m, e) for p, c, t, s, m, e in data["findings"]]
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notice_docs())
def test_generated_notices_survive_the_text_round_trip(doc):
    assert not any(LIST_MARKER.search(m) for f in doc.findings for m in f.measures)
    assert comparable(parse_text(render_text(doc))) == comparable(doc)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notice_docs())
def test_generated_notices_survive_the_docx_round_trip(doc):
    assert comparable(parse_text(load_docx(render_docx(doc)))) == comparable(doc)


@pytest.mark.parametrize("categorised", [False, True])
def test_a_notice_of_120_findings_renders_and_parses_back(categorised):
    findings = [DocFinding(path=["二", "（一）", str(n)] if categorised else ["二", f"（{cn_number(n)}）"],
                           category="落实主体责任不到位" if categorised else None, title=f"第{n}个问题的标题",
                           status="done", measures=[f"制定第{n}项措施。"]) for n in range(1, 121)]
    doc = NoticeDoc(team="区委第四巡察组", unit="天宝社区", issuer="中共天宝社区委员会",
                    feedback_date=dt.date(2025, 9, 15), findings=findings)
    text = render_text(doc)
    assert ("120." if categorised else "（一百二十）") in text
    for rendered in (text, load_docx(render_docx(doc)), load_html(render_html(doc).encode())):
        assert essentials(parse_text(rendered))["findings"] == essentials(doc)["findings"]
