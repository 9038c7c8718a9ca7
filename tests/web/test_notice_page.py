"""The notice page reads its 体检 from the cache; edits, masks and settings change what it shows."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from xuncha.core.reuse.store import IndexStore
from xuncha.ledger.services import notice_checks, notices
from xuncha.ledger.services.findings import update_finding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """A Redis cache (XUNCHA_CACHE_URL) outlives the test database; the default table does not."""
    cache.clear()


@pytest.fixture
def work(monkeypatch):
    """Counts of the two expensive steps: linting the notice and querying the 雷同 index."""
    counts = {"lint": 0, "index": 0}
    lint, query = notices.lint, IndexStore.query

    def counted_lint(*args, **kwargs):
        counts["lint"] += 1
        return lint(*args, **kwargs)

    def counted_query(self, *args, **kwargs):
        counts["index"] += 1
        return query(self, *args, **kwargs)

    monkeypatch.setattr(notices, "lint", counted_lint)
    monkeypatch.setattr(IndexStore, "query", counted_query)
    return counts


def _name_in_finding(cast):
    from xuncha.ledger.models import Finding

    fresh = Finding.objects.get(pk=cast.finding.pk)
    update_finding(cast.system, fresh, fresh.version, description="社区负责安全工作人员李建新受到政务警告处分。")


def test_the_second_view_of_a_notice_page_runs_no_lint_and_no_index_query(login, cast, today, work):
    _name_in_finding(cast)
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    client = login("editor")
    first = client.get(reverse("notice", args=[notice.pk])).content.decode()
    assert work == {"lint": 1, "index": 1}
    second = client.get(reverse("notice", args=[notice.pk])).content.decode()
    assert work == {"lint": 1, "index": 1}
    assert "personal-info" in second and '<mark class="lint-span' in second
    assert first.count('class="lint lint-') == second.count('class="lint lint-') > 0


def test_an_edit_of_the_draft_changes_the_diagnostics_shown(login, cast, today, work):
    _name_in_finding(cast)
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    client = login("editor")
    page = client.get(reverse("notice", args=[notice.pk])).content.decode()
    assert "将“李建新”改为“李某”" in page
    client.post(reverse("notice-mask", args=[notice.pk]), {"name": "李建新"}, follow=True)
    page = client.get(reverse("notice", args=[notice.pk])).content.decode()
    assert "将“李建新”改为“李某”" not in page and "李某受到政务警告处分" in page
    assert "personal-info" not in page
    notice.refresh_from_db()
    client.post(reverse("notice-edit", args=[notice.pk]), {
        "overview": "社区工作人员张卫东受到党内警告处分。", "plans": "", "phones": "", "emails": "",
        "addresses": "", "version": notice.row_version}, follow=True)
    page = client.get(reverse("notice", args=[notice.pk])).content.decode()
    assert "将“张卫东”改为“张某”" in page and "personal-info" in page
    assert work["lint"] == 3


def test_changed_lint_settings_are_not_served_from_the_cache(login, cast, today, settings, work):
    _name_in_finding(cast)
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    assert "personal-info" in {d.rule for d in notice_checks.page_checks(notice)}
    settings.LINT_OVERRIDES = {"personal-info": "off"}
    assert "personal-info" not in {d.rule for d in notice_checks.page_checks(notice)}
    assert work["lint"] == 2


def test_the_page_shows_what_publishing_would_check(cast, today):
    _name_in_finding(cast)
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    for _ in range(2):  # computed, then read back from the cache
        assert [d.to_dict() for d in notice_checks.page_checks(notice)] == [
            d.to_dict() for d in notices.publish_checks(notice)]


def test_a_broken_cache_only_costs_time(cast, today, monkeypatch):
    _name_in_finding(cast)
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(notice_checks.django_cache, "get", broken)
    assert "personal-info" in {d.rule for d in notice_checks.page_checks(notice)}


def test_the_notice_text_is_shown_once_with_rule_names_beside_the_marks(login, cast, today):
    from xuncha.ledger.services import notices

    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    page = login("editor").get(reverse("notice", args=[notice.pk])).content.decode()
    assert page.count('id="lint-text"') == 1 and 'id="notice-preview"' not in page
    assert page.count("38次会议仅13次落实。") == 1  # the text once
    # The vague measure is marked in the text, its rule's Chinese name beside it.
    # The misplaced finding is marked in the text, its rule's Chinese name beside it, and a
    # passage over several paragraphs is marked in each (no <mark> across </p><p>).
    assert re.search(r'<a class="lint-tag lint-error" href="#diag-\d+">\d+ 整改结果与标题矛盾</a>', page)
    text = page.split('id="lint-text"')[1].split("</section>")[0]
    assert all(p.count("<mark") == p.count("</mark>") for p in text.split("</p>"))
    assert "缺少公开要素" in page  # the list names each rule too


def test_the_notice_form_sets_the_date_written(login, cast, today):
    from xuncha.ledger.models import Notice
    from xuncha.ledger.services import notices

    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    client = login("editor")
    page = client.get(reverse("notice", args=[notice.pk])).content.decode()
    assert 'name="notice_date"' in page and "成文日期" in page
    client.post(reverse("notice-edit", args=[notice.pk]), {
        "overview": "总体情况", "plans": "", "phones": "", "emails": "", "addresses": "",
        "notice_date": "2025-11-18", "version": notice.row_version})
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.doc["notice_date"] == "2025-11-18" and "2025年11月18日" in notice.doc["text"]
    notice = notices.approve(cast.actor("leader"), notice)
    assert notice.doc["notice_date"] == "2025-11-18"  # approval keeps the date written


def test_a_draft_saved_by_someone_else_meanwhile_shows_both_versions_and_keeps_the_typed_text(login, cast,
                                                                                              today):
    from xuncha.ledger.models import Notice

    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    seen = notice.row_version
    form = {"overview": "社区党委召开专题会议部署整改", "plans": "", "phones": "", "emails": "",
            "addresses": "", "notice_date": "", "version": seen}
    assert login("admin").post(reverse("notice-edit", args=[notice.pk]), form).status_code == 302
    client = login("editor")
    response = client.post(reverse("notice-edit", args=[notice.pk]),
                           {**form, "overview": "我刚写的整改工作总体情况", "plans": "下一步持续推进"})
    page = response.content.decode()
    assert response.status_code == 409 and 'id="edit-conflict"' in page
    assert "社区党委召开专题会议部署整改" in page  # the saved version
    assert "我刚写的整改工作总体情况" in page and "下一步持续推进" in page  # the typed text, kept
    current = Notice.objects.get(pk=notice.pk).row_version
    assert current != seen and f'value="{current}"' in page
    # Saving the kept text is a deliberate overwrite: it goes through with the current version.
    client.post(reverse("notice-edit", args=[notice.pk]),
                {**form, "overview": "我刚写的整改工作总体情况", "version": current})
    assert "我刚写的整改工作总体情况" in Notice.objects.get(pk=notice.pk).doc["text"]


def test_every_diagnostic_with_a_passage_has_its_anchor_even_when_passages_overlap():
    from types import SimpleNamespace

    from xuncha.web.views.notices import highlighted

    text = "一、整改情况\n社区党委召开专题会议，研究整改工作。"
    first = SimpleNamespace(span=(7, 20), severity="warning", rule="boilerplate", message="")
    inside = SimpleNamespace(span=(10, 14), severity="warning", rule="numbering", message="")
    html = highlighted(text, [first, inside])
    assert 'id="lint-1"' in html and 'id="lint-2"' in html
    assert html.count('href="#diag-1"') == 1 and html.count('href="#diag-2"') == 1


def test_a_long_passage_is_shown_from_and_to_word_boundaries_and_a_short_one_exactly():
    from xuncha.web.views.notices import _to_words

    text = "二、反馈问题整改情况\n（一）第一议题落实不到位，学习制度执行不严格\n整改结果：已完成。社区党委召开会议。"
    cut = text.index("况")
    assert _to_words(text, (cut, text.index("整改结果") + 2)) == (text.index("反馈"), text.index("："))
    name = text.index("第一议题")
    assert _to_words(text, (name, name + 4)) == (name, name + 4)


def test_an_approved_version_older_than_a_published_one_offers_no_publish_button(login, cast, today):
    older = notices.approve(cast.actor("leader"), notices.draft_from_ledger(cast.actor("editor"), cast.inspection))
    newer = notices.approve(cast.actor("leader"), notices.draft_from_ledger(cast.actor("editor"), cast.inspection))
    admin = login("admin")
    assert 'id="publish-form"' in admin.get(reverse("notice", args=[older.pk])).content.decode()
    notices.publish(cast.actor("admin"), newer, override_reason="测试")
    page = admin.get(reverse("notice", args=[older.pk])).content.decode()
    assert 'id="publish-form"' not in page and 'id="superseded-note"' in page
