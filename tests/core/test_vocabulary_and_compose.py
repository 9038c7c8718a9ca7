"""One notice vocabulary, and a notice composed from the ledger without parsing its own output."""

import datetime as dt

import pytest

from xuncha.core.document import Claim, Contacts, DocFinding, NoticeDoc
from xuncha.core.ledger_xlsx import read_status
from xuncha.core.parse import parse_text
from xuncha.core.parse.structure import STATUS_WORDS as PARSER_WORDS
from xuncha.core.render import compose as compose_module
from xuncha.core.render.compose import FreeParts, compose
from xuncha.core.render.outline import outline
from xuncha.core.vocabulary import MEASURE_STATUS_OF, STATUS_LABELS, STATUS_WORDS, default_title, status_of


def ledger_doc(with_categories: bool = True) -> NoticeDoc:
    findings = [DocFinding(path=["二", "（一）", "1"], title="甲问题", category="党建方面", status="done",
                           measures=["措施一", "措施二"]),
                DocFinding(path=["二", "（一）", "2"], title="乙问题", category="党建方面", status="not_done",
                           measures=["措施三"]),
                DocFinding(path=["二", "（二）"], title="丙问题", status="ongoing", measures=["措施四"]),
                DocFinding(path=["二", "（三）"], title="丁问题", status="partly", measures=["措施五"])]
    if not with_categories:
        findings = [DocFinding(path=["二", f"（{n}）"], title=f.title, status=f.status, measures=f.measures)
                    for n, f in zip("一二三四", findings, strict=True)]
    return NoticeDoc(issuer="中共某社区委员会", team="区委第四巡察组", unit="某社区", round="2025年区委第三轮巡察",
                     inspection_start=dt.date(2025, 7, 2), inspection_end=dt.date(2025, 8, 10),
                     feedback_date=dt.date(2025, 9, 15), notice_date=dt.date(2025, 11, 1),
                     claims=[Claim("findings", total=4, done=2, partly=1, not_done=1, rate=50.0),
                             Claim("measures", total=5, done=3)], findings=findings)


@pytest.mark.parametrize("categories", [True, False])
@pytest.mark.parametrize("parts", [
    FreeParts(),
    FreeParts(overview=["总体上推进有力。"], plans=["一是巩固成果。", "二是建立机制。"],
              contacts=Contacts(phones=["0755-12345678"], emails=["xuncha@example.org"])),
])
def test_a_composed_notice_has_the_spans_a_reader_would_find(monkeypatch, parts, categories):
    doc = ledger_doc(categories)
    monkeypatch.setattr(compose_module, "parse_text", lambda *a, **k: pytest.fail("compose parsed its own text"))
    composed = compose(doc, parts)
    monkeypatch.undo()
    read = parse_text(composed.text)
    assert [f.span for f in composed.findings] == [f.span for f in read.findings]
    assert [(s.path, s.heading, s.span) for s in composed.sections] == \
        [(s.path, s.heading, s.span) for s in read.sections]
    assert [c.span for c in composed.claims] == [c.span for c in read.claims]
    # The ledger's own values are kept as they are, not as read back.
    assert [(f.path, f.title, f.status, f.measures) for f in composed.findings] == \
        [(f.path, f.title, f.status, f.measures) for f in doc.findings]
    assert composed.claims[0].rate == 50.0 and composed.title == default_title(doc.round)
    assert outline(composed).blocks  # every renderer lays it out from its text and spans


def test_one_vocabulary_for_statuses():
    assert PARSER_WORDS is STATUS_WORDS
    for word, status in STATUS_WORDS:
        assert status_of(word) == status
        assert read_status(word) == MEASURE_STATUS_OF[status]  # the Excel reader maps it the same way
    for status, label in STATUS_LABELS.items():
        assert status_of(label) == status
    assert read_status("基本完成") == "in_progress" and status_of("基本完成") == "partly"


def test_a_finding_s_heading_is_numbered_as_a_notice_writes_it():
    from xuncha.core.vocabulary import numbered

    assert numbered("1", "深入学习贯彻") == "1.深入学习贯彻"
    assert numbered("二", "关于落实情况") == "二、关于落实情况"
    assert numbered("（一）", "“第一议题”落实不到位") == "（一）“第一议题”落实不到位"
    assert numbered("", "财务管理不规范") == "财务管理不规范"
