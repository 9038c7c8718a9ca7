"""Search: Han text as bigrams in the database's full-text index; superseded versions left out."""

from __future__ import annotations

from tests.portal.conftest import make_notice
from xuncha.portal import selectors
from xuncha.portal.models import SearchEntry
from xuncha.portal.services import search


def test_han_runs_become_overlapping_bigrams():
    assert search.grams("消防栓无水 2025年 ABC") == "消防 防栓 栓无 无水 2025 年 abc"
    assert search.query_tokens("消防栓  天宝") == [["消防", "防栓"], ["天宝"]]


def test_it_finds_a_phrase_and_not_its_characters_apart(notice):
    search.sync()
    assert len(selectors.notices(selectors.Filters(query="消防栓"))) == 1
    assert len(selectors.notices(selectors.Filters(query="栓消防"))) == 0
    assert len(selectors.notices(selectors.Filters(query="天宝 消防"))) == 1
    assert len(selectors.notices(selectors.Filters(query="天宝 财务"))) == 0
    assert len(selectors.notices(selectors.Filters(query="天"))) == 1  # one character: titles


def test_a_correction_supersedes_the_older_version(notice, cast):
    search.sync()
    newer = make_notice(cast, version=2, text="更正后的通报：消防栓已恢复供水。")
    make_notice(cast, version=3, state="draft")
    assert search.sync() == 1
    current = SearchEntry.objects.get(current=True)
    assert current.notice_id == newer.pk
    assert [n.version for n in selectors.versions(notice)] == [2, 1]
    assert len(selectors.notices(selectors.Filters(query="恢复供水"))) == 1
    assert len(selectors.notices(selectors.Filters(query="茂源"))) == 0  # only in version 1
