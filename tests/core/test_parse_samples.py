"""The five real notices parse into what they say."""

import datetime as dt
from pathlib import Path

import pytest

from xuncha.core.parse import parse_file

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices"


def sample(prefix: str):
    return parse_file(next(SAMPLES.glob(f"{prefix}_*.txt")))


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_000_tianbao():
    doc = sample("000")
    assert (doc.team, doc.unit, doc.issuer, doc.notice_date) == ("区委第四巡察组", "天宝社区", None, None)
    assert (doc.inspection_start, doc.inspection_end, doc.feedback_date) == (D("2025-07-02"), D("2025-08-10"),
                                                                             D("2025-09-15"))
    assert [f.path[-1] for f in doc.findings] == [f"（{n}）" for n in "一二三四五六七八"]
    statuses = {f.path[-1]: f.status for f in doc.findings}
    assert [k for k, v in statuses.items() if v == "not_done"] == ["（二）", "（六）"]
    assert sum(v == "done" for v in statuses.values()) == 6
    assert not doc.contacts.any()
    assert len(doc.findings[1].measures) == 3  # 一是 / 二是 / 三是


def test_001_shibafang():
    doc = sample("001")
    assert doc.issuer == "中共池北区十八坊社区委员会" and doc.team == "党工委第三巡察组"
    assert (doc.inspection_start, doc.inspection_end) == (D("2024-06-05"), D("2024-08-07"))
    assert (doc.feedback_date, doc.notice_date) == (D("2024-12-05"), D("2025-06-19"))
    claims = {c.subject: (c.total, c.done) for c in doc.claims}
    assert claims == {"findings": (12, 12), "measures": (12, 12)}
    assert [f.path[1] for f in doc.findings] == ["（一）"] * 3 + ["（二）"] * 2 + ["（三）"]
    assert doc.findings[-1].path == ["二", "（三）"] and doc.findings[-1].title == "财务管理制度不健全"
    assert all(f.effects for f in doc.findings)
    assert doc.contacts.phones == ["0433—5750316"] and doc.contacts.emails == ["1103512285@qq.com"]
    assert doc.title.endswith("第二轮常规巡察整改进展情况的通报")  # the title broken over two lines


def test_002_xingang():
    doc = sample("002")
    assert doc.issuer == "新港街道工委" and doc.team == "区委巡察五组"
    assert (doc.inspection_start, doc.inspection_end) == (D("2022-08-01"), D("2022-09-14"))
    assert (doc.feedback_date, doc.notice_date) == (D("2022-11-03"), D("2023-03-10"))
    assert [f.path[1:] for f in doc.findings] == [[c, n] for c in ["（一）", "（二）", "（三）"]
                                                 for n in ["（1）", "（2）", "（3）"]]
    assert all(f.measures for f in doc.findings)
    assert doc.findings[0].measures[0].startswith("加强政治理论学习")
    assert doc.contacts.phones == ["022-65773068"] and doc.contacts.emails == ["bhxgjgwb@tj.gov.cn"]
    assert len(doc.contacts.addresses) == 1


def test_003_jianshe():
    doc = sample("003")
    assert (doc.team, doc.unit) == ("区委第二巡察组", "建设社区")
    assert (doc.inspection_start, doc.inspection_end, doc.feedback_date) == (D("2022-03-24"), D("2022-05-27"),
                                                                             D("2022-09-08"))
    assert len(doc.findings) == 7 and all(f.measures for f in doc.findings)
    assert doc.contacts.phones == ["07311-58222318"] and len(doc.contacts.addresses) == 1


def test_004_fuhua():
    doc = sample("004")
    assert doc.issuer == "中共深圳市福田区福田街道福华社区委员会" and doc.team == "区委第四巡察组"
    assert (doc.inspection_start, doc.inspection_end) == (D("2024-09-25"), D("2024-12-27"))
    assert (doc.feedback_date, doc.notice_date) == (D("2025-01-21"), D("2025-12-31"))
    assert [f.path[1] for f in doc.findings] == ["（一）"] * 8 + ["（二）"] * 2 + ["（三）"] * 2
    assert doc.findings[8].category == "关于群众身边不正之风和腐败问题以及群众反映强烈的问题方面"
    assert not doc.contacts.any()


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_span_points_at_its_own_text(prefix):
    doc = sample(prefix)
    for item in doc.findings:
        start, end = item.span
        assert item.title[:4] in doc.text[start:end]
    for claim in doc.claims:
        assert "完成" in doc.text[claim.span[0]:claim.span[1]]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_the_json_form_round_trips(prefix):
    from xuncha.core.document import NoticeDoc

    doc = sample(prefix)
    again = NoticeDoc.from_json(doc.to_json())
    assert again == doc
    assert list(doc.to_dict()) == ["source", "title", "issuer", "team", "unit", "round", "inspection_start",
                                   "inspection_end", "feedback_date", "notice_date", "claims", "findings",
                                   "sections", "contacts", "text", "warnings"]
    assert doc.to_dict()["warnings"] == []  # the samples lack nothing
