"""Word's automatic lists: the numbers live in numbering.xml, not in the paragraphs' text."""

import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from xuncha.core.parse import parse_file, parse_text
from xuncha.core.parse.docx_numbering import format_number
from xuncha.core.parse.loaders import load_docx

NOTICES = Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices"
SAMPLES = sorted(NOTICES.glob("*.txt"))
NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# The multilevel list a clerk gets in Word for 一、 / （一） / 1. / （1）.
LEVELS = [("chineseCounting", "%1、"), ("chineseCountingThousand", "（%2）"), ("decimal", "%3."),
          ("decimal", "（%4）")]


def abstract_num(abstract_id: int, levels=LEVELS) -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    return (f'<w:abstractNum {NS} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')


def num(num_id: int, abstract_id: int, restarts: dict[int, int] | None = None) -> str:
    overrides = "".join(f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                        "</w:lvlOverride>" for level, start in (restarts or {}).items())
    return (f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f"{overrides}</w:num>")


def set_numbering(document, abstracts: list[str], nums: list[str]) -> None:
    """Replace the numbering part's definitions, abstractNums first as Word writes them."""
    element = document.part.numbering_part.element
    for child in list(element):
        element.remove(child)
    for xml in abstracts + nums:
        element.append(parse_xml(xml))


def numbered(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(f'<w:numPr {NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
                            "</w:numPr>"))


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "n", "shown"), [
    ("decimal", 12, "12"), ("chineseCounting", 12, "十二"), ("chineseCountingThousand", 21, "二十一"),
    ("ideographTraditional", 3, "丙"), ("decimalEnclosedCircleChinese", 4, "④"),
    ("chineseLegalSimplified", 12, "拾贰"), ("upperRoman", 14, "XIV"), ("lowerLetter", 28, "bb"),
    ("decimalZero", 7, "07"), ("unknownFormat", 5, "5"),
])
def test_counters_are_shown_in_their_format(fmt, n, shown):
    assert format_number(n, fmt) == shown


def test_twelve_automatically_numbered_findings_keep_their_numbers():
    document = docx.Document()
    set_numbering(document, [abstract_num(1)], [num(1, 1)])
    document.add_paragraph("关于巡察整改进展情况的通报")
    numbered(document.add_paragraph("反馈问题整改情况"), 1, 0)
    for n in range(1, 13):
        numbered(document.add_paragraph(f"第{n}个问题"), 1, 1)
        document.add_paragraph("整改结果：已完成")
    text = load_docx(save(document))
    assert "一、反馈问题整改情况" in text
    assert re.findall(r"^（(.+?)）", text, flags=re.M) == ["一", "二", "三", "四", "五", "六", "七", "八",
                                                         "九", "十", "十一", "十二"]
    doc = parse_text(text)
    assert len(doc.findings) == 12 and doc.findings[11].title == "第12个问题"


def test_nested_levels_restart_under_each_higher_item_and_on_a_start_override():
    document = docx.Document()
    set_numbering(document, [abstract_num(7)], [num(3, 7), num(4, 7, {0: 5})])
    plan = [(3, 0, "甲"), (3, 1, "甲一"), (3, 2, "甲一1"), (3, 2, "甲一2"), (3, 3, "深"), (3, 1, "甲二"),
            (3, 2, "甲二1"), (3, 0, "乙"), (3, 1, "乙一"), (4, 0, "重起"), (4, 1, "重起一"), (3, 0, "续")]
    for num_id, level, text in plan:
        numbered(document.add_paragraph(text), num_id, level)
    document.add_paragraph("不编号")
    assert load_docx(save(document)).splitlines() == [
        "一、甲", "（一）甲一", "1.甲一1", "2.甲一2", "（1）深", "（二）甲二", "1.甲二1", "二、乙", "（一）乙一",
        "五、重起", "（一）重起一", "六、续", "不编号"]


