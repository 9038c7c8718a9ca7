"""PDFs read back as the text they were made from: paragraphs found by the page's layout."""

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from xuncha.core.parse import parse_file, parse_text
from xuncha.core.parse.loaders import load_pdf
from xuncha.core.parse.normalize import normalise
from xuncha.core.render import render_docx, render_pdf, render_text

from .test_render import comparable, notice_docs

NOTICES = Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices"
SAMPLES = sorted(NOTICES.glob("*.txt"))


def fields(doc) -> dict:
    data = doc.to_dict()
    data.pop("source")
    return data


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda p: p.name[:3])
def sample(request):
    return parse_file(request.param)


def test_a_sample_rendered_to_pdf_reads_back_field_for_field(sample):
    # The PDF is made from render_text's wording: every field, the text itself included,
    # must come back as that text parses.
    expected = parse_text(render_text(sample))
    again = parse_text(load_pdf(render_pdf(sample)))
    assert fields(again) == fields(expected)
    assert [f.path for f in again.findings] == [f.path for f in sample.findings]
    assert (again.team, again.unit, again.notice_date) == \
        (sample.team, sample.unit, sample.notice_date)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_sample_made_into_pdf_by_libreoffice_reads_back_field_for_field(sample, tmp_path):
    source = tmp_path / "notice.docx"
    source.write_bytes(render_docx(sample))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    _reads_back_as_rendered(load_pdf((tmp_path / "notice.pdf").read_bytes()), sample)


def _reads_back_as_rendered(text: str, sample) -> None:
    again, expected = parse_text(text), parse_text(render_text(sample))
    assert [(f.path, f.title, f.status, f.measures, f.effects) for f in again.findings] == \
        [(f.path, f.title, f.status, f.measures, f.effects) for f in expected.findings]
    for name in ("title", "issuer", "team", "unit", "round", "inspection_start", "inspection_end",
                 "feedback_date", "notice_date"):
        assert getattr(again, name) == getattr(expected, name), name
    assert again.contacts.phones == expected.contacts.phones


# PDFs LibreOffice 7.4 made from these samples' .docx (`soffice --headless --convert-to pdf`), kept
# so the reading of a PDF made elsewhere is tested where LibreOffice is not installed; made again
# with that command (as the test above does) when the .docx wording changes.
MADE_ELSEWHERE = Path(__file__).resolve().parent / "pdf_from_libreoffice"


def test_the_kept_libreoffice_pdfs_of_the_samples_read_back_field_for_field(sample):
    _reads_back_as_rendered(load_pdf((MADE_ELSEWHERE / f"{Path(sample.source).stem}.pdf").read_bytes()), sample)


# ---- what Word and WPS put in their PDFs -------------------------------------------------

def pdf_of(body: str, page_css: str = "", css: str = "") -> bytes:
    from weasyprint import HTML

    from xuncha.core.render.html import FONTS

    html = f"""<html lang="zh-CN"><head><style>
    @page {{ size: A4; margin: 37mm 26mm 35mm 28mm; {page_css} }}
    body {{ font-family: {FONTS['body']}; font-size: 16pt; line-height: 28.9pt; }}
    p {{ margin: 0; text-indent: 2em; text-align: justify; }} {css}
    </style></head><body>{body}</body></html>"""
    return HTML(string=html).write_pdf()


LONG = ("根据区委统一部署，2023 年 7 月 6 日至 9 月 6 日，区委第四巡察组对天宝社区党委进行了常规巡察，"
        "并于 2023 年 10 月 12 日反馈了巡察意见。社区党委高度重视，召开专题会议研究部署整改工作，"
        "逐条制定整改措施，明确责任人和完成时限，确保整改到位。")


def test_justified_paragraphs_with_spaces_before_digits_read_as_the_author_typed_them():
    body = "".join(f"<p>{text}</p>" for text in
                   ["关于巡察整改进展情况的通报", LONG, "联系电话：0433 - 5750316。" + LONG, "一、整改工作总体情况"])
    lines = load_pdf(pdf_of(body)).splitlines()
    doc = parse_text("\n".join(lines))
    assert lines[0] == "关于巡察整改进展情况的通报"
    assert len(lines) == 4 and lines[3] == "一、整改工作总体情况"
    assert "区委第四巡察组对天宝社区党委进行了常规巡察" in doc.text  # lines joined again
    assert "2023年7月6日至9月6日" in doc.text  # the producer's spaces dropped
    assert doc.team == "区委第四巡察组" and str(doc.inspection_start) == "2023-07-06"


def test_page_numbers_and_running_headers_are_dropped_and_pages_joined():
    page_css = ('@top-center { content: "天宝社区党委文件"; font-size: 12pt; }'
                '@bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; }')
    body = "<p>关于巡察整改进展情况的通报</p>" + "".join(f"<p>{n}.{LONG * 2}</p>" for n in range(1, 9))
    text = load_pdf(pdf_of(body, page_css))
    assert "天宝社区党委文件" not in text and "页" not in text.replace("页面", "")
    lines = text.splitlines()
    assert len(lines) == 9  # paragraphs run on across page breaks
    assert all(line.startswith(f"{n}.") and line.endswith("确保整改到位。")
               for n, line in enumerate(lines[1:], start=1))


def test_a_short_line_ends_its_paragraph_even_without_an_indent():
    css = "p { text-indent: 0; text-align: left; }"
    body = ("<p>整改结果：已完成</p><p>整改情况：召开支部会议5次。</p>"
            f"<p>{LONG}</p><p>取得成效：制度更加健全</p>")
    assert normalise(load_pdf(pdf_of(body, css=css))).splitlines() == [
        "整改结果：已完成", "整改情况：召开支部会议5次。", normalise(LONG), "取得成效：制度更加健全"]


def test_a_centred_title_wrapped_over_two_lines_is_one_line_again():
    css = "h1 { font-size: 22pt; text-align: center; margin: 0 0 28.9pt; font-weight: normal; }"
    title = "中共深圳市福田区福田街道福华社区委员会关于巡察整改进展情况的通报"
    text = load_pdf(pdf_of(f"<h1>{title}</h1><p>{LONG}</p>", css=css))
    assert text.splitlines()[0] == title


# ---- generated notices ---------------------------------------------------------------------

@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(notice_docs())
def test_generated_notices_survive_the_pdf_round_trip(doc):
    assert comparable(parse_text(load_pdf(render_pdf(doc)))) == comparable(doc)