def test_numbering_comes_from_the_paragraph_style_and_its_linked_level():
    document = docx.Document()
    set_numbering(document, [abstract_num(2)], [num(9, 2)])
    lvl = document.part.numbering_part.element.findall(
        ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lvl")[1]
    lvl.insert(0, parse_xml(f'<w:pStyle {NS} w:val="FindingTitle"/>'))
    styles = document.styles.element
    styles.append(parse_xml(f'<w:style {NS} w:type="paragraph" w:styleId="FindingBase">'
                            '<w:name w:val="Finding Base"/><w:pPr><w:numPr><w:numId w:val="9"/>'
                            "</w:numPr></w:pPr></w:style>"))
    styles.append(parse_xml(f'<w:style {NS} w:type="paragraph" w:styleId="FindingTitle">'
                            '<w:name w:val="Finding Title"/><w:basedOn w:val="FindingBase"/>'
                            "</w:style>"))
    first = document.add_paragraph("第一个问题", style="Finding Title")
    document.add_paragraph("第二个问题", style="Finding Title")
    off = document.add_paragraph("不再编号", style="Finding Title")
    numbered(off, 0, 0)  # numId 0 switches the style's list off for this paragraph
    assert first.style.name == "Finding Title"
    assert load_docx(save(document)).splitlines() == ["（一）第一个问题", "（二）第二个问题", "不再编号"]


def test_a_level_redefined_by_its_list_uses_its_own_format_and_start():
    document = docx.Document()
    redefined = (f'<w:num {NS} w:numId="2"><w:abstractNumId w:val="1"/>'
                 '<w:lvlOverride w:ilvl="1"><w:lvl w:ilvl="1"><w:start w:val="3"/>'
                 '<w:numFmt w:val="decimalEnclosedCircleChinese"/><w:lvlText w:val="%2"/></w:lvl>'
                 "</w:lvlOverride></w:num>")
    set_numbering(document, [abstract_num(1)], [num(1, 1), redefined])
    for num_id, level, text in [(1, 0, "甲"), (1, 1, "子"), (2, 1, "丑"), (2, 1, "寅")]:
        numbered(document.add_paragraph(text), num_id, level)
    assert load_docx(save(document)).splitlines() == ["一、甲", "（一）子", "③丑", "④寅"]


def test_bullets_and_lists_without_definitions_add_nothing():
    document = docx.Document()
    set_numbering(document, [abstract_num(1, [("bullet", "\u2022")])], [num(1, 1)])
    numbered(document.add_paragraph("要点"), 1, 0)
    numbered(document.add_paragraph("失联的编号"), 42, 0)
    assert load_docx(save(document)).splitlines() == ["要点", "失联的编号"]


# ---- the five samples as a clerk would type them in Word ---------------------------------

MARKERS = [re.compile(r"^([一二三四五六七八九十]+)、"), re.compile(r"^（([一二三四五六七八九十]+)）"),
           re.compile(r"^(\d{1,2})\.(?!\d)"), re.compile(r"^（(\d{1,2})）")]


def _value(level: int, number: str) -> int:
    from xuncha.core.numerals import parse_cn_number

    return int(number) if level >= 2 else parse_cn_number(number)


def word_document_of(text: str) -> bytes:
    """Every numbered heading becomes a paragraph of Word's multilevel list; where the text's
    numbers do not follow on from the list's count, a new w:num restarts the level."""
    document = docx.Document()
    counters: dict[int, int] = {}
    nums = [num(1, 1)]
    current = 1
    for line in text.splitlines():
        for level, marker in enumerate(MARKERS):
            match = marker.match(line)
            if match:
                value = _value(level, match.group(1))
                if value != counters.get(level, 0) + 1:
                    current = len(nums) + 1
                    nums.append(num(current, 1, {level: value}))
                counters = {k: v for k, v in counters.items() if k < level} | {level: value}
                numbered(document.add_paragraph(line[match.end():]), current, level)
                break
        else:
            document.add_paragraph(line)
    set_numbering(document, [abstract_num(1)], nums)
    return save(document)


def fields(doc) -> dict:
    data = doc.to_dict()
    data.pop("source")
    return data


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_a_sample_typed_with_automatic_lists_parses_the_same(path):
    original = parse_file(path)
    data = word_document_of(path.read_text(encoding="utf-8"))
    typed = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert not any(marker.match(line) for line in typed for marker in MARKERS)  # Word holds them
    again = parse_text(load_docx(data))
    assert fields(again) == fields(original)
    assert len(again.findings) == len(original.findings) > 0
